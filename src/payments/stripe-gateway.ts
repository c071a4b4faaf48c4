/**
 * The calls Milepost makes to Stripe, on the freelancer's own account: create a Checkout
 * Session for one milestone, list recent sessions (to reconcile lost webhooks), expire an open
 * session (a dispute opened on the delivery), and verify a
 * webhook's signature. STRIPE_API_URL points the library at another server (tests run a local
 * one speaking these endpoints).
 */
import type Stripe from 'stripe';
import { AppError } from '../domain/errors';
import { parseCheckoutSession, parseStripeEvent, type StripeEvent } from './stripe-events';

export interface CheckoutSessionInfo {
  id: string;
  url: string | null;
  status: string | null;
  paymentStatus: string;
  amountTotal: number | null;
  currency: string | null; // upper case, as Milepost stores it
  livemode: boolean;
  paymentIntent: string | null;
  metadata: Record<string, string>;
  expiresAt: number;
  created: number;
}

export interface CheckoutRequest {
  amountMinor: number;
  currency: string;
  productName: string;
  metadata: Record<string, string>;
  successUrl: string;
  cancelUrl: string;
  customerEmail?: string;
  idempotencyKey: string;
}

export interface StripeGateway {
  readonly livemode: boolean;
  createCheckoutSession(request: CheckoutRequest): Promise<CheckoutSessionInfo>;
  listRecentCheckoutSessions(createdAfterUnix: number): Promise<CheckoutSessionInfo[]>;
  /**
   * Expires an open session (Stripe refuses one already complete or expired): its page can no
   * longer take a payment. Used when payment must wait (a dispute opened on the delivery).
   */
  expireCheckoutSession(id: string): Promise<CheckoutSessionInfo>;
}

/** Stripe's webhook signature tolerance, in seconds. */
export const WEBHOOK_TOLERANCE_SECONDS = 300;

export function isLiveKey(secretKey: string): boolean {
  return /^(sk|rk)_live_/.test(secretKey);
}

// The library (~17 MB resident) is loaded on first use, not by every instance at start-up.
async function stripeLibrary(): Promise<typeof Stripe> {
  return (await import('stripe')).default;
}

/** A client of the stripe library on one account (STRIPE_API_URL points it at a local server). */
export async function clientFor(secretKey: string, apiUrl: string | undefined): Promise<Stripe> {
  const Stripe = await stripeLibrary();
  if (!apiUrl) return new Stripe(secretKey, { maxNetworkRetries: 2 });
  const url = new URL(apiUrl);
  return new Stripe(secretKey, {
    host: url.hostname,
    port: Number(url.port || (url.protocol === 'https:' ? 443 : 80)),
    protocol: url.protocol === 'https:' ? 'https' : 'http',
    maxNetworkRetries: 0,
  });
}

export function createStripeGateway(secretKey: string, apiUrl: string | undefined): StripeGateway {
  let client: Promise<Stripe> | undefined;
  const stripe = (): Promise<Stripe> => (client ??= clientFor(secretKey, apiUrl));
  return {
    livemode: isLiveKey(secretKey),
    async createCheckoutSession(request) {
      try {
        const session = await (
          await stripe()
        ).checkout.sessions.create(
          {
            mode: 'payment',
            line_items: [
              {
                quantity: 1,
                price_data: {
                  currency: request.currency.toLowerCase(),
                  unit_amount: request.amountMinor,
                  product_data: { name: request.productName },
                },
              },
            ],
            metadata: request.metadata,
            payment_intent_data: { metadata: request.metadata },
            success_url: request.successUrl,
            cancel_url: request.cancelUrl,
            ...(request.customerEmail && { customer_email: request.customerEmail }),
          },
          { idempotencyKey: request.idempotencyKey },
        );
        return parseCheckoutSession(session);
      } catch (error) {
        throw new AppError(
          'PAYMENT_PROVIDER_ERROR',
          `Stripe refused the payment page: ${(error as Error).message}`,
        );
      }
    },
    async expireCheckoutSession(id) {
      return parseCheckoutSession(await (await stripe()).checkout.sessions.expire(id));
    },
    async listRecentCheckoutSessions(createdAfterUnix) {
      const sessions: CheckoutSessionInfo[] = [];
      const api = await stripe();
      for await (const session of api.checkout.sessions.list({
        created: { gte: createdAfterUnix },
        limit: 100,
      })) {
        // One malformed session must not stop the others from being reconciled.
        try {
          sessions.push(parseCheckoutSession(session));
        } catch {
          continue;
        }
        if (sessions.length >= 1000) break;
      }
      return sessions;
    },
  };
}

let verifier: Promise<Stripe> | undefined;

/**
 * Verifies a webhook delivery against its signing secret, then reads it through the events'
 * schemas; any doubt about either is a 400 and no writes.
 */
export async function verifyWebhook(
  rawBody: Buffer,
  signature: string | undefined,
  secret: string,
): Promise<StripeEvent> {
  if (!signature)
    throw new AppError('WEBHOOK_SIGNATURE_INVALID', 'Missing Stripe-Signature header');
  // The library refuses timestamps too old, not those in the future: refuse both.
  const timestamp = Number(/(?:^|,)t=(\d+)/.exec(signature)?.[1]);
  if (
    !Number.isFinite(timestamp) ||
    Math.abs(Date.now() / 1000 - timestamp) > WEBHOOK_TOLERANCE_SECONDS
  ) {
    throw new AppError(
      'WEBHOOK_SIGNATURE_INVALID',
      'The Stripe signature timestamp is outside the tolerance',
    );
  }
  let event: unknown;
  try {
    verifier ??= stripeLibrary().then(
      (Stripe) => new Stripe('sk_test_signature_verification_only'),
    );
    event = (await verifier).webhooks.constructEvent(
      rawBody,
      signature,
      secret,
      WEBHOOK_TOLERANCE_SECONDS,
    );
  } catch {
    throw new AppError(
      'WEBHOOK_SIGNATURE_INVALID',
      'The Stripe signature does not match this payload',
    );
  }
  return parseStripeEvent(event);
}
