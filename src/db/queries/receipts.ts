import type { Kysely } from 'kysely';
import type { DB, ReceiptRow } from '../schema';

/** The freelancer's next receipt number, taken under their row lock: gapless, as the
 *  transaction that takes it either commits with the receipt or gives the number back. */
export async function takeReceiptNumber(db: Kysely<DB>, ownerId: string): Promise<number> {
  const row = await db
    .updateTable('users')
    .set((eb) => ({ receipt_counter: eb('receipt_counter', '+', 1) }))
    .where('id', '=', ownerId)
    .returning('receipt_counter')
    .executeTakeFirstOrThrow();
  return row.receipt_counter;
}

export async function insertReceipt(db: Kysely<DB>, receipt: ReceiptRow): Promise<void> {
  await db.insertInto('receipts').values(receipt).execute();
}

export function listReceiptsOfOwner(db: Kysely<DB>, ownerId: string): Promise<ReceiptRow[]> {
  return db
    .selectFrom('receipts')
    .selectAll()
    .where('owner_id', '=', ownerId)
    .orderBy('number', 'desc')
    .execute();
}

export function listReceiptsOfProject(db: Kysely<DB>, projectId: string): Promise<ReceiptRow[]> {
  return db
    .selectFrom('receipts')
    .selectAll()
    .where('project_id', '=', projectId)
    .orderBy('number', 'desc')
    .execute();
}

export function findReceipt(
  db: Kysely<DB>,
  scope: { ownerId: string } | { projectId: string },
  receiptId: string,
): Promise<ReceiptRow | undefined> {
  let query = db.selectFrom('receipts').selectAll().where('id', '=', receiptId);
  query =
    'ownerId' in scope
      ? query.where('owner_id', '=', scope.ownerId)
      : query.where('project_id', '=', scope.projectId);
  return query.executeTakeFirst();
}
