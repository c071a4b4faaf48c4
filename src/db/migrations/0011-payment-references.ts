import { sql, type Kysely } from 'kysely';
import { newPaymentReference } from '../ids';

/**
 * Each milestone's payment reference ("MP-7F3K9Q"), made once and never changed, unique across
 * the installation, so a bank transfer names exactly one milestone. Existing milestones get a
 * random one here; the column is filled on every insert from now on.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('milestones').addColumn('payment_reference', 'text').execute();
  const { rows } = await sql<{ id: string }>`select id from milestones`.execute(db);
  const taken = new Set<string>();
  for (const row of rows) {
    let reference = newPaymentReference();
    while (taken.has(reference)) reference = newPaymentReference();
    taken.add(reference);
    await sql`update milestones set payment_reference = ${reference} where id = ${row.id}`.execute(
      db,
    );
  }
  await db.schema
    .createIndex('milestones_payment_reference')
    .on('milestones')
    .column('payment_reference')
    .unique()
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('milestones_payment_reference').execute();
  await db.schema.alterTable('milestones').dropColumn('payment_reference').execute();
}
