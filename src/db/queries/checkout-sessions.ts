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

export function findCheckoutSession(
  db: Kysely<DB>,
  id: string,
): Promise<CheckoutSessionRow | undefined> {
  return db.selectFrom('checkout_sessions').selectAll().where('id', '=', id).executeTakeFirst();
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
