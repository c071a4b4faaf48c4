import type { Kysely } from 'kysely';
import { newId } from '../db/ids';
import { findActiveDispute, insertDispute } from '../db/queries/disputes';
import type { DB, DisputeRow, MilestoneRow } from '../db/schema';
import { canOpen } from '../domain/dispute';
import type { StreamAnnouncer } from '../events/stream-bus';
import { nowOf, type ActionContext } from './context';
import { expireDisputedCheckouts, type StripeDeps } from './dispute-checkouts';
import {
  checkEvidence,
  lockDisputeProject,
  NO_EVIDENCE,
  recordDisputeStep,
  type DisputeCaller,
  type Evidence,
} from './dispute-record';
import { findMilestone, type LockedProject } from './locked-project';

/** What a chargeback's statement says in the record; the screens word the reason themselves. */
export const CHARGEBACK_STATEMENT = 'A card chargeback was reported by Stripe';

/**
 * Either party opens a dispute on a delivered or paid milestone, with a statement and evidence
 * (the project's own chat messages and files). At most one dispute per milestone is active
 * (409 DISPUTE_OPEN); a milestone not delivered is refused (409 MILESTONE_NOT_DELIVERED). While
 * it is active on a delivered, unpaid milestone, payment waits (src/actions/dispute-gate.ts),
 * and the milestone's open Checkout sessions are expired (src/actions/dispute-checkouts.ts).
 */
export async function openDispute(
  options: Pick<ActionContext, 'db' | 'clock'> & {
    events: StreamAnnouncer;
    caller: DisputeCaller;
    projectId: string;
    milestoneId: string;
    statement: string;
    evidence: Evidence;
    /** To expire the milestone's open Checkout sessions once the dispute is open. */
    stripe?: StripeDeps;
  },
): Promise<DisputeRow> {
  const now = nowOf(options).toISOString();
  const statement = options.statement.trim();
  const { dispute, unpaid } = await options.db.transaction().execute(async (trx) => {
    const locked = await lockDisputeProject(trx, options.caller, options.projectId, now);
    const { milestone } = findMilestone(locked, options.milestoneId);
    const evidence = await checkEvidence(trx, locked.project.id, options.evidence);
    const dispute = await startDispute(trx, options.events, {
      locked,
      milestone,
      party: options.caller.party,
      statement,
      evidence,
      now,
    });
    return { dispute, unpaid: milestone.status === 'delivered' };
  });
  // Committed: a payment page opened before must not take the payment that now waits.
  if (unpaid && options.stripe)
    await expireDisputedCheckouts({ db: options.db, ...options.stripe, dispute });
  return dispute;
}

async function startDispute(
  trx: Kysely<DB>,
  events: StreamAnnouncer,
  options: {
    locked: LockedProject;
    milestone: MilestoneRow;
    party: DisputeRow['opened_by'];
    statement: string;
    evidence: Evidence;
    chargeback?: { stripeDisputeId: string; reason: string | null; amountMinor: number };
    now: string;
  },
): Promise<DisputeRow> {
  const { locked, milestone, now } = options;
  const active = await findActiveDispute(trx, locked.project.id, milestone.id);
  const allowed = canOpen(milestone, active ? 1 : 0);
  if (!allowed.ok) throw allowed.error;
  const dispute: DisputeRow = {
    id: newId(),
    project_id: locked.project.id,
    milestone_id: milestone.id,
    opened_by: options.party,
    status: 'open',
    statement: options.statement,
    proposal: null,
    resolution: null,
    escalated_at: null,
    mediator: null,
    stripe_dispute_id: options.chargeback?.stripeDisputeId ?? null,
    chargeback_reason: options.chargeback?.reason ?? null,
    created_at: now,
    updated_at: now,
    closed_at: null,
  };
  await insertDispute(trx, dispute);
  await recordDisputeStep(trx, events, {
    locked,
    milestone,
    dispute,
    event: 'opened',
    party: options.party,
    text: options.statement,
    resolution: null,
    evidence: options.evidence,
    ...(options.chargeback && { chargeback: options.chargeback }),
    now,
  });
  return dispute;
}

/**
 * A card chargeback Stripe reported for a payment of `milestone`: a dispute opened on the
 * client's side, in the webhook's transaction (the event id is remembered there, so a repeated
 * delivery opens nothing twice). When the milestone already has an active dispute, the
 * chargeback is added to it as the client's statement. Nothing happens for a milestone that
 * cannot be disputed (no longer delivered after a full refund, say): the activity records the
 * chargeback either way.
 */
export async function openChargebackDispute(
  trx: Kysely<DB>,
  events: StreamAnnouncer,
  options: {
    locked: LockedProject;
    milestone: MilestoneRow;
    chargeback: { stripeDisputeId: string; reason: string | null; amountMinor: number };
    now: string;
  },
): Promise<DisputeRow | null> {
  const { locked, milestone, now } = options;
  const active = await findActiveDispute(trx, locked.project.id, milestone.id);
  if (active) {
    await recordDisputeStep(trx, events, {
      locked,
      milestone,
      dispute: active,
      event: 'statement',
      party: 'client',
      text: CHARGEBACK_STATEMENT,
      resolution: null,
      evidence: NO_EVIDENCE,
      chargeback: options.chargeback,
      now,
    });
    return active;
  }
  if (!canOpen(milestone, 0).ok) return null;
  return startDispute(trx, events, {
    locked,
    milestone,
    party: 'client',
    statement: CHARGEBACK_STATEMENT,
    evidence: NO_EVIDENCE,
    chargeback: options.chargeback,
    now,
  });
}
