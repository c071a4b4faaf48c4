/** The conversation's contract as the tests read it, and small helpers shared by chat suites. */
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { type Actor, expectStatus } from './harness';

export const Message = z.object({
  id: z.string(),
  seq: z.number().int().min(1),
  thread: z.string(),
  author: z.enum(['freelancer', 'client', 'system']),
  kind: z.enum(['text', 'system']),
  text: z.string().nullable(),
  event: z.record(z.string(), z.unknown()).nullable(),
  replyTo: z.string().nullable(),
  createdAt: z.string(),
  editedAt: z.string().nullable(),
  deletedAt: z.string().nullable(),
});
export type Message = z.infer<typeof Message>;
export const MessageEnvelope = z.object({ message: Message });
export const MessagePage = z.object({
  messages: z.array(Message),
  nextCursor: z.number().nullable(),
});
export const ThreadList = z.object({
  lastSeq: z.number(),
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

/** Where an actor's conversation lives: the freelancer's project routes, or the portal's. */
export function chatBase(actor: Actor, projectId: string): string {
  return actor.cookie('mp_client') !== undefined && actor.cookie('mp_session') === undefined
    ? '/api/portal'
    : `/api/projects/${projectId}`;
}

export async function send(
  actor: Actor,
  projectId: string,
  text: string,
  extra: { thread?: string; id?: string; replyTo?: string } = {},
): Promise<Message> {
  const res = await actor.post(`${chatBase(actor, projectId)}/messages`, {
    id: extra.id ?? randomUUID(),
    thread: extra.thread ?? 'general',
    text,
    ...(extra.replyTo !== undefined && { replyTo: extra.replyTo }),
  });
  return expectStatus(res, 201, MessageEnvelope).message;
}

export async function threadMessages(
  actor: Actor,
  projectId: string,
  thread = 'general',
  query = '',
): Promise<z.infer<typeof MessagePage>> {
  const res = await actor.get(
    `${chatBase(actor, projectId)}/messages?thread=${thread}${query === '' ? '' : `&${query}`}`,
  );
  return expectStatus(res, 200, MessagePage);
}

export async function threads(
  actor: Actor,
  projectId: string,
): Promise<z.infer<typeof ThreadList>> {
  return expectStatus(await actor.get(`${chatBase(actor, projectId)}/threads`), 200, ThreadList);
}

/** The item at `index`, failing the test when there is none. */
export function at<T>(items: readonly T[], index: number): T {
  const item = items[index];
  if (item === undefined) throw new Error(`no item at ${index} of ${items.length}`);
  return item;
}
