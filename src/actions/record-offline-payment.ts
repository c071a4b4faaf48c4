import { newId } from '../db/ids';
import type { PaymentRow } from '../db/schema';
import { assertNotAfterToday } from '../domain/calendar';
import { applyEvent, isPayable } from '../domain/milestone-sequence';
import { nowOf, type ActionContext } from './context';
import type { StreamAnnouncer } from '../events/stream-bus';
import { creditPayment, type CreditResult } from './credit-payment';
import { assertNoDisputeBlocksPayment } from './dispute-gate';
import { findMilestone, lockProjectForChange } from './locked-project';

export const OFFLINE_METHODS = ['bank_transfer', 'cash', 'cheque', 'other'] as const;
export type OfflineMethod = (typeof OFFLINE_METHODS)[number];

/**
 * The freelancer records money received outside Milepost for a delivered milestone — all of it
 * or a part. Once what was received covers the amount, the milestone is paid, its files unlock
 * and the next milestone opens; every payment gets a receipt.
 *
 * Not gated by the contract (src/actions/contract-gate.ts): this is the freelancer writing down
 * money already received, not the client paying. Refusing it would leave real money unbooked;
 * the client's own ways to pay (card checkout) are the ones refused before acceptance.
 */
export async function recordOfflinePayment(
  options: Pick<ActionContext, 'db' | 'clock'> & {
    events: StreamAnnouncer;
    ownerId: string;
    /** The freelancer's IANA time zone: the payment cannot be dated after their today. */
    timeZone: string;
    projectId: string;
    milestoneId: string;
    payment: { amountMinor: number; method: OfflineMethod; reference: string; receivedOn: string };
  },
): Promise<CreditResult> {
  const at = nowOf(options);
  assertNotAfterToday(options.payment.receivedOn, {
    timeZone: options.timeZone,
    now: at,
    field: 'receivedOn',
    what: 'A payment',
  });
  const now = at.toISOString();
  return options.db.transaction().execute(async (trx) => {
    const locked = await lockProjectForChange(trx, { ...options, now });
    const { milestone, index } = findMilestone(locked, options.milestoneId);
    // Money is taken only for the delivered milestone (or an open deposit); the sequence says
    // why not otherwise.
    if (!isPayable(milestone.status, milestone.is_deposit === 1))
      applyEvent(
        locked.milestones.map((m) => m.status),
        { type: 'pay', index, deposit: milestone.is_deposit === 1 },
      );
    // A delivery under an active dispute waits for its end (src/actions/dispute-gate.ts).
    await assertNoDisputeBlocksPayment(trx, milestone);
    const payment: PaymentRow = {
      id: newId(),
      project_id: locked.project.id,
      milestone_id: milestone.id,
      amount_minor: options.payment.amountMinor,
      currency: locked.project.currency,
      method: options.payment.method,
      reference: options.payment.reference.trim(),
      received_on: options.payment.receivedOn,
      recorded_by: options.ownerId,
      kind: 'payment',
      source: 'offline',
      status: 'credited',
      external_id: null,
      payment_intent: null,
      livemode: null,
      created_at: now,
    };
    return creditPayment(trx, {
      locked,
      milestone,
      payment,
      actor: { type: 'freelancer', id: options.ownerId },
      now,
      events: options.events,
    });
  });
}
