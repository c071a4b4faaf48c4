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

export function listPaymentsOfMilestone(
  db: Kysely<DB>,
  milestoneId: string,
): Promise<PaymentRow[]> {
  return db
    .selectFrom('payments')
    .selectAll()
    .where('milestone_id', '=', milestoneId)
    .orderBy('created_at')
    .execute();
}

export function findPaymentByExternalId(
  db: Kysely<DB>,
  externalId: string,
): Promise<PaymentRow | undefined> {
  return db
    .selectFrom('payments')
    .selectAll()
    .where('external_id', '=', externalId)
    .executeTakeFirst();
}

export function listPaymentsByIntent(db: Kysely<DB>, paymentIntent: string): Promise<PaymentRow[]> {
  return db
    .selectFrom('payments')
    .selectAll()
    .where('payment_intent', '=', paymentIntent)
    .execute();
}
