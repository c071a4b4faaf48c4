import type { Kysely } from 'kysely';
import type { DB, ProjectCostRow } from '../schema';

export async function insertProjectCost(db: Kysely<DB>, cost: ProjectCostRow): Promise<void> {
  await db.insertInto('project_costs').values(cost).execute();
}

/** A project's costs, oldest first; the caller has checked the project is the owner's. */
export function listProjectCosts(db: Kysely<DB>, projectId: string): Promise<ProjectCostRow[]> {
  return db
    .selectFrom('project_costs')
    .selectAll()
    .where('project_id', '=', projectId)
    .orderBy('spent_on')
    .orderBy('created_at')
    .orderBy('id')
    .execute();
}

export function findProjectCost(
  db: Kysely<DB>,
  projectId: string,
  costId: string,
): Promise<ProjectCostRow | undefined> {
  return db
    .selectFrom('project_costs')
    .selectAll()
    .where('project_id', '=', projectId)
    .where('id', '=', costId)
    .executeTakeFirst();
}

export async function updateProjectCost(
  db: Kysely<DB>,
  projectId: string,
  costId: string,
  changes: Partial<
    Pick<ProjectCostRow, 'amount_minor' | 'spent_on' | 'note' | 'category' | 'updated_at'>
  >,
): Promise<void> {
  await db
    .updateTable('project_costs')
    .set(changes)
    .where('project_id', '=', projectId)
    .where('id', '=', costId)
    .execute();
}

export async function deleteProjectCost(
  db: Kysely<DB>,
  projectId: string,
  costId: string,
): Promise<boolean> {
  const result = await db
    .deleteFrom('project_costs')
    .where('project_id', '=', projectId)
    .where('id', '=', costId)
    .executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}
