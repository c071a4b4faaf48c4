import type { Kysely } from 'kysely';
import type { DB, MilestoneRow } from '../schema';

export function listMilestones(db: Kysely<DB>, projectId: string): Promise<MilestoneRow[]> {
  return db
    .selectFrom('milestones')
    .selectAll()
    .where('project_id', '=', projectId)
    .orderBy('position')
    .execute();
}

export function listMilestonesOfProjects(
  db: Kysely<DB>,
  projectIds: string[],
): Promise<MilestoneRow[]> {
  if (projectIds.length === 0) return Promise.resolve([]);
  return db
    .selectFrom('milestones')
    .selectAll()
    .where('project_id', 'in', projectIds)
    .orderBy('project_id')
    .orderBy('position')
    .execute();
}

export async function insertMilestones(db: Kysely<DB>, milestones: MilestoneRow[]): Promise<void> {
  if (milestones.length > 0) await db.insertInto('milestones').values(milestones).execute();
}

export async function updateMilestone(
  db: Kysely<DB>,
  projectId: string,
  milestoneId: string,
  changes: Partial<Omit<MilestoneRow, 'id' | 'project_id' | 'created_at'>>,
): Promise<void> {
  await db
    .updateTable('milestones')
    .set(changes)
    .where('id', '=', milestoneId)
    .where('project_id', '=', projectId)
    .execute();
}

export async function deleteMilestone(
  db: Kysely<DB>,
  projectId: string,
  milestoneId: string,
): Promise<void> {
  await db
    .deleteFrom('milestones')
    .where('id', '=', milestoneId)
    .where('project_id', '=', projectId)
    .execute();
}
