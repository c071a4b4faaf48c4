import type { Kysely } from 'kysely';

// Analytics (src/domain/analytics.ts): a project's costs, so profit means something, and the
// hours spent on it, for an effective hourly rate. Costs are dated entries in the project's
// currency (integer minor units, like every amount); hours are one optional total per project
// (null: not recorded, so the project is left out of hourly rates rather than counted as free).
// The project's type, which profit is grouped by, is the existing projects.project_type.
// The indexes let the dashboard read one freelancer's rows by owner without touching others'.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('project_costs')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('project_id', 'text', (c) =>
      c.notNull().references('projects.id').onDelete('cascade'),
    )
    .addColumn('amount_minor', 'bigint', (c) => c.notNull())
    .addColumn('currency', 'text', (c) => c.notNull())
    // A calendar date (YYYY-MM-DD) as the freelancer gave it.
    .addColumn('spent_on', 'text', (c) => c.notNull())
    .addColumn('note', 'text', (c) => c.notNull().defaultTo(''))
    // subcontractor | software | travel | equipment | other
    .addColumn('category', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('project_costs_project_spent')
    .on('project_costs')
    .columns(['project_id', 'spent_on'])
    .execute();
  await db.schema.alterTable('projects').addColumn('hours_minutes', 'integer').execute();
  await db.schema
    .createIndex('projects_owner_created')
    .on('projects')
    .columns(['owner_id', 'created_at'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('projects_owner_created').execute();
  await db.schema.alterTable('projects').dropColumn('hours_minutes').execute();
  await db.schema.dropIndex('project_costs_project_spent').execute();
  await db.schema.dropTable('project_costs').execute();
}
