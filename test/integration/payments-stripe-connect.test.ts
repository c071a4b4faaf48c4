/**
 * Stripe in one step (issue #9): the freelancer pastes a key; Milepost reads the account, creates
 * its own webhook endpoint with exactly the events it acts on, keeps the signing secret Stripe
 * returns, and shows the account. Stripe's API is answered by the local server in fake-stripe.ts
 * (account and webhook-endpoint calls included); events are signed with the stripe library.
 */
import { describe, expect, test } from 'vitest';
import { STRIPE_WEBHOOK_EVENTS } from '../../src/payments/stripe-events';
import { deliverEvent, sessionEvent, useAppWithFakeStripe } from './fake-stripe';
import { SUITE_TIMEOUT, dialects, expectStatus, signUp, type Actor } from './harness';
import * as C from './contract';
import {
  checkout,
  deliveredProject,
  expectAck,
  milestoneOf,
  moneyProject,
} from './payments-helpers';

describe.each(dialects)('Stripe in one step on %s', SUITE_TIMEOUT, (dialect) => {
  const { app, stripe } = useAppWithFakeStripe(dialect);

  async function connect(actor: Actor, secretKey: string) {
    const res = await actor.post('/api/settings/stripe/connect', { secretKey });
    return res;
  }

  test('the key alone connects: account shown, one endpoint with exactly our events, its secret verifies payments', async () => {
    const ann = await signUp(app());
    const key = `sk_test_Ann${dialect}connect1`;
    stripe().accountNames.set(key, 'Ann Lee Design');
    const res = await connect(ann, key);
    const view = expectStatus(res, 200, C.PaymentSettings);
    expect(view.stripe).toMatchObject({
      configured: true,
      source: 'own',
      mode: 'test',
      webhookSecretSet: true,
      account: { name: 'Ann Lee Design' },
    });
    expect(view.stripe.account?.id).toMatch(/^acct_/);
    const endpoints = stripe().endpointsOf(key);
    expect(endpoints).toHaveLength(1);
    const endpoint = endpoints[0];
    expect(endpoint?.url).toBe(view.stripe.webhookUrl);
    expect(endpoint?.url).toMatch(new RegExp(`/api/webhooks/stripe/${ann.user?.id ?? 'x'}$`));
    expect([...(endpoint?.enabled_events ?? [])].sort()).toEqual([...STRIPE_WEBHOOK_EVENTS].sort());
    expect(endpoint?.metadata).toEqual({ milepost_user: ann.user?.id });
    // Neither the key nor the signing secret ever comes back.
    const secret = stripe().endpoints.get(key)?.[0]?.secret ?? 'missing';
    expect(res.text).not.toContain(key);
    expect(res.text).not.toContain(secret);
    expect((await ann.get('/api/settings/payments')).text).not.toContain(secret);

    // A payment on Ann's account, reported on the endpoint Milepost made, with its secret.
    const d = await deliveredProject(app(), { freelancer: ann, amounts: [120_00] });
    const started = await checkout(d.client, d.first.id);
    const session = stripe().markPaid(started.sessionId);
    expect(stripe().requests.find((r) => r.path === '/v1/checkout/sessions')?.secretKey).toBe(key);
    const path = `/api/webhooks/stripe/${ann.user?.id ?? ''}`;
    const forged = sessionEvent('checkout.session.completed', session);
    expect((await deliverEvent(app().url, forged, { path, secret: 'whsec_notours' })).status).toBe(
      400,
    );
    const paid = sessionEvent('checkout.session.completed', session);
    expect(expectAck(await deliverEvent(app().url, paid, { path, secret }), 'paid')).toBe(
      'credited',
    );
    expect(milestoneOf(await moneyProject(ann, d.project.id), d.first.id).status).toBe('paid');
  });

  test('connecting again replaces the endpoint (never two); another account removes the old one; disconnect removes it', async () => {
    const ben = await signUp(app());
    const first = `sk_test_Ben${dialect}one`;
    const second = `sk_test_Ben${dialect}two`;
    expectStatus(await connect(ben, first), 200, C.PaymentSettings);
    const oldSecret = stripe().endpoints.get(first)?.[0]?.secret;
    expectStatus(await connect(ben, first), 200, C.PaymentSettings);
    expect(stripe().endpointsOf(first), 'the same account keeps one endpoint').toHaveLength(1);
    const newSecret = stripe().endpoints.get(first)?.[0]?.secret;
    expect(newSecret).not.toBe(oldSecret);

    const d = await deliveredProject(app(), { freelancer: ben, amounts: [30_00] });
    const session = stripe().markPaid((await checkout(d.client, d.first.id)).sessionId);
    const path = `/api/webhooks/stripe/${ben.user?.id ?? ''}`;
    const event = sessionEvent('checkout.session.completed', session);
    expect(
      (await deliverEvent(app().url, event, { path, secret: oldSecret ?? 'x' })).status,
      'the replaced secret no longer verifies',
    ).toBe(400);
    expect(
      expectAck(await deliverEvent(app().url, event, { path, secret: newSecret }), 'new'),
    ).toBe('credited');

    const moved = expectStatus(await connect(ben, second), 200, C.PaymentSettings);
    expect(stripe().endpointsOf(first), "the old account's endpoint is removed").toEqual([]);
    expect(stripe().endpointsOf(second)).toHaveLength(1);
    expect(moved.stripe.account?.id).not.toBe(stripe().account(first).id);

    const gone = expectStatus(await ben.delete('/api/settings/stripe'), 200, C.PaymentSettings);
    expect(stripe().endpointsOf(second), 'disconnect removes the endpoint').toEqual([]);
    expect(gone.stripe.source).not.toBe('own');
    expect(gone.stripe.account).toBeNull();
  });

  test('a key Stripe refuses, or one without webhook access, is a 400 naming the problem and stores nothing', async () => {
    const cat = await signUp(app());
    const revoked = `sk_test_Cat${dialect}revoked`;
    stripe().revokedKeys.add(revoked);
    const refused = await connect(cat, revoked);
    expect(refused.status).toBe(400);
    expect(refused.body).toMatchObject({ error: { field: 'secretKey' } });
    expect(refused.text).toContain('Stripe did not accept this key');
    expect(refused.text).not.toContain(revoked);

    const restricted = `rk_test_Cat${dialect}nowebhooks`;
    stripe().keysWithoutWebhookAccess.add(restricted);
    const limited = await connect(cat, restricted);
    expect(limited.status).toBe(400);
    expect(limited.text).toContain('write access to webhook endpoints');

    const malformed = await connect(cat, 'pk_test_publishable');
    expect(malformed.status).toBe(400);

    const view = expectStatus(await cat.get('/api/settings/payments'), 200, C.PaymentSettings);
    expect(view.stripe.source).not.toBe('own');
    expect(view.stripe.account).toBeNull();
  });
});
