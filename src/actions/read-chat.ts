import { listReadMarkers, listThreadMessages, threadCounts } from '../db/queries/chat';
import type { ChatMessageRow } from '../db/schema';
import { GENERAL_THREAD, type ChatActor } from '../domain/chat-rules';
import { assertThread, readConversation } from './chat-access';
import type { ActionContext } from './context';

/** A page of a thread's messages, oldest first, and the cursor of the page before it. */
export async function listMessages(
  options: Pick<ActionContext, 'db'> & {
    actor: ChatActor;
    projectId: string;
    thread: string;
    before: number | undefined;
    limit: number;
  },
): Promise<{ messages: ChatMessageRow[]; nextCursor: number | null }> {
  const conversation = await readConversation(options.db, options.actor, options.projectId);
  assertThread(conversation, options.thread);
  const page = await listThreadMessages(options.db, conversation.project.id, options.thread, {
    before: options.before,
    limit: options.limit,
  });
  const first = page.messages[0];
  return { messages: page.messages, nextCursor: page.more && first ? first.seq : null };
}

export interface ThreadSummary {
  id: string;
  milestoneId: string | null;
  position: number | null;
  title: string;
  /** The newest message's sequence number (0 when the thread is empty). */
  lastSeq: number;
  /** Messages the caller did not write and has not read (deleted ones not counted). */
  unread: number;
  /** The caller's read marker. */
  readUpTo: number;
  /** The other party's read marker: what they have seen. */
  seenUpTo: number;
}

/** The project's threads with the caller's unread counts and both read markers. */
export async function listThreads(
  options: Pick<ActionContext, 'db'> & { actor: ChatActor; projectId: string },
): Promise<{ lastSeq: number; threads: ThreadSummary[] }> {
  const conversation = await readConversation(options.db, options.actor, options.projectId);
  const projectId = conversation.project.id;
  const [counts, markers] = await Promise.all([
    threadCounts(options.db, projectId, conversation.party),
    listReadMarkers(options.db, projectId),
  ]);
  const marker = (thread: string, party: string) =>
    markers.find((m) => m.thread === thread && m.party === party)?.up_to_seq ?? 0;
  const other = conversation.party === 'freelancer' ? 'client' : 'freelancer';
  return {
    lastSeq: conversation.project.stream_seq,
    threads: conversation.threads.map((t) => ({
      ...t,
      title: t.id === GENERAL_THREAD ? '' : t.title,
      lastSeq: counts.get(t.id)?.lastSeq ?? 0,
      unread: counts.get(t.id)?.unread ?? 0,
      readUpTo: marker(t.id, conversation.party),
      seenUpTo: marker(t.id, other),
    })),
  };
}
