import type { Kysely } from 'kysely';
import type { DB, FileRow } from '../schema';

export async function insertFile(db: Kysely<DB>, file: FileRow): Promise<void> {
  await db.insertInto('files').values(file).execute();
}

export async function countFilesOfMilestone(db: Kysely<DB>, milestoneId: string): Promise<number> {
  const row = await db
    .selectFrom('files')
    .select((eb) => eb.fn.countAll<number>().as('count'))
    .where('milestone_id', '=', milestoneId)
    // A file replaced during a revision is kept, but no longer takes one of the milestone's places.
    .where('superseded_at', 'is', null)
    .executeTakeFirstOrThrow();
  return Number(row.count);
}

/** Marks files replaced during a revision: kept and listed, no longer the current delivery. */
export async function markFilesSuperseded(
  db: Kysely<DB>,
  milestoneId: string,
  replaced: readonly { fileId: string; by: string | null }[],
  at: string,
): Promise<void> {
  for (const { fileId, by } of replaced) {
    await db
      .updateTable('files')
      .set({ superseded_at: at, superseded_by: by })
      .where('id', '=', fileId)
      .where('milestone_id', '=', milestoneId)
      .execute();
  }
}

export function findOwnedFile(
  db: Kysely<DB>,
  ownerId: string,
  fileId: string,
): Promise<FileRow | undefined> {
  return db
    .selectFrom('files')
    .selectAll()
    .where('id', '=', fileId)
    .where('owner_id', '=', ownerId)
    .executeTakeFirst();
}

export function findProjectFile(
  db: Kysely<DB>,
  projectId: string,
  fileId: string,
): Promise<FileRow | undefined> {
  return db
    .selectFrom('files')
    .selectAll()
    .where('id', '=', fileId)
    .where('project_id', '=', projectId)
    .executeTakeFirst();
}

export function findFileById(db: Kysely<DB>, fileId: string): Promise<FileRow | undefined> {
  return db.selectFrom('files').selectAll().where('id', '=', fileId).executeTakeFirst();
}

export function listFilesOfProject(db: Kysely<DB>, projectId: string): Promise<FileRow[]> {
  return db
    .selectFrom('files')
    .selectAll()
    .where('project_id', '=', projectId)
    .orderBy('created_at')
    .orderBy('id')
    .execute();
}

export function listFilesOfMilestone(
  db: Kysely<DB>,
  projectId: string,
  milestoneId: string,
): Promise<FileRow[]> {
  return db
    .selectFrom('files')
    .selectAll()
    .where('project_id', '=', projectId)
    .where('milestone_id', '=', milestoneId)
    .orderBy('id')
    .execute();
}

export async function markFileComplete(
  db: Kysely<DB>,
  fileId: string,
  fields: { sha256: string; size: number; completedAt: string },
): Promise<void> {
  await db
    .updateTable('files')
    .set({
      sha256: fields.sha256,
      size: fields.size,
      status: 'complete',
      completed_at: fields.completedAt,
    })
    .where('id', '=', fileId)
    .execute();
}

export async function deleteFileRow(db: Kysely<DB>, fileId: string): Promise<void> {
  await db.deleteFrom('files').where('id', '=', fileId).execute();
}

/**
 * Uploads that never completed and were reserved before `createdBefore`. Milepost's rows are the
 * only record of what is finished: a store's own notion (tus's saved offset) is not consulted.
 */
export function listStaleUploads(db: Kysely<DB>, createdBefore: string): Promise<FileRow[]> {
  return db
    .selectFrom('files')
    .selectAll()
    .where('status', '=', 'uploading')
    .where('created_at', '<', createdBefore)
    .orderBy('created_at')
    .execute();
}

/** Deletes a file row only while its upload is unfinished; false if it completed meanwhile. */
export async function deleteUnfinishedFileRow(db: Kysely<DB>, fileId: string): Promise<boolean> {
  const result = await db
    .deleteFrom('files')
    .where('id', '=', fileId)
    .where('status', '=', 'uploading')
    .executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

/** Finished files in pages by id, for the start-up check of stored bytes. */
export function listCompleteFilesAfter(
  db: Kysely<DB>,
  afterId: string,
  limit: number,
): Promise<Pick<FileRow, 'id' | 'project_id' | 'size'>[]> {
  return db
    .selectFrom('files')
    .select(['id', 'project_id', 'size'])
    .where('status', '=', 'complete')
    .where('id', '>', afterId)
    .orderBy('id')
    .limit(limit)
    .execute();
}
