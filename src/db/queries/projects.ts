import type { ExpressionBuilder, Kysely } from 'kysely';
import type { DB, MilestonesTable, ProjectRow } from '../schema';

export type ProjectWithClient = ProjectRow & { client_name: string; client_email: string };

export async function insertProject(
  db: Kysely<DB>,
  project: Omit<
    ProjectRow,
    | 'access_generation'
    | 'stream_seq'
    | 'vat_mode'
    | 'vat_rate_bp'
    | 'reminder_days'
    | 'reminders_paused'
    | 'review_window_days'
    | 'hours_minutes'
    | 'mediator'
    | 'contract_template'
  > &
    Partial<Pick<ProjectRow, 'vat_mode' | 'vat_rate_bp' | 'review_window_days' | 'mediator'>>,
): Promise<void> {
  await db.insertInto('projects').values(project).execute();
}

export function findOwnedProject(
  db: Kysely<DB>,
  ownerId: string,
  projectId: string,
): Promise<ProjectWithClient | undefined> {
  return db
    .selectFrom('projects')
    .innerJoin('clients', 'clients.id', 'projects.client_id')
    .selectAll('projects')
    .select(['clients.name as client_name', 'clients.email as client_email'])
    .where('projects.id', '=', projectId)
    .where('projects.owner_id', '=', ownerId)
    .executeTakeFirst();
}

export function findProjectById(
  db: Kysely<DB>,
  projectId: string,
): Promise<ProjectRow | undefined> {
  return db.selectFrom('projects').selectAll().where('id', '=', projectId).executeTakeFirst();
}

/**
 * Takes the project's row lock for the rest of the transaction (an UPDATE locks on PostgreSQL
 * and SQLite alike), so concurrent changes to one project run one after another.
 * Returns undefined when the owner has no such project.
 */
export function lockOwnedProject(
  db: Kysely<DB>,
  ownerId: string,
  projectId: string,
  now: string,
): Promise<ProjectRow | undefined> {
  return db
    .updateTable('projects')
    .set({ updated_at: now })
    .where('id', '=', projectId)
    .where('owner_id', '=', ownerId)
    .returningAll()
    .executeTakeFirst();
}

export function lockProjectById(
  db: Kysely<DB>,
  projectId: string,
  now: string,
): Promise<ProjectRow | undefined> {
  return db
    .updateTable('projects')
    .set({ updated_at: now })
    .where('id', '=', projectId)
    .returningAll()
    .executeTakeFirst();
}

export async function updateProject(
  db: Kysely<DB>,
  projectId: string,
  changes: Partial<Omit<ProjectRow, 'id' | 'owner_id' | 'created_at'>>,
): Promise<void> {
  await db.updateTable('projects').set(changes).where('id', '=', projectId).execute();
}

export function findProjectByAccessHash(
  db: Kysely<DB>,
  column: 'access_code_hash' | 'access_token_hash',
  hash: string,
): Promise<ProjectRow | undefined> {
  return db.selectFrom('projects').selectAll().where(column, '=', hash).executeTakeFirst();
}

/** The sum of the amounts of a project's milestones in one status (0 when there are none). */
function sumOfMilestones(
  eb: ExpressionBuilder<DB & { milestones: DB['milestones'] }, 'milestones'>,
  status: MilestonesTable['status'],
) {
  return eb.fn.coalesce(
    eb.fn.sum<number>(
      eb
        .case()
        .when('milestones.status', '=', status)
        .then(eb.ref('milestones.amount_minor'))
        .else(0)
        .end(),
    ),
    eb.lit(0),
  );
}

export interface ProjectSummaryRow extends ProjectWithClient {
  total_minor: number;
  paid_minor: number;
  awaiting_minor: number;
  milestone_count: number;
}

export async function listOwnedProjectSummaries(
  db: Kysely<DB>,
  ownerId: string,
  includeArchived: boolean,
): Promise<ProjectSummaryRow[]> {
  let query = db
    .selectFrom('projects')
    .innerJoin('clients', 'clients.id', 'projects.client_id')
    .leftJoin('milestones', 'milestones.project_id', 'projects.id')
    .selectAll('projects')
    .select((eb) => [
      'clients.name as client_name',
      'clients.email as client_email',
      eb.fn.coalesce(eb.fn.sum<number>('milestones.amount_minor'), eb.lit(0)).as('total_minor'),
      sumOfMilestones(eb, 'paid').as('paid_minor'),
      sumOfMilestones(eb, 'delivered').as('awaiting_minor'),
      eb.fn.count<number>('milestones.id').as('milestone_count'),
    ])
    .where('projects.owner_id', '=', ownerId)
    .groupBy(['projects.id', 'clients.name', 'clients.email'])
    .orderBy('projects.created_at', 'desc')
    .orderBy('projects.id');
  if (!includeArchived) query = query.where('projects.archived_at', 'is', null);
  const rows = await query.execute();
  return rows.map((r) => ({
    ...r,
    total_minor: Number(r.total_minor),
    paid_minor: Number(r.paid_minor),
    awaiting_minor: Number(r.awaiting_minor),
    milestone_count: Number(r.milestone_count),
  }));
}
