/**
 * A tiny stand-in for the two Stripe endpoints Milepost calls, on 127.0.0.1 (STRIPE_API_URL):
 * POST /v1/checkout/sessions (form-encoded, honouring Idempotency-Key) answers with a session
 * whose payment page is the app's own return URL, so "paying" sends the browser straight back;
 * GET /v1/checkout/sessions lists them; for the one-step connect, GET /v1/account and the webhook
 * endpoints (create with a signing secret, list, delete). Also: a signed webhook delivery, built
 * as Stripe would.
 */
import http from 'node:http';
import Stripe from 'stripe';

export interface FakeSession {
  id: string;
  object: 'checkout.session';
  mode: 'payment';
  url: string;
  status: 'open' | 'complete' | 'expired';
  payment_status: 'paid' | 'unpaid';
  amount_total: number;
  currency: string;
  livemode: boolean;
  payment_intent: string;
  metadata: Record<string, string>;
  expires_at: number;
  created: number;
}

export interface CreateRequest {
  form: Record<string, string>;
  idempotencyKey: string | undefined;
}

function readBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function send(res: http.ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
    'request-id': `req_e2e_${Date.now()}`,
  });
  res.end(text);
}

/** `metadata[milestoneId]=…` → { milestoneId: … }. */
function bracketed(form: Record<string, string>, prefix: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(form)) {
    if (key.startsWith(`${prefix}[`) && key.endsWith(']') && !key.includes('][')) {
      out[key.slice(prefix.length + 1, -1)] = value;
    }
  }
  return out;
}

export class FakeStripe {
  readonly creates: CreateRequest[] = [];
  readonly sessions: FakeSession[] = [];
  private readonly byKey = new Map<string, FakeSession>();
  /** Webhook endpoints Milepost created on the account (one account for every key here). */
  readonly endpoints: { id: string; url: string; enabled_events: string[]; secret: string }[] = [];
  accountName = 'Maya Studio';
  /** The app's address, for the session's payment page (set once the app has started). */
  appUrl = '';
  /**
   * When set, a session's payment page is a page of this fake with one Pay button (as Stripe's
   * hosted Checkout is one more step for the client): paying marks the session paid, delivers
   * `checkout.session.completed` signed with this secret, and sends the browser back to the app.
   * Unset, the payment page is the app's return URL itself.
   */
  hostedCheckout: { webhookSecret: string } | null = null;
  url = '';

  private constructor(private readonly server: http.Server) {}

  static async start(): Promise<FakeStripe> {
    const server = http.createServer();
    const fake = new FakeStripe(server);
    server.on('request', (req: http.IncomingMessage, res: http.ServerResponse) => {
      fake
        .handle(req, res)
        .catch((error: unknown) =>
          send(res, 500, { error: { type: 'api_error', message: String(error) } }),
        );
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    const address = server.address();
    if (address === null || typeof address === 'string') throw new Error('no port');
    fake.url = `http://127.0.0.1:${address.port}`;
    return fake;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  /** A copy of the session as Stripe would now return it. */
  session(id: string): FakeSession {
    const found = this.sessions.find((s) => s.id === id);
    if (found === undefined) throw new Error(`the fake Stripe holds no session ${id}`);
    return structuredClone(found);
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://fake');
    const body = await readBody(req);
    if (req.method === 'POST' && url.pathname === '/v1/checkout/sessions') {
      const form = Object.fromEntries(new URLSearchParams(body));
      const header = req.headers['idempotency-key'];
      const idempotencyKey = typeof header === 'string' ? header : undefined;
      this.creates.push({ form, idempotencyKey });
      const again = idempotencyKey === undefined ? undefined : this.byKey.get(idempotencyKey);
      if (again !== undefined) {
        send(res, 200, again);
        return;
      }
      const now = Math.floor(Date.now() / 1000);
      const n = this.sessions.length + 1;
      const metadata = bracketed(form, 'metadata');
      const session: FakeSession = {
        id: `cs_test_${n}`,
        object: 'checkout.session',
        mode: 'payment',
        url:
          this.hostedCheckout === null
            ? `${this.appUrl}/portal?payment=returned`
            : `${this.url}/checkout/cs_test_${n}`,
        status: 'open',
        payment_status: 'unpaid',
        amount_total: Number(form['line_items[0][price_data][unit_amount]'] ?? '0'),
        currency: form['line_items[0][price_data][currency]'] ?? 'eur',
        livemode: false,
        payment_intent: `pi_${n}`,
        metadata: {
          milestoneId: metadata.milestoneId ?? '',
          milestoneVersion: metadata.milestoneVersion ?? '',
          projectId: metadata.projectId ?? '',
        },
        expires_at: now + 86_400,
        created: now,
      };
      this.sessions.push(session);
      if (idempotencyKey !== undefined) this.byKey.set(idempotencyKey, session);
      send(res, 200, session);
      return;
    }
    if (req.method === 'GET' && url.pathname === '/v1/checkout/sessions') {
      const gte = Number(url.searchParams.get('created[gte]') ?? '0');
      send(res, 200, {
        object: 'list',
        url: '/v1/checkout/sessions',
        has_more: false,
        data: this.sessions.filter((s) => s.created >= gte),
      });
      return;
    }
    const checkout = /^\/checkout\/(cs_test_\d+)$/.exec(url.pathname)?.[1];
    if (checkout !== undefined && this.hostedCheckout !== null) {
      const session = this.sessions.find((s) => s.id === checkout);
      if (session === undefined) {
        send(res, 404, { error: { type: 'invalid_request_error', message: 'no such session' } });
        return;
      }
      if (req.method === 'GET') {
        const amount = (session.amount_total / 100).toFixed(2);
        const html = `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width"><title>Fake Checkout</title></head><body><main><h1>Fake Stripe Checkout</h1><p>${amount} ${session.currency.toUpperCase()}</p><form method="post"><button type="submit">Pay</button></form></main></body></html>`;
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
        res.end(html);
        return;
      }
      if (req.method === 'POST') {
        session.status = 'complete';
        session.payment_status = 'paid';
        const answer = await deliverCheckoutCompleted(
          this.appUrl,
          structuredClone(session),
          this.hostedCheckout.webhookSecret,
        );
        if (answer.status !== 200) throw new Error(`the app refused the webhook: ${answer.status}`);
        res.writeHead(303, { location: `${this.appUrl}/portal?payment=returned` });
        res.end();
        return;
      }
    }
    if (req.method === 'GET' && url.pathname === '/v1/account') {
      const name = this.accountName;
      send(res, 200, {
        id: 'acct_e2e',
        object: 'account',
        settings: { dashboard: { display_name: name } },
      });
      return;
    }
    if (url.pathname.startsWith('/v1/webhook_endpoints')) {
      const id = url.pathname.split('/')[3];
      if (req.method === 'POST') {
        const form = new URLSearchParams(body);
        const endpoint = {
          id: `we_e2e_${this.endpoints.length + 1}`,
          object: 'webhook_endpoint',
          url: form.get('url') ?? '',
          enabled_events: [...form.entries()]
            .filter(([k]) => k.startsWith('enabled_events['))
            .map(([, v]) => v),
          secret: `whsec_e2e${Date.now()}`,
        };
        this.endpoints.push(endpoint);
        send(res, 200, endpoint);
        return;
      }
      if (req.method === 'GET') {
        const data = this.endpoints.map(({ secret: _s, ...e }) => e);
        send(res, 200, { object: 'list', url: url.pathname, has_more: false, data });
        return;
      }
      if (req.method === 'DELETE' && id !== undefined) {
        const at = this.endpoints.findIndex((e) => e.id === id);
        if (at >= 0) this.endpoints.splice(at, 1);
        send(res, at >= 0 ? 200 : 404, { id, object: 'webhook_endpoint', deleted: at >= 0 });
        return;
      }
    }
    send(res, 404, {
      error: {
        type: 'invalid_request_error',
        message: `Unrecognized request URL (${url.pathname})`,
      },
    });
  }
}

let eventCounter = 0;

/**
 * Delivers `checkout.session.completed` for `session` to the app's webhook endpoint, signed with
 * `secret` as Stripe signs it. Returns the status and the app's answer.
 */
export async function deliverCheckoutCompleted(
  appUrl: string,
  session: FakeSession,
  secret: string,
  endpoint = '/api/webhooks/stripe',
): Promise<{ status: number; body: unknown }> {
  eventCounter += 1;
  const payload = JSON.stringify({
    id: `evt_e2e_${Date.now()}_${eventCounter}`,
    object: 'event',
    api_version: '2025-01-27.acacia',
    created: Math.floor(Date.now() / 1000),
    livemode: false,
    pending_webhooks: 1,
    request: { id: null, idempotency_key: null },
    type: 'checkout.session.completed',
    data: { object: session },
  });
  const signature = new Stripe('sk_test_x').webhooks.generateTestHeaderString({
    payload,
    secret,
  });
  const res = await fetch(`${appUrl}${endpoint}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'stripe-signature': signature },
    body: payload,
  });
  return { status: res.status, body: await res.json() };
}
