/**
 * Writing a message: Enter sends, Shift+Enter starts a new line, the count appears near the
 * 10,000-character limit. The draft of each thread is kept in this browser until sent; a reply
 * quotes its message; editing replaces the text of one's own recent message.
 */
import { useEffect, useState, type FormEvent, type KeyboardEvent } from 'react';
import { toApiError } from '../hooks';
import type { ChatMessage } from './chat-api';
import { loadDraft, saveDraft } from './outbox';
import { useT } from './text';
import type { Chat } from './use-chat';

export const MAX_LENGTH = 10_000;
/** The count shows from this many characters on. */
const COUNT_FROM = 9_000;

export type ComposerMode =
  | { kind: 'new' }
  | { kind: 'reply'; message: ChatMessage }
  | { kind: 'edit'; message: ChatMessage };

export function Composer({
  chat,
  mode,
  authorName,
  onDone,
}: {
  chat: Chat;
  mode: ComposerMode;
  authorName: (message: ChatMessage) => string;
  onDone: () => void;
}) {
  const t = useT();
  const { realm, projectId, thread } = chat;
  const [draft, setDraft] = useState(() => loadDraft(realm, projectId, thread));
  const [editText, setEditText] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const editing = mode.kind === 'edit' ? mode.message : null;

  useEffect(() => {
    if (editing !== null) setEditText(editing.text ?? '');
    setError(null);
  }, [editing]);

  const text = editing !== null ? editText : draft;
  const blank = text.trim() === '';
  const over = text.length - MAX_LENGTH;

  function change(value: string) {
    if (editing !== null) {
      setEditText(value);
      return;
    }
    setDraft(value);
    saveDraft(realm, projectId, thread, value);
  }

  async function submit() {
    if (blank || over > 0 || saving) return;
    if (editing !== null) {
      setSaving(true);
      setError(null);
      try {
        await chat.edit(editing.id, editText);
        onDone();
      } catch (err) {
        setError(t('chat.editFailed', { reason: toApiError(err).message }));
      } finally {
        setSaving(false);
      }
      return;
    }
    chat.send({
      thread,
      text: draft,
      ...(mode.kind === 'reply' ? { replyTo: mode.message.id } : {}),
    });
    setDraft('');
    saveDraft(realm, projectId, thread, '');
    onDone();
  }

  function onSubmit(event: FormEvent) {
    event.preventDefault();
    void submit();
  }

  function onKeyDown(event: KeyboardEvent<HTMLTextAreaElement>) {
    if (event.key === 'Enter' && !event.shiftKey && !event.nativeEvent.isComposing) {
      event.preventDefault();
      void submit();
    } else if (event.key === 'Escape' && mode.kind !== 'new') {
      event.preventDefault();
      event.stopPropagation();
      onDone();
    }
  }

  return (
    <form className="chat-composer" onSubmit={onSubmit}>
      {mode.kind !== 'new' ? (
        <div className="chat-context">
          <span>
            {mode.kind === 'reply'
              ? t('chat.replyingTo', { name: authorName(mode.message) })
              : t('chat.editing')}
            {mode.message.text !== null ? (
              <>
                {': '}
                <bdi className="chat-context-text">{mode.message.text.slice(0, 80)}</bdi>
              </>
            ) : null}
          </span>
          <button type="button" className="chat-action" onClick={onDone}>
            {mode.kind === 'reply' ? t('chat.cancelReply') : t('chat.cancelEdit')}
          </button>
        </div>
      ) : null}
      <label htmlFor="chat-composer" className="visually-hidden">
        {t('chat.composer')}
      </label>
      <textarea
        id="chat-composer"
        className="chat-input"
        rows={2}
        value={text}
        placeholder={t('chat.composer')}
        aria-describedby="chat-composer-hint chat-composer-count"
        aria-invalid={over > 0 ? true : undefined}
        onChange={(event) => change(event.target.value)}
        onKeyDown={onKeyDown}
      />
      <div className="chat-composer-foot">
        <span id="chat-composer-hint" className="muted chat-hint">
          {t('chat.composerHint')}
        </span>
        <span
          id="chat-composer-count"
          className={over > 0 ? 'chat-count chat-count-over' : 'chat-count'}
        >
          {text.length >= COUNT_FROM
            ? over > 0
              ? t('chat.over', { count: over })
              : t('chat.left', { count: MAX_LENGTH - text.length })
            : ''}
        </span>
        <button type="submit" disabled={blank || over > 0 || saving}>
          {editing !== null ? t('chat.save') : t('chat.send')}
        </button>
      </div>
      {error !== null ? (
        <p className="chat-error" role="alert">
          {error}
        </p>
      ) : null}
    </form>
  );
}
