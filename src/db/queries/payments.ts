import type { Kysely } from 'kysely';
import type { DB, PaymentRow } from '../schema';

export async function insertPayment(db: Kysely<DB>, payment: PaymentRow): Promise<void> {
  await db.insertInto('payments').values(payment).execute();
}

export function listPayments(db: Kysely<DB>, projectId: string): Promise<PaymentRow[]> {
  return db
    .selectFrom('payments')
    .selectAll()
    .where('project_id', '=', projectId)
    .orderBy('created_at')
    .orderBy('id')
    .execute();
}
