/**
 * Correctly signed but malformed Stripe events (issue #8, "Every bad input gets a 4xx"): an event
 * without `data`, without `data.object`, with an object that is a string, a fractional, negative
 * or textual `amount_total`, a refund larger than the charge, and more — each signed with the
 * right secret by the stripe library — is a 400 VALIDATION_FAILED and writes nothing: not the
 * event id, not a payment, not an activity entry, not a session's status. The genuine event that
 * follows is still credited, so not one id was used up.
 */
import { describe, expect, test } from 'vitest';
import * as C from './contract';
import {
  OPERATOR_WEBHOOK_SECRET,
  deliverEvent,
  newEventId,
  postWebhook,
  sessionEvent,
  signPayload,
  stripeEvent,
  useAppWithFakeStripe,
} from './fake-stripe';
import { SUITE_TIMEOUT, dialects } from './harness';
import {
  checkout,
  deliveredProject,
  expectAck,
  fetchFile,
  milestoneOf,
  moneyProject,
  openSideServices,
} from './payments-helpers';

describe.each(dialects)('malformed signed Stripe events on %s', SUITE_TIMEOUT, (dialect) => {
  const { app, stripe } = useAppWithFakeStripe(dialect);

  test('each is a 400 that writes nothing; the genuine event is credited afterwards', async () => {
    const d = await deliveredProject(app(), { amounts: [321_00, 100_00] });
    const started = await checkout(d.client, d.first.id);
    const session = stripe().markPaid(started.sessionId);
    const genuine = sessionEvent('checkout.session.completed', session);
    const intent = session.payment_intent;
    const charge = {
      id: `ch_${intent}`,
      object: 'charge',
      amount: 321_00,
      amount_refunded: 321_00,
      currency: 'eur',
      payment_intent: intent,
    };
    const completed = (object: unknown) =>
      JSON.stringify({ ...genuine, id: newEventId(), data: { object } });

    // Raw payloads, each signed with the operator's secret: only their shape is wrong.
    const malformed: [string, string][] = [
      ['no data', JSON.stringify({ ...genuine, id: newEventId(), data: undefined })],
      ['data without object', JSON.stringify({ ...genuine, id: newEventId(), data: {} })],
      ['object is a string', completed(session.id)],
      ['object is null', completed(null)],
      ['object is an array', completed([session])],
      ['fractional amount_total', completed({ ...session, amount_total: 321_00.5 })],
      ['negative amount_total', completed({ ...session, amount_total: -321_00 })],
      ['amount_total as text', completed({ ...session, amount_total: '32100' })],
      ['amount_total too large', completed({ ...session, amount_total: 2 ** 60 })],
      ['no session id', completed({ ...session, id: undefined })],
      ['session id is a number', completed({ ...session, id: 42 })],
      ['metadata is a string', completed({ ...session, metadata: 'milestoneId' })],
      ['metadata value is an object', completed({ ...session, metadata: { milestoneId: {} } })],
      ['livemode is text', completed({ ...session, livemode: 'false' })],
      ['payment_intent is a number', completed({ ...session, payment_intent: 7 })],
      ['currency is not a code', completed({ ...session, currency: 'euro!' })],
      ['event id missing', JSON.stringify({ ...genuine, id: undefined })],
      ['event id is a number', JSON.stringify({ ...genuine, id: 12345 })],
      ['type missing', JSON.stringify({ ...genuine, id: newEventId(), type: undefined })],
      ['the event is null', 'null'],
      ['the event is a string', JSON.stringify('checkout.session.completed')],
      [
        'async success with a fractional amount',
        JSON.stringify(
          sessionEvent('checkout.session.async_payment_succeeded', session, {
            amount_total: 99.99,
          }),
        ),
      ],
      [
        'refund with a fractional amount',
        JSON.stringify(stripeEvent('charge.refunded', { ...charge, amount_refunded: 10.5 })),
      ],
      [
        'refund larger than the charge',
        JSON.stringify(stripeEvent('charge.refunded', { ...charge, amount_refunded: 400_00 })),
      ],
      [
        'refund object is a string',
        JSON.stringify({ ...stripeEvent('charge.refunded', charge), data: { object: 'ch_1' } }),
      ],
      [
        'dispute without an amount',
        JSON.stringify(
          stripeEvent('charge.dispute.created', { id: 'dp_1', payment_intent: intent }),
        ),
      ],
    ];

    const side = await openSideServices(app(), stripe().env());
    try {
      const before = await side.moneyRowCounts();
      for (const [what, payload] of malformed) {
        const res = await postWebhook(
          app().url,
          '/api/webhooks/stripe',
          payload,
          signPayload(payload, OPERATOR_WEBHOOK_SECRET),
        );
        expect(res.status, `${what} → ${res.status} ${res.text.slice(0, 300)}`).toBe(400);
        const body = C.ErrorBody.parse(res.body);
        expect(body.error.code, what).toBe('VALIDATION_FAILED');
        expect(await side.moneyRowCounts(), `${what}: nothing written`).toEqual(before);
      }
      const detail = await moneyProject(d.freelancer, d.project.id);
      expect(milestoneOf(detail, d.first.id).status).toBe('delivered');
      expect(detail.payments).toHaveLength(0);
      expect((await fetchFile(app(), d.client, d.files[0]?.id ?? '')).status).toBe(402);

      // The genuine event, and an event of a type Milepost does not act on, still go through.
      expect(expectAck(await deliverEvent(app().url, genuine), 'genuine')).toBe('credited');
      expect(
        expectAck(
          await deliverEvent(app().url, stripeEvent('customer.created', { id: 'cus_1' })),
          'other type',
        ),
      ).toBe('ignored');
      const after = await moneyProject(d.freelancer, d.project.id);
      expect(milestoneOf(after, d.first.id).status).toBe('paid');
      expect(after.payments).toHaveLength(1);
      expect((await side.moneyRowCounts())['stripe_events']).toBe(
        (before['stripe_events'] ?? 0) + 1,
      );
    } finally {
      await side.close();
    }
  });
});
