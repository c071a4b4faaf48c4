import { sql, type Kysely } from 'kysely';

/**
 * Offline payment instructions per project (bank details, what to write on the transfer);
 * empty means the freelancer's own from Settings.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('projects')
    .addColumn('payment_instructions', 'text', (c) => c.notNull().defaultTo(sql`''`))
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('projects').dropColumn('payment_instructions').execute();
}
