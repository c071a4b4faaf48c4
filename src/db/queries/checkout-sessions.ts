import type { Kysely } from 'kysely';
import type { CheckoutSessionRow, DB } from '../schema';

export async function insertCheckoutSession(
  db: Kysely<DB>,
  row: CheckoutSessionRow,
): Promise<boolean> {
  const result = await db
    .insertInto('checkout_sessions')
    .values(row)
    .onConflict((oc) => oc.column('id').doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0) > 0;
}

export function listCheckoutSessionsOfMilestone(
  db: Kysely<DB>,
  milestoneId: string,
): Promise<CheckoutSessionRow[]> {
  return db
    .selectFrom('checkout_sessions')
    .selectAll()
    .where('milestone_id', '=', milestoneId)
    .orderBy('created_at', 'desc')
    .execute();
}

/**
 * A session Milepost opened that this webhook endpoint may report on: created on the endpoint's
 * Stripe account and, when the caller knows whose it must be, for that freelancer. Any other
 * session id in a signed event is someone else's (or nobody's) and is not looked at further.
 */
export function findSessionOfEndpoint(
  db: Kysely<DB>,
  id: string,
  endpoint: { endpoint: string; ownerId: string | null },
): Promise<CheckoutSessionRow | undefined> {
  let query = db
    .selectFrom('checkout_sessions')
    .selectAll()
    .where('id', '=', id)
    .where('endpoint', '=', endpoint.endpoint);
  if (endpoint.ownerId !== null) query = query.where('owner_id', '=', endpoint.ownerId);
  return query.executeTakeFirst();
}

export async function setCheckoutSessionStatus(
  db: Kysely<DB>,
  id: string,
  status: CheckoutSessionRow['status'],
): Promise<void> {
  await db.updateTable('checkout_sessions').set({ status }).where('id', '=', id).execute();
}

/** Freelancers with sessions still open since `since`: whom the reconciler asks Stripe about. */
export async function ownersWithOpenSessions(db: Kysely<DB>, since: string): Promise<string[]> {
  const rows = await db
    .selectFrom('checkout_sessions')
    .select('owner_id')
    .distinct()
    .where('status', '=', 'open')
    .where('created_at', '>', since)
    .execute();
  return rows.map((r) => r.owner_id);
}
