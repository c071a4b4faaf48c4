import type { Kysely } from 'kysely';

// The contract (src/domain/contract.ts): every version of a project's generated text is kept,
// numbered per project, with the SHA-256 of its exact bytes and why it was made; a version is
// accepted at most once, and the acceptance keeps the typed full name, time, IP, user agent and
// the hash the client saw. Neither table is ever updated. Text columns and ISO timestamps as
// text, as elsewhere, so both dialects run the same statements.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('contract_versions')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('project_id', 'text', (c) =>
      c.notNull().references('projects.id').onDelete('cascade'),
    )
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('locale', 'text', (c) => c.notNull())
    .addColumn('text', 'text', (c) => c.notNull())
    .addColumn('sha256', 'text', (c) => c.notNull())
    // 'initial' or 'changed'
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('contract_versions_project_version', ['project_id', 'version'])
    .execute();

  await db.schema
    .createTable('contract_acceptances')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('version_id', 'text', (c) =>
      c.notNull().unique().references('contract_versions.id').onDelete('cascade'),
    )
    .addColumn('project_id', 'text', (c) =>
      c.notNull().references('projects.id').onDelete('cascade'),
    )
    .addColumn('full_name', 'text', (c) => c.notNull())
    .addColumn('accepted_at', 'text', (c) => c.notNull())
    .addColumn('ip', 'text', (c) => c.notNull())
    .addColumn('user_agent', 'text', (c) => c.notNull())
    .addColumn('sha256', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('contract_acceptances_project')
    .on('contract_acceptances')
    .column('project_id')
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('contract_acceptances').execute();
  await db.schema.dropTable('contract_versions').execute();
}
