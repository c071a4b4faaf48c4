/**
 * The conversation's shapes: REST bodies and answers, and the WebSocket's frames (both ways).
 */
import { z } from 'zod';
import { MAX_MESSAGE_LENGTH } from '../domain/chat-rules';
import { id, multilineText } from './schemas';

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

/** Frames a WebSocket client sends. */
export const clientFrame = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('subscribe'), projectId: id, since: seq }),
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
