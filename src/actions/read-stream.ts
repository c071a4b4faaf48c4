/**
 * Reading a project's stream for live sockets: who may follow which project, the entries after
 * a sequence number (with their messages as they stand now), and whether open sockets' sessions
 * are still live. Reads only; the socket hub (src/http/stream-hub.ts) decides what to send.
 */
import { setImmediate } from 'node:timers/promises';
import { listStreamAfter, streamHeads, streamTags } from '../db/queries/chat';
import { findOwnedProject, findProjectById } from '../db/queries/projects';
import { liveClientSessionHashes, liveSessionHashes } from '../db/queries/sessions';
import type { ChatActor } from '../domain/chat-rules';
import { AppError, notFound } from '../domain/errors';
import { resumePoint } from '../domain/stream-resume';
import type { StreamEntry } from '../events/stream-bus';
import { nowOf, type ActionContext } from './context';

export type { StreamEntry };

/**
 * May `actor` follow the project live? Its freelancer always; its client while it is not
 * archived (an archived project is read-only: the client reads it, but gets no live updates).
 * Answers where the socket resumes — after `since` (the last number it saw), or after the head
 * when `since` is past it or, given the tag of the client's entry `since`, the server's entry of
 * that number is another one (`resync`: see src/domain/stream-resume.ts) — with the tag of the
 * entry there (null at 0 or on an untagged older row) and the stream's head.
 */
export async function openStream(
  options: Pick<ActionContext, 'db'> & {
    actor: ChatActor;
    projectId: string;
    since: number;
    tag?: string | undefined;
  },
): Promise<{ since: number; resync: boolean; tag: string | null; lastSeq: number }> {
  const { actor, projectId, since, tag } = options;
  const project =
    actor.type === 'freelancer'
      ? await findOwnedProject(options.db, actor.userId, projectId)
      : actor.projectId === projectId
        ? await findProjectById(options.db, projectId)
        : undefined;
  if (!project) throw notFound('Project');
  if (actor.type === 'client' && project.archived_at !== null) {
    throw new AppError('ARCHIVED', 'This project is archived');
  }
  const head = Number(project.stream_seq);
  // One read for both entries the answer may need: the client's (to check its tag) and the head.
  const tags = await streamTags(
    options.db,
    projectId,
    [...new Set([since, head])].filter((seq) => seq >= 1 && seq <= head),
  );
  const storedTag = tags.get(since);
  const resume = resumePoint({
    since,
    tag,
    head,
    stored: storedTag === undefined ? undefined : { tag: storedTag },
  });
  return {
    since: resume.from,
    resync: resume.resync,
    tag: tags.get(resume.from) ?? null,
    lastSeq: head,
  };
}

/** Up to `limit` entries after `afterSeq`, in order, each with its message if it has one. */
export async function readStreamAfter(
  options: Pick<ActionContext, 'db'> & { projectId: string; afterSeq: number; limit: number },
): Promise<StreamEntry[]> {
  const rows = await listStreamAfter(
    options.db,
    options.projectId,
    options.afterSeq,
    options.limit,
  );
  return rows.map(({ event, message }) => ({
    projectId: event.project_id,
    seq: Number(event.seq),
    type: event.type,
    thread: event.thread,
    message,
    data: JSON.parse(event.data) as Record<string, unknown>,
    at: event.created_at,
    tag: event.tag,
  }));
}

/** The last sequence number of each of these projects' streams (for the hub's catch-up sweep). */
export async function readStreamHeads(
  options: Pick<ActionContext, 'db'> & { projectIds: readonly string[] },
): Promise<Map<string, number>> {
  const heads = new Map<string, number>();
  for (let i = 0; i < options.projectIds.length; i += 500) {
    for (const row of await streamHeads(options.db, options.projectIds.slice(i, i + 500))) {
      heads.set(row.id, Number(row.stream_seq));
    }
  }
  return heads;
}

/** Session hashes checked per query. */
const SESSION_BATCH = 100;

/** Which of these sessions (by token hash) still stand, by the app's clock. */
export async function liveSocketSessions(
  options: Pick<ActionContext, 'db' | 'clock'> & {
    freelancers: readonly string[];
    clients: readonly string[];
  },
): Promise<{
  freelancers: Set<string>;
  clients: Map<string, { projectId: string; archived: boolean }>;
}> {
  const now = nowOf(options).toISOString();
  const freelancers = new Set<string>();
  const clients = new Map<string, { projectId: string; archived: boolean }>();
  // In batches, so a thousand sockets never make one enormous IN list nor (on SQLite, whose
  // queries run on this thread) one long query: other work gets a turn between the batches.
  // A freelancer's sockets share one session: each hash once.
  const freelancerHashes = [...new Set(options.freelancers)];
  for (let i = 0; i < freelancerHashes.length; i += SESSION_BATCH) {
    if (i > 0) await setImmediate();
    const batch = freelancerHashes.slice(i, i + SESSION_BATCH);
    for (const hash of await liveSessionHashes(options.db, batch, now)) freelancers.add(hash);
  }
  for (let i = 0; i < options.clients.length; i += SESSION_BATCH) {
    if (i > 0 || freelancerHashes.length > 0) await setImmediate();
    const batch = options.clients.slice(i, i + SESSION_BATCH);
    for (const [hash, session] of await liveClientSessionHashes(options.db, batch, now)) {
      clients.set(hash, session);
    }
  }
  return { freelancers, clients };
}
