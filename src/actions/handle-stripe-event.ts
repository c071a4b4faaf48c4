/**
 * Acts on a verified, schema-checked Stripe webhook. Webhooks are hints that may come late,
 * twice, out of order or at the same time: the event id is remembered (per endpoint) in the same
 * transaction as its effect, and every effect is keyed on the state it points to (a checkout
 * session is credited once, by its id; refunds by the charge's cumulative refunded amount), so
 * the outcome is the same whatever the delivery.
 *
 * An endpoint speaks only for what Milepost created through it: a session id or payment intent
 * that is not one of that endpoint's is ignored — answered 2xx, and nothing at all is stored, not
 * even the event id — so one freelancer's signed events can never block another's payment.
 */
import type { FlagProblem } from '../domain/flag-reasons';
import type { Kysely } from 'kysely';
import { newId } from '../db/ids';
import { formatMoney } from '../domain/money';
import { isUniqueViolation } from '../db/errors';
import { appendActivity } from '../db/queries/activity';
import { findSessionOfEndpoint, setCheckoutSessionStatus } from '../db/queries/checkout-sessions';
import {
  findPaymentByExternalId,
  findPaymentOfIntent,
  listRefundsOfPayment,
} from '../db/queries/payments';
import { lockProjectById } from '../db/queries/projects';
import { hasStripeEvent, insertStripeEvent } from '../db/queries/stripe-events';
import type { DB, PaymentRow, ReceiptRow } from '../db/schema';
import type { StripeEvent } from '../payments/stripe-events';
import type { CheckoutSessionInfo } from '../payments/stripe-gateway';
import type { StreamAnnouncer } from '../events/stream-bus';
import { creditPayment } from './credit-payment';
import { applyRefund } from './record-refund';
import { openChargebackDispute } from './open-dispute';
import { listMilestones } from '../db/queries/milestones';

export type EventOutcome =
  'credited' | 'flagged' | 'refunded' | 'recorded' | 'duplicate' | 'ignored';

interface Effect {
  outcome: EventOutcome;
  receipt: ReceiptRow | null;
}

/** Where an event came from: which webhook endpoint, and so which Stripe account. */
export interface EventSource {
  /** 'operator' for the operator's endpoint, else the freelancer's user id. */
  endpoint: string;
  /** The freelancer the endpoint belongs to; null for the operator's (it serves many). */
  ownerId: string | null;
  /** Whether the receiving account's key is live, to catch test events sent to a live account. */
  livemode: boolean;
}

export const OPERATOR_ENDPOINT = 'operator';

const nothing = (outcome: EventOutcome): Effect => ({ outcome, receipt: null });

// Thrown to roll back the event id of an ignored event: it leaves no trace.
const IGNORED = Symbol('ignored');
const MAX_ATTEMPTS = 3;

export async function handleStripeEvent(options: {
  db: Kysely<DB>;
  event: StripeEvent;
  source: EventSource;
  /** Where the conversation's system entries (payment received, receipt issued) go. */
  events: StreamAnnouncer;
}): Promise<EventOutcome> {
  const { db, event, source, events } = options;
  let effect: Effect | undefined;
  // A unique key that fails is a duplicate delivery only if it was the event's own; any other
  // (a row written meanwhile by another request) is a conflict worth another try.
  for (let attempt = 1; effect === undefined; attempt++) {
    try {
      effect = await db.transaction().execute(async (trx) => {
        await insertStripeEvent(trx, {
          endpoint: source.endpoint,
          id: event.id,
          type: event.type === 'other' ? event.name : event.type,
          ownerId: source.ownerId,
          receivedAt: new Date().toISOString(),
        });
        const applied = await applyEvent(trx, event, source, events);
        if (applied.outcome === 'ignored') throw IGNORED;
        return applied;
      });
    } catch (error) {
      if (error === IGNORED) return 'ignored';
      if (!isUniqueViolation(error)) throw error;
      if (await hasStripeEvent(db, { endpoint: source.endpoint, id: event.id })) return 'duplicate';
      if (attempt >= MAX_ATTEMPTS) throw error;
    }
  }
  return effect.outcome;
}

async function applyEvent(
  trx: Kysely<DB>,
  event: StripeEvent,
  source: EventSource,
  events: StreamAnnouncer,
): Promise<Effect> {
  switch (event.type) {
    case 'checkout.session.completed':
      if (event.session.paymentStatus !== 'paid')
        return recordSessionEvent(trx, event.session, source, 'payment.pending');
      return creditSession(trx, event.session, source, events);
    case 'checkout.session.async_payment_succeeded':
      return creditSession(trx, event.session, source, events);
    case 'checkout.session.async_payment_failed':
      return recordSessionEvent(trx, event.session, source, 'payment.failed');
    case 'charge.refunded':
      return refundCharge(trx, event.charge, source);
    case 'charge.dispute.created':
      return recordDispute(trx, event.dispute, source, events);
    case 'other':
      return nothing('ignored');
  }
}

/** Locks and loads the project of one of Milepost's own rows (a session or a payment). */
async function lockMilestoneProject(
  trx: Kysely<DB>,
  ref: { project_id: string; milestone_id: string },
  now: string,
) {
  const project = await lockProjectById(trx, ref.project_id, now);
  if (!project) return null;
  const milestones = await listMilestones(trx, project.id);
  const milestone = milestones.find((m) => m.id === ref.milestone_id);
  return milestone ? { locked: { project, milestones }, milestone } : null;
}

/** Credits a paid checkout session exactly once; also used by the reconciler. */
export async function creditSession(
  trx: Kysely<DB>,
  session: CheckoutSessionInfo,
  source: EventSource,
  events: StreamAnnouncer,
): Promise<Effect> {
  const now = new Date().toISOString();
  const asked = await findSessionOfEndpoint(trx, session.id, source);
  const target = asked && (await lockMilestoneProject(trx, asked, now));
  if (!asked || !target) return nothing('ignored');
  if (await findPaymentByExternalId(trx, session.id)) return nothing('duplicate');
  const { locked, milestone } = target;
  const named = session.metadata['milestoneId'];
  const found: (FlagProblem | false)[] = [
    named !== undefined && named !== milestone.id && { kind: 'otherMilestone' },
    session.currency !== locked.project.currency && {
      kind: 'currency',
      got: session.currency ?? '?',
      expected: locked.project.currency,
    },
    session.amountTotal !== asked.amount_minor && {
      kind: 'amount',
      gotMinor: session.amountTotal,
      expectedMinor: asked.amount_minor,
      currency: asked.currency,
    },
    session.livemode !== source.livemode && { kind: 'mode', live: session.livemode },
  ];
  const flags = found.filter((p): p is FlagProblem => p !== false);
  // The English sentence stays in the record; the screens word `flags` in their language.
  const problems = flags.map((p) => {
    switch (p.kind) {
      case 'otherMilestone':
        return 'the session names another milestone';
      case 'currency':
        return `currency ${p.got} instead of ${p.expected}`;
      case 'amount':
        return `amount ${p.gotMinor === null ? '?' : formatMoney(p.gotMinor, p.currency)} instead of ${formatMoney(p.expectedMinor, p.currency)}`;
      case 'mode':
        return p.live ? 'a live payment on a test account' : 'a test payment on a live account';
    }
  });
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
    events,
    ...(problems.length > 0 && { flaggedBecause: problems.join('; '), flagProblems: flags }),
  });
  await setCheckoutSessionStatus(trx, asked.id, 'complete');
  return { outcome: problems.length > 0 ? 'flagged' : 'credited', receipt: result.receipt };
}

/** A session event that moves no money: noted in the activity (and a failure on the session). */
async function recordSessionEvent(
  trx: Kysely<DB>,
  session: CheckoutSessionInfo,
  source: EventSource,
  action: 'payment.pending' | 'payment.failed',
): Promise<Effect> {
  const now = new Date().toISOString();
  const asked = await findSessionOfEndpoint(trx, session.id, source);
  const target = asked && (await lockMilestoneProject(trx, asked, now));
  if (!asked || !target) return nothing('ignored');
  if (action === 'payment.failed') await setCheckoutSessionStatus(trx, asked.id, 'failed');
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
 * The credited Stripe payment behind a payment intent, as credited through this endpoint, with
 * its project locked — and only then its refunds read, so concurrent refund events each see the
 * others' effects.
 */
async function paymentForIntent(
  trx: Kysely<DB>,
  intentId: string | null,
  source: EventSource,
  now: string,
) {
  if (!intentId) return null;
  const payment = await findPaymentOfIntent(trx, intentId, source.endpoint);
  if (!payment) return null;
  const target = await lockMilestoneProject(trx, payment, now);
  if (!target) return null;
  if (source.ownerId !== null && target.locked.project.owner_id !== source.ownerId) return null;
  return { ...target, payment, intentId, refunds: await listRefundsOfPayment(trx, payment) };
}

async function refundCharge(
  trx: Kysely<DB>,
  charge: { id: string; amountRefunded: number; paymentIntent: string | null },
  source: EventSource,
): Promise<Effect> {
  const now = new Date().toISOString();
  const found = await paymentForIntent(trx, charge.paymentIntent, source, now);
  if (!found) return nothing('ignored');
  // amount_refunded is cumulative: record only what our books do not have yet.
  const known = found.refunds.reduce((sum, p) => sum + p.amount_minor, 0);
  const missing = Math.min(charge.amountRefunded, found.payment.amount_minor) - known;
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
    // Keyed on Milepost's own payment id, which no other endpoint's events can name.
    external_id: `${found.payment.id}:refunded:${charge.amountRefunded}`,
    created_at: now,
  };
  await applyRefund(trx, { ...found, refund, actor: { type: 'system', id: null }, now });
  return nothing('refunded');
}

async function recordDispute(
  trx: Kysely<DB>,
  dispute: { id: string; amount: number; reason: string | null; paymentIntent: string | null },
  source: EventSource,
  events: StreamAnnouncer,
): Promise<Effect> {
  const now = new Date().toISOString();
  const found = await paymentForIntent(trx, dispute.paymentIntent, source, now);
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
  // The chargeback opens a dispute on the milestone, on the client's side.
  await openChargebackDispute(trx, events, {
    locked: found.locked,
    milestone: found.milestone,
    chargeback: {
      stripeDisputeId: dispute.id,
      reason: dispute.reason,
      amountMinor: dispute.amount,
    },
    now,
  });
  return nothing('recorded');
}
