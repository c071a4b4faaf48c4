import { refreshProjectSums } from '../db/queries/analytics-sums';
import type { Kysely } from 'kysely';
import { newId } from '../db/ids';
import { appendActivity } from '../db/queries/activity';
import { insertPayment, listPaymentsOfMilestone } from '../db/queries/payments';
import type { DB, MilestoneRow, PaymentRow } from '../db/schema';
import { assertNotAfterToday } from '../domain/calendar';
import { AppError } from '../domain/errors';
import { formatMoney } from '../domain/money';
import { applyEvent } from '../domain/milestone-sequence';
import { balanceOf } from '../domain/payment-balance';
import { nowOf, type ActionContext } from './context';
import { movementsOf } from './credit-payment';
import {
  applyStatuses,
  findMilestone,
  lockProjectForChange,
  type LockedProject,
} from './locked-project';

/**
 * Records money given back for a milestone (inside the caller's transaction). A paid milestone
 * refunded in full is delivered again: its files lock for the client and Pay is offered anew,
 * while the milestones after it keep their state.
 */
export async function applyRefund(
  trx: Kysely<DB>,
  options: {
    locked: LockedProject;
    milestone: MilestoneRow;
    refund: PaymentRow;
    actor: { type: 'freelancer' | 'system'; id: string | null };
    now: string;
  },
): Promise<void> {
  const { locked, milestone, refund, now } = options;
  await insertPayment(trx, refund);
  const balance = balanceOf(
    milestone.amount_minor,
    movementsOf(await listPaymentsOfMilestone(trx, milestone.id)),
  );
  await appendActivity(trx, {
    projectId: locked.project.id,
    actorType: options.actor.type,
    actorId: options.actor.id,
    action: 'payment.refunded',
    details: {
      refundId: refund.id,
      milestoneId: milestone.id,
      position: milestone.position,
      amountMinor: refund.amount_minor,
      currency: refund.currency,
      reference: refund.reference,
      source: refund.source,
      refundedMinor: balance.refundedMinor,
    },
    at: now,
  });
  if (balance.refundedInFull) {
    await appendActivity(trx, {
      projectId: locked.project.id,
      actorType: 'system',
      actorId: null,
      action: 'files.locked',
      details: {
        milestoneId: milestone.id,
        position: milestone.position,
        reason: 'refunded in full',
      },
      at: now,
    });
  }
  if (balance.refundedInFull && milestone.status === 'paid') {
    const index = locked.milestones.findIndex((m) => m.id === milestone.id);
    const next = applyEvent(
      locked.milestones.map((m) => m.status),
      { type: 'refund', index },
    );
    await appendActivity(trx, {
      projectId: locked.project.id,
      actorType: 'system',
      actorId: null,
      action: 'milestone.unpaid',
      details: { milestoneId: milestone.id, position: milestone.position, title: milestone.title },
      at: now,
    });
    await applyStatuses(trx, { locked, milestones: locked.milestones, next, now });
  }
  await refreshProjectSums(trx, locked.project.id);
}

/** The freelancer records a refund made by hand (or outside Stripe). */
export async function recordRefund(
  options: Pick<ActionContext, 'db' | 'clock'> & {
    ownerId: string;
    /** The freelancer's IANA time zone: the refund cannot be dated after their today. */
    timeZone: string;
    projectId: string;
    milestoneId: string;
    refund: { amountMinor: number; reference: string; refundedOn: string };
  },
): Promise<PaymentRow> {
  const at = nowOf(options);
  assertNotAfterToday(options.refund.refundedOn, {
    timeZone: options.timeZone,
    now: at,
    field: 'refundedOn',
    what: 'A refund',
  });
  const now = at.toISOString();
  return options.db.transaction().execute(async (trx) => {
    const locked = await lockProjectForChange(trx, { ...options, now, act: 'refund' });
    const { milestone } = findMilestone(locked, options.milestoneId);
    const balance = balanceOf(
      milestone.amount_minor,
      movementsOf(await listPaymentsOfMilestone(trx, milestone.id)),
    );
    if (options.refund.amountMinor > balance.netMinor) {
      throw new AppError(
        'REFUND_TOO_LARGE',
        `Only ${formatMoney(balance.netMinor, locked.project.currency)} was received for milestone ${milestone.position} (net of refunds)`,
        { field: 'amountMinor' },
      );
    }
    const refund: PaymentRow = {
      id: newId(),
      project_id: locked.project.id,
      milestone_id: milestone.id,
      amount_minor: options.refund.amountMinor,
      currency: locked.project.currency,
      method: 'refund',
      reference: options.refund.reference.trim(),
      received_on: options.refund.refundedOn,
      recorded_by: options.ownerId,
      kind: 'refund',
      source: 'offline',
      status: 'credited',
      external_id: null,
      payment_intent: null,
      livemode: null,
      created_at: now,
    };
    await applyRefund(trx, {
      locked,
      milestone,
      refund,
      actor: { type: 'freelancer', id: options.ownerId },
      now,
    });
    return refund;
  });
}
