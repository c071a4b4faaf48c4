import type { Kysely } from 'kysely';

// Per-project lookups of files, payments and downloads, and the reconciler's scan of open
// checkout sessions, by index rather than by reading whole tables.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.createIndex('files_project').on('files').column('project_id').execute();
  await db.schema.createIndex('payments_project').on('payments').column('project_id').execute();
  await db.schema.createIndex('downloads_project').on('downloads').column('project_id').execute();
  await db.schema
    .createIndex('checkout_sessions_status_created')
    .on('checkout_sessions')
    .columns(['status', 'created_at'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const name of [
    'checkout_sessions_status_created',
    'downloads_project',
    'payments_project',
    'files_project',
  ]) {
    await db.schema.dropIndex(name).execute();
  }
}
