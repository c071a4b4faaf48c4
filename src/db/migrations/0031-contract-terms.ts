import type { Kysely } from 'kysely';

// The freelancer's contract terms (issue #11, Settings → Contract terms): their own terms template
// in English and in German (null: Milepost's default in that language; the client's language
// picks one), an outside mediator named in every contract (empty: "a mediator both parties agree
// on") and the review window new projects start with (1–90 days).
// A project may name its own mediator (null: the freelancer's). When the client first accepts a
// project's contract, the template and mediator it was generated from are copied onto the project
// (contract_template, mediator), so later edits in Settings reach only projects not yet accepted;
// after acceptance the terms change only as the contract lock says (src/actions/contract-lock.ts).
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('users').addColumn('contract_template_en', 'text').execute();
  await db.schema.alterTable('users').addColumn('contract_template_de', 'text').execute();
  await db.schema
    .alterTable('users')
    .addColumn('contract_mediator', 'text', (c) => c.notNull().defaultTo(''))
    .execute();
  await db.schema
    .alterTable('users')
    .addColumn('review_window_days', 'integer', (c) => c.notNull().defaultTo(14))
    .execute();
  await db.schema.alterTable('projects').addColumn('mediator', 'text').execute();
  await db.schema.alterTable('projects').addColumn('contract_template', 'text').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('projects').dropColumn('contract_template').execute();
  await db.schema.alterTable('projects').dropColumn('mediator').execute();
  await db.schema.alterTable('users').dropColumn('review_window_days').execute();
  await db.schema.alterTable('users').dropColumn('contract_mediator').execute();
  await db.schema.alterTable('users').dropColumn('contract_template_de').execute();
  await db.schema.alterTable('users').dropColumn('contract_template_en').execute();
}
