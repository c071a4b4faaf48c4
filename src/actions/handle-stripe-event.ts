/**
 * Acts on a verified Stripe webhook. Webhooks are hints that may come late, twice, out of order
 * or at the same time: the event id is remembered in the same transaction as its effect, and
 * every effect is keyed on the state it points to (a checkout session is credited once, by its
 * id; refunds by the charge's cumulative refunded amount), so the outcome is the same whatever
 * the delivery.
 */
import type { Kysely } from 'kysely';
import type Stripe from 'stripe';
import { newId } from '../db/ids';
import { formatMoney } from '../domain/money';
import { isUniqueViolation } from '../db/errors';
import { appendActivity } from '../db/queries/activity';
import { findCheckoutSession, setCheckoutSessionStatus } from '../db/queries/checkout-sessions';
import { findPaymentByExternalId, listPaymentsByIntent } from '../db/queries/payments';
import { lockProjectById } from '../db/queries/projects';
import { insertStripeEvent } from '../db/queries/stripe-events';
import type { DB, PaymentRow, ReceiptRow } from '../db/schema';
import { checkoutSessionInfo, type CheckoutSessionInfo } from '../payments/stripe-gateway';
import { creditPayment } from './credit-payment';
import { applyRefund } from './record-refund';
import { listMilestones } from '../db/queries/milestones';

export type EventOutcome =
  'credited' | 'flagged' | 'refunded' | 'recorded' | 'duplicate' | 'ignored';

interface Effect {
  outcome: EventOutcome;
  receipt: ReceiptRow | null;
}

const nothing = (outcome: EventOutcome): Effect => ({ outcome, receipt: null });

export async function handleStripeEvent(options: {
  db: Kysely<DB>;
  event: Stripe.Event;
  /** The freelancer whose webhook endpoint received it; null for the operator's endpoint. */
  ownerId: string | null;
  /** Whether the receiving account's key is live, to catch test events sent to a live account. */
  livemode: boolean;
}): Promise<EventOutcome> {
  const { db, event } = options;
  let effect: Effect;
  try {
    effect = await db.transaction().execute(async (trx) => {
      await insertStripeEvent(trx, {
        id: event.id,
        type: event.type,
        ownerId: options.ownerId,
        receivedAt: new Date().toISOString(),
      });
      return applyEvent(trx, options);
    });
  } catch (error) {
    if (isUniqueViolation(error)) return 'duplicate';
    throw error;
  }
  return effect.outcome;
}

async function applyEvent(
  trx: Kysely<DB>,
  options: { event: Stripe.Event; ownerId: string | null; livemode: boolean },
): Promise<Effect> {
  const { event } = options;
  switch (event.type) {
    case 'checkout.session.completed':
      if (event.data.object.payment_status !== 'paid')
        return recordSessionEvent(trx, event.data.object, options, 'payment.pending');
      return creditSession(trx, checkoutSessionInfo(event.data.object), options);
    case 'checkout.session.async_payment_succeeded':
      return creditSession(trx, checkoutSessionInfo(event.data.object), options);
    case 'checkout.session.async_payment_failed':
      return recordSessionEvent(trx, event.data.object, options, 'payment.failed');
    case 'charge.refunded':
      return refundCharge(trx, event.data.object, options);
    case 'charge.dispute.created':
      return recordDispute(trx, event.data.object, options);
    default:
      return nothing('ignored');
  }
}

/** Locks and loads the project a milestone belongs to, if it is the expected owner's. */
async function lockMilestoneProject(
  trx: Kysely<DB>,
  milestoneId: string | undefined,
  ownerId: string | null,
  now: string,
) {
  if (!milestoneId) return null;
  const ref = await trx
    .selectFrom('milestones')
    .select('project_id')
    .where('id', '=', milestoneId)
    .executeTakeFirst();
  const project = ref && (await lockProjectById(trx, ref.project_id, now));
  if (!project || (ownerId !== null && project.owner_id !== ownerId)) return null;
  const milestones = await listMilestones(trx, project.id);
  const milestone = milestones.find((m) => m.id === milestoneId);
  return milestone ? { locked: { project, milestones }, milestone } : null;
}

/** Credits a paid checkout session exactly once; also used by the reconciler. */
export async function creditSession(
  trx: Kysely<DB>,
  session: CheckoutSessionInfo,
  options: { ownerId: string | null; livemode: boolean },
): Promise<Effect> {
  const now = new Date().toISOString();
  const target = await lockMilestoneProject(
    trx,
    session.metadata['milestoneId'],
    options.ownerId,
    now,
  );
  if (!target) return nothing('ignored');
  if (await findPaymentByExternalId(trx, session.id)) return nothing('duplicate');
  const { locked, milestone } = target;
  const asked = await findCheckoutSession(trx, session.id);
  const problems = [
    !asked && 'no such checkout session was opened by Milepost',
    asked && asked.milestone_id !== milestone.id && 'the session belongs to another milestone',
    session.currency !== locked.project.currency &&
      `currency ${session.currency ?? '?'} instead of ${locked.project.currency}`,
    asked &&
      session.amountTotal !== asked.amount_minor &&
      `amount ${session.amountTotal === null ? '?' : formatMoney(session.amountTotal, asked.currency)} instead of ${formatMoney(asked.amount_minor, asked.currency)}`,
    session.livemode !== options.livemode &&
      (session.livemode ? 'a live payment on a test account' : 'a test payment on a live account'),
  ].filter((p): p is string => typeof p === 'string');
  const payment: PaymentRow = {
    id: newId(),
    project_id: locked.project.id,
    milestone_id: milestone.id,
    amount_minor: session.amountTotal ?? 0,
    currency: session.currency ?? locked.project.currency,
    method: 'stripe',
    reference: session.id,
    received_on: now.slice(0, 10),
    recorded_by: 'stripe',
    kind: 'payment',
    source: 'stripe',
    status: problems.length > 0 ? 'flagged' : 'credited',
    external_id: session.id,
    payment_intent: session.paymentIntent,
    livemode: session.livemode ? 1 : 0,
    created_at: now,
  };
  const result = await creditPayment(trx, {
    locked,
    milestone,
    payment,
    actor: { type: 'system', id: null },
    now,
    ...(problems.length > 0 && { flaggedBecause: problems.join('; ') }),
  });
  if (asked) await setCheckoutSessionStatus(trx, asked.id, 'complete');
  return { outcome: problems.length > 0 ? 'flagged' : 'credited', receipt: result.receipt };
}

/** A session event that moves no money: noted in the activity (and a failure on the session). */
async function recordSessionEvent(
  trx: Kysely<DB>,
  session: Stripe.Checkout.Session,
  options: { ownerId: string | null },
  action: 'payment.pending' | 'payment.failed',
): Promise<Effect> {
  const now = new Date().toISOString();
  const target = await lockMilestoneProject(
    trx,
    session.metadata?.['milestoneId'],
    options.ownerId,
    now,
  );
  if (!target) return nothing('ignored');
  if (action === 'payment.failed' && (await findCheckoutSession(trx, session.id))) {
    await setCheckoutSessionStatus(trx, session.id, 'failed');
  }
  await appendActivity(trx, {
    projectId: target.locked.project.id,
    actorType: 'system',
    actorId: null,
    action,
    details: { milestoneId: target.milestone.id, sessionId: session.id },
    at: now,
  });
  return nothing('recorded');
}

/**
 * The credited Stripe payment behind a payment intent, with its project locked — and only then
 * the intent's refunds read, so concurrent refund events each see the others' effects.
 */
async function paymentForIntent(
  trx: Kysely<DB>,
  intent: string | Stripe.PaymentIntent | null,
  ownerId: string | null,
  now: string,
) {
  const intentId = typeof intent === 'string' ? intent : (intent?.id ?? null);
  if (!intentId) return null;
  const payment = (await listPaymentsByIntent(trx, intentId)).find((p) => p.kind === 'payment');
  if (!payment) return null;
  const target = await lockMilestoneProject(trx, payment.milestone_id, ownerId, now);
  if (!target) return null;
  return { ...target, payment, intentId, all: await listPaymentsByIntent(trx, intentId) };
}

async function refundCharge(
  trx: Kysely<DB>,
  charge: Stripe.Charge,
  options: { ownerId: string | null },
): Promise<Effect> {
  const now = new Date().toISOString();
  const found = await paymentForIntent(trx, charge.payment_intent, options.ownerId, now);
  if (!found) return nothing('ignored');
  // amount_refunded is cumulative: record only what our books do not have yet.
  const known = found.all
    .filter((p) => p.kind === 'refund')
    .reduce((sum, p) => sum + p.amount_minor, 0);
  const missing = Math.min(charge.amount_refunded, found.payment.amount_minor) - known;
  if (missing <= 0) return nothing('duplicate');
  const refund: PaymentRow = {
    ...found.payment,
    id: newId(),
    amount_minor: missing,
    method: 'stripe',
    reference: charge.id,
    received_on: now.slice(0, 10),
    kind: 'refund',
    status: 'credited',
    external_id: `${charge.id}:refunded:${charge.amount_refunded}`,
    created_at: now,
  };
  await applyRefund(trx, { ...found, refund, actor: { type: 'system', id: null }, now });
  return nothing('refunded');
}

async function recordDispute(
  trx: Kysely<DB>,
  dispute: Stripe.Dispute,
  options: { ownerId: string | null },
): Promise<Effect> {
  const now = new Date().toISOString();
  const found = await paymentForIntent(trx, dispute.payment_intent, options.ownerId, now);
  if (!found) return nothing('ignored');
  await appendActivity(trx, {
    projectId: found.locked.project.id,
    actorType: 'system',
    actorId: null,
    action: 'payment.disputed',
    details: {
      milestoneId: found.milestone.id,
      disputeId: dispute.id,
      amountMinor: dispute.amount,
      reason: dispute.reason,
      paymentIntent: found.intentId,
    },
    at: now,
  });
  return nothing('recorded');
}
