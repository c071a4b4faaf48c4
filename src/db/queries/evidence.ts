/**
 * Reads for the evidence bundle and the instance's signing key. The bundle's long lists (the
 * activity chain, the chat) are read in pages by sequence number up to a head fixed at the start,
 * with no transaction held, so the export never blocks writers and never mixes in what was added
 * while it streamed.
 */
import type { Kysely } from 'kysely';
import type { ChainedEntry } from '../../domain/activity-chain';
import type { ChatMessageRow, DB, DownloadLogRow, InstanceKeysTable } from '../schema';

export function findInstanceKey(
  db: Kysely<DB>,
  purpose: InstanceKeysTable['purpose'],
): Promise<InstanceKeysTable | undefined> {
  return db
    .selectFrom('instance_keys')
    .selectAll()
    .where('purpose', '=', purpose)
    .executeTakeFirst();
}

/** Stores the key unless another instance stored one first (then theirs is the key). */
export async function insertInstanceKeyIfAbsent(
  db: Kysely<DB>,
  row: InstanceKeysTable,
): Promise<void> {
  await db
    .insertInto('instance_keys')
    .values(row)
    .onConflict((oc) => oc.column('purpose').doNothing())
    .execute();
}

/** The newest entry of the project's chain: its number and hash. */
export function activityHead(
  db: Kysely<DB>,
  projectId: string,
): Promise<{ seq: number; hash: string } | undefined> {
  return db
    .selectFrom('activity')
    .select(['seq', 'hash'])
    .where('project_id', '=', projectId)
    .orderBy('seq', 'desc')
    .limit(1)
    .executeTakeFirst();
}

/** The chain head of a project named by its id or by one of its milestones (none: undefined). */
export async function recordHeadOf(
  db: Kysely<DB>,
  of: { projectId: string } | { milestoneId: string },
): Promise<string | undefined> {
  let projectId: string | undefined;
  if ('projectId' in of) projectId = of.projectId;
  else {
    const milestone = await db
      .selectFrom('milestones')
      .select('project_id')
      .where('id', '=', of.milestoneId)
      .executeTakeFirst();
    projectId = milestone?.project_id;
  }
  if (projectId === undefined) return undefined;
  return (await activityHead(db, projectId))?.hash;
}

/** Entries after `afterSeq`, up to `uptoSeq`, oldest first, at most `limit`. */
export async function activityAfter(
  db: Kysely<DB>,
  projectId: string,
  range: { afterSeq: number; uptoSeq: number; limit: number },
): Promise<ChainedEntry[]> {
  const rows = await db
    .selectFrom('activity')
    .selectAll()
    .where('project_id', '=', projectId)
    .where('seq', '>', range.afterSeq)
    .where('seq', '<=', range.uptoSeq)
    .orderBy('seq')
    .limit(range.limit)
    .execute();
  return rows.map((r) => ({
    projectId: r.project_id,
    seq: r.seq,
    actorType: r.actor_type,
    actorId: r.actor_id,
    action: r.action,
    details: JSON.parse(r.details) as Record<string, unknown>,
    createdAt: r.created_at,
    prevHash: r.prev_hash,
    hash: r.hash,
  }));
}

/** The project's stream position now: chat messages up to it go into the bundle. */
export async function streamPosition(db: Kysely<DB>, projectId: string): Promise<number> {
  const row = await db
    .selectFrom('projects')
    .select('stream_seq')
    .where('id', '=', projectId)
    .executeTakeFirst();
  return row?.stream_seq ?? 0;
}

/** Chat messages (every thread) after `afterSeq`, up to `uptoSeq`, in stream order. */
export function chatMessagesAfter(
  db: Kysely<DB>,
  projectId: string,
  range: { afterSeq: number; uptoSeq: number; limit: number },
): Promise<ChatMessageRow[]> {
  return db
    .selectFrom('chat_messages')
    .selectAll()
    .where('project_id', '=', projectId)
    .where('seq', '>', range.afterSeq)
    .where('seq', '<=', range.uptoSeq)
    .orderBy('seq')
    .limit(range.limit)
    .execute();
}

/** The project's whole download log, oldest first. */
export function listAllDownloads(db: Kysely<DB>, projectId: string): Promise<DownloadLogRow[]> {
  return db
    .selectFrom('download_log')
    .selectAll()
    .where('project_id', '=', projectId)
    .orderBy('first_at')
    .orderBy('id')
    .execute();
}
