/** The conversation: the connection banner, the thread switcher, the messages and the composer. */
import { useState, type ReactNode } from 'react';
import type { ChatMessage, ThreadSummary } from './chat-api';
import { Composer, type ComposerMode } from './Composer';
import { MessageList } from './MessageList';
import { useT, type Translate } from './text';
import type { Chat } from './use-chat';

export type Party = 'freelancer' | 'client';

export function threadName(t: Translate, thread: ThreadSummary): string {
  return thread.position === null
    ? t('chat.thread.general')
    : t('chat.thread.milestone', { position: thread.position, title: thread.title });
}

export function ChatPanel({
  chat,
  me,
  otherName,
  shown,
  heading,
}: {
  chat: Chat;
  me: Party;
  otherName: string;
  /** Whether the person can see the messages now (marks them read). */
  shown: boolean;
  heading: ReactNode;
}) {
  const t = useT();
  const [mode, setMode] = useState<ComposerMode>({ kind: 'new' });
  const threads = chat.threads.data?.threads ?? [];
  const current = threads.find((th) => th.id === chat.thread);

  function choose(id: string) {
    setMode({ kind: 'new' });
    chat.setThread(id);
  }

  function authorName(message: ChatMessage): string {
    if (message.author === 'system') return t('chat.system');
    return message.author === me ? t('chat.you') : otherName;
  }

  return (
    <div className="chat-panel">
      {heading}
      {chat.connection !== 'online' ? (
        <p className="banner banner-info chat-banner" role="status" data-testid="chat-connection">
          {chat.connection === 'offline' ? t('chat.offline') : t('chat.reconnecting')}
        </p>
      ) : null}
      {threads.length > 1 ? (
        <div className="chat-threads" role="group" aria-label={t('chat.threads')}>
          {threads.map((th) => (
            <button
              key={th.id}
              type="button"
              className="chat-thread"
              aria-pressed={th.id === chat.thread}
              onClick={() => choose(th.id)}
            >
              <bdi>{threadName(t, th)}</bdi>
              {th.unread > 0 && th.id !== chat.thread ? (
                <span className="chat-badge">
                  <span aria-hidden="true">{th.unread}</span>
                  <span className="visually-hidden">
                    {t('chat.thread.unread', { count: th.unread })}
                  </span>
                </span>
              ) : null}
            </button>
          ))}
        </div>
      ) : null}
      <MessageList
        key={`list-${chat.thread}`}
        chat={chat}
        me={me}
        label={t('chat.log', {
          thread: current ? threadName(t, current) : t('chat.thread.general'),
        })}
        seenUpTo={current?.seenUpTo ?? 0}
        shown={shown}
        authorName={authorName}
        onReply={(message) => {
          setMode({ kind: 'reply', message });
          document.getElementById('chat-composer')?.focus();
        }}
        onEdit={(message) => {
          setMode({ kind: 'edit', message });
          document.getElementById('chat-composer')?.focus();
        }}
      />
      <Composer
        key={`composer-${chat.thread}`}
        chat={chat}
        mode={mode}
        authorName={authorName}
        onDone={() => setMode({ kind: 'new' })}
      />
    </div>
  );
}
