import type { Kysely } from 'kysely';

// Stored bytes waiting to be deleted. A row is written in the same transaction that removes the
// file's row (a removed milestone or file, an expired upload), so a crash between the commit and
// the store's delete leaves a row to retry, never an orphan nobody knows of. No foreign key: the
// file's row is gone by the time this one is read.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('file_removals')
    .addColumn('file_id', 'text', (c) => c.primaryKey())
    .addColumn('queued_at', 'text', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('last_error', 'text')
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('file_removals').execute();
}
