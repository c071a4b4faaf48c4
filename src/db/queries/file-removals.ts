import type { Kysely } from 'kysely';
import type { DB, FileRemovalRow } from '../schema';

/** Queues stored bytes for deletion; call in the transaction that deletes their file rows. */
export async function queueFileRemovals(
  db: Kysely<DB>,
  fileIds: readonly string[],
  at: string,
): Promise<void> {
  if (fileIds.length === 0) return;
  await db
    .insertInto('file_removals')
    .values(fileIds.map((id) => ({ file_id: id, queued_at: at })))
    .onConflict((oc) => oc.column('file_id').doNothing())
    .execute();
}

/** Pending removals, oldest first; `only` narrows them to these ids. */
export function listFileRemovals(
  db: Kysely<DB>,
  options: { only?: readonly string[]; limit: number },
): Promise<FileRemovalRow[]> {
  let query = db.selectFrom('file_removals').selectAll();
  if (options.only !== undefined) {
    if (options.only.length === 0) return Promise.resolve([]);
    query = query.where('file_id', 'in', options.only);
  }
  return query.orderBy('queued_at').orderBy('file_id').limit(options.limit).execute();
}

export async function deleteFileRemoval(db: Kysely<DB>, fileId: string): Promise<void> {
  await db.deleteFrom('file_removals').where('file_id', '=', fileId).execute();
}

export async function recordFileRemovalFailure(
  db: Kysely<DB>,
  fileId: string,
  error: string,
): Promise<void> {
  await db
    .updateTable('file_removals')
    .set((eb) => ({ attempts: eb('attempts', '+', 1), last_error: error.slice(0, 500) }))
    .where('file_id', '=', fileId)
    .execute();
}
