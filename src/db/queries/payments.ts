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

/**
 * The Stripe payment behind a payment intent, as credited through one webhook endpoint (its
 * checkout session was opened there): an intent named in another endpoint's events is not it.
 */
export function findPaymentOfIntent(
  db: Kysely<DB>,
  paymentIntent: string,
  endpoint: string,
): Promise<PaymentRow | undefined> {
  return db
    .selectFrom('payments')
    .innerJoin('checkout_sessions', 'checkout_sessions.id', 'payments.external_id')
    .selectAll('payments')
    .where('payments.payment_intent', '=', paymentIntent)
    .where('payments.kind', '=', 'payment')
    .where('checkout_sessions.endpoint', '=', endpoint)
    .orderBy('payments.created_at')
    .executeTakeFirst();
}

/** The refunds recorded against one Stripe payment (same intent, same milestone). */
export function listRefundsOfPayment(db: Kysely<DB>, payment: PaymentRow): Promise<PaymentRow[]> {
  return db
    .selectFrom('payments')
    .selectAll()
    .where('payment_intent', '=', payment.payment_intent)
    .where('milestone_id', '=', payment.milestone_id)
    .where('kind', '=', 'refund')
    .execute();
}
