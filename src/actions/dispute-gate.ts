/**
 * The dispute's payment gate: while a dispute on a delivered, unpaid milestone is active (open or
 * escalated), the client's checkout and the freelancer's recording of money received wait
 * (409 DISPUTE_OPEN) — and with them the files' unlocking, which only payment brings. They work
 * again once the dispute is resolved or withdrawn. A dispute on a paid milestone gates nothing:
 * the money is already there. Stripe's webhooks are not gated: money that arrived is credited.
 */
import type { Kysely } from 'kysely';
import { findActiveDispute } from '../db/queries/disputes';
import type { DB, MilestoneRow } from '../db/schema';
import { AppError } from '../domain/errors';

export async function assertNoDisputeBlocksPayment(
  db: Kysely<DB>,
  milestone: Pick<MilestoneRow, 'id' | 'project_id' | 'status' | 'position'>,
): Promise<void> {
  if (milestone.status !== 'delivered') return;
  const active = await findActiveDispute(db, milestone.project_id, milestone.id);
  if (active)
    throw new AppError(
      'DISPUTE_OPEN',
      `Milestone ${milestone.position} is disputed: payment waits until the dispute is resolved or withdrawn`,
    );
}
