import { sql, type Kysely } from 'kysely';

// Languages: the freelancer's (users.locale, set in Settings; the browser's at sign-up) and each
// client's (clients.locale, set by the freelancer), so mail reaches each person in their own.
// Accounts and clients from before start in English.
// The mail outbox keeps the rendered HTML part beside the text one (cleared after sending like
// the text), the sender's display name and Reply-To fixed when the mail was queued, and — for
// mail queued inside a transaction — the template and its data, rendered later by the mail
// worker outside any transaction (then stored in body_text/body_html until sent).
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('users')
    .addColumn('locale', 'text', (c) => c.notNull().defaultTo(sql`'en'`))
    .execute();
  await db.schema
    .alterTable('clients')
    .addColumn('locale', 'text', (c) => c.notNull().defaultTo(sql`'en'`))
    .execute();
  await db.schema.alterTable('mail_outbox').addColumn('body_html', 'text').execute();
  await db.schema.alterTable('mail_outbox').addColumn('from_name', 'text').execute();
  await db.schema.alterTable('mail_outbox').addColumn('reply_to', 'text').execute();
  await db.schema.alterTable('mail_outbox').addColumn('template', 'text').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('mail_outbox').dropColumn('template').execute();
  await db.schema.alterTable('mail_outbox').dropColumn('reply_to').execute();
  await db.schema.alterTable('mail_outbox').dropColumn('from_name').execute();
  await db.schema.alterTable('mail_outbox').dropColumn('body_html').execute();
  await db.schema.alterTable('clients').dropColumn('locale').execute();
  await db.schema.alterTable('users').dropColumn('locale').execute();
}
