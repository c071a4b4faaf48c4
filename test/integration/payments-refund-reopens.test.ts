/**
 * A full refund returns the milestone to delivered (issue #8): its files lock, Pay is offered
 * again for the whole amount, and the milestones after it keep their state; a new payment then
 * credits and unlocks it again (before, it was refused as "already paid"). Both ways a refund is
 * recorded: Stripe's charge.refunded, and a refund recorded by hand.
 */
import { describe, expect, test } from 'vitest';
import * as C from './contract';
import {
  chargeRefundedEvent,
  deliverEvent,
  sessionEvent,
  useAppWithFakeStripe,
} from './fake-stripe';
import { SUITE_TIMEOUT, deliver, dialects, expectStatus } from './harness';
import {
  actions,
  checkout,
  deliveredProject,
  expectAck,
  fetchFile,
  milestoneOf,
  moneyProject,
  offlinePayment,
  portalMoney,
  projectReceipts,
  refund,
  uploadFile,
} from './payments-helpers';

describe.each(dialects)('a full refund reopens payment on %s', SUITE_TIMEOUT, (dialect) => {
  const { app, stripe } = useAppWithFakeStripe(dialect);

  test('Stripe: refunded in full → delivered, files locked, Pay again credits; later milestones unchanged', async () => {
    const d = await deliveredProject(app(), { amounts: [600_00, 200_00, 100_00] });
    const [, second, third] = d.milestones;
    if (second === undefined || third === undefined) throw new Error('three milestones expected');
    const fileId = d.files[0]?.id ?? '';

    const first = await checkout(d.client, d.first.id);
    const paid = stripe().markPaid(first.sessionId);
    expect(
      expectAck(
        await deliverEvent(app().url, sessionEvent('checkout.session.completed', paid)),
        'paid',
      ),
    ).toBe('credited');
    // The second milestone is delivered meanwhile: it must stay so through the refund.
    await uploadFile(app(), d.freelancer, second.id, 'second.bin', Buffer.from('second'));
    await deliver(d.freelancer, d.project.id, second.id);
    expect((await fetchFile(app(), d.client, fileId)).status).toBe(200);

    const full = chargeRefundedEvent({
      paymentIntent: paid.payment_intent,
      amount: 600_00,
      amountRefunded: 600_00,
      currency: 'eur',
    });
    expect(expectAck(await deliverEvent(app().url, full), 'full refund')).toBe('refunded');

    let detail = await moneyProject(d.freelancer, d.project.id);
    expect(detail.milestones.map((m) => m.status)).toEqual(['delivered', 'delivered', 'locked']);
    expect(milestoneOf(detail, d.first.id)).toMatchObject({
      outstandingMinor: 600_00,
      refundedInFull: true,
      paidAt: null,
    });
    expect((await fetchFile(app(), d.client, fileId)).status, 'files lock again').toBe(402);
    const portal = await portalMoney(d.client);
    expect(milestoneOf(portal, d.first.id)).toMatchObject({
      status: 'delivered',
      outstandingMinor: 600_00,
    });
    expect((await actions(d.freelancer, d.project.id)).map((e) => e.action)).toContain(
      'milestone.unpaid',
    );

    // Pay is offered again: a new session for the whole amount, credited once.
    const again = await checkout(d.client, d.first.id);
    expect(again.sessionId).not.toBe(first.sessionId);
    expect(stripe().session(again.sessionId).amount_total).toBe(600_00);
    const repaid = stripe().markPaid(again.sessionId);
    expect(
      expectAck(
        await deliverEvent(app().url, sessionEvent('checkout.session.completed', repaid)),
        'paid again',
      ),
    ).toBe('credited');

    detail = await moneyProject(d.freelancer, d.project.id);
    expect(
      detail.milestones.map((m) => m.status),
      'later milestones unchanged',
    ).toEqual(['paid', 'delivered', 'locked']);
    expect(milestoneOf(detail, d.first.id)).toMatchObject({
      receivedMinor: 1_200_00,
      refundedMinor: 600_00,
      outstandingMinor: 0,
      refundedInFull: false,
    });
    expect((await fetchFile(app(), d.client, fileId)).status, 'unlocked again').toBe(200);
    expect(await projectReceipts(d.freelancer, d.project.id)).toHaveLength(2);
  });

  test('by hand: refunded in full → delivered; a new payment is accepted and unlocks; the project completes again', async () => {
    const d = await deliveredProject(app(), { amounts: [300_00, 100_00] });
    const [, second] = d.milestones;
    if (second === undefined) throw new Error('two milestones expected');
    const fileId = d.files[0]?.id ?? '';
    expectStatus(
      await offlinePayment(d.freelancer, d.project.id, d.first.id, 300_00),
      201,
      C.OfflinePaymentResult,
    );
    expect((await fetchFile(app(), d.client, fileId)).status).toBe(200);

    const refunded = expectStatus(
      await refund(d.freelancer, d.project.id, d.first.id, 300_00, 'RF-ALL'),
      201,
      C.RefundResult,
    );
    expect(refunded.milestone).toMatchObject({ status: 'delivered', outstandingMinor: 300_00 });
    let detail = await moneyProject(d.freelancer, d.project.id);
    expect(detail.milestones.map((m) => m.status)).toEqual(['delivered', 'open']);
    expect((await fetchFile(app(), d.client, fileId)).status).toBe(402);

    // The second milestone goes on meanwhile, and is paid: the project is not complete.
    await uploadFile(app(), d.freelancer, second.id, 'two.bin', Buffer.from('two'));
    await deliver(d.freelancer, d.project.id, second.id);
    expectStatus(
      await offlinePayment(d.freelancer, d.project.id, second.id, 100_00),
      201,
      C.OfflinePaymentResult,
    );
    detail = await moneyProject(d.freelancer, d.project.id);
    expect(detail.milestones.map((m) => m.status)).toEqual(['delivered', 'paid']);
    expect(detail.project.status).toBe('active');

    // A new payment of the first milestone: accepted (not "already paid"), unlocks, completes.
    const repaid = expectStatus(
      await offlinePayment(d.freelancer, d.project.id, d.first.id, 300_00, { reference: 'T-2' }),
      201,
      C.OfflinePaymentResult,
    );
    expect(repaid.milestone).toMatchObject({ status: 'paid', outstandingMinor: 0 });
    detail = await moneyProject(d.freelancer, d.project.id);
    expect(detail.milestones.map((m) => m.status)).toEqual(['paid', 'paid']);
    expect(detail.project.status).toBe('complete');
    expect((await fetchFile(app(), d.client, fileId)).status).toBe(200);
  });
});
