import { sql, type Kysely } from 'kysely';

// Notifications and reminders. Each person's choice of mail (a missing row means "yes"): the
// freelancer's per account, the client's per project. The freelancer's reminder days and payment
// terms, a project's own reminder days (null: the freelancer's) and pause. Outbox rows remember
// whose choice a notification follows, so the worker can add a one-click unsubscribe link.
// scheduled_jobs: mail and reminders due later, each under a unique key so it runs once — even
// after a restart or on two instances (claimed with one conditional UPDATE, marked done in the
// same transaction as what it did).
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('users')
    .addColumn('reminder_days', 'text', (c) => c.notNull().defaultTo(sql`'3,7,14'`))
    .execute();
  // The invoices migration (0019) adds the same setting when it runs first.
  const users = (await db.introspection.getTables()).find((t) => t.name === 'users');
  if (!users?.columns.some((c) => c.name === 'payment_terms_days')) {
    await db.schema
      .alterTable('users')
      .addColumn('payment_terms_days', 'integer', (c) => c.notNull().defaultTo(14))
      .execute();
  }
  await db.schema.alterTable('projects').addColumn('reminder_days', 'text').execute();
  await db.schema
    .alterTable('projects')
    .addColumn('reminders_paused', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  // JSON { audience, subjectId, kind }.
  await db.schema.alterTable('mail_outbox').addColumn('unsubscribe', 'text').execute();
  await db.schema
    .createTable('notification_prefs')
    // 'freelancer' (subject: user id) or 'client' (subject: project id).
    .addColumn('audience', 'text', (c) => c.notNull())
    .addColumn('subject_id', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('enabled', 'integer', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('notification_prefs_pk', ['audience', 'subject_id', 'kind'])
    .execute();
  await db.schema
    .createTable('scheduled_jobs')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('key', 'text', (c) => c.notNull().unique())
    // Jobs of one topic (a thread's unread mail for one person) wait one at a time.
    .addColumn('topic', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('project_id', 'text', (c) =>
      c.notNull().references('projects.id').onDelete('cascade'),
    )
    .addColumn('due_at', 'text', (c) => c.notNull())
    .addColumn('payload', 'text', (c) => c.notNull())
    .addColumn('claim_token', 'text')
    .addColumn('claimed_until', 'text')
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('last_error', 'text')
    .addColumn('done_at', 'text')
    .addColumn('outcome', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('scheduled_jobs_due')
    .on('scheduled_jobs')
    .columns(['done_at', 'due_at'])
    .execute();
  await db.schema
    .createIndex('scheduled_jobs_topic')
    .on('scheduled_jobs')
    .columns(['topic', 'done_at'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('scheduled_jobs').execute();
  await db.schema.dropTable('notification_prefs').execute();
  await db.schema.alterTable('mail_outbox').dropColumn('unsubscribe').execute();
  await db.schema.alterTable('projects').dropColumn('reminders_paused').execute();
  await db.schema.alterTable('projects').dropColumn('reminder_days').execute();
  await db.schema.alterTable('users').dropColumn('reminder_days').execute();
}
