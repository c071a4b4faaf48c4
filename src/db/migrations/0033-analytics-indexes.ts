import type { Kysely } from 'kysely';

// Analytics at scale (bench:analytics): the dashboard reads every milestone and payment of one
// freelancer's projects in a currency. These indexes hold every column those reads need, so both
// dialects answer from the index alone (SQLite always; PostgreSQL once vacuum has marked the pages
// visible) instead of visiting each row of the tables, which are shared with every other
// freelancer.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createIndex('projects_owner_currency')
    .on('projects')
    .columns(['owner_id', 'currency', 'id'])
    .execute();
  await db.schema
    .createIndex('milestones_project_figures')
    .on('milestones')
    .columns(['project_id', 'id', 'amount_minor', 'status', 'due_date', 'delivered_at', 'paid_at'])
    .execute();
  await db.schema
    .createIndex('payments_project_figures')
    .on('payments')
    .columns([
      'project_id',
      'status',
      'milestone_id',
      'kind',
      'amount_minor',
      'source',
      'received_on',
      'created_at',
    ])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('payments_project_figures').execute();
  await db.schema.dropIndex('milestones_project_figures').execute();
  await db.schema.dropIndex('projects_owner_currency').execute();
}
