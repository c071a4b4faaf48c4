/**
 * Exactly-once crediting as a property (contract: "A session is credited at most once … whatever
 * the order/repetition/concurrency"). Each run: a fresh freelancer with 20 milestones spread over
 * several projects in several currencies; round after round every project's current milestone
 * gets a file, is delivered, the client clicks Pay (1–3 times at once) and Stripe's events for
 * the session — paid at once, paid later (async), both, still pending, failed (then paid on a
 * later attempt), sometimes with an unrelated event — each arrive 1–3 times, shuffled, in
 * concurrent batches. After each round and at the end:
 *   - no double credit: at most one payment per session, exactly one for each paid session;
 *   - exactly one receipt per credited payment; receipt numbers are 1..N with no gap or repeat;
 *   - no milestone paid but locked, none unlocked but unpaid (the client's file list);
 *   - the next milestone opens only after payment; every webhook answer is 200 and each event
 *     has exactly one effect (its other deliveries are duplicates; an ignored event is ignored
 *     each time, as nothing of it is stored).
 * `npm test` runs 12 runs × 20 milestones = 240 Stripe payments per dialect (the CI size, a few
 * minutes on a loaded 2-core machine); MILEPOST_PAYMENT_RUNS=50 gives the larger local size
 * (1,000 payments).
 */
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import * as C from './contract';
import {
  deliverEvent,
  newEventId,
  sessionEvent,
  stripeEvent,
  type FakeCheckoutSession,
  type StripeEventJson,
  useAppWithFakeStripe,
} from './fake-stripe';
import {
  SUITE_TIMEOUT,
  deliver,
  dialects,
  expectStatus,
  acceptContract,
  openPortal,
  setupProject,
  share,
  signUp,
  type Actor,
} from './harness';
import {
  allReceipts,
  clickPay,
  expectAck,
  mapLimit,
  moneyProject,
  portalFileList,
  seededRandom,
  shuffled,
  uploadFile,
} from './payments-helpers';

const RUNS = Number(process.env.MILEPOST_PAYMENT_RUNS ?? '12');
const MILESTONES_PER_RUN = 20;

type Outcome = 'completed-paid' | 'async' | 'both' | 'pending' | 'failed';
const PAYING: ReadonlySet<Outcome> = new Set(['completed-paid', 'async', 'both']);

interface Attempt {
  outcome: Outcome;
  copies: [number, number, number];
  stray: boolean;
  clicks: number;
}

interface Plan {
  sizes: number[];
  amounts: number[];
  currencies: string[];
  attempts: Attempt[];
  seed: number;
  batch: number;
}

const copiesArb = fc.integer({ min: 1, max: 3 });
const attemptArb: fc.Arbitrary<Attempt> = fc.record({
  outcome: fc.oneof(
    { arbitrary: fc.constant<Outcome>('completed-paid'), weight: 4 },
    { arbitrary: fc.constant<Outcome>('async'), weight: 3 },
    { arbitrary: fc.constant<Outcome>('both'), weight: 2 },
    { arbitrary: fc.constant<Outcome>('pending'), weight: 1 },
    { arbitrary: fc.constant<Outcome>('failed'), weight: 1 },
  ),
  copies: fc.tuple(copiesArb, copiesArb, copiesArb),
  stray: fc.boolean(),
  clicks: fc.integer({ min: 1, max: 3 }),
});
const planArb: fc.Arbitrary<Plan> = fc.record({
  sizes: fc.array(fc.integer({ min: 1, max: 8 }), {
    minLength: MILESTONES_PER_RUN,
    maxLength: MILESTONES_PER_RUN,
  }),
  amounts: fc.array(fc.integer({ min: 50, max: 5_000_000 }), {
    minLength: MILESTONES_PER_RUN,
    maxLength: MILESTONES_PER_RUN,
  }),
  currencies: fc.array(fc.constantFrom('EUR', 'USD', 'GBP', 'JPY', 'PLN'), {
    minLength: MILESTONES_PER_RUN,
    maxLength: MILESTONES_PER_RUN,
  }),
  attempts: fc.array(attemptArb, { minLength: 40, maxLength: 40 }),
  seed: fc.integer(),
  batch: fc.integer({ min: 4, max: 25 }),
});

/** The project sizes: a prefix of `sizes`, the last one cut so they add up to 20. */
function projectSizes(sizes: readonly number[]): number[] {
  const out: number[] = [];
  let total = 0;
  for (const size of sizes) {
    if (total >= MILESTONES_PER_RUN) break;
    const take = Math.min(size, MILESTONES_PER_RUN - total);
    out.push(take);
    total += take;
  }
  return out;
}

interface SessionRecord {
  id: string;
  projectId: string;
  milestoneId: string;
  outcome: Outcome;
  /** Event ids whose first delivery must have this effect. */
  effects: Map<string, 'recorded' | 'ignored' | 'paying'>;
}

interface ProjectRun {
  freelancer: Actor;
  client: Actor;
  project: C.Project;
  milestones: C.Milestone[];
  current: number;
  failedAttempts: number;
  lastSession: { id: string; outcome: Outcome } | undefined;
  /** Milestone id → whether some session of it was paid. */
  paid: Set<string>;
}

interface Delivery {
  event: StripeEventJson;
  session: SessionRecord;
}

function eventsFor(
  session: FakeCheckoutSession,
  attempt: Attempt,
  record: SessionRecord,
  random: number,
): StripeEventJson[] {
  const events: StripeEventJson[] = [];
  const paying = (e: StripeEventJson) => {
    record.effects.set(e.id, 'paying');
    events.push(e);
  };
  const recorded = (e: StripeEventJson) => {
    record.effects.set(e.id, 'recorded');
    events.push(e);
  };
  const unpaid = () =>
    sessionEvent('checkout.session.completed', session, { payment_status: 'unpaid' });
  switch (attempt.outcome) {
    case 'completed-paid':
      paying(sessionEvent('checkout.session.completed', session, { payment_status: 'paid' }));
      break;
    case 'async':
      recorded(unpaid());
      paying(sessionEvent('checkout.session.async_payment_succeeded', session));
      break;
    case 'both':
      paying(sessionEvent('checkout.session.completed', session, { payment_status: 'paid' }));
      paying(sessionEvent('checkout.session.async_payment_succeeded', session));
      break;
    case 'pending':
      recorded(unpaid());
      break;
    case 'failed':
      recorded(unpaid());
      recorded(sessionEvent('checkout.session.async_payment_failed', session));
      break;
  }
  if (attempt.stray) {
    const strays = [
      stripeEvent('payment_intent.created', {
        id: session.payment_intent,
        object: 'payment_intent',
        metadata: session.metadata,
      }),
      stripeEvent('checkout.session.expired', {
        ...session,
        id: `cs_test_unrelated_${newEventId()}`,
        metadata: {},
      }),
      stripeEvent('customer.created', { id: `cus_${session.id}`, object: 'customer' }),
      sessionEvent(
        'checkout.session.completed',
        { ...session, metadata: {} },
        { id: `cs_test_foreign_${newEventId()}`, payment_status: 'paid' },
      ),
    ];
    const stray = strays[Math.floor(random * strays.length)] ?? strays[0];
    if (stray !== undefined) {
      record.effects.set(stray.id, 'ignored');
      events.push(stray);
    }
  }
  return events;
}

describe.each(dialects)(
  'exactly-once Stripe crediting (property) on %s',
  SUITE_TIMEOUT,
  (dialect) => {
    const started = useAppWithFakeStripe(dialect);

    test(`${RUNS} runs × ${MILESTONES_PER_RUN} milestones: no double credit, one receipt each, gapless numbers, files unlocked iff paid`, async () => {
      const app = started.app();
      const stripe = started.stripe();
      let totalCredited = 0;
      let totalSessions = 0;
      let totalDeliveries = 0;

      async function checkProject(p: ProjectRun, where: string): Promise<void> {
        const detail = await moneyProject(p.freelancer, p.project.id);
        const files = await portalFileList(p.client);
        for (const m of detail.milestones) {
          const shouldBePaid = p.paid.has(m.id);
          expect(
            m.status === 'paid',
            `${where}: milestone ${m.position} paid iff a session of it was paid`,
          ).toBe(shouldBePaid);
          for (const f of files.filter((file) => file.milestoneId === m.id)) {
            expect(
              f.downloadable,
              `${where}: ${f.name} downloadable iff milestone ${m.position} is paid (status ${m.status})`,
            ).toBe(m.status === 'paid' && !m.refundedInFull);
          }
          if (m.status === 'paid')
            expect(m.receivedMinor, `${where}: milestone ${m.position} received`).toBe(
              m.amountMinor,
            );
        }
        const bySession = new Map<string, number>();
        for (const pay of detail.payments) {
          expect(pay, `${where}: only credited Stripe payments`).toMatchObject({
            source: 'stripe',
            kind: 'payment',
            status: 'credited',
          });
          bySession.set(pay.reference ?? '', (bySession.get(pay.reference ?? '') ?? 0) + 1);
        }
        for (const [session, count] of bySession)
          expect(count, `${where}: payments of session ${session}`).toBe(1);
        expect(detail.payments.length, `${where}: one payment per paid milestone`).toBe(
          p.paid.size,
        );
      }

      const property = fc.asyncProperty(planArb, async (plan) => {
        const freelancer = await signUp(app);
        const sizes = projectSizes(plan.sizes);
        let cursor = 0;
        const projects: ProjectRun[] = await mapLimit(sizes, 4, async (size, index) => {
          const start = sizes.slice(0, index).reduce((a, b) => a + b, 0);
          const amounts = plan.amounts.slice(start, start + size);
          const { project, milestones } = await setupProject(freelancer, {
            amounts,
            currency: plan.currencies[index] ?? 'EUR',
            title: `Property project ${index + 1}`,
          });
          const access = await share(freelancer, project.id);
          const client = await openPortal(app, { code: access.code }, `client ${index + 1}`);
          await acceptContract(client);
          return {
            freelancer,
            client,
            project,
            milestones,
            current: 0,
            failedAttempts: 0,
            lastSession: undefined,
            paid: new Set<string>(),
          };
        });
        const sessions: SessionRecord[] = [];
        const random = seededRandom(plan.seed);
        let round = 0;
        for (;;) {
          const active = projects.filter((p) => p.current < p.milestones.length);
          if (active.length === 0) break;
          round++;
          if (round > 40) throw new Error('the run does not converge');

          // Deliver what is open (with a file), then the client clicks Pay, 1–3 times at once.
          const deliveries: Delivery[] = [];
          await mapLimit(active, 4, async (p) => {
            const milestone = p.milestones[p.current];
            if (milestone === undefined) throw new Error('unreachable');
            if (p.lastSession === undefined) {
              await uploadFile(
                app,
                p.freelancer,
                milestone.id,
                `p${p.project.title.slice(-1)}-m${milestone.position}.bin`,
                Buffer.from(`${milestone.id}`),
              );
              await deliver(p.freelancer, p.project.id, milestone.id);
            }
            const base = plan.attempts[cursor++ % plan.attempts.length];
            if (base === undefined) throw new Error('unreachable');
            const attempt: Attempt =
              p.failedAttempts >= 2 ? { ...base, outcome: 'completed-paid' } : base;
            const clicks = await Promise.all(
              Array.from({ length: attempt.clicks }, () => clickPay(p.client, milestone.id)),
            );
            const ids = new Set(
              clicks.map((res) => expectStatus(res, 200, C.CheckoutStarted).sessionId),
            );
            expect(ids.size, 'concurrent clicks share one session').toBe(1);
            const sessionId = [...ids][0] ?? '';
            if (p.lastSession?.outcome === 'pending')
              expect(sessionId, 'a pending session is reused').toBe(p.lastSession.id);
            if (p.lastSession?.outcome === 'failed')
              expect(sessionId, 'a failed session is replaced').not.toBe(p.lastSession.id);
            const session = stripe.session(sessionId);
            expect(session.amount_total).toBe(milestone.amountMinor);
            expect(session.currency).toBe(p.project.currency.toLowerCase());
            const record: SessionRecord = {
              id: sessionId,
              projectId: p.project.id,
              milestoneId: milestone.id,
              outcome: attempt.outcome,
              effects: new Map(),
            };
            if (!sessions.some((s) => s.id === sessionId)) totalSessions++;
            sessions.push(record);
            const events = eventsFor(session, attempt, record, random());
            events.forEach((event, k) => {
              for (let c = 0; c < (attempt.copies[k % 3] ?? 1); c++)
                deliveries.push({ event, session: record });
            });
            p.lastSession = { id: sessionId, outcome: attempt.outcome };
          });

          // Stripe's deliveries of the round: shuffled, in concurrent batches.
          const order = shuffled(deliveries, plan.seed + round);
          const outcomes: { delivery: Delivery; outcome: C.WebhookOutcome }[] = [];
          for (let i = 0; i < order.length; i += plan.batch) {
            const batch = order.slice(i, i + plan.batch);
            const answers = await Promise.all(batch.map((d) => deliverEvent(app.url, d.event)));
            answers.forEach((res, k) => {
              const delivery = batch[k];
              if (delivery !== undefined)
                outcomes.push({
                  delivery,
                  outcome: expectAck(res, `${delivery.event.type} ${delivery.event.id}`),
                });
            });
          }
          totalDeliveries += outcomes.length;

          // Each event had exactly one effect; each paid session exactly one credit.
          const roundSessions = new Set(deliveries.map((d) => d.session));
          for (const record of roundSessions) {
            const mine = outcomes.filter((o) => o.delivery.session === record);
            for (const [eventId, effect] of record.effects) {
              const effects = mine
                .filter((o) => o.delivery.event.id === eventId)
                .map((o) => o.outcome)
                .filter((o) => o !== 'duplicate');
              if (effect === 'paying')
                expect(
                  effects.every((o) => o === 'credited'),
                  `${eventId}: ${effects.join(',')}`,
                ).toBe(true);
              // An ignored event leaves no trace, not even its id: each delivery is ignored.
              else if (effect === 'ignored')
                expect(
                  effects.length > 0 && effects.every((o) => o === 'ignored'),
                  `${record.outcome} ${eventId}: ${effects.join(',')}`,
                ).toBe(true);
              else expect(effects, `${record.outcome} ${eventId}`).toEqual([effect]);
            }
            const credits = mine.filter((o) => o.outcome === 'credited').length;
            expect(credits, `credits of session ${record.id} (${record.outcome})`).toBe(
              PAYING.has(record.outcome) ? 1 : 0,
            );
          }

          for (const p of active) {
            const milestone = p.milestones[p.current];
            const last = p.lastSession;
            if (milestone === undefined || last === undefined) continue;
            if (PAYING.has(last.outcome)) {
              p.paid.add(milestone.id);
              p.current++;
              p.failedAttempts = 0;
              p.lastSession = undefined;
              totalCredited++;
            } else {
              p.failedAttempts++;
            }
          }
          await mapLimit(active, 4, (p) =>
            checkProject(p, `run round ${round}, ${p.project.title}`),
          );
        }

        // The end: everything paid and unlocked, one receipt per payment, numbers 1..N.
        for (const p of projects) {
          const detail = await moneyProject(p.freelancer, p.project.id);
          expect(detail.project.status, `${p.project.title} complete`).toBe('complete');
          expect((await portalFileList(p.client)).every((f) => f.downloadable)).toBe(true);
        }
        const receipts = await allReceipts(freelancer);
        expect(receipts.length, 'one receipt per credited payment').toBe(MILESTONES_PER_RUN);
        expect(receipts.map((r) => r.number).sort((a, b) => a - b)).toEqual(
          Array.from({ length: MILESTONES_PER_RUN }, (_, i) => i + 1),
        );
        const perMilestone = new Map<string, number>();
        for (const r of receipts)
          perMilestone.set(r.milestoneId, (perMilestone.get(r.milestoneId) ?? 0) + 1);
        expect(
          [...perMilestone.values()].every((n) => n === 1),
          'one receipt per milestone',
        ).toBe(true);
        expect(perMilestone.size).toBe(MILESTONES_PER_RUN);
        for (const r of receipts) expect(r.method).toBe('stripe');
      });

      await fc.assert(property, { numRuns: RUNS, endOnFailure: true });
      expect(totalCredited, 'payments simulated in all').toBe(RUNS * MILESTONES_PER_RUN);
      expect(totalSessions).toBeGreaterThanOrEqual(totalCredited);
      console.info(
        `[${dialect}] ${RUNS} runs: ${totalCredited} credited payments, ${totalSessions} checkout sessions, ${totalDeliveries} webhook deliveries`,
      );
    }, 600_000);
  },
);
