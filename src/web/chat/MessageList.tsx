/**
 * A thread's messages, oldest at the top: older pages on request, day separators, author and
 * time, replies quoted, edits and deletions shown, system entries set apart, and "Seen" under
 * the last own message the other party has read. Text is rendered as text; only web and mail
 * addresses become links.
 */
import Linkify from 'linkify-react';
import type { Opts } from 'linkifyjs';
import { AlertDialog } from 'radix-ui';
import { useEffect, useLayoutEffect, useRef, useState } from 'react';
import { formatBytes, formatMoney } from '../format';
import type { ChatMessage } from './chat-api';
import type { Party } from './ChatPanel';
import { useChatIntl, useT, type Translate } from './text';
import type { Chat } from './use-chat';
import type { QueuedMessage } from './outbox';

/** A message can be edited this long after it was sent (the server holds the same rule). */
export const EDIT_WINDOW_MS = 10 * 60_000;

const LINK_OPTIONS: Opts = {
  defaultProtocol: 'https',
  target: '_blank',
  rel: 'noopener noreferrer nofollow',
  // Web and mail addresses only: anything naming another scheme stays text.
  validate: {
    url: (value: string) =>
      /^(https?:\/\/|www\.)/i.test(value) || !/^[a-z][a-z0-9+.-]*:/i.test(value),
  },
};

function dayKey(iso: string): string {
  const d = new Date(iso);
  return `${d.getFullYear()}-${d.getMonth()}-${d.getDate()}`;
}

function excerpt(text: string, length = 120): string {
  return text.length > length ? `${text.slice(0, length)}…` : text;
}

export function systemText(t: Translate, message: ChatMessage): string {
  const e = message.event ?? {};
  const str = (v: unknown) => (typeof v === 'string' ? v : '');
  const num = (v: unknown) => (typeof v === 'number' ? v : 0);
  switch (e.type) {
    case 'file.uploaded':
      return t('chat.sys.fileUploaded', { name: str(e.name), size: formatBytes(num(e.size)) });
    case 'milestone.delivered':
      return typeof e.round === 'number'
        ? t('chat.sys.deliveredAgain', {
            position: num(e.position),
            title: str(e.title),
            round: e.round,
          })
        : t('chat.sys.delivered', { position: num(e.position), title: str(e.title) });
    case 'milestone.approved':
      return t('chat.sys.approved', { position: num(e.position), title: str(e.title) });
    case 'revision.requested':
      return t('chat.sys.revisionRequested', {
        round: num(e.round),
        rounds: num(e.rounds),
        position: num(e.position),
        title: str(e.title),
        note: excerpt(str(e.note)),
      });
    case 'file.superseded':
      return t('chat.sys.fileSuperseded', { name: str(e.name) });
    case 'review.reminder':
      return t('chat.sys.reviewReminder', {
        position: num(e.position),
        title: str(e.title),
        days: num(e.days),
      });
    case 'payment.received':
      return t('chat.sys.paymentReceived', {
        amount: formatMoney(num(e.amountMinor), str(e.currency)),
      });
    case 'payment.reminder':
    case 'payment.overdue':
      return t(
        e.type === 'payment.reminder' ? 'chat.sys.paymentReminder' : 'chat.sys.paymentOverdue',
        {
          amount: formatMoney(num(e.amountMinor), str(e.currency)),
        },
      );
    case 'receipt.issued':
      return t('chat.sys.receiptIssued', { number: str(e.number) || String(num(e.number)) });
    case 'change_order.proposed':
    case 'change_order.accepted':
    case 'change_order.declined':
    case 'change_order.withdrawn':
      return t('chat.sys.changeOrder', {
        number: num(e.number),
        event: e.type.slice('change_order.'.length),
        total: formatMoney(num(e.totalAfterMinor), str(e.currency)),
      });
    case 'dispute.step': {
      const where = { position: num(e.position), title: str(e.title) };
      if (e.chargeback === true && e.step === 'opened') return t('chat.sys.chargeback', where);
      const r = (e.resolution ?? {}) as Record<string, unknown>;
      const applied = (e.applied ?? {}) as Record<string, unknown>;
      return t('chat.sys.dispute', {
        ...where,
        step: str(e.step),
        party: str(e.party),
        kind: str(r.kind),
        applied: str(applied.kind),
        date: str(r.dueDate),
        amount: formatMoney(num(r.amountMinor ?? r.clientPaysMinor), str(e.currency) || 'EUR'),
      });
    }
    default:
      return t('chat.sys.other');
  }
}

export function MessageList({
  chat,
  me,
  label,
  seenUpTo,
  shown,
  authorName,
  onReply,
  onEdit,
}: {
  chat: Chat;
  me: Party;
  label: string;
  seenUpTo: number;
  shown: boolean;
  authorName: (message: ChatMessage) => string;
  onReply: (message: ChatMessage) => void;
  onEdit: (message: ChatMessage) => void;
}) {
  const t = useT();
  const intl = useChatIntl();
  const { messages, list, outbox, thread, markRead } = chat;
  const box = useRef<HTMLDivElement>(null);
  const pending = outbox.queue.filter(
    (q) => q.thread === thread && !list.some((m) => m.id === q.id),
  );
  const newest = list[list.length - 1];
  const oldest = list[0];
  const lastOwn = [...list].reverse().find((m) => m.author === me && m.deletedAt === null);

  // Keep the view where the reader is: at the bottom for new messages (if they were there),
  // at the same message when older ones are added above.
  const scroll = useRef({ oldest: '', newest: '', pending: 0, height: 0, atBottom: true });
  useLayoutEffect(() => {
    const el = box.current;
    if (el === null) return;
    const before = scroll.current;
    const olderAdded = oldest !== undefined && before.oldest !== '' && oldest.id !== before.oldest;
    if (olderAdded && newest?.id === before.newest) {
      el.scrollTop += el.scrollHeight - before.height;
    } else if (
      before.atBottom ||
      pending.length > before.pending ||
      (newest !== undefined && newest.id !== before.newest && newest.author === me)
    ) {
      el.scrollTop = el.scrollHeight;
    }
    scroll.current = {
      oldest: oldest?.id ?? '',
      newest: newest?.id ?? '',
      pending: pending.length,
      height: el.scrollHeight,
      atBottom: true,
    };
  });
  function onScroll() {
    const el = box.current;
    if (el === null) return;
    scroll.current.atBottom = el.scrollHeight - el.scrollTop - el.clientHeight < 40;
    scroll.current.height = el.scrollHeight;
  }

  // Shown to the person (panel open, tab visible): read up to the newest message.
  const [visible, setVisible] = useState(() => document.visibilityState === 'visible');
  useEffect(() => {
    const onChange = () => setVisible(document.visibilityState === 'visible');
    document.addEventListener('visibilitychange', onChange);
    return () => document.removeEventListener('visibilitychange', onChange);
  }, []);
  const newestSeq = newest?.seq ?? 0;
  useEffect(() => {
    if (shown && visible && newestSeq > 0) markRead(thread, newestSeq);
  }, [shown, visible, newestSeq, thread, markRead]);

  const items: React.ReactNode[] = [];
  let day = '';
  const today = dayKey(new Date().toISOString());
  const yesterday = dayKey(new Date(Date.now() - 86_400_000).toISOString());
  function separator(iso: string) {
    const key = dayKey(iso);
    if (key === day) return;
    day = key;
    const name =
      key === today
        ? t('chat.today')
        : key === yesterday
          ? t('chat.yesterday')
          : intl.formatDate(iso, { dateStyle: 'long' });
    items.push(
      <li key={`day-${key}`} className="chat-day">
        <span>{name}</span>
      </li>,
    );
  }
  for (const message of list) {
    separator(message.createdAt);
    items.push(
      <MessageItem
        key={message.id}
        message={message}
        me={me}
        chat={chat}
        quoted={message.replyTo ? list.find((m) => m.id === message.replyTo) : undefined}
        seen={message.id === lastOwn?.id && message.seq <= seenUpTo}
        authorName={authorName}
        onReply={onReply}
        onEdit={onEdit}
      />,
    );
  }
  for (const queued of pending) {
    separator(queued.writtenAt);
    items.push(<PendingItem key={queued.id} queued={queued} chat={chat} />);
  }

  return (
    <div
      className="chat-scroll"
      ref={box}
      onScroll={onScroll}
      tabIndex={0}
      role="region"
      aria-label={label}
    >
      {messages.isPending ? (
        <p className="muted">{t('chat.loading')}</p>
      ) : messages.error ? (
        <p className="banner banner-error" role="alert">
          {t('chat.loadFailed', { reason: messages.error.message })}
        </p>
      ) : messages.hasNextPage ? (
        <button
          type="button"
          className="button-secondary chat-older"
          disabled={messages.isFetchingNextPage}
          onClick={() => void messages.fetchNextPage()}
        >
          {messages.isFetchingNextPage ? t('chat.olderLoading') : t('chat.older')}
        </button>
      ) : list.length > 0 ? (
        <p className="muted chat-beginning">{t('chat.beginning')}</p>
      ) : null}
      {messages.isSuccess && list.length === 0 && pending.length === 0 ? (
        <p className="muted">{t('chat.empty')}</p>
      ) : null}
      <ol className="chat-list">{items}</ol>
    </div>
  );
}

function MessageItem({
  message,
  me,
  chat,
  quoted,
  seen,
  authorName,
  onReply,
  onEdit,
}: {
  message: ChatMessage;
  me: Party;
  chat: Chat;
  quoted: ChatMessage | undefined;
  seen: boolean;
  authorName: (message: ChatMessage) => string;
  onReply: (message: ChatMessage) => void;
  onEdit: (message: ChatMessage) => void;
}) {
  const t = useT();
  const intl = useChatIntl();
  const [error, setError] = useState<string | null>(null);
  const own = message.author === me;
  const system = message.kind === 'system';
  const deleted = message.deletedAt !== null;
  const editable =
    own && !deleted && !system && Date.now() - Date.parse(message.createdAt) < EDIT_WINDOW_MS;
  const who = system ? 'system' : own ? 'own' : 'other';

  return (
    <li className={`chat-msg chat-${who}`} data-testid="chat-message">
      <p className="chat-meta">
        <span className="chat-author">{authorName(message)}</span>{' '}
        <time dateTime={message.createdAt}>
          {intl.formatTime(message.createdAt, { hour: 'numeric', minute: '2-digit' })}
        </time>
        {message.editedAt !== null && !deleted ? (
          <span className="chat-edited"> · {t('chat.edited')}</span>
        ) : null}
      </p>
      {message.replyTo !== null && !deleted ? (
        <blockquote className="chat-quote">
          {quoted ? (
            <>
              <span className="chat-quote-who">
                {t('chat.inReplyTo', { name: authorName(quoted) })}
              </span>{' '}
              {quoted.text !== null ? (
                <bdi>{excerpt(quoted.text)}</bdi>
              ) : (
                <span>{t('chat.deleted')}</span>
              )}
            </>
          ) : (
            <span className="chat-quote-who">{t('chat.quoteGone')}</span>
          )}
        </blockquote>
      ) : null}
      {deleted ? (
        <p className="chat-text chat-deleted">{t('chat.deleted')}</p>
      ) : system ? (
        <p className="chat-text">
          <bdi>{systemText(t, message)}</bdi>
        </p>
      ) : (
        <p className="chat-text">
          <bdi>
            <Linkify options={LINK_OPTIONS}>{message.text}</Linkify>
          </bdi>
        </p>
      )}
      {!deleted && !system ? (
        <div className="chat-actions">
          <button type="button" className="chat-action" onClick={() => onReply(message)}>
            {t('chat.reply')}
          </button>
          {editable ? (
            <button type="button" className="chat-action" onClick={() => onEdit(message)}>
              {t('chat.edit')}
            </button>
          ) : null}
          {own ? (
            <AlertDialog.Root>
              <AlertDialog.Trigger className="chat-action">{t('chat.delete')}</AlertDialog.Trigger>
              <AlertDialog.Portal>
                <AlertDialog.Overlay className="chat-overlay chat-overlay-top" />
                <AlertDialog.Content className="chat-confirm">
                  <AlertDialog.Title>{t('chat.deleteTitle')}</AlertDialog.Title>
                  <AlertDialog.Description>{t('chat.deleteConfirm')}</AlertDialog.Description>
                  <div className="actions">
                    <AlertDialog.Cancel className="button-secondary">
                      {t('chat.cancel')}
                    </AlertDialog.Cancel>
                    <AlertDialog.Action
                      className="button-danger"
                      onClick={() => {
                        setError(null);
                        chat.remove(message.id).catch((err: unknown) => {
                          setError(err instanceof Error ? err.message : String(err));
                        });
                      }}
                    >
                      {t('chat.delete')}
                    </AlertDialog.Action>
                  </div>
                </AlertDialog.Content>
              </AlertDialog.Portal>
            </AlertDialog.Root>
          ) : null}
        </div>
      ) : null}
      {error !== null ? (
        <p className="chat-error" role="alert">
          {error}
        </p>
      ) : null}
      {seen ? (
        <p className="chat-seen" data-testid="chat-seen">
          {t('chat.seen')}
        </p>
      ) : null}
    </li>
  );
}

function PendingItem({ queued, chat }: { queued: QueuedMessage; chat: Chat }) {
  const t = useT();
  const state = chat.outbox.states[queued.id] ?? { status: 'queued' as const };
  return (
    <li className="chat-msg chat-own chat-pending" data-testid="chat-pending">
      <p className="chat-meta">
        <span className="chat-author">{t('chat.you')}</span>{' '}
        <span className="visually-hidden">{t('chat.pendingLabel')}</span>
      </p>
      <p className="chat-text">
        <bdi>{queued.text}</bdi>
      </p>
      <p className="chat-status">
        {state.status === 'sending'
          ? t('chat.sending')
          : state.status === 'queued'
            ? t('chat.queued')
            : t('chat.failed', { reason: state.reason })}
      </p>
      {state.status === 'failed' ? (
        <div className="chat-actions">
          <button
            type="button"
            className="chat-action"
            onClick={() => chat.outbox.retry(queued.id)}
          >
            {t('chat.retry')}
          </button>
          <button
            type="button"
            className="chat-action"
            onClick={() => chat.outbox.discard(queued.id)}
          >
            {t('chat.discard')}
          </button>
        </div>
      ) : null}
    </li>
  );
}
