/**
 * A local stand-in for the Stripe endpoints Milepost calls (contract, "Payments and
 * receipts — Stripe"): POST /v1/checkout/sessions (form-encoded, as the stripe library sends it,
 * honouring Idempotency-Key per account) and GET /v1/checkout/sessions (list, honouring
 * created[gte]); for the one-step connect GET /v1/account and the webhook endpoints (POST, GET
 * list, DELETE), each account's own. Every request is recorded so tests can assert exactly what
 * the app sent.
 *
 * Also here: Stripe event payloads signed locally with the stripe library (no network), and a
 * raw webhook delivery helper.
 */
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import Stripe from 'stripe';
import { afterAll, beforeAll } from 'vitest';
import { HOOK_TIMEOUT, startApp, type Dialect, type TestApp } from './harness';

export const OPERATOR_SECRET_KEY = 'sk_test_milepost';
export const OPERATOR_WEBHOOK_SECRET = 'whsec_milepost';

export interface RecordedStripeRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  /** The form body as sent, key by key (`line_items[0][price_data][unit_amount]` → '123456'). */
  form: Record<string, string>;
  idempotencyKey: string | undefined;
  /** The API key from the Authorization header: which Stripe account was called. */
  secretKey: string | undefined;
}

export interface FakeCheckoutSession {
  id: string;
  object: 'checkout.session';
  mode: string;
  url: string;
  status: 'open' | 'complete' | 'expired';
  payment_status: 'paid' | 'unpaid' | 'no_payment_required';
  amount_subtotal: number;
  amount_total: number;
  currency: string;
  livemode: boolean;
  payment_intent: string;
  metadata: Record<string, string>;
  customer_email: string | null;
  success_url: string | null;
  cancel_url: string | null;
  expires_at: number;
  created: number;
}

export interface FakeWebhookEndpoint {
  id: string;
  object: 'webhook_endpoint';
  url: string;
  enabled_events: string[];
  description: string | null;
  metadata: Record<string, string>;
  status: 'enabled';
  livemode: boolean;
  created: number;
  /** Stripe returns the signing secret only in the answer to create. */
  secret?: string;
}

interface StoredSession {
  session: FakeCheckoutSession;
  account: string;
}

function readBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function flatParams(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of new URLSearchParams(text)) out[key] = value;
  return out;
}

/** `metadata[milestoneId]=…` → { milestoneId: … } for one bracketed prefix. */
export function bracketed(form: Record<string, string>, prefix: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(form)) {
    if (key.startsWith(`${prefix}[`) && key.endsWith(']')) {
      const inner = key.slice(prefix.length + 1, -1);
      if (!inner.includes('[')) out[inner] = value;
    }
  }
  return out;
}

function send(res: http.ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
    'request-id': `req_${randomBytes(6).toString('hex')}`,
  });
  res.end(text);
}

function stripeError(res: http.ServerResponse, status: number, message: string): void {
  send(res, status, {
    error: { type: status >= 500 ? 'api_error' : 'invalid_request_error', message },
  });
}

export class FakeStripe {
  readonly requests: RecordedStripeRequest[] = [];
  private readonly sessions: StoredSession[] = [];
  private readonly byIdempotencyKey = new Map<string, StoredSession>();
  private counter = 0;
  /** Requests to answer with a 500 before answering normally again. */
  failNextCreates = 0;
  /** Webhook endpoints by API key (the account), with their signing secrets. */
  readonly endpoints = new Map<string, (FakeWebhookEndpoint & { secret: string })[]>();
  /** Display names by API key; an account without one is named after its key. */
  readonly accountNames = new Map<string, string>();
  /** Keys Stripe no longer accepts (rolled or deleted): answered 401. */
  readonly revokedKeys = new Set<string>();
  /** Keys (restricted keys, say) that may not touch webhook endpoints: answered 403. */
  readonly keysWithoutWebhookAccess = new Set<string>();

  private baseUrl = '';

  private constructor(private readonly server: http.Server) {}

  /** http://127.0.0.1:<port> (STRIPE_API_URL). */
  get url(): string {
    return this.baseUrl;
  }

  static async start(): Promise<FakeStripe> {
    const server = http.createServer();
    const fake = new FakeStripe(server);
    server.on('request', (req: http.IncomingMessage, res: http.ServerResponse) => {
      fake.handle(req, res).catch((error: unknown) => stripeError(res, 500, String(error)));
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    const { port } = server.address() as AddressInfo;
    fake.baseUrl = `http://127.0.0.1:${port}`;
    return fake;
  }

  /** The environment that points the app at this fake with the operator's test keys. */
  env(extra: Record<string, string> = {}): Record<string, string> {
    return {
      STRIPE_SECRET_KEY: OPERATOR_SECRET_KEY,
      STRIPE_WEBHOOK_SECRET: OPERATOR_WEBHOOK_SECRET,
      STRIPE_API_URL: this.url,
      ...extra,
    };
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  /** A copy of a session as Stripe would now return it. */
  session(id: string): FakeCheckoutSession {
    const stored = this.sessions.find((s) => s.session.id === id);
    if (stored === undefined) throw new Error(`the fake Stripe holds no session ${id}`);
    return structuredClone(stored.session);
  }

  /** Every session created, in creation order (copies). */
  allSessions(): FakeCheckoutSession[] {
    return this.sessions.map((s) => structuredClone(s.session));
  }

  sessionsFor(milestoneId: string): FakeCheckoutSession[] {
    return this.allSessions().filter((s) => s.metadata['milestoneId'] === milestoneId);
  }

  /** The client paid on Stripe's page (as Stripe now reports the session). */
  markPaid(id: string): FakeCheckoutSession {
    const stored = this.sessions.find((s) => s.session.id === id);
    if (stored === undefined) throw new Error(`the fake Stripe holds no session ${id}`);
    stored.session.status = 'complete';
    stored.session.payment_status = 'paid';
    return structuredClone(stored.session);
  }

  createRequestsFor(milestoneId: string): RecordedStripeRequest[] {
    return this.requests.filter(
      (r) =>
        r.method === 'POST' &&
        r.path === '/v1/checkout/sessions' &&
        r.form['metadata[milestoneId]'] === milestoneId,
    );
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://fake.stripe');
    const text = await readBody(req);
    const auth = req.headers.authorization;
    const secretKey = typeof auth === 'string' ? auth.replace(/^Bearer\s+/i, '') : undefined;
    const idempotency = req.headers['idempotency-key'];
    const recorded: RecordedStripeRequest = {
      method: req.method ?? '',
      path: url.pathname,
      query: flatParams(url.search),
      form: flatParams(text),
      idempotencyKey: typeof idempotency === 'string' ? idempotency : undefined,
      secretKey,
    };
    this.requests.push(recorded);
    if (
      secretKey === undefined ||
      !/^(sk|rk)_(test|live)_/.test(secretKey) ||
      this.revokedKeys.has(secretKey)
    ) {
      return stripeError(res, 401, 'Invalid API Key provided');
    }
    if (url.pathname === '/v1/checkout/sessions' && req.method === 'POST') {
      return this.create(res, recorded, secretKey);
    }
    const expiring = /^\/v1\/checkout\/sessions\/([^/]+)\/expire$/.exec(url.pathname);
    if (expiring && req.method === 'POST') {
      // As Stripe: only an open session of this account expires.
      const stored = this.sessions.find(
        (s) => s.session.id === decodeURIComponent(expiring[1] ?? '') && s.account === secretKey,
      );
      if (stored === undefined) return stripeError(res, 404, 'No such checkout.session');
      if (stored.session.status !== 'open')
        return stripeError(
          res,
          400,
          'Only Checkout Sessions with a status in ["open"] can be expired.',
        );
      stored.session.status = 'expired';
      return send(res, 200, stored.session);
    }
    if (url.pathname === '/v1/checkout/sessions' && req.method === 'GET') {
      return this.list(res, recorded, secretKey);
    }
    if (url.pathname === '/v1/account' && req.method === 'GET') {
      return send(res, 200, this.account(secretKey));
    }
    if (url.pathname.startsWith('/v1/webhook_endpoints')) {
      if (this.keysWithoutWebhookAccess.has(secretKey)) {
        return send(res, 403, {
          error: {
            type: 'invalid_request_error',
            message: 'The provided key does not have the required permissions for this endpoint.',
          },
        });
      }
      return this.webhookEndpoint(res, recorded, secretKey);
    }
    return stripeError(res, 404, `Unrecognized request URL (${req.method ?? ''}: ${url.pathname})`);
  }

  /** The account behind a key: `acct_` + a stable id of the key. */
  account(secretKey: string) {
    const id = `acct_${Buffer.from(secretKey).toString('hex').slice(-16)}`;
    const name = this.accountNames.get(secretKey) ?? null;
    return {
      id,
      object: 'account',
      email: `owner@${id}.example`,
      business_profile: { name },
      settings: { dashboard: { display_name: name } },
    };
  }

  /** The webhook endpoints on the account of a key, as Stripe lists them (no secrets). */
  endpointsOf(secretKey: string): FakeWebhookEndpoint[] {
    return (this.endpoints.get(secretKey) ?? []).map(({ secret: _secret, ...e }) =>
      structuredClone(e),
    );
  }

  private webhookEndpoint(
    res: http.ServerResponse,
    request: RecordedStripeRequest,
    key: string,
  ): void {
    const own = this.endpoints.get(key) ?? [];
    this.endpoints.set(key, own);
    const id = /^\/v1\/webhook_endpoints\/([\w]+)$/.exec(request.path)?.[1];
    if (request.path === '/v1/webhook_endpoints' && request.method === 'POST') {
      const form = request.form;
      const events = Object.entries(form)
        .filter(([k]) => /^enabled_events\[\d+\]$/.test(k))
        .map(([, v]) => v);
      if (!form['url'] || events.length === 0) {
        return stripeError(res, 400, 'Missing required param: url or enabled_events');
      }
      const endpoint = {
        id: `we_${randomBytes(8).toString('hex')}`,
        object: 'webhook_endpoint' as const,
        url: form['url'],
        enabled_events: events,
        description: form['description'] ?? null,
        metadata: bracketed(form, 'metadata'),
        status: 'enabled' as const,
        livemode: key.includes('_live_'),
        created: Math.floor(Date.now() / 1000),
        secret: `whsec_${randomBytes(16).toString('hex')}`,
      };
      own.push(endpoint);
      return send(res, 200, endpoint);
    }
    if (request.path === '/v1/webhook_endpoints' && request.method === 'GET') {
      const data = this.endpointsOf(key);
      return send(res, 200, { object: 'list', data, has_more: false, url: request.path });
    }
    if (id !== undefined && request.method === 'DELETE') {
      const at = own.findIndex((e) => e.id === id);
      if (at < 0) return stripeError(res, 404, `No such webhook endpoint: '${id}'`);
      own.splice(at, 1);
      return send(res, 200, { id, object: 'webhook_endpoint', deleted: true });
    }
    return stripeError(res, 404, `Unrecognized request URL (${request.method}: ${request.path})`);
  }

  private create(res: http.ServerResponse, request: RecordedStripeRequest, account: string): void {
    if (this.failNextCreates > 0) {
      this.failNextCreates--;
      return stripeError(res, 500, 'An unexpected error occurred (the fake was told to fail)');
    }
    const key =
      request.idempotencyKey === undefined ? undefined : `${account} ${request.idempotencyKey}`;
    const earlier = key === undefined ? undefined : this.byIdempotencyKey.get(key);
    if (earlier !== undefined) return send(res, 200, earlier.session);
    const form = request.form;
    const unitAmount = Number(form['line_items[0][price_data][unit_amount]']);
    const quantity = Number(form['line_items[0][quantity]'] ?? '1');
    if (!Number.isInteger(unitAmount) || !Number.isInteger(quantity)) {
      return stripeError(res, 400, 'Missing line_items[0][price_data][unit_amount]');
    }
    const n = ++this.counter;
    const now = Math.floor(Date.now() / 1000);
    const id = `cs_test_${n}`;
    const session: FakeCheckoutSession = {
      id,
      object: 'checkout.session',
      mode: form['mode'] ?? 'payment',
      url: `https://checkout.stripe.test/c/pay/${id}`,
      status: 'open',
      payment_status: 'unpaid',
      amount_subtotal: unitAmount * quantity,
      amount_total: unitAmount * quantity,
      currency: form['line_items[0][price_data][currency]'] ?? '',
      livemode: account.includes('_live_'),
      payment_intent: `pi_${n}`,
      metadata: bracketed(form, 'metadata'),
      customer_email: form['customer_email'] ?? null,
      success_url: form['success_url'] ?? null,
      cancel_url: form['cancel_url'] ?? null,
      expires_at: now + 24 * 3600,
      created: now,
    };
    const stored = { session, account };
    this.sessions.push(stored);
    if (key !== undefined) this.byIdempotencyKey.set(key, stored);
    return send(res, 200, session);
  }

  private list(res: http.ServerResponse, request: RecordedStripeRequest, account: string): void {
    const gte = request.query['created[gte]'];
    const limit = Math.min(100, Number(request.query['limit'] ?? '10'));
    const data = this.sessions
      .filter((s) => s.account === account)
      .filter((s) => gte === undefined || s.session.created >= Number(gte))
      .map((s) => s.session)
      .reverse()
      .slice(0, limit);
    return send(res, 200, { object: 'list', data, has_more: false, url: '/v1/checkout/sessions' });
  }
}

// ---------------------------------------------------------------------------------------------
// Events and their signatures.

const signer = new Stripe('sk_test_x');

export interface StripeEventJson {
  id: string;
  object: 'event';
  api_version: string;
  created: number;
  type: string;
  livemode: boolean;
  pending_webhooks: number;
  request: { id: string | null; idempotency_key: string | null };
  data: { object: Record<string, unknown> };
}

export function newEventId(): string {
  return `evt_test_${randomBytes(12).toString('hex')}`;
}

export function stripeEvent(
  type: string,
  object: object,
  options: { id?: string; livemode?: boolean } = {},
): StripeEventJson {
  return {
    id: options.id ?? newEventId(),
    object: 'event',
    api_version: '2025-01-27.acacia',
    created: Math.floor(Date.now() / 1000),
    type,
    livemode: options.livemode ?? false,
    pending_webhooks: 1,
    request: { id: null, idempotency_key: null },
    data: { object: { ...object } },
  };
}

/** checkout.session.completed built from the fake's session, with overrides (amount, currency…). */
export function sessionEvent(
  type:
    | 'checkout.session.completed'
    | 'checkout.session.async_payment_succeeded'
    | 'checkout.session.async_payment_failed',
  session: FakeCheckoutSession,
  overrides: Partial<FakeCheckoutSession> = {},
  id?: string,
): StripeEventJson {
  const paid = type === 'checkout.session.async_payment_succeeded';
  const failed = type === 'checkout.session.async_payment_failed';
  const object: FakeCheckoutSession = {
    ...session,
    status: 'complete',
    payment_status: paid ? 'paid' : failed ? 'unpaid' : session.payment_status,
    ...overrides,
  };
  return stripeEvent(type, object, { ...(id !== undefined && { id }), livemode: object.livemode });
}

export function chargeRefundedEvent(options: {
  paymentIntent: string;
  amount: number;
  amountRefunded: number;
  currency: string;
  chargeId?: string;
  id?: string;
}): StripeEventJson {
  const chargeId = options.chargeId ?? `ch_${options.paymentIntent}`;
  return stripeEvent(
    'charge.refunded',
    {
      id: chargeId,
      object: 'charge',
      amount: options.amount,
      amount_refunded: options.amountRefunded,
      currency: options.currency.toLowerCase(),
      payment_intent: options.paymentIntent,
      paid: true,
      refunded: options.amountRefunded >= options.amount,
      status: 'succeeded',
      livemode: false,
    },
    options.id === undefined ? {} : { id: options.id },
  );
}

export function disputeCreatedEvent(options: {
  paymentIntent: string;
  amount: number;
  currency: string;
}): StripeEventJson {
  return stripeEvent('charge.dispute.created', {
    id: `dp_${randomBytes(8).toString('hex')}`,
    object: 'dispute',
    amount: options.amount,
    charge: `ch_${options.paymentIntent}`,
    currency: options.currency.toLowerCase(),
    payment_intent: options.paymentIntent,
    reason: 'product_not_received',
    status: 'needs_response',
    livemode: false,
  });
}

/** A `Stripe-Signature` header for these exact bytes (timestamp in Unix seconds). */
export function signPayload(payload: string, secret: string, timestamp?: number): string {
  return signer.webhooks.generateTestHeaderString({
    payload,
    secret,
    ...(timestamp !== undefined && { timestamp }),
  });
}

function parseJson(text: string): unknown {
  if (text === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

export interface WebhookResponse {
  status: number;
  text: string;
  body: unknown;
}

/** POSTs raw bytes to a webhook endpoint of the app (`path` like /api/webhooks/stripe). */
export async function postWebhook(
  baseUrl: string,
  path: string,
  payload: string | Uint8Array,
  signature: string | undefined,
  headers: Record<string, string> = { 'content-type': 'application/json; charset=utf-8' },
): Promise<WebhookResponse> {
  const all: Record<string, string> = { ...headers };
  if (signature !== undefined) all['stripe-signature'] = signature;
  const body = typeof payload === 'string' ? payload : new Uint8Array(payload);
  const res = await fetch(baseUrl + path, { method: 'POST', headers: all, body });
  const text = await res.text();
  return { status: res.status, text, body: parseJson(text) };
}

/** Serialises, signs with `secret` and delivers an event. */
export function deliverEvent(
  baseUrl: string,
  event: StripeEventJson,
  options: { secret?: string; path?: string; timestamp?: number } = {},
): Promise<WebhookResponse> {
  const payload = JSON.stringify(event);
  const signature = signPayload(
    payload,
    options.secret ?? OPERATOR_WEBHOOK_SECRET,
    options.timestamp,
  );
  return postWebhook(baseUrl, options.path ?? '/api/webhooks/stripe', payload, signature);
}

/**
 * For a describe block: a fake Stripe and the real app pointed at it, started before and closed
 * after. The getters fail loudly if either did not start.
 */
export function useAppWithFakeStripe(dialect: Dialect): {
  app: () => TestApp;
  stripe: () => FakeStripe;
} {
  let fake: FakeStripe | undefined;
  let running: TestApp | undefined;
  beforeAll(async () => {
    fake = await FakeStripe.start();
    running = await startApp(dialect, fake.env());
  }, HOOK_TIMEOUT);
  afterAll(async () => {
    try {
      await running?.close();
    } finally {
      await fake?.close();
    }
  }, HOOK_TIMEOUT);
  return {
    app: () => {
      if (running === undefined) throw new Error(`the ${dialect} app did not start`);
      return running;
    },
    stripe: () => {
      if (fake === undefined) throw new Error('the fake Stripe did not start');
      return fake;
    },
  };
}
