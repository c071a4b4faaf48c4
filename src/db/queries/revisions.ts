import type { Kysely } from 'kysely';
import type { DB, MilestoneRevisionRow } from '../schema';

export async function insertRevision(db: Kysely<DB>, row: MilestoneRevisionRow): Promise<void> {
  await db.insertInto('milestone_revisions').values(row).execute();
}

/** Closes a milestone's open revision request: the freelancer delivered again. */
export async function closeOpenRevision(
  db: Kysely<DB>,
  milestoneId: string,
  at: string,
): Promise<void> {
  await db
    .updateTable('milestone_revisions')
    .set({ redelivered_at: at })
    .where('milestone_id', '=', milestoneId)
    .where('redelivered_at', 'is', null)
    .execute();
}

export function listRevisionsOfProject(
  db: Kysely<DB>,
  projectId: string,
): Promise<MilestoneRevisionRow[]> {
  return db
    .selectFrom('milestone_revisions')
    .selectAll()
    .where('project_id', '=', projectId)
    .orderBy('milestone_id')
    .orderBy('round')
    .execute();
}
