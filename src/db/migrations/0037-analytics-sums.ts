import type { Kysely } from 'kysely';

// Analytics at scale (issue #12): the dashboard reads pre-summed figures instead of every
// milestone and payment of the freelancer (src/domain/analytics-sums.ts). analytics_cells holds
// what each project and each client contributes (source_id: a project's or a client's id; the
// cells as one JSON array, read and written whole);
// analytics_sums holds, per owner, the sum of those cells, kept by every action that changes the
// facts, in its own transaction. Existing data are summed by the scheduler after migration 0039
// marks every owner's sums stale (this migration once called the query code of its day to sum
// them: fragile once that code changes).
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('analytics_cells')
    .addColumn('source_id', 'text', (c) => c.primaryKey())
    .addColumn('owner_id', 'text', (c) => c.notNull())
    // JSON: the source's cells, [currency, metric, month, key, sub, value][].
    .addColumn('cells', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('analytics_cells_owner')
    .on('analytics_cells')
    .columns(['owner_id'])
    .execute();
  await db.schema
    .createTable('analytics_sums')
    .addColumn('owner_id', 'text', (c) => c.notNull())
    .addColumn('currency', 'text', (c) => c.notNull())
    .addColumn('metric', 'text', (c) => c.notNull())
    .addColumn('month', 'text', (c) => c.notNull())
    .addColumn('key', 'text', (c) => c.notNull())
    .addColumn('sub', 'text', (c) => c.notNull())
    .addColumn('value', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('analytics_sums_pk', [
      'owner_id',
      'currency',
      'metric',
      'month',
      'key',
      'sub',
    ])
    .execute();
  // A client's first two projects (a client's cell: when they first and when they came back).
  await db.schema
    .createIndex('projects_client_created')
    .on('projects')
    .columns(['client_id', 'created_at'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('projects_client_created').execute();
  await db.schema.dropTable('analytics_sums').execute();
  await db.schema.dropTable('analytics_cells').execute();
}
