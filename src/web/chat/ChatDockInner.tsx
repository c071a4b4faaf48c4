/**
 * The conversation beside the page on a wide screen, or behind a "Messages" button (with the
 * unread count) as a drawer on a phone. The state lives here, so the badge, the announcements and
 * the sending of queued messages go on while the drawer is closed.
 */
import { Dialog } from 'radix-ui';
import { useEffect, useRef, useState, useSyncExternalStore } from 'react';
import type { ChatRealm, ChatMessage } from './chat-api';
import { ChatPanel, threadName } from './ChatPanel';
import { useT } from './text';
import { useChat, type Chat } from './use-chat';

/** From this width the panel sits beside the page instead of in a drawer. */
const WIDE = '(min-width: 1100px)';

function useMedia(query: string): boolean {
  return useSyncExternalStore(
    (onChange) => {
      const list = window.matchMedia(query);
      list.addEventListener('change', onChange);
      return () => list.removeEventListener('change', onChange);
    },
    () => window.matchMedia(query).matches,
    () => false,
  );
}

export function ChatDockInner({
  realm,
  projectId,
  otherName,
}: {
  realm: ChatRealm;
  projectId: string;
  otherName: string;
}) {
  const t = useT();
  const chat = useChat(realm, projectId);
  const wide = useMedia(WIDE);
  const [open, setOpen] = useState(false);
  const announcement = useAnnouncements(chat, realm, otherName);
  const unread = (chat.threads.data?.threads ?? []).reduce((a, th) => a + th.unread, 0);
  const me = realm === 'app' ? 'freelancer' : 'client';
  const liveRegion = (
    <p className="visually-hidden" role="status" aria-live="polite" data-testid="chat-announcer">
      {announcement}
    </p>
  );

  if (wide) {
    return (
      <aside className="chat-dock" aria-labelledby="chat-heading">
        <ChatPanel
          chat={chat}
          me={me}
          otherName={otherName}
          shown
          heading={<h2 id="chat-heading">{t('chat.heading')}</h2>}
        />
        {liveRegion}
      </aside>
    );
  }
  return (
    <Dialog.Root open={open} onOpenChange={setOpen}>
      <Dialog.Trigger className="chat-fab">
        {t('chat.open')}
        {unread > 0 ? (
          <span className="chat-badge" data-testid="chat-unread">
            <span aria-hidden="true">{unread}</span>
            <span className="visually-hidden">{t('chat.openUnread', { count: unread })}</span>
          </span>
        ) : null}
      </Dialog.Trigger>
      {open ? null : liveRegion}
      <Dialog.Portal>
        <Dialog.Overlay className="chat-overlay" />
        <Dialog.Content
          className="chat-drawer"
          onOpenAutoFocus={(event) => {
            const box = document.getElementById('chat-composer');
            if (box !== null) {
              event.preventDefault();
              box.focus();
            }
          }}
        >
          <Dialog.Description className="visually-hidden">
            {t('chat.dialogDescription')}
          </Dialog.Description>
          <ChatPanel
            chat={chat}
            me={me}
            otherName={otherName}
            shown={open}
            heading={
              <div className="chat-drawer-head">
                <Dialog.Title asChild>
                  <h2>{t('chat.heading')}</h2>
                </Dialog.Title>
                <Dialog.Close className="button-secondary chat-close">
                  {t('chat.close')}
                </Dialog.Close>
              </div>
            }
          />
          {liveRegion}
        </Dialog.Content>
      </Dialog.Portal>
    </Dialog.Root>
  );
}

/**
 * What a screen reader hears: a new message from the other party in the thread on screen (with
 * its text), or in another thread (where). Nothing for history loaded or one's own messages.
 */
function useAnnouncements(chat: Chat, realm: ChatRealm, otherName: string): string {
  const t = useT();
  const [said, setSaid] = useState('');
  const me = realm === 'app' ? 'freelancer' : 'client';

  const newestSeen = useRef(new Map<string, number>());
  const { list, thread, messages } = chat;
  useEffect(() => {
    if (!messages.isSuccess) return;
    const newest = list.reduce((a, m) => Math.max(a, m.seq), 0);
    const before = newestSeen.current.get(thread);
    newestSeen.current.set(thread, Math.max(before ?? 0, newest));
    if (before === undefined) return;
    const fresh = list.filter(
      (m: ChatMessage) => m.seq > before && m.author !== me && m.author !== 'system' && m.text,
    );
    const last = fresh[fresh.length - 1];
    if (last?.text) {
      const text = last.text.length > 200 ? `${last.text.slice(0, 200)}…` : last.text;
      setSaid(t('chat.announceNew', { name: otherName, text }));
    }
  }, [list, thread, messages.isSuccess, me, otherName, t]);

  const unreadSeen = useRef<Map<string, number> | null>(null);
  const threadList = chat.threads.data?.threads;
  useEffect(() => {
    if (threadList === undefined) return;
    const before = unreadSeen.current;
    unreadSeen.current = new Map(threadList.map((th) => [th.id, th.unread]));
    if (before === null) return;
    const grown = threadList.find((th) => th.id !== thread && th.unread > (before.get(th.id) ?? 0));
    if (grown !== undefined) {
      setSaid(t('chat.announceElsewhere', { name: otherName, thread: threadName(t, grown) }));
    }
  }, [threadList, thread, otherName, t]);

  return said;
}
