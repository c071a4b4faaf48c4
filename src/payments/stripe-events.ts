/**
 * The Stripe events Milepost acts on, read through one zod schema each. A signature proves who
 * sent an event, not that it is well formed: an event without `data.object`, with an amount that
 * is not a whole number of minor units, or with a string where an object belongs is refused
 * (400) before anything is written. Events of other types only need Stripe's envelope.
 */
import { z } from 'zod';
import { AppError } from '../domain/errors';
import type { CheckoutSessionInfo } from './stripe-gateway';

/** Exactly the events Milepost acts on: what its own webhook endpoint subscribes to. */
export const STRIPE_WEBHOOK_EVENTS = [
  'checkout.session.completed',
  'checkout.session.async_payment_succeeded',
  'checkout.session.async_payment_failed',
  'charge.refunded',
  'charge.dispute.created',
] as const;

const stripeId = z.string().min(1).max(255);
const minorUnits = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);
const unixSeconds = z.number().int().min(0);
/** Stripe sends an id, or the expanded object carrying it. */
const expandable = z
  .union([stripeId, z.object({ id: stripeId })])
  .nullable()
  .optional()
  .transform((v) => (v === null || v === undefined ? null : typeof v === 'string' ? v : v.id));

const checkoutSession = z.object({
  id: stripeId,
  url: z.string().max(2048).nullable().optional(),
  status: z.string().max(64).nullable().optional(),
  payment_status: z.string().max(64),
  amount_total: minorUnits.nullable(),
  currency: z
    .string()
    .regex(/^[A-Za-z]{3}$/)
    .nullable(),
  livemode: z.boolean(),
  payment_intent: expandable,
  metadata: z.record(z.string().max(500), z.string().max(500)).nullable().optional(),
  expires_at: unixSeconds,
  created: unixSeconds,
});

const charge = z.object({
  id: stripeId,
  amount: minorUnits,
  amount_refunded: minorUnits,
  payment_intent: expandable,
});

const dispute = z.object({
  id: stripeId,
  amount: minorUnits,
  reason: z.string().max(200).nullable().optional(),
  payment_intent: expandable,
});

const envelope = z.object({
  id: stripeId,
  type: z.string().min(1).max(255),
  data: z.object({ object: z.record(z.string(), z.unknown()) }),
});

export type SessionEventType =
  | 'checkout.session.completed'
  | 'checkout.session.async_payment_succeeded'
  | 'checkout.session.async_payment_failed';

export type StripeEvent =
  | { id: string; type: SessionEventType; session: CheckoutSessionInfo }
  | {
      id: string;
      type: 'charge.refunded';
      charge: { id: string; amountRefunded: number; paymentIntent: string | null };
    }
  | {
      id: string;
      type: 'charge.dispute.created';
      dispute: { id: string; amount: number; reason: string | null; paymentIntent: string | null };
    }
  | { id: string; type: 'other'; name: string };

/** Milepost's reading of a checkout session, from a webhook or from Stripe's API. */
export function sessionInfoOf(session: z.output<typeof checkoutSession>): CheckoutSessionInfo {
  return {
    id: session.id,
    url: session.url ?? null,
    status: session.status ?? null,
    paymentStatus: session.payment_status,
    amountTotal: session.amount_total,
    currency: session.currency ? session.currency.toUpperCase() : null,
    livemode: session.livemode,
    paymentIntent: session.payment_intent,
    metadata: session.metadata ?? {},
    expiresAt: session.expires_at,
    created: session.created,
  };
}

function refuse(error: z.ZodError, prefix: string): never {
  const issue = error.issues[0];
  const field = [prefix, ...(issue?.path ?? []).map(String)].filter(Boolean).join('.');
  throw new AppError(
    'VALIDATION_FAILED',
    `The Stripe event is malformed: ${field || 'event'}: ${issue?.message ?? 'is not valid'}`,
    field ? { field } : {},
  );
}

function parseWith<S extends z.ZodType>(schema: S, value: unknown, prefix: string): z.output<S> {
  const result = schema.safeParse(value);
  if (!result.success) refuse(result.error, prefix);
  return result.data;
}

/** Reads a verified event's JSON; throws VALIDATION_FAILED (400) if it is malformed. */
export function parseStripeEvent(json: unknown): StripeEvent {
  const event = parseWith(envelope, json, '');
  const object = event.data.object;
  const at = 'data.object';
  switch (event.type) {
    case 'checkout.session.completed':
    case 'checkout.session.async_payment_succeeded':
    case 'checkout.session.async_payment_failed':
      return {
        id: event.id,
        type: event.type,
        session: sessionInfoOf(parseWith(checkoutSession, object, at)),
      };
    case 'charge.refunded': {
      const c = parseWith(charge, object, at);
      if (c.amount_refunded > c.amount)
        throw new AppError(
          'VALIDATION_FAILED',
          'The Stripe event is malformed: more refunded than charged',
          { field: `${at}.amount_refunded` },
        );
      return {
        id: event.id,
        type: 'charge.refunded',
        charge: { id: c.id, amountRefunded: c.amount_refunded, paymentIntent: c.payment_intent },
      };
    }
    case 'charge.dispute.created': {
      const d = parseWith(dispute, object, at);
      return {
        id: event.id,
        type: 'charge.dispute.created',
        dispute: {
          id: d.id,
          amount: d.amount,
          reason: d.reason ?? null,
          paymentIntent: d.payment_intent,
        },
      };
    }
    default:
      return { id: event.id, type: 'other', name: event.type };
  }
}

/** The same schema for the sessions Stripe's API lists (the reconciler). */
export function parseCheckoutSession(json: unknown): CheckoutSessionInfo {
  const result = checkoutSession.safeParse(json);
  if (!result.success)
    throw new AppError('PAYMENT_PROVIDER_ERROR', 'Stripe returned a malformed checkout session');
  return sessionInfoOf(result.data);
}
