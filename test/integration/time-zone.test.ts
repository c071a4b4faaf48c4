/**
 * The freelancer's time zone: chosen at sign-up (the browser's) and in settings, an IANA name
 * checked with Intl; a payment's "received on" date and a refund's date may not be later than
 * today where the freelancer is. Dates are checked with the app's clock set a little after
 * midnight in the far east (Kiritimati, UTC+14) — still the evening before in the far west
 * (Pago Pago, UTC−11) — on a day taken from the real clock.
 */
import { describe, expect, test } from 'vitest';
import { z } from 'zod';
import * as C from './contract';
import {
  PASSWORD,
  SUITE_TIMEOUT,
  dialects,
  expectError,
  expectStatus,
  signUp,
  uniqueEmail,
  useApp,
  Actor,
} from './harness';
import { deliveredProject, offlinePayment } from './payments-helpers';

const EAST = 'Pacific/Kiritimati';
const WEST = 'Pacific/Pago_Pago';
const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

const WithZone = z.object({ timeZone: z.string() });
const SignedUp = z.object({ user: C.User.extend({ timeZone: z.string() }) });

const isoDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);

async function setZone(actor: Actor, timeZone: string) {
  return actor.put('/api/settings', {
    name: 'Fiona Freelancer',
    businessName: '',
    paymentInstructions: '',
    timeZone,
  });
}

function refundOn(actor: Actor, projectId: string, milestoneId: string, refundedOn: string) {
  return actor.post(`/api/projects/${projectId}/milestones/${milestoneId}/refunds`, {
    amountMinor: 1_00,
    reference: 'RF',
    refundedOn,
  });
}

describe.each(dialects)('the freelancer’s time zone on %s', SUITE_TIMEOUT, (dialect) => {
  const app = useApp(dialect);

  test('sign-up takes the browser’s zone; settings change it; only IANA names pass', async () => {
    const email = uniqueEmail('zone');
    const actor = new Actor(app().url, email);
    const body = expectStatus(
      await actor.post('/api/auth/signup', {
        email,
        password: PASSWORD,
        name: 'Zed',
        timeZone: EAST,
      }),
      201,
      SignedUp,
    );
    expect(body.user.timeZone).toBe(EAST);
    expect(expectStatus(await actor.get('/api/settings'), 200, WithZone).timeZone).toBe(EAST);

    // Without one (an API client, an account from before), "today" is UTC's.
    const plain = await signUp(app());
    expect(expectStatus(await plain.get('/api/settings'), 200, WithZone).timeZone).toBe('UTC');

    // Written any case, stored as the runtime spells it.
    expect(expectStatus(await setZone(plain, 'america/new_york'), 200, WithZone).timeZone).toBe(
      'America/New_York',
    );
    for (const bad of [
      'Mars/Olympus_Mons',
      'Europe/Berlin\u0000',
      '../etc/passwd',
      '',
      'x'.repeat(80),
    ]) {
      expectError(await setZone(plain, bad), {
        status: 400,
        code: 'VALIDATION_FAILED',
        field: 'timeZone',
      });
    }
    const refused = await actor.post('/api/auth/signup', {
      email: uniqueEmail('zone-bad'),
      password: PASSWORD,
      name: 'Zed',
      timeZone: 'Moon/Tranquility',
    });
    expectError(refused, { status: 400, code: 'VALIDATION_FAILED', field: 'timeZone' });
    expect(expectStatus(await plain.get('/api/settings'), 200, WithZone).timeZone).toBe(
      'America/New_York',
    );
  });

  test('a payment or refund dated after today where the freelancer is: 400, nothing recorded', async () => {
    const east = await deliveredProject(app(), { amounts: [10_00] });
    const west = await deliveredProject(app(), { amounts: [10_00] });
    expectStatus(await setZone(east.freelancer, EAST), 200, WithZone);
    expectStatus(await setZone(west.freelancer, WEST), 200, WithZone);

    // Today (real clock, UTC) at 10:30: 00:30 tomorrow in Kiritimati, 23:30 yesterday in Pago Pago.
    const day = Date.parse(`${isoDay(Date.now())}T00:00:00Z`);
    const [yesterday, today, tomorrow, afterTomorrow] = [-1, 0, 1, 2].map((n) =>
      isoDay(day + n * DAY_MS),
    ) as [string, string, string, string];
    app().clock.set(new Date(day + 10.5 * HOUR_MS));
    try {
      // The far east is already on tomorrow: tomorrow is allowed there, the day after is not.
      expectError(
        await offlinePayment(east.freelancer, east.project.id, east.first.id, 5_00, {
          receivedOn: afterTomorrow,
        }),
        { status: 400, code: 'VALIDATION_FAILED', field: 'receivedOn' },
      );
      expectStatus(
        await offlinePayment(east.freelancer, east.project.id, east.first.id, 5_00, {
          receivedOn: tomorrow,
        }),
        201,
        C.OfflinePaymentResult,
      );

      // The far west is still on yesterday: today (UTC's) is refused there, for payments and refunds.
      const refusedPayment = expectError(
        await offlinePayment(west.freelancer, west.project.id, west.first.id, 10_00, {
          receivedOn: today,
        }),
        { status: 400, code: 'VALIDATION_FAILED', field: 'receivedOn' },
      );
      expect(refusedPayment.message).toContain(`${yesterday} in ${WEST}`);
      expectStatus(
        await offlinePayment(west.freelancer, west.project.id, west.first.id, 10_00, {
          receivedOn: yesterday,
        }),
        201,
        C.OfflinePaymentResult,
      );
      expectError(await refundOn(west.freelancer, west.project.id, west.first.id, today), {
        status: 400,
        code: 'VALIDATION_FAILED',
        field: 'refundedOn',
      });
      expectStatus(
        await refundOn(west.freelancer, west.project.id, west.first.id, yesterday),
        201,
        C.RefundResult,
      );

      // An hour later midnight has passed in Pago Pago too: today is allowed there now.
      app().clock.advance(HOUR_MS);
      expectStatus(
        await refundOn(west.freelancer, west.project.id, west.first.id, today),
        201,
        C.RefundResult,
      );
      expectError(await refundOn(west.freelancer, west.project.id, west.first.id, tomorrow), {
        status: 400,
        code: 'VALIDATION_FAILED',
        field: 'refundedOn',
      });
    } finally {
      app().clock.set(new Date());
    }

    // Only what was allowed was recorded.
    const detail = expectStatus(
      await west.freelancer.get(`/api/projects/${west.project.id}`),
      200,
      C.ProjectDetailWithMoney,
    );
    expect(detail.payments.map((p) => p.amountMinor).sort((a, b) => a - b)).toEqual([
      1_00, 1_00, 10_00,
    ]);
  });
});
