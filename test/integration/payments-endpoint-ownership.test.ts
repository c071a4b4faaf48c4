/**
 * One freelancer's signed events can never block another's payment (issue #8): B, who has keys
 * of their own and so a webhook endpoint whose secret they hold, signs events naming A's checkout
 * session, A's event id and A's payment intent. Each is answered 2xx "ignored" and stores
 * nothing; A's genuine events — on A's own endpoint, and on the operator's endpoint for a
 * freelancer paid through the operator — still credit and refund A.
 */
import { describe, expect, test } from 'vitest';
import {
  chargeRefundedEvent,
  deliverEvent,
  sessionEvent,
  type FakeCheckoutSession,
  useAppWithFakeStripe,
} from './fake-stripe';
import { SUITE_TIMEOUT, dialects, expectStatus, signUp, type Actor } from './harness';
import * as C from './contract';
import {
  checkout,
  deliveredProject,
  expectAck,
  fetchFile,
  milestoneOf,
  moneyProject,
  openSideServices,
  projectReceipts,
  type Delivered,
} from './payments-helpers';

async function withOwnKeys(actor: Actor, secretKey: string, webhookSecret: string) {
  expectStatus(
    await actor.put('/api/settings/stripe', { secretKey, webhookSecret }),
    200,
    C.PaymentSettings,
  );
  return { webhookSecret, path: `/api/webhooks/stripe/${actor.user?.id ?? ''}` };
}

describe.each(dialects)(
  'webhook endpoints speak only for their own sessions on %s',
  SUITE_TIMEOUT,
  (dialect) => {
    const { app, stripe } = useAppWithFakeStripe(dialect);

    async function opened(d: Delivered): Promise<FakeCheckoutSession> {
      const started = await checkout(d.client, d.first.id);
      return stripe().markPaid(started.sessionId);
    }

    for (const aPaidThrough of ['own', 'operator'] as const) {
      test(`B's events naming A's session, event id and intent are ignored; A (${aPaidThrough} keys) is still credited and refunded`, async () => {
        const aActor = await signUp(app());
        const aEndpoint =
          aPaidThrough === 'own'
            ? await withOwnKeys(aActor, `sk_test_A${dialect}42`, `whsec_A${dialect}secret`)
            : { webhookSecret: undefined, path: '/api/webhooks/stripe' };
        const bActor = await signUp(app());
        const bEndpoint = await withOwnKeys(bActor, `sk_test_B${dialect}42`, `whsec_B${dialect}x`);
        const a = await deliveredProject(app(), { freelancer: aActor, amounts: [700_00, 50_00] });
        const b = await deliveredProject(app(), { freelancer: bActor, amounts: [10_00] });
        const aSession = await opened(a);
        const bSession = await opened(b);
        const onB = { secret: bEndpoint.webhookSecret, path: bEndpoint.path };
        const onA = {
          path: aEndpoint.path,
          ...(aEndpoint.webhookSecret !== undefined && { secret: aEndpoint.webhookSecret }),
        };
        // A's genuine event, whose id B has somehow learnt.
        const aGenuine = sessionEvent('checkout.session.completed', aSession);

        const side = await openSideServices(app(), stripe().env());
        try {
          const before = await side.moneyRowCounts();
          const forgeries = [
            // A's session id, pointed at B's own milestone, with A's event id.
            sessionEvent(
              'checkout.session.completed',
              { ...aSession, metadata: { ...bSession.metadata } },
              {},
              aGenuine.id,
            ),
            // A's session as it is, with A's event id.
            sessionEvent('checkout.session.completed', aSession, {}, aGenuine.id),
            // A's session, a different event id, both event kinds that touch a session.
            sessionEvent('checkout.session.async_payment_succeeded', aSession),
            sessionEvent('checkout.session.async_payment_failed', aSession),
            sessionEvent('checkout.session.completed', aSession, { payment_status: 'unpaid' }),
          ];
          for (const forged of forgeries) {
            expect(
              expectAck(await deliverEvent(app().url, forged, onB), `B forges ${forged.type}`),
            ).toBe('ignored');
          }
          expect(await side.moneyRowCounts(), 'ignored events store nothing').toEqual(before);

          // A's genuine event still credits A.
          expect(expectAck(await deliverEvent(app().url, aGenuine, onA), "A's event")).toBe(
            'credited',
          );
          let detail = await moneyProject(a.freelancer, a.project.id);
          expect(milestoneOf(detail, a.first.id).status).toBe('paid');
          expect(detail.payments.map((p) => [p.kind, p.amountMinor, p.status])).toEqual([
            ['payment', 700_00, 'credited'],
          ]);
          expect(await projectReceipts(a.freelancer, a.project.id)).toHaveLength(1);
          expect((await fetchFile(app(), a.client, a.files[0]?.id ?? '')).status).toBe(200);

          // B's own session, credited on B's endpoint while claiming A's payment intent.
          const bClaims = sessionEvent('checkout.session.completed', bSession, {
            payment_intent: aSession.payment_intent,
          });
          expect(expectAck(await deliverEvent(app().url, bClaims, onB), 'B credits B')).toBe(
            'credited',
          );
          // B refunds and disputes "A's" intent on B's endpoint: A's books do not move.
          const aCharge = {
            paymentIntent: aSession.payment_intent,
            amount: 700_00,
            currency: 'eur',
          };
          const bRefund = chargeRefundedEvent({ ...aCharge, amountRefunded: 700_00 });
          expect(['ignored', 'refunded']).toContain(
            expectAck(await deliverEvent(app().url, bRefund, onB), 'B refunds A'),
          );
          detail = await moneyProject(a.freelancer, a.project.id);
          expect(detail.payments.filter((p) => p.kind === 'refund')).toHaveLength(0);
          expect(milestoneOf(detail, a.first.id).status).toBe('paid');

          // A's genuine refund of A's charge (same charge id and amount as B's) reaches A.
          const aRefund = chargeRefundedEvent({ ...aCharge, amountRefunded: 200_00 });
          expect(expectAck(await deliverEvent(app().url, aRefund, onA), "A's refund")).toBe(
            'refunded',
          );
          const full = chargeRefundedEvent({ ...aCharge, amountRefunded: 700_00 });
          expect(expectAck(await deliverEvent(app().url, full, onA), "A's full refund")).toBe(
            'refunded',
          );
          detail = await moneyProject(a.freelancer, a.project.id);
          expect(
            detail.payments.filter((p) => p.kind === 'refund').map((p) => p.amountMinor),
          ).toEqual([200_00, 500_00]);
        } finally {
          await side.close();
        }
      });
    }
  },
);
