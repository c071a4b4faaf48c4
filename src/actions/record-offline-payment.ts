import { newId } from '../db/ids';
import { appendActivity } from '../db/queries/activity';
import { insertPayment } from '../db/queries/payments';
import type { PaymentRow } from '../db/schema';
import { AppError } from '../domain/errors';
import { applyEvent } from '../domain/milestone-sequence';
import { formatMoney } from '../domain/money';
import type { ActionContext } from './context';
import { applyStatuses, findMilestone, lockProjectForChange } from './locked-project';

export const OFFLINE_METHODS = ['bank_transfer', 'cash', 'cheque', 'other'] as const;
export type OfflineMethod = (typeof OFFLINE_METHODS)[number];

/**
 * The freelancer records money received outside Milepost for the delivered milestone: the
 * milestone becomes paid and the next one opens, all in one transaction.
 */
export async function recordOfflinePayment(
  options: Pick<ActionContext, 'db'> & {
    ownerId: string;
    projectId: string;
    milestoneId: string;
    payment: { amountMinor: number; method: OfflineMethod; reference: string; receivedOn: string };
  },
): Promise<PaymentRow> {
  const now = new Date().toISOString();
  return options.db.transaction().execute(async (trx) => {
    const locked = await lockProjectForChange(trx, { ...options, now });
    const { milestone, index } = findMilestone(locked, options.milestoneId);
    const next = applyEvent(
      locked.milestones.map((m) => m.status),
      { type: 'pay', index },
    );
    const currency = locked.project.currency;
    if (options.payment.amountMinor !== milestone.amount_minor) {
      throw new AppError(
        'PAYMENT_AMOUNT_MISMATCH',
        `Milestone ${milestone.position} is ${formatMoney(milestone.amount_minor, currency)}; the payment is ${formatMoney(options.payment.amountMinor, currency)}`,
        { field: 'amountMinor' },
      );
    }
    const payment: PaymentRow = {
      id: newId(),
      project_id: locked.project.id,
      milestone_id: milestone.id,
      amount_minor: options.payment.amountMinor,
      currency,
      method: options.payment.method,
      reference: options.payment.reference.trim(),
      received_on: options.payment.receivedOn,
      recorded_by: options.ownerId,
      created_at: now,
    };
    await insertPayment(trx, payment);
    await appendActivity(trx, {
      projectId: locked.project.id,
      actorType: 'freelancer',
      actorId: options.ownerId,
      action: 'payment.recorded',
      details: {
        paymentId: payment.id,
        milestoneId: milestone.id,
        position: milestone.position,
        amountMinor: payment.amount_minor,
        currency,
        method: payment.method,
        reference: payment.reference,
        receivedOn: payment.received_on,
      },
      at: now,
    });
    await appendActivity(trx, {
      projectId: locked.project.id,
      actorType: 'system',
      actorId: null,
      action: 'milestone.paid',
      details: { milestoneId: milestone.id, position: milestone.position, title: milestone.title },
      at: now,
    });
    await applyStatuses(trx, {
      locked,
      milestones: locked.milestones,
      next,
      now,
    });
    return payment;
  });
}
