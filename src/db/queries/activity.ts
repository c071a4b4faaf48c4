/**
 * Appends to a project's hash-chained activity record. Call inside the transaction that made the
 * change, after taking the project's lock, so entries are numbered without gaps or races (the
 * unique (project_id, seq) constraint backs this up).
 */
import type { Kysely } from 'kysely';
import { entryHash, GENESIS_HASH, type ChainedEntry } from '../../domain/activity-chain';
import { newId } from '../ids';
import type { ActivityRow, DB } from '../schema';

export type ActorType = ActivityRow['actor_type'];

export interface ActivityInput {
  projectId: string;
  actorType: ActorType;
  actorId: string | null;
  action: string;
  details?: Record<string, unknown>;
  at: string;
}

export async function appendActivity(db: Kysely<DB>, input: ActivityInput): Promise<void> {
  const last = await db
    .selectFrom('activity')
    .select(['seq', 'hash'])
    .where('project_id', '=', input.projectId)
    .orderBy('seq', 'desc')
    .limit(1)
    .executeTakeFirst();
  const content = {
    projectId: input.projectId,
    seq: (last?.seq ?? 0) + 1,
    actorType: input.actorType,
    actorId: input.actorId,
    action: input.action,
    details: input.details ?? {},
    createdAt: input.at,
  };
  const prevHash = last?.hash ?? GENESIS_HASH;
  await db
    .insertInto('activity')
    .values({
      id: newId(),
      project_id: content.projectId,
      seq: content.seq,
      actor_type: content.actorType,
      actor_id: content.actorId,
      action: content.action,
      details: JSON.stringify(content.details),
      created_at: content.createdAt,
      prev_hash: prevHash,
      hash: entryHash(prevHash, content),
    })
    .execute();
}

export async function listActivity(db: Kysely<DB>, projectId: string): Promise<ChainedEntry[]> {
  const rows = await db
    .selectFrom('activity')
    .selectAll()
    .where('project_id', '=', projectId)
    .orderBy('seq')
    .execute();
  return rows.map(toEntry);
}

/**
 * Up to `limit` entries before sequence number `before` (the newest when absent), in sequence
 * order, with the entry just before them (to verify the page's link to it) when there is one.
 */
export async function listActivityPage(
  db: Kysely<DB>,
  projectId: string,
  page: { before: number | undefined; limit: number },
): Promise<{ entries: ChainedEntry[]; previous: ChainedEntry | undefined }> {
  let query = db
    .selectFrom('activity')
    .selectAll()
    .where('project_id', '=', projectId)
    .orderBy('seq', 'desc')
    .limit(page.limit + 1);
  if (page.before !== undefined) query = query.where('seq', '<', page.before);
  const rows = (await query.execute()).map(toEntry).reverse();
  const previous = rows.length > page.limit ? rows.shift() : undefined;
  return { entries: rows, previous };
}

function toEntry(r: ActivityRow): ChainedEntry {
  return {
    projectId: r.project_id,
    seq: r.seq,
    actorType: r.actor_type,
    actorId: r.actor_id,
    action: r.action,
    details: JSON.parse(r.details) as Record<string, unknown>,
    createdAt: r.created_at,
    prevHash: r.prev_hash,
    hash: r.hash,
  };
}
