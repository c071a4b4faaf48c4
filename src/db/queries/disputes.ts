/**
 * Disputes and their entries (migration 0035). Every query names the project in its WHERE
 * clause, so an id from another project finds nothing. The partial unique index
 * disputes_one_active refuses a second active dispute on a milestone; its violation becomes
 * DISPUTE_OPEN here, never by reading the driver's message.
 */
import type { Kysely } from 'kysely';
import { AppError } from '../../domain/errors';
import { isUniqueViolation } from '../errors';
import type { ChatMessageRow, DB, DisputeEntryRow, DisputeRow, DisputesTable } from '../schema';

const ACTIVE = ['open', 'escalated'] as const;

export function listDisputesOfProject(db: Kysely<DB>, projectId: string): Promise<DisputeRow[]> {
  return db
    .selectFrom('disputes')
    .selectAll()
    .where('project_id', '=', projectId)
    .orderBy('created_at')
    .orderBy('id')
    .execute();
}

export function listDisputeEntriesOfProject(
  db: Kysely<DB>,
  projectId: string,
): Promise<DisputeEntryRow[]> {
  return db
    .selectFrom('dispute_entries')
    .selectAll()
    .where('project_id', '=', projectId)
    .orderBy('dispute_id')
    .orderBy('seq')
    .execute();
}

export function findDispute(
  db: Kysely<DB>,
  projectId: string,
  disputeId: string,
): Promise<DisputeRow | undefined> {
  return db
    .selectFrom('disputes')
    .selectAll()
    .where('project_id', '=', projectId)
    .where('id', '=', disputeId)
    .executeTakeFirst();
}

/** The milestone's active (open or escalated) dispute, if any. */
export function findActiveDispute(
  db: Kysely<DB>,
  projectId: string,
  milestoneId: string,
): Promise<DisputeRow | undefined> {
  return db
    .selectFrom('disputes')
    .selectAll()
    .where('project_id', '=', projectId)
    .where('milestone_id', '=', milestoneId)
    .where('status', 'in', ACTIVE)
    .executeTakeFirst();
}

export async function insertDispute(db: Kysely<DB>, row: DisputeRow): Promise<void> {
  try {
    await db.insertInto('disputes').values(row).execute();
  } catch (error) {
    if (isUniqueViolation(error))
      throw new AppError('DISPUTE_OPEN', 'This milestone already has an open dispute');
    throw error;
  }
}

export async function updateDispute(
  db: Kysely<DB>,
  projectId: string,
  disputeId: string,
  changes: Partial<
    Pick<
      DisputesTable,
      | 'status'
      | 'proposal'
      | 'resolution'
      | 'escalated_at'
      | 'mediator'
      | 'updated_at'
      | 'closed_at'
    >
  >,
): Promise<void> {
  await db
    .updateTable('disputes')
    .set(changes)
    .where('project_id', '=', projectId)
    .where('id', '=', disputeId)
    .execute();
}

/** The next entry's number; call under the project's lock. */
export async function nextDisputeEntrySeq(db: Kysely<DB>, disputeId: string): Promise<number> {
  const row = await db
    .selectFrom('dispute_entries')
    .select((eb) => eb.fn.max('seq').as('last'))
    .where('dispute_id', '=', disputeId)
    .executeTakeFirst();
  return Number(row?.last ?? 0) + 1;
}

export async function insertDisputeEntry(db: Kysely<DB>, row: DisputeEntryRow): Promise<void> {
  await db.insertInto('dispute_entries').values(row).execute();
}

/** Which of `ids` are chat messages of the project (evidence must be the project's own). */
export async function projectMessageIds(
  db: Kysely<DB>,
  projectId: string,
  ids: readonly string[],
): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  const rows = await db
    .selectFrom('chat_messages')
    .select('id')
    .where('project_id', '=', projectId)
    .where('id', 'in', [...ids])
    .execute();
  return new Set(rows.map((r) => r.id));
}

/** Which of `ids` are files of the project. */
export async function projectFileIds(
  db: Kysely<DB>,
  projectId: string,
  ids: readonly string[],
): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  const rows = await db
    .selectFrom('files')
    .select('id')
    .where('project_id', '=', projectId)
    .where('id', 'in', [...ids])
    .execute();
  return new Set(rows.map((r) => r.id));
}

/** The cited messages as they stand now (a deleted one included), for the screens and bundle. */
export function citedMessages(
  db: Kysely<DB>,
  projectId: string,
  ids: readonly string[],
): Promise<
  Pick<
    ChatMessageRow,
    | 'id'
    | 'seq'
    | 'thread'
    | 'author_type'
    | 'kind'
    | 'body'
    | 'created_at'
    | 'edited_at'
    | 'deleted_at'
  >[]
> {
  if (ids.length === 0) return Promise.resolve([]);
  return db
    .selectFrom('chat_messages')
    .select([
      'id',
      'seq',
      'thread',
      'author_type',
      'kind',
      'body',
      'created_at',
      'edited_at',
      'deleted_at',
    ])
    .where('project_id', '=', projectId)
    .where('id', 'in', [...ids])
    .execute();
}

/** The cited files' names (a file removed since is simply not found). */
export function citedFiles(
  db: Kysely<DB>,
  projectId: string,
  ids: readonly string[],
): Promise<{ id: string; name: string; milestone_id: string; superseded_at: string | null }[]> {
  if (ids.length === 0) return Promise.resolve([]);
  return db
    .selectFrom('files')
    .select(['id', 'name', 'milestone_id', 'superseded_at'])
    .where('project_id', '=', projectId)
    .where('id', 'in', [...ids])
    .execute();
}
