/**
 * The conversation's shapes: REST bodies and answers, and the WebSocket's frames (both ways).
 */
import { z } from 'zod';
import { MAX_MESSAGE_LENGTH } from '../domain/chat-rules';
import { MAX_STREAM_TAG_LENGTH } from '../domain/stream-resume';
import { id, multilineText, text } from './schemas';

export const thread = z
  .string()
  .regex(
    /^(general|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/i,
    'must be "general" or a milestone id',
  )
  .describe('"general", or the id of a milestone (its thread)');
export const messageText = multilineText(MAX_MESSAGE_LENGTH).refine(
  (t) => t.trim() !== '',
  'is required',
);
const seq = z
  .number()
  .int()
  .min(0)
  .max(2 ** 31);

export const sendMessageBody = z.strictObject({
  id: id.describe('Made by the sender (a UUID): sending it again returns the stored message'),
  thread,
  text: messageText,
  replyTo: id.optional(),
});
export const editMessageBody = z.strictObject({ text: messageText });
export const readBody = z.strictObject({
  thread,
  upTo: seq.describe('The sequence number read up to'),
});
export const messagesQuery = z.object({
  thread: thread.default('general'),
  limit: z.coerce.number().int().min(1).max(200).default(50).describe('Messages per page'),
  before: z.coerce
    .number()
    .int()
    .min(1)
    .max(2 ** 31)
    .optional()
    .describe('The nextCursor of the previous page: messages numbered below it'),
});

export const messageView = z.object({
  id: z.string(),
  seq: z.number(),
  thread: z.string(),
  author: z.enum(['freelancer', 'client', 'system']),
  kind: z.enum(['text', 'system']),
  /** null once deleted (the tombstone keeps who and when). */
  text: z.string().nullable(),
  /** For system entries: { type: file.uploaded | milestone.delivered | payment.received | receipt.issued, … }. */
  event: z.record(z.string(), z.unknown()).nullable(),
  replyTo: z.string().nullable(),
  createdAt: z.string(),
  editedAt: z.string().nullable(),
  deletedAt: z.string().nullable(),
});
export const messageEnvelope = z.object({ message: messageView });
export const messagePage = z.object({
  messages: z.array(messageView),
  nextCursor: z.number().nullable(),
});
export const threadList = z.object({
  lastSeq: z.number().describe("The project's stream is at this number: subscribe since it"),
  threads: z.array(
    z.object({
      id: z.string(),
      milestoneId: z.string().nullable(),
      position: z.number().nullable(),
      title: z.string(),
      lastSeq: z.number(),
      unread: z.number(),
      readUpTo: z.number(),
      seenUpTo: z.number(),
    }),
  ),
});

/** The tag of a stream entry, as the server sent it (base64url). */
const streamTag = text(MAX_STREAM_TAG_LENGTH).regex(/^[\w-]+$/, 'must be an entry’s tag');

/** Frames a WebSocket client sends. */
export const clientFrame = z.discriminatedUnion('type', [
  z.strictObject({
    type: z.literal('subscribe'),
    projectId: id,
    /** The last sequence number seen (0: none; past the head, e.g. 2^31: from the head). */
    since: seq,
    /** The tag of the entry at `since` the client holds: checked, see `subscribed`. */
    tag: streamTag.optional(),
  }),
  z.strictObject({ type: z.literal('unsubscribe'), projectId: id }),
  z.strictObject({
    type: z.literal('send'),
    projectId: id,
    id,
    thread,
    text: messageText,
    replyTo: id.optional(),
  }),
  z.strictObject({ type: z.literal('read'), projectId: id, thread, upTo: seq }),
]);
export type ClientFrame = z.infer<typeof clientFrame>;

/**
 * Frames the server sends over /api/ws. Close codes: 4401 the session ended (logged out,
 * expired, access revoked or reissued) — do not reconnect without logging in again; 4403 no live
 * updates for this project (archived, or not the caller's); 1008 repeated bad frames or floods;
 * 1009 a frame over 64 KiB; 1013 the socket fell too far behind (reconnect with the last seq);
 * 1001 the server is going away. Any other close: reconnect with the last seq seen.
 */
export type ServerFrame =
  /** First frame after the upgrade: who the socket speaks for (a client: their one project). */
  | { type: 'hello'; party: 'freelancer' | 'client'; projectId: string | null }
  /**
   * Subscribed: entries after `since` follow, in order, then live ones; `lastSeq` is the head.
   * `since` is the subscribe's `since`, or the head when that is past it. A subscribe that sent
   * the tag of its entry `since` (since ≥ 1) is checked: if the server has no entry of that
   * number, or one with another tag, the server has lost entries the client holds (a power cut
   * after they were sent) and given their numbers to new ones — then `resync` is true, `since`
   * is the head, and the client must refresh all it shows from the REST API. `tag` is the tag of
   * the entry at `since` (null at 0 and on entries from before tags): send it next time.
   */
  | {
      type: 'subscribed';
      projectId: string;
      since: number;
      lastSeq: number;
      resync: boolean;
      tag: string | null;
    }
  | { type: 'unsubscribed'; projectId: string }
  /** One entry of the project's stream, each sequence number once, in order. */
  | {
      type: 'entry';
      projectId: string;
      seq: number;
      /** message.created | message.edited | message.deleted | thread.read | terms.accepted | … */
      event: string;
      thread: string | null;
      /** The message as it stands now (message.* entries; system entries included). */
      message: z.infer<typeof messageView> | null;
      data: Record<string, unknown>;
      at: string;
      /** Random per entry (null on entries from before tags): subscribe with the last one's. */
      tag: string | null;
    }
  /** A `send` was stored (created) or had been already (a retry): the message's number. */
  | { type: 'sent'; id: string; seq: number; created: boolean }
  /** A `read` moved (or kept) the caller's marker. */
  | { type: 'read'; projectId: string; thread: string; upTo: number }
  /** A frame was refused; `ref` names the message id or project it was about. */
  | {
      type: 'error';
      code: string;
      message: string;
      ref?: string;
      field?: string;
      retryAfterSeconds?: number;
    };
