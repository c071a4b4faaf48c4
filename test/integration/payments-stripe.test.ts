/**
 * Stripe payments (contract: "Payments and receipts — Stripe"), against a local fake of the two
 * Stripe endpoints Milepost calls and with webhook events signed locally:
 * the client's Pay opens one Checkout Session for exactly what is owed (50 clicks → one session);
 * a paid session is credited exactly once whatever arrives twice; amount, currency and mode
 * mismatches are flagged and never unlock; delayed payments, cumulative refunds (a full refund
 * locks the files again) and disputes; a freelancer's own keys (never echoed, own webhook
 * secret); and reconciliation when the webhook never came.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import * as C from './contract';
import {
  OPERATOR_SECRET_KEY,
  OPERATOR_WEBHOOK_SECRET,
  chargeRefundedEvent,
  deliverEvent,
  disputeCreatedEvent,
  postWebhook,
  sessionEvent,
  signPayload,
  useAppWithFakeStripe,
} from './fake-stripe';
import {
  HOOK_TIMEOUT,
  SUITE_TIMEOUT,
  dialects,
  expectError,
  expectStatus,
  signUp,
  startApp,
  type TestApp,
} from './harness';
import {
  actions,
  checkout,
  clickPay,
  deliveredProject,
  expectAck,
  expectSignatureRefused,
  fetchFile,
  milestoneOf,
  moneyProject,
  offlinePayment,
  openSideServices,
  portalFileList,
  projectReceipts,
  type Delivered,
} from './payments-helpers';

const OWN_SECRET_KEY = 'sk_test_ownFionaKey4242424242';
const OWN_WEBHOOK_SECRET = 'whsec_ownFionaSigning9999';

describe.each(dialects)('Stripe payments on %s', SUITE_TIMEOUT, (dialect) => {
  const { app, stripe } = useAppWithFakeStripe(dialect);

  /** A delivered project whose client has clicked Pay: the session as the fake holds it. */
  async function opened(options: Parameters<typeof deliveredProject>[1] = {}) {
    const d = await deliveredProject(app(), options);
    const started = await checkout(d.client, d.first.id);
    return { ...d, started, session: stripe().session(started.sessionId) };
  }

  async function expectOnePaymentOneReceipt(
    d: Delivered,
    sessionId: string,
    amountMinor: number,
  ): Promise<void> {
    const detail = await moneyProject(d.freelancer, d.project.id);
    const stripePayments = detail.payments.filter(
      (p) => p.source === 'stripe' && p.kind === 'payment',
    );
    expect(stripePayments, 'exactly one Stripe payment').toHaveLength(1);
    expect(stripePayments[0]).toMatchObject({
      milestoneId: d.first.id,
      amountMinor,
      currency: d.project.currency,
      method: 'stripe',
      reference: sessionId,
      kind: 'payment',
      source: 'stripe',
      status: 'credited',
    });
    const receipts = await projectReceipts(d.freelancer, d.project.id);
    expect(receipts, 'exactly one receipt').toHaveLength(1);
    expect(receipts[0]).toMatchObject({
      milestoneId: d.first.id,
      amountMinor,
      currency: d.project.currency,
      method: 'stripe',
    });
  }

  // -------------------------------------------------------------------------------------------
  // Opening a Checkout Session.

  test('Pay on a delivered milestone opens a Checkout Session for exactly the outstanding amount', async () => {
    const d = await deliveredProject(app(), { amounts: [1_234_56, 500_00], currency: 'EUR' });
    const started = await checkout(d.client, d.first.id);
    const creates = stripe().createRequestsFor(d.first.id);
    expect(creates, 'one POST /v1/checkout/sessions').toHaveLength(1);
    const sent = creates[0];
    if (sent === undefined) throw new Error('unreachable');
    expect(sent.secretKey, 'the operator account is called').toBe(OPERATOR_SECRET_KEY);
    expect(sent.form).toMatchObject({
      mode: 'payment',
      'line_items[0][quantity]': '1',
      'line_items[0][price_data][unit_amount]': '123456',
      'line_items[0][price_data][currency]': 'eur',
      'metadata[milestoneId]': d.first.id,
      'metadata[projectId]': d.project.id,
      'payment_intent_data[metadata][milestoneId]': d.first.id,
      'payment_intent_data[metadata][projectId]': d.project.id,
      customer_email: d.project.clientEmail,
    });
    const version = sent.form['metadata[milestoneVersion]'] ?? '';
    expect(version, 'metadata.milestoneVersion').toMatch(/^\d+$/);
    expect(sent.form['payment_intent_data[metadata][milestoneVersion]']).toBe(version);
    expect(sent.idempotencyKey, 'the documented idempotency key').toBe(
      `milepost-checkout-${d.first.id}-v${version}-123456-0`,
    );
    const session = stripe().session(started.sessionId);
    expect(started).toEqual({ url: session.url, sessionId: session.id });
    expect(session.amount_total).toBe(1_234_56);

    const entries = await actions(d.freelancer, d.project.id);
    const startedEntries = entries.filter((e) => e.action === 'checkout.started');
    expect(startedEntries).toHaveLength(1);
    expect(startedEntries[0]?.details).toMatchObject({
      sessionId: session.id,
      amountMinor: 1_234_56,
    });

    // A second click reuses the open session: no second call to Stripe.
    expect(await checkout(d.client, d.first.id)).toEqual(started);
    expect(stripe().createRequestsFor(d.first.id)).toHaveLength(1);
  });

  test('after a partial offline payment, Pay asks Stripe for what is still owed', async () => {
    const d = await deliveredProject(app(), { amounts: [1_234_56, 500_00] });
    expectStatus(
      await offlinePayment(d.freelancer, d.project.id, d.first.id, 234_56),
      201,
      C.OfflinePaymentResult,
    );
    const started = await checkout(d.client, d.first.id);
    const [sent] = stripe().createRequestsFor(d.first.id);
    expect(sent?.form['line_items[0][price_data][unit_amount]']).toBe('100000');
    expect(stripe().session(started.sessionId).amount_total).toBe(1_000_00);

    // Paid on Stripe: the two payments together cover the milestone; one receipt each.
    const paid = sessionEvent('checkout.session.completed', stripe().session(started.sessionId), {
      payment_status: 'paid',
    });
    expect(expectAck(await deliverEvent(app().url, paid), 'rest paid by card')).toBe('credited');
    const detail = await moneyProject(d.freelancer, d.project.id);
    expect(milestoneOf(detail, d.first.id)).toMatchObject({
      status: 'paid',
      receivedMinor: 1_234_56,
      outstandingMinor: 0,
      overpaidMinor: 0,
    });
    expect(detail.payments.map((p) => [p.source, p.amountMinor])).toEqual([
      ['offline', 234_56],
      ['stripe', 1_000_00],
    ]);
    const receipts = await projectReceipts(d.freelancer, d.project.id);
    expect(receipts.map((r) => r.number).sort()).toEqual([1, 2]);
  });

  test('50 concurrent clicks on Pay open one session', async () => {
    const d = await deliveredProject(app(), { amounts: [777_00] });
    const responses = await Promise.all(
      Array.from({ length: 50 }, () => clickPay(d.client, d.first.id)),
    );
    const urls = new Set<string>();
    for (const res of responses) urls.add(expectStatus(res, 200, C.CheckoutStarted).url);
    expect(urls.size, 'one distinct payment page').toBe(1);
    expect(stripe().sessionsFor(d.first.id), 'the fake created one session').toHaveLength(1);
    const keys = new Set(
      stripe()
        .createRequestsFor(d.first.id)
        .map((r) => r.idempotencyKey),
    );
    expect(keys.size, 'every creation attempt shared one idempotency key').toBe(1);
    const entries = await actions(d.freelancer, d.project.id);
    expect(
      entries.filter((e) => e.action === 'checkout.started'),
      'checkout.started once',
    ).toHaveLength(1);
  });

  test('Pay is refused unless the milestone is delivered and unpaid', async () => {
    const d = await deliveredProject(app(), { amounts: [100_00, 200_00, 300_00] });
    const [, second, third] = d.milestones;
    if (second === undefined || third === undefined) throw new Error('three milestones expected');
    expectError(await clickPay(d.client, third.id), { status: 409 });
    expectStatus(
      await offlinePayment(d.freelancer, d.project.id, d.first.id, 100_00),
      201,
      C.OfflinePaymentResult,
    );
    expectError(await clickPay(d.client, second.id), {
      status: 409,
      code: 'MILESTONE_NOT_DELIVERED',
    });
    expectError(await clickPay(d.client, d.first.id), {
      status: 409,
      code: 'MILESTONE_ALREADY_PAID',
    });
    const other = await deliveredProject(app());
    expectError(await clickPay(d.client, other.first.id), { status: 404 });
    expectError(
      await d.client.post(`/api/portal/milestones/${d.first.id}/checkout`, undefined, {
        csrf: false,
      }),
      {
        status: 403,
      },
    );
    for (const m of [d.first, second, third, other.first]) {
      expect(
        stripe().createRequestsFor(m.id),
        `no call to Stripe for milestone ${m.position}`,
      ).toHaveLength(0);
    }
  });

  test('Stripe failing to open the page is a 502 that leaves nothing behind; the next click works', async () => {
    const d = await deliveredProject(app(), { amounts: [321_00] });
    stripe().failNextCreates = 1;
    expectError(await clickPay(d.client, d.first.id), {
      status: 502,
      code: 'PAYMENT_PROVIDER_ERROR',
    });
    const entries = await actions(d.freelancer, d.project.id);
    expect(entries.filter((e) => e.action === 'checkout.started')).toHaveLength(0);
    const started = await checkout(d.client, d.first.id);
    expect(stripe().session(started.sessionId).amount_total).toBe(321_00);
  });

  // -------------------------------------------------------------------------------------------
  // Webhooks: crediting exactly once.

  test('a signed checkout.session.completed (paid) credits once: paid, next open, files unlocked, one receipt', async () => {
    const d = await opened({ amounts: [1_234_56, 500_00] });
    const before = await fetchFile(app(), d.client, d.files[0]?.id ?? '');
    expect(before.status, 'locked before payment').toBe(402);

    const completed = sessionEvent('checkout.session.completed', d.session, {
      payment_status: 'paid',
    });
    expect(expectAck(await deliverEvent(app().url, completed), 'completed')).toBe('credited');

    const detail = await moneyProject(d.freelancer, d.project.id);
    const [m1, m2] = detail.milestones;
    expect(m1).toMatchObject({
      status: 'paid',
      receivedMinor: 1_234_56,
      outstandingMinor: 0,
      refundedInFull: false,
    });
    expect(m1?.paidAt).not.toBeNull();
    expect(m2?.status, 'the next milestone opens').toBe('open');
    const files = await portalFileList(d.client);
    expect(files.map((f) => f.downloadable)).toEqual([true]);
    const got = await fetchFile(app(), d.client, d.files[0]?.id ?? '');
    expect(got.status).toBe(200);
    expect(got.bytes.equals(d.files[0]?.bytes ?? Buffer.alloc(0))).toBe(true);
    await expectOnePaymentOneReceipt(d, d.session.id, 1_234_56);
    const names = (await actions(d.freelancer, d.project.id)).map((e) => e.action);
    for (const action of [
      'payment.recorded',
      'milestone.paid',
      'files.unlocked',
      'receipt.issued',
      'milestone.opened',
    ] as const) {
      expect(names, action).toContain(action);
    }

    // The same event again, and the async success of the same session: nothing more.
    expect(expectAck(await deliverEvent(app().url, completed), 'completed again')).toBe(
      'duplicate',
    );
    const asyncSucceeded = sessionEvent('checkout.session.async_payment_succeeded', d.session);
    expect(expectAck(await deliverEvent(app().url, asyncSucceeded), 'async succeeded')).toBe(
      'duplicate',
    );
    const replay = await Promise.all(
      Array.from({ length: 10 }, () => deliverEvent(app().url, asyncSucceeded)),
    );
    for (const res of replay)
      expect(expectAck(res, 'async succeeded, concurrently')).toBe('duplicate');
    await expectOnePaymentOneReceipt(d, d.session.id, 1_234_56);
    expect(
      (await actions(d.freelancer, d.project.id)).filter((e) => e.action === 'milestone.paid'),
    ).toHaveLength(1);
  });

  const mismatches = [
    {
      what: 'the amount differs',
      overrides: { amount_total: 1_234_55 },
      reason: /amount/i,
      problems: [{ kind: 'amount', gotMinor: 1_234_55, expectedMinor: 1_234_56, currency: 'EUR' }],
    },
    {
      what: 'the currency differs',
      overrides: { currency: 'usd' },
      reason: /currency/i,
      problems: [{ kind: 'currency', got: 'USD', expected: 'EUR' }],
    },
    {
      what: 'a live-mode payment reaches a test account',
      overrides: { livemode: true },
      reason: /live/i,
      problems: [{ kind: 'mode', live: true }],
    },
  ];
  test.each(mismatches)(
    'flagged, never unlocked: $what',
    async ({ overrides, reason, problems }) => {
      const d = await opened({ amounts: [1_234_56, 500_00] });
      const event = sessionEvent('checkout.session.completed', d.session, {
        payment_status: 'paid',
        ...overrides,
      });
      expect(expectAck(await deliverEvent(app().url, event), 'mismatched session')).toBe('flagged');

      const detail = await moneyProject(d.freelancer, d.project.id);
      expect(milestoneOf(detail, d.first.id)).toMatchObject({
        status: 'delivered',
        receivedMinor: 0,
        outstandingMinor: 1_234_56,
      });
      expect(detail.milestones[1]?.status).toBe('locked');
      expect(detail.payments).toHaveLength(1);
      expect(detail.payments[0]).toMatchObject({
        status: 'flagged',
        source: 'stripe',
        reference: d.session.id,
      });
      const flagged = (await actions(d.freelancer, d.project.id)).filter(
        (e) => e.action === 'payment.flagged',
      );
      expect(flagged).toHaveLength(1);
      expect(String(flagged[0]?.details['reason'])).toMatch(reason);
      // The same as data, for the screens to word in their language.
      expect(flagged[0]?.details['problems']).toEqual(problems);
      expect(
        await projectReceipts(d.freelancer, d.project.id),
        'no receipt for a flagged payment',
      ).toHaveLength(0);
      expect((await portalFileList(d.client)).map((f) => f.downloadable)).toEqual([false]);
      expect((await fetchFile(app(), d.client, d.files[0]?.id ?? '')).status).toBe(402);

      // A correct event for the same session afterwards does not turn it into a credit.
      const correct = sessionEvent('checkout.session.async_payment_succeeded', d.session);
      expect(
        expectAck(await deliverEvent(app().url, correct), 'correct event after a flag'),
      ).not.toBe('credited');
      expect(milestoneOf(await moneyProject(d.freelancer, d.project.id), d.first.id).status).toBe(
        'delivered',
      );
    },
  );

  test('a paid session Milepost never opened is ignored: nothing credited, nothing stored', async () => {
    const d = await opened({ amounts: [400_00] });
    const forged = sessionEvent('checkout.session.completed', d.session, {
      id: 'cs_test_never_opened_by_milepost',
      payment_status: 'paid',
    });
    expect(expectAck(await deliverEvent(app().url, forged), 'unknown session')).toBe('ignored');
    expect(expectAck(await deliverEvent(app().url, forged), 'unknown session again')).toBe(
      'ignored',
    );
    expect((await moneyProject(d.freelancer, d.project.id)).payments).toHaveLength(0);
    expect(milestoneOf(await moneyProject(d.freelancer, d.project.id), d.first.id).status).toBe(
      'delivered',
    );
    expect(await projectReceipts(d.freelancer, d.project.id)).toHaveLength(0);
  });

  test('completed but unpaid is pending; the later async success credits once; a failure is recorded', async () => {
    const d = await opened({ amounts: [250_00, 100_00] });
    const pending = sessionEvent('checkout.session.completed', d.session, {
      payment_status: 'unpaid',
    });
    expect(expectAck(await deliverEvent(app().url, pending), 'completed, unpaid')).toBe('recorded');
    let detail = await moneyProject(d.freelancer, d.project.id);
    expect(milestoneOf(detail, d.first.id).status, 'not paid while pending').toBe('delivered');
    expect(detail.payments).toHaveLength(0);
    expect((await actions(d.freelancer, d.project.id)).map((e) => e.action)).toContain(
      'payment.pending',
    );
    expect((await portalFileList(d.client)).map((f) => f.downloadable)).toEqual([false]);

    const succeeded = sessionEvent('checkout.session.async_payment_succeeded', d.session);
    expect(expectAck(await deliverEvent(app().url, succeeded), 'async succeeded')).toBe('credited');
    expect(expectAck(await deliverEvent(app().url, succeeded), 'async succeeded again')).toBe(
      'duplicate',
    );
    detail = await moneyProject(d.freelancer, d.project.id);
    expect(milestoneOf(detail, d.first.id).status).toBe('paid');
    await expectOnePaymentOneReceipt(d, d.session.id, 250_00);

    // Another project: the delayed payment fails.
    const f = await opened({ amounts: [90_00] });
    const failedPending = sessionEvent('checkout.session.completed', f.session, {
      payment_status: 'unpaid',
    });
    expect(expectAck(await deliverEvent(app().url, failedPending), 'completed, unpaid')).toBe(
      'recorded',
    );
    const failed = sessionEvent('checkout.session.async_payment_failed', f.session);
    expect(expectAck(await deliverEvent(app().url, failed), 'async failed')).toBe('recorded');
    expect((await actions(f.freelancer, f.project.id)).map((e) => e.action)).toContain(
      'payment.failed',
    );
    expect(milestoneOf(await moneyProject(f.freelancer, f.project.id), f.first.id).status).toBe(
      'delivered',
    );
    // The client may try again: a new session, since the failed one cannot be paid.
    const again = await checkout(f.client, f.first.id);
    expect(again.sessionId).not.toBe(f.session.id);
  });

  test('charge.refunded (cumulative): partial then full, each recorded once; a full refund locks the files and awaits payment again', async () => {
    const d = await opened({ amounts: [1_000_00, 200_00] });
    const paid = sessionEvent('checkout.session.completed', d.session, { payment_status: 'paid' });
    expect(expectAck(await deliverEvent(app().url, paid), 'paid')).toBe('credited');
    const fileId = d.files[0]?.id ?? '';
    const charge = { paymentIntent: d.session.payment_intent, amount: 1_000_00, currency: 'eur' };

    const partial = chargeRefundedEvent({ ...charge, amountRefunded: 300_00 });
    expect(expectAck(await deliverEvent(app().url, partial), 'partial refund')).toBe('refunded');
    expect(expectAck(await deliverEvent(app().url, partial), 'partial refund redelivered')).toBe(
      'duplicate',
    );
    const partialAgain = chargeRefundedEvent({ ...charge, amountRefunded: 300_00 });
    expect(
      expectAck(await deliverEvent(app().url, partialAgain), 'same cumulative, new event'),
    ).toBe('duplicate');
    let detail = await moneyProject(d.freelancer, d.project.id);
    expect(milestoneOf(detail, d.first.id)).toMatchObject({
      status: 'paid',
      refundedMinor: 300_00,
      refundedInFull: false,
    });
    expect(
      (await fetchFile(app(), d.client, fileId)).status,
      'a partial refund leaves the files unlocked',
    ).toBe(200);

    const full = chargeRefundedEvent({ ...charge, amountRefunded: 1_000_00 });
    const deliveries = await Promise.all([1, 2, 3].map(() => deliverEvent(app().url, full)));
    const outcomes = deliveries.map((res) => expectAck(res, 'full refund')).sort();
    expect(outcomes).toEqual(['duplicate', 'duplicate', 'refunded']);
    expect(expectAck(await deliverEvent(app().url, partial), 'old partial refund, late')).toBe(
      'duplicate',
    );

    detail = await moneyProject(d.freelancer, d.project.id);
    const refunds = detail.payments.filter((p) => p.kind === 'refund');
    expect(
      refunds.map((r) => r.amountMinor).sort((a, b) => a - b),
      'the missing part each time',
    ).toEqual([300_00, 700_00]);
    for (const r of refunds)
      expect(r).toMatchObject({ source: 'stripe', milestoneId: d.first.id, currency: 'EUR' });
    expect(milestoneOf(detail, d.first.id)).toMatchObject({
      status: 'delivered',
      receivedMinor: 1_000_00,
      refundedMinor: 1_000_00,
      outstandingMinor: 1_000_00,
      refundedInFull: true,
    });
    expect(detail.milestones[1]?.status, 'the next milestone keeps its state').toBe('open');
    expectError(await d.client.get(`/api/files/${fileId}`), {
      status: 402,
      code: 'PAYMENT_REQUIRED',
    });
    expect((await portalFileList(d.client)).map((f) => f.downloadable)).toEqual([false]);
    expect(
      (await fetchFile(app(), d.freelancer, fileId)).status,
      'the freelancer keeps access',
    ).toBe(200);
    const names = (await actions(d.freelancer, d.project.id)).map((e) => e.action);
    expect(names.filter((a) => a === 'payment.refunded')).toHaveLength(2);
    expect(names.filter((a) => a === 'files.locked')).toHaveLength(1);
  });

  test('concurrent charge.refunded events (cumulative 25/50/75/100 %) never record more than Stripe refunded', async () => {
    for (let round = 0; round < 4; round++) {
      const d = await opened({ amounts: [800_00] });
      const paid = sessionEvent('checkout.session.completed', d.session, {
        payment_status: 'paid',
      });
      expect(expectAck(await deliverEvent(app().url, paid), 'paid')).toBe('credited');
      const charge = { paymentIntent: d.session.payment_intent, amount: 800_00, currency: 'eur' };
      // Stripe sends one event per refund, each with the cumulative amount; they may overtake.
      const events = [200_00, 400_00, 600_00, 800_00].map((amountRefunded) =>
        chargeRefundedEvent({ ...charge, amountRefunded }),
      );
      const answers = await Promise.all(
        [...events, ...events].map((e) => deliverEvent(app().url, e)),
      );
      for (const res of answers)
        expect(['refunded', 'duplicate']).toContain(expectAck(res, 'cumulative refund'));
      const detail = await moneyProject(d.freelancer, d.project.id);
      const refunded = detail.payments
        .filter((p) => p.kind === 'refund')
        .reduce((sum, p) => sum + p.amountMinor, 0);
      expect(
        refunded,
        `round ${round}: refunds recorded (${detail.payments
          .filter((p) => p.kind === 'refund')
          .map((p) => p.amountMinor)
          .join(' + ')})`,
      ).toBe(800_00);
      expect(milestoneOf(detail, d.first.id)).toMatchObject({
        refundedMinor: 800_00,
        refundedInFull: true,
      });
    }
  });

  test('charge.dispute.created is recorded as payment.disputed', async () => {
    const d = await opened({ amounts: [600_00] });
    const paid = sessionEvent('checkout.session.completed', d.session, { payment_status: 'paid' });
    expect(expectAck(await deliverEvent(app().url, paid), 'paid')).toBe('credited');
    const dispute = disputeCreatedEvent({
      paymentIntent: d.session.payment_intent,
      amount: 600_00,
      currency: 'eur',
    });
    expect(expectAck(await deliverEvent(app().url, dispute), 'dispute')).toBe('recorded');
    expect(expectAck(await deliverEvent(app().url, dispute), 'dispute redelivered')).toBe(
      'duplicate',
    );
    const disputed = (await actions(d.freelancer, d.project.id)).filter(
      (e) => e.action === 'payment.disputed',
    );
    expect(disputed).toHaveLength(1);
    expect(disputed[0]?.details).toMatchObject({
      milestoneId: d.first.id,
      paymentIntent: d.session.payment_intent,
    });
  });

  // -------------------------------------------------------------------------------------------
  // A freelancer's own Stripe account.

  test("the freelancer's own keys: stored sealed, never echoed, used for Checkout, own webhook secret", async () => {
    const freelancer = await signUp(app());
    const userId = freelancer.user?.id ?? '';
    const operatorView = expectStatus(
      await freelancer.get('/api/settings/payments'),
      200,
      C.PaymentSettings,
    );
    expect(operatorView.stripe).toMatchObject({
      configured: true,
      source: 'operator',
      mode: 'test',
      webhookSecretSet: true,
    });
    expect(operatorView.stripe.webhookUrl ?? '').toMatch(/\/api\/webhooks\/stripe$/);

    expectError(
      await freelancer.put('/api/settings/stripe', {
        secretKey: 'pk_test_abc',
        webhookSecret: OWN_WEBHOOK_SECRET,
      }),
      {
        status: 400,
        field: 'secretKey',
      },
    );
    expectError(
      await freelancer.put('/api/settings/stripe', {
        secretKey: OWN_SECRET_KEY,
        webhookSecret: 'secret',
      }),
      {
        status: 400,
        field: 'webhookSecret',
      },
    );

    const put = await freelancer.put('/api/settings/stripe', {
      secretKey: OWN_SECRET_KEY,
      webhookSecret: OWN_WEBHOOK_SECRET,
    });
    const view = expectStatus(put, 200, C.PaymentSettings);
    expect(view.stripe).toMatchObject({
      configured: true,
      source: 'own',
      mode: 'test',
      webhookSecretSet: true,
    });
    expect(view.stripe.webhookUrl ?? '').toMatch(new RegExp(`/api/webhooks/stripe/${userId}$`));
    const reads = [
      put,
      await freelancer.get('/api/settings/payments'),
      await freelancer.get('/api/settings'),
      await freelancer.get('/api/auth/me'),
    ];
    for (const res of reads) {
      expect(res.status, `${res.request} → ${res.text.slice(0, 200)}`).toBe(200);
      for (const secret of [OWN_SECRET_KEY, OWN_WEBHOOK_SECRET, 'ownFiona']) {
        expect(res.text.includes(secret), `${res.request} echoes ${secret}`).toBe(false);
      }
    }
    const side = await openSideServices(app(), stripe().env());
    try {
      const rows = await side.userRowsJson();
      expect(rows.includes(OWN_SECRET_KEY), 'the secret key is stored in clear').toBe(false);
      expect(rows.includes(OWN_WEBHOOK_SECRET), 'the webhook secret is stored in clear').toBe(
        false,
      );
    } finally {
      await side.close();
    }

    const d = await deliveredProject(app(), { freelancer, amounts: [450_00] });
    const started = await checkout(d.client, d.first.id);
    const [sent] = stripe().createRequestsFor(d.first.id);
    expect(sent?.secretKey, "Checkout is opened on the freelancer's own account").toBe(
      OWN_SECRET_KEY,
    );
    const session = stripe().session(started.sessionId);
    const event = sessionEvent('checkout.session.completed', session, { payment_status: 'paid' });
    const payload = JSON.stringify(event);
    const ownPath = `/api/webhooks/stripe/${userId}`;

    const withOperatorSecret = await postWebhook(
      app().url,
      ownPath,
      payload,
      signPayload(payload, OPERATOR_WEBHOOK_SECRET),
    );
    expectSignatureRefused(
      withOperatorSecret,
      "the operator's secret on the freelancer's endpoint",
    );
    const onOperatorEndpoint = await postWebhook(
      app().url,
      '/api/webhooks/stripe',
      payload,
      signPayload(payload, OWN_WEBHOOK_SECRET),
    );
    expectSignatureRefused(
      onOperatorEndpoint,
      "the freelancer's secret on the operator's endpoint",
    );
    expect(milestoneOf(await moneyProject(freelancer, d.project.id), d.first.id).status).toBe(
      'delivered',
    );

    const accepted = await postWebhook(
      app().url,
      ownPath,
      payload,
      signPayload(payload, OWN_WEBHOOK_SECRET),
    );
    expect(expectAck(accepted, "the freelancer's own secret")).toBe('credited');
    expect(milestoneOf(await moneyProject(freelancer, d.project.id), d.first.id).status).toBe(
      'paid',
    );
    await expectOnePaymentOneReceipt(d, session.id, 450_00);

    // A properly signed event on this freelancer's endpoint about someone else's milestone: ignored.
    const stranger = await opened({ amounts: [75_00] });
    const foreign = JSON.stringify(
      sessionEvent('checkout.session.completed', stranger.session, { payment_status: 'paid' }),
    );
    expect(
      expectAck(
        await postWebhook(app().url, ownPath, foreign, signPayload(foreign, OWN_WEBHOOK_SECRET)),
        'foreign milestone',
      ),
    ).toBe('ignored');
    expect(
      milestoneOf(await moneyProject(stranger.freelancer, stranger.project.id), stranger.first.id)
        .status,
    ).toBe('delivered');

    // Endpoints of freelancers without their own keys, and ids that are not ids, do not exist.
    const other = await signUp(app());
    expectError(
      await freelancer.post(`/api/webhooks/stripe/${other.user?.id ?? ''}`, undefined, {
        rawBody: payload,
        contentType: 'application/json',
        headers: { 'stripe-signature': signPayload(payload, OPERATOR_WEBHOOK_SECRET) },
      }),
      { status: 404 },
    );
    expect(
      (
        await postWebhook(
          app().url,
          '/api/webhooks/stripe/not-a-user',
          payload,
          signPayload(payload, OWN_WEBHOOK_SECRET),
        )
      ).status,
    ).toBe(404);

    const cleared = expectStatus(
      await freelancer.delete('/api/settings/stripe'),
      200,
      C.PaymentSettings,
    );
    expect(cleared.stripe).toMatchObject({ configured: true, source: 'operator' });
  });

  // -------------------------------------------------------------------------------------------
  // Reconciliation.

  test('reconcilePayments credits a paid session whose webhook never came, once', async () => {
    const a = await opened({ amounts: [880_00, 20_00] });
    const b = await opened({ amounts: [55_00] });
    stripe().markPaid(a.session.id);

    const side = await openSideServices(app(), stripe().env());
    try {
      const first = await side.reconcile();
      expect(first.credited, `first reconcile ${JSON.stringify(first)}`).toBe(1);
      const detailA = await moneyProject(a.freelancer, a.project.id);
      expect(milestoneOf(detailA, a.first.id).status).toBe('paid');
      expect(detailA.milestones[1]?.status).toBe('open');
      expect(
        milestoneOf(await moneyProject(b.freelancer, b.project.id), b.first.id).status,
        'unpaid session',
      ).toBe('delivered');
      await expectOnePaymentOneReceipt(a, a.session.id, 880_00);
      expect((await portalFileList(a.client)).map((f) => f.downloadable)).toEqual([true]);

      const second = await side.reconcile();
      expect(second.credited, `second reconcile ${JSON.stringify(second)}`).toBe(0);
      await expectOnePaymentOneReceipt(a, a.session.id, 880_00);

      // The webhook, arriving late after all, changes nothing.
      const late = sessionEvent('checkout.session.completed', stripe().session(a.session.id));
      expect(expectAck(await deliverEvent(app().url, late), 'late webhook')).toBe('duplicate');
      await expectOnePaymentOneReceipt(a, a.session.id, 880_00);
    } finally {
      await side.close();
    }
  });
});

describe.each(dialects)('Stripe not configured on %s', SUITE_TIMEOUT, (dialect) => {
  let running: TestApp | undefined;
  beforeAll(async () => {
    running = await startApp(dialect);
  }, HOOK_TIMEOUT);
  afterAll(async () => {
    await running?.close();
  }, HOOK_TIMEOUT);

  test('Pay is 409 STRIPE_NOT_CONFIGURED; the settings say so; the operator webhook does not exist', async () => {
    if (running === undefined) throw new Error(`the ${dialect} app did not start`);
    const d = await deliveredProject(running, { amounts: [100_00] });
    expectError(await clickPay(d.client, d.first.id), {
      status: 409,
      code: 'STRIPE_NOT_CONFIGURED',
    });
    const view = expectStatus(
      await d.freelancer.get('/api/settings/payments'),
      200,
      C.PaymentSettings,
    );
    expect(view.stripe).toEqual({
      configured: false,
      source: null,
      mode: null,
      webhookUrl: null,
      webhookSecretSet: false,
      account: null,
    });
    expect(view.mail.transport).toBe('outbox');
    const payload = '{"id":"evt_x","type":"checkout.session.completed"}';
    const res = await postWebhook(
      running.url,
      '/api/webhooks/stripe',
      payload,
      signPayload(payload, OPERATOR_WEBHOOK_SECRET),
    );
    expect(res.status).toBe(404);
    expect(milestoneOf(await moneyProject(d.freelancer, d.project.id), d.first.id).status).toBe(
      'delivered',
    );
  });
});
