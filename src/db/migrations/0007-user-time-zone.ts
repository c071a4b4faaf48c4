import { sql, type Kysely } from 'kysely';

// The freelancer's time zone (an IANA name), so "today" is their today: a payment cannot be
// received later than that. Accounts from before it was asked for start on UTC.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('users')
    .addColumn('time_zone', 'text', (c) => c.notNull().defaultTo(sql`'UTC'`))
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('users').dropColumn('time_zone').execute();
}
