/**
 * Choosing chat messages to cite in a dispute statement: the milestone's thread and the general
 * thread, newest first, each message a checkbox labelled with its author, time and first words.
 * Closed until asked for, so the statement form stays short on a phone; the threads are read
 * only then. Deleted messages and the threads' system entries are not offered.
 */
import { useInfiniteQuery } from '@tanstack/react-query';
import { useId, useState, type ReactNode } from 'react';
import type { ChatApi, ChatMessage } from '../chat/chat-api';
import { useT } from '../i18n';
import { useFormat } from '../i18n/format';

/** As many as the server takes in one statement. */
export const MAX_CITED = 20;
/** Characters of a message shown in the picker and the history (the server cuts alike). */
export const EXCERPT_CHARS = 160;

export function excerptOf(text: string): string {
  const chars = Array.from(text.trim());
  return chars.length <= EXCERPT_CHARS
    ? chars.join('')
    : `${chars.slice(0, EXCERPT_CHARS).join('').trimEnd()}…`;
}

export interface PickerThread {
  id: string;
  /** The legend of its group (user text in it already in <bdi>). */
  label: ReactNode;
}

export function MessagePicker(props: {
  chat: ChatApi;
  /** Separates the cache of one realm and project from another's. */
  cacheKey: readonly string[];
  threads: readonly PickerThread[];
  who: (author: 'freelancer' | 'client') => string;
  chosen: ReadonlySet<string>;
  onChange: (chosen: ReadonlySet<string>) => void;
}) {
  const t = useT();
  const [open, setOpen] = useState(false);
  const regionId = useId();
  return (
    <div className="stack-tight cite-picker">
      <button
        type="button"
        className="button-secondary"
        aria-expanded={open}
        aria-controls={regionId}
        onClick={() => setOpen(!open)}
      >
        {t('disputes.cite.button', { count: props.chosen.size })}
      </button>
      <div id={regionId} hidden={!open} className="stack-tight">
        {open ? (
          <>
            <p className="muted">{t('disputes.cite.hint', { max: MAX_CITED })}</p>
            {props.threads.map((thread) => (
              <ThreadChoices key={thread.id} {...props} thread={thread} />
            ))}
          </>
        ) : null}
      </div>
    </div>
  );
}

function ThreadChoices(props: {
  chat: ChatApi;
  cacheKey: readonly string[];
  thread: PickerThread;
  who: (author: 'freelancer' | 'client') => string;
  chosen: ReadonlySet<string>;
  onChange: (chosen: ReadonlySet<string>) => void;
}) {
  const { chat, thread, chosen } = props;
  const t = useT();
  const f = useFormat();
  const query = useInfiniteQuery({
    queryKey: [...props.cacheKey, 'citable', thread.id],
    queryFn: ({ pageParam }) => chat.messages(thread.id, pageParam),
    initialPageParam: undefined as number | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
  // Newest first: the pages come newest page first, each oldest first.
  const messages: ChatMessage[] = (query.data?.pages ?? [])
    .flatMap((page) => [...page.messages].reverse())
    .filter((m) => m.kind === 'text' && m.deletedAt === null && m.text !== null);
  const full = chosen.size >= MAX_CITED;
  return (
    <fieldset className="stack-tight" aria-busy={query.isPending}>
      <legend>{thread.label}</legend>
      {query.isPending ? (
        <p className="muted">{t('disputes.cite.loading')}</p>
      ) : query.isError ? (
        <p role="alert">{t('disputes.cite.failed')}</p>
      ) : messages.length === 0 ? (
        <p className="muted">{t('disputes.cite.none')}</p>
      ) : (
        <ul className="cite-list">
          {messages.map((m) => {
            const checked = chosen.has(m.id);
            return (
              <li key={m.id}>
                <label className="cite-choice" data-testid={`cite-${m.id}`}>
                  <input
                    type="checkbox"
                    checked={checked}
                    disabled={!checked && full}
                    onChange={(e) => {
                      const next = new Set(chosen);
                      if (e.target.checked) next.add(m.id);
                      else next.delete(m.id);
                      props.onChange(next);
                    }}
                  />
                  <span className="cite-body">
                    <span className="cite-meta">
                      {t('disputes.cite.meta', {
                        who: props.who(m.author === 'client' ? 'client' : 'freelancer'),
                        time: f.dateTime(m.createdAt),
                        edited: m.editedAt === null ? 'no' : 'yes',
                      })}
                    </span>{' '}
                    <bdi className="cite-excerpt">{excerptOf(m.text ?? '')}</bdi>
                  </span>
                </label>
              </li>
            );
          })}
        </ul>
      )}
      {query.hasNextPage ? (
        <button
          type="button"
          className="button-secondary"
          disabled={query.isFetchingNextPage}
          onClick={() => void query.fetchNextPage()}
        >
          {t('disputes.cite.earlier')}
        </button>
      ) : null}
    </fieldset>
  );
}
