/**
 * Webhook deliveries that must be refused (contract: "Webhooks … bad/missing/stale signature →
 * 400 WEBHOOK_SIGNATURE_INVALID and nothing written"): 1,900 bad deliveries of six kinds mixed in
 * a loop — no signature header, garbage signatures, the wrong secret, a byte flipped after
 * signing, a stale timestamp, an empty body — sent 20 at a time to the operator's endpoint and to
 * a freelancer's own endpoint; then 100 signed with a timestamp too far in the future. Every one
 * is a 400; everything both freelancers can see is unchanged; and the events they carried are
 * still processed as new when delivered properly (so not one event id was stored).
 */
import { randomBytes } from 'node:crypto';
import { describe, expect, test } from 'vitest';
import * as C from './contract';
import {
  OPERATOR_WEBHOOK_SECRET,
  deliverEvent,
  postWebhook,
  sessionEvent,
  signPayload,
  stripeEvent,
  type StripeEventJson,
  type WebhookResponse,
  useAppWithFakeStripe,
} from './fake-stripe';
import { SUITE_TIMEOUT, dialects, expectStatus, signUp, type Actor, type TestApp } from './harness';
import {
  actions,
  allReceipts,
  checkout,
  deliveredProject,
  expectAck,
  mapLimit,
  moneyProject,
  portalFileList,
  portalMoney,
  seededRandom,
  type Delivered,
} from './payments-helpers';

const OWN_SECRET_KEY = 'sk_test_ownBadWebhooks777';
const OWN_WEBHOOK_SECRET = 'whsec_ownBadWebhooks888';
const TOLERANCE = 300;

type Kind =
  | 'no-signature'
  | 'garbage-signature'
  | 'wrong-secret'
  | 'flipped-byte'
  | 'stale-timestamp'
  | 'empty-body';
const KINDS: readonly Kind[] = [
  'no-signature',
  'garbage-signature',
  'wrong-secret',
  'flipped-byte',
  'stale-timestamp',
  'empty-body',
];

interface Endpoint {
  path: string;
  secret: string;
  /** Secrets that are someone else's: valid format, wrong account. */
  otherSecrets: string[];
  delivered: Delivered;
  session: { paid: StripeEventJson };
}

interface BadDelivery {
  kind: Kind | 'future-timestamp';
  endpoint: Endpoint;
  payload: string | Uint8Array;
  signature: string | undefined;
  contentType: string;
}

const now = (): number => Math.floor(Date.now() / 1000);

function garbageSignature(
  random: () => number,
  payload: string,
  secret: string,
): string | undefined {
  const hex = (n: number) => randomBytes(n).toString('hex');
  const valid = signPayload(payload, secret);
  const t = /t=(\d+)/.exec(valid)?.[1] ?? String(now());
  const v1 = /v1=([0-9a-f]+)/.exec(valid)?.[1] ?? '';
  const options: (string | undefined)[] = [
    `t=${now()},v1=${hex(32)}`,
    `t=${now()},v1=${hex(31)}`,
    `v1=${v1}`, // the right signature without its timestamp
    `t=${t}`, // a timestamp without a signature
    `t=${t},v0=${v1}`, // the right signature under a scheme Stripe does not use
    `t=${t},v1=${v1.toUpperCase()}`,
    `t=${Number(t) + 1},v1=${v1}`, // the signature of another second
    `t=not-a-number,v1=${v1}`,
    '',
    ' ',
    'garbage',
    `t=${t},v1=${v1.slice(0, -2)}${v1.endsWith('00') ? '11' : '00'}`,
    `${'t=1,'.repeat(200)}v1=${hex(32)}`,
    Buffer.from(valid).toString('base64'),
  ];
  return options[Math.floor(random() * options.length)];
}

function flipByte(payload: string, random: () => number): Uint8Array {
  const bytes = new Uint8Array(Buffer.from(payload, 'utf8'));
  const at = Math.floor(random() * bytes.length);
  const mask = 1 + Math.floor(random() * 255);
  bytes[at] = (bytes[at] ?? 0) ^ mask;
  return bytes;
}

function badDelivery(
  kind: Kind,
  endpoint: Endpoint,
  event: StripeEventJson,
  random: () => number,
): BadDelivery {
  const payload = JSON.stringify(event);
  const json = 'application/json; charset=utf-8';
  switch (kind) {
    case 'no-signature':
      return {
        kind,
        endpoint,
        payload,
        signature: undefined,
        contentType: random() < 0.5 ? json : 'text/plain',
      };
    case 'garbage-signature':
      return {
        kind,
        endpoint,
        payload,
        signature: garbageSignature(random, payload, endpoint.secret),
        contentType: json,
      };
    case 'wrong-secret': {
      const secrets = [
        ...endpoint.otherSecrets,
        `whsec_${randomBytes(16).toString('hex')}`,
        `${endpoint.secret}x`,
        endpoint.secret.slice(0, -1),
      ];
      const secret = secrets[Math.floor(random() * secrets.length)] ?? 'whsec_x';
      return {
        kind,
        endpoint,
        payload,
        signature: signPayload(payload, secret),
        contentType: json,
      };
    }
    case 'flipped-byte':
      return {
        kind,
        endpoint,
        payload: flipByte(payload, random),
        signature: signPayload(payload, endpoint.secret),
        contentType: json,
      };
    case 'stale-timestamp': {
      const age = TOLERANCE + 10 + Math.floor(random() * 30 * 86_400);
      return {
        kind,
        endpoint,
        payload,
        signature: signPayload(payload, endpoint.secret, now() - age),
        contentType: json,
      };
    }
    case 'empty-body': {
      // Signed as empty, or carrying the signature of the event it no longer holds.
      const signature =
        random() < 0.5 ? signPayload('', endpoint.secret) : signPayload(payload, endpoint.secret);
      return {
        kind,
        endpoint,
        payload: '',
        signature,
        contentType: random() < 0.5 ? json : 'application/octet-stream',
      };
    }
  }
}

function send(app: TestApp, d: BadDelivery): Promise<WebhookResponse> {
  return postWebhook(app.url, d.endpoint.path, d.payload, d.signature, {
    'content-type': d.contentType,
  });
}

describe.each(dialects)('bad webhook deliveries on %s', SUITE_TIMEOUT, (dialect) => {
  const { app, stripe } = useAppWithFakeStripe(dialect);

  /** Everything both freelancers and their clients can see about money. */
  async function snapshot(endpoints: Endpoint[]): Promise<unknown> {
    const views = [];
    for (const { delivered: d } of endpoints) {
      views.push({
        detail: await moneyProject(d.freelancer, d.project.id),
        activity: await actions(d.freelancer, d.project.id),
        receipts: await allReceipts(d.freelancer),
        portal: await portalMoney(d.client),
        files: await portalFileList(d.client),
        settings: expectStatus(
          await d.freelancer.get('/api/settings/payments'),
          200,
          C.PaymentSettings,
        ),
      });
    }
    return views;
  }

  async function endpoints(): Promise<[Endpoint, Endpoint]> {
    const operatorSide = await deliveredProject(app(), { amounts: [1_000_00, 50_00] });
    const own: Actor = await signUp(app());
    expectStatus(
      await own.put('/api/settings/stripe', {
        secretKey: OWN_SECRET_KEY,
        webhookSecret: OWN_WEBHOOK_SECRET,
      }),
      200,
      C.PaymentSettings,
    );
    const ownSide = await deliveredProject(app(), { freelancer: own, amounts: [2_000_00] });
    const make = async (
      delivered: Delivered,
      path: string,
      secret: string,
      otherSecrets: string[],
    ): Promise<Endpoint> => {
      const started = await checkout(delivered.client, delivered.first.id);
      const session = stripe().session(started.sessionId);
      return {
        path,
        secret,
        otherSecrets,
        delivered,
        session: {
          paid: sessionEvent('checkout.session.completed', session, { payment_status: 'paid' }),
        },
      };
    };
    return [
      await make(operatorSide, '/api/webhooks/stripe', OPERATOR_WEBHOOK_SECRET, [
        OWN_WEBHOOK_SECRET,
      ]),
      await make(ownSide, `/api/webhooks/stripe/${own.user?.id ?? ''}`, OWN_WEBHOOK_SECRET, [
        OPERATOR_WEBHOOK_SECRET,
      ]),
    ];
  }

  test('1,900 bad deliveries of six kinds, 20 at a time: all 400, nothing written, no event id remembered', async () => {
    const targets = await endpoints();
    const before = await snapshot(targets);
    const random = seededRandom(0x5eed);
    // Events the bad deliveries carry: each endpoint's paying event, and events that would be
    // merely recorded as "ignored" (so a stored event id would show as a duplicate later).
    const strays = targets.map(() =>
      Array.from({ length: 10 }, (_, i) =>
        stripeEvent('customer.created', { id: `cus_bad_${i}`, object: 'customer' }),
      ),
    );
    const deliveries: BadDelivery[] = [];
    for (let i = 0; i < 1_900; i++) {
      const which = i % 2;
      const endpoint = targets[which];
      const events = strays[which];
      if (endpoint === undefined || events === undefined) throw new Error('unreachable');
      const event =
        random() < 0.5
          ? endpoint.session.paid
          : (events[Math.floor(random() * events.length)] ?? endpoint.session.paid);
      const kind = KINDS[Math.floor(random() * KINDS.length)] ?? 'no-signature';
      deliveries.push(badDelivery(kind, endpoint, event, random));
    }

    const responses = await mapLimit(deliveries, 20, (d) => send(app(), d));
    const tally = new Map<string, number>();
    const wrong: string[] = [];
    responses.forEach((res, i) => {
      const d = deliveries[i];
      if (d === undefined) return;
      const key = `${d.kind} → ${res.status}`;
      tally.set(key, (tally.get(key) ?? 0) + 1);
      const code = C.ErrorBody.safeParse(res.body).data?.error.code;
      if (res.status !== 400 || code !== 'WEBHOOK_SIGNATURE_INVALID') {
        if (wrong.length < 10)
          wrong.push(
            `${d.kind} (${String(d.signature).slice(0, 60)}): ${res.status} ${res.text.slice(0, 200)}`,
          );
      }
    });
    const summary = [...tally]
      .sort()
      .map(([k, n]) => `${k}: ${n}`)
      .join('\n');
    for (const kind of KINDS) expect(summary, `the mix holds ${kind}`).toContain(`${kind} →`);
    expect(wrong, `every bad delivery is 400 WEBHOOK_SIGNATURE_INVALID\n${summary}`).toEqual([]);

    const after = await snapshot(targets);
    expect(after, 'nothing changed').toEqual(before);

    // The very events those deliveries carried are new to the app when they come properly signed.
    for (const [which, endpoint] of targets.entries()) {
      const paid = await deliverEvent(app().url, endpoint.session.paid, {
        secret: endpoint.secret,
        path: endpoint.path,
      });
      expect(expectAck(paid, `${endpoint.path}: the paying event, properly signed`)).toBe(
        'credited',
      );
      for (const stray of strays[which] ?? []) {
        const res = await deliverEvent(app().url, stray, {
          secret: endpoint.secret,
          path: endpoint.path,
        });
        expect(
          expectAck(res, `${endpoint.path}: ${stray.id}`),
          'an event id no bad delivery stored',
        ).toBe('ignored');
      }
      const detail = await moneyProject(
        endpoint.delivered.freelancer,
        endpoint.delivered.project.id,
      );
      expect(detail.milestones[0]?.status).toBe('paid');
      expect(detail.payments).toHaveLength(1);
    }
  }, 120_000);

  test('100 deliveries signed with a timestamp beyond the 300 s tolerance in the future: all 400, nothing written', async () => {
    const targets = await endpoints();
    const before = await snapshot(targets);
    const random = seededRandom(0xf0700e);
    const deliveries: BadDelivery[] = [];
    for (let i = 0; i < 100; i++) {
      const endpoint = targets[i % 2];
      if (endpoint === undefined) throw new Error('unreachable');
      const ahead = TOLERANCE + 10 + Math.floor(random() * 30 * 86_400);
      const event =
        random() < 0.5
          ? endpoint.session.paid
          : stripeEvent('customer.created', { id: `cus_future_${i}` });
      const payload = JSON.stringify(event);
      deliveries.push({
        kind: 'future-timestamp',
        endpoint,
        payload,
        signature: signPayload(payload, endpoint.secret, now() + ahead),
        contentType: 'application/json',
      });
    }
    const responses = await mapLimit(deliveries, 20, (d) => send(app(), d));
    const statuses = new Map<number, number>();
    for (const res of responses) statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
    expect(Object.fromEntries(statuses), 'status → count for future-dated signatures').toEqual({
      400: 100,
    });
    expect(await snapshot(targets), 'nothing changed').toEqual(before);
  }, 60_000);
});
