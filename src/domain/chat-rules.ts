/**
 * The rules of the project conversation, pure: what a message may hold, which thread it belongs
 * to, and who may change it when. The HTTP schemas and the WebSocket frames both apply them.
 */
import { AppError } from './errors';
import { normalizeLineBreaks, textProblem } from './text-rules';

/** Longest message, in UTF-16 code units (a 10,000-character message in any script fits 64 KiB). */
export const MAX_MESSAGE_LENGTH = 10_000;
/** How long after sending its author may still edit a message. */
export const EDIT_WINDOW_MS = 10 * 60 * 1000;
/** The thread every project has; the others are one per milestone, named by its id. */
export const GENERAL_THREAD = 'general';

export type ChatPartyType = 'freelancer' | 'client';

/** Who is acting in a project's conversation. */
export type ChatActor =
  { type: 'freelancer'; userId: string } | { type: 'client'; projectId: string };

/**
 * A message's text as stored (line breaks as "\n"), or an error naming what is wrong: prose
 * rules (no control characters but tab and line breaks), not blank, at most 10,000 characters.
 */
export function messageText(value: string): string {
  const text = normalizeLineBreaks(value);
  const problem = textProblem(text, 'multi-line');
  if (problem !== null)
    throw new AppError('VALIDATION_FAILED', `text ${problem}`, { field: 'text' });
  if (text.trim() === '')
    throw new AppError('VALIDATION_FAILED', 'text is required', { field: 'text' });
  if (text.length > MAX_MESSAGE_LENGTH) {
    throw new AppError(
      'VALIDATION_FAILED',
      `text must be at most ${MAX_MESSAGE_LENGTH} characters`,
      { field: 'text' },
    );
  }
  return text;
}

export interface MessageFacts {
  authorType: string;
  authorId: string | null;
  kind: 'text' | 'system';
  createdAt: string;
  deletedAt: string | null;
}

/** Whether `actor` wrote the message (the client is whoever holds the project's access). */
export function isAuthor(
  message: MessageFacts,
  actor: { party: ChatPartyType; authorId: string },
): boolean {
  return (
    message.kind === 'text' &&
    message.authorType === actor.party &&
    message.authorId === actor.authorId
  );
}

/** Refuses an edit unless the author makes it within ten minutes of sending, before deleting. */
export function assertMayEdit(
  message: MessageFacts,
  actor: { party: ChatPartyType; authorId: string },
  now: Date,
): void {
  if (!isAuthor(message, actor)) {
    throw new AppError('FORBIDDEN', 'Only its author can edit a message');
  }
  if (message.deletedAt !== null) throw new AppError('CONFLICT', 'This message was deleted');
  if (now.getTime() - Date.parse(message.createdAt) > EDIT_WINDOW_MS) {
    throw new AppError(
      'EDIT_WINDOW_CLOSED',
      'A message can be edited for 10 minutes after sending',
    );
  }
}

/** Refuses a deletion unless the author makes it; deleting twice changes nothing. */
export function assertMayDelete(
  message: MessageFacts,
  actor: { party: ChatPartyType; authorId: string },
): void {
  if (!isAuthor(message, actor)) {
    throw new AppError('FORBIDDEN', 'Only its author can delete a message');
  }
}

/**
 * A token bucket: `ratePerSecond` tokens a second, up to `burst`. take() says whether one more
 * is allowed now, or how many milliseconds until one is.
 */
export class TokenBucket {
  private tokens: number;
  private at: number;

  constructor(
    private readonly ratePerSecond: number,
    private readonly burst: number,
    now: number,
  ) {
    this.tokens = burst;
    this.at = now;
  }

  take(now: number): { ok: true } | { ok: false; retryAfterMs: number } {
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.at) / 1000) * this.ratePerSecond);
    this.at = now;
    if (this.tokens >= 1) {
      this.tokens -= 1;
      return { ok: true };
    }
    return { ok: false, retryAfterMs: Math.ceil(((1 - this.tokens) / this.ratePerSecond) * 1000) };
  }

  /** Full again: the bucket can be forgotten. */
  idle(now: number): boolean {
    return this.tokens + ((now - this.at) / 1000) * this.ratePerSecond >= this.burst;
  }
}
