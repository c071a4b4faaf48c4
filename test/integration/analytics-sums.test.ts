/**
 * The pre-summed analytics stay equal to a sum from scratch: after random sequences of a
 * freelancer's changes over HTTP (projects for new and returning clients, deliveries, offline
 * payments, refunds, costs added, edited and removed, archive and unarchive, project type, hours,
 * milestones added, edited and removed, time zone changes and single steps of the rebuild they
 * start, with the clock moving on), once the rebuild has finished the owner's
 * maintained sums and every project's and client's cells equal those computed from the rows, and
 * the dashboard's figures equal the ones computed from the rows. Refused changes (a delivery out
 * of turn, a refund larger than the payment …) must leave them equal too.
 * MILEPOST_ANALYTICS_SUMS_RUNS sets the sequences per dialect (default 4; 6 to 12 steps each, or
 * MILEPOST_ANALYTICS_SUMS_STEPS).
 */
import fc from 'fast-check';
import type { Kysely } from 'kysely';
import { describe, expect, test } from 'vitest';
import { z } from 'zod';
import { readAnalytics, readAnalyticsFromRows } from '../../src/actions/read-analytics';
import { openDatabase } from '../../src/db/database';
import { computeOwnerCells, ownerSumsStale } from '../../src/db/queries/analytics-sums';
import type { DB } from '../../src/db/schema';
import { mergeCells, type SumCell } from '../../src/domain/analytics-sums';
import {
  chargeRefundedEvent,
  deliverEvent,
  sessionEvent,
  useAppWithFakeStripe,
} from './fake-stripe';
import {
  createClient,
  createProject,
  dialects,
  expectStatus,
  milestonesByAmount,
  signUp,
  storageConfig,
  useApp,
  type Actor,
  type TestApp,
} from './harness';
import { runAnalyticsSteps } from './analytics-steps';
import { checkout, deliveredProject, expectAck } from './payments-helpers';

const RUNS = Number(process.env.MILEPOST_ANALYTICS_SUMS_RUNS ?? 4);
const STEPS = Number(process.env.MILEPOST_ANALYTICS_SUMS_STEPS ?? 12);
const DAY = 86_400_000;

const Detail = z.object({
  project: z.object({ id: z.string() }),
  milestones: z.array(z.object({ id: z.string(), amountMinor: z.number(), status: z.string() })),
  payments: z.array(z.object({ milestoneId: z.string() })),
});
const Costs = z.object({ costs: z.array(z.object({ id: z.string() })) });

const step = fc.record({
  op: fc.integer({ min: 0, max: 17 }),
  a: fc.nat(1000),
  b: fc.nat(1000),
  days: fc.integer({ min: 0, max: 30 }),
});

interface World {
  freelancer: Actor;
  clients: string[];
  projects: string[];
}

const ZONES = ['Europe/Berlin', 'Pacific/Kiritimati', 'America/Los_Angeles', 'UTC'];
const TYPES = ['web', 'design', ''];

async function detail(actor: Actor, projectId: string) {
  const res = await actor.get(`/api/projects/${projectId}`);
  return Detail.parse(res.body);
}

/** Runs one step; a refusal (4xx) is a fine outcome, a server error is not. */
async function run(
  app: TestApp,
  world: World,
  s: { op: number; a: number; b: number; days: number },
) {
  const { freelancer } = world;
  app.clock.advance(s.days * DAY);
  const today = app.clock.now().toISOString().slice(0, 10);
  const pastDay = new Date(app.clock.now().getTime() - (s.b % 60) * DAY - 2 * DAY)
    .toISOString()
    .slice(0, 10);
  const projectId = world.projects[s.a % Math.max(1, world.projects.length)];
  let res: { status: number } | undefined;
  if (s.op <= 1 || projectId === undefined) {
    // A project, for a returning client half of the time.
    let clientId = world.clients[s.b % Math.max(1, world.clients.length)];
    if (clientId === undefined || s.op === 0) {
      clientId = (await createClient(freelancer)).id;
      world.clients.push(clientId);
    }
    const count = 1 + (s.a % 3);
    const created = await createProject(freelancer, {
      clientId,
      currency: s.b % 4 === 0 ? 'USD' : 'EUR',
      projectType: TYPES[s.a % TYPES.length] ?? '',
      milestones: milestonesByAmount(Array.from({ length: count }, (_, i) => 10_000 * (i + 1))).map(
        (m, i) => ({
          ...m,
          dueDate: new Date(app.clock.now().getTime() + (i * 20 - 10) * DAY)
            .toISOString()
            .slice(0, 10),
        }),
      ),
    });
    world.projects.push(created.project.id);
    return;
  }
  const { milestones, payments } = await detail(freelancer, projectId);
  // Mostly the milestone the step can act on (the open one to deliver, a delivered one to pay …).
  const wanted = { 2: 'open', 3: 'open', 4: 'delivered', 5: 'delivered', 6: 'paid' }[s.op];
  const milestone =
    (s.days % 4 !== 0 && milestones.find((m) => m.status === wanted)) ||
    (s.op === 6 && milestones.find((m) => payments.some((p) => p.milestoneId === m.id))) ||
    milestones[s.b % Math.max(1, milestones.length)];
  const base = `/api/projects/${projectId}`;
  switch (s.op) {
    case 2:
    case 3:
      if (milestone) res = await freelancer.post(`${base}/milestones/${milestone.id}/deliver`);
      break;
    case 4:
    case 5:
      if (milestone) {
        res = await freelancer.post(`${base}/milestones/${milestone.id}/payments`, {
          amountMinor: s.op === 4 ? milestone.amountMinor : 1 + (s.a % milestone.amountMinor),
          method: 'bank_transfer',
          reference: 'INV',
          receivedOn: s.a % 2 === 0 ? today : pastDay,
        });
      }
      break;
    case 6:
      if (milestone) {
        res = await freelancer.post(`${base}/milestones/${milestone.id}/refunds`, {
          amountMinor: s.a % 2 === 0 ? 1 : 1 + (s.a % 2_000),
          reference: 'R',
          refundedOn: pastDay,
        });
      }
      break;
    case 7:
      res = await freelancer.post(`${base}/costs`, {
        amountMinor: 100 + s.a,
        spentOn: pastDay,
        note: '',
        category: 'software',
      });
      break;
    case 8: {
      const { costs } = Costs.parse((await freelancer.get(`${base}/costs`)).body);
      const cost = costs[s.b % Math.max(1, costs.length)];
      if (cost && s.a % 2 === 0) res = await freelancer.delete(`${base}/costs/${cost.id}`);
      else if (cost) {
        res = await freelancer.patch(`${base}/costs/${cost.id}`, {
          amountMinor: 50 + s.b,
          spentOn: pastDay,
        });
      }
      break;
    }
    case 9:
      res = await freelancer.post(`${base}/${s.a % 2 === 0 ? 'archive' : 'unarchive'}`);
      break;
    case 10:
      res = await freelancer.patch(base, {
        projectType: TYPES[s.b % TYPES.length] ?? '',
        hoursMinutes: s.a % 3 === 0 ? null : s.a * 7,
      });
      break;
    case 11:
      res = await freelancer.post(`${base}/milestones`, {
        title: 'More',
        deliverables: 'More work',
        dueDate: pastDay,
        amountMinor: 5_000 + s.a,
      });
      break;
    case 12:
      if (milestone) res = await freelancer.delete(`${base}/milestones/${milestone.id}`);
      break;
    case 13:
      if (milestone) {
        res = await freelancer.patch(`${base}/milestones/${milestone.id}`, {
          dueDate: pastDay,
          amountMinor: 7_000 + s.b,
        });
      }
      break;
    case 14:
      res = await freelancer.patch(base, { currency: s.a % 2 === 0 ? 'USD' : 'EUR' });
      break;
    case 16:
      // One step of a rebuild after a change of time zone (one project a step), if one is due:
      // the changes around it happen between its steps.
      await runAnalyticsSteps(app, 1);
      break;
    default:
      res = await freelancer.put('/api/settings', {
        name: 'Fiona Freelancer',
        businessName: '',
        paymentInstructions: '',
        timeZone: ZONES[s.a % ZONES.length],
      });
  }
  if (res) expect(res.status, `step ${JSON.stringify(s)}`).toBeLessThan(500);
}

const sortCells = (cells: readonly SumCell[]) =>
  cells.map((c) => JSON.stringify([c.currency, c.metric, c.month, c.key, c.sub, c.value])).sort();

async function expectConsistent(app: TestApp, ownerId: string) {
  const database = await openDatabase(storageConfig(app));
  try {
    const { db } = database;
    // While a change of time zone is being summed anew, the dashboard reads the rows.
    await expectDashboardFromRows(app, db, ownerId);
    await app.runJobs?.();
    expect(await ownerSumsStale(db, ownerId)).toBe(false);
    const computed = await computeOwnerCells(db, ownerId);
    const kept = await db
      .selectFrom('analytics_cells')
      .select(['source_id', 'cells'])
      .where('owner_id', '=', ownerId)
      .execute();
    const keptCells = new Map(
      kept.map((r) => [r.source_id, sortCells(mergeCells(unpackCells(r.cells)))]),
    );
    for (const [source, cells] of computed) {
      expect(keptCells.get(source) ?? [], `cells of ${source}`).toEqual(sortCells(cells));
    }
    const sums = await db
      .selectFrom('analytics_sums')
      .select(['currency', 'metric', 'month', 'key', 'sub', 'value'])
      .where('owner_id', '=', ownerId)
      .execute();
    expect(sortCells(sums as SumCell[])).toEqual(
      sortCells(mergeCells([...computed.values()].flat())),
    );
    // And the dashboard's figures (read from the sums) equal those computed from the rows.
    await expectDashboardFromRows(app, db, ownerId);
  } finally {
    await database.close();
  }
}

/** The dashboard's figures equal those computed from the rows, for a few currencies and periods. */
export async function expectDashboardFromRows(app: TestApp, db: Kysely<DB>, ownerId: string) {
  const clock = { now: () => app.clock.now() };
  for (const currency of [undefined, 'EUR', 'USD']) {
    for (const [from, to] of [
      [undefined, undefined],
      ['2020-01', '2029-12'],
    ] as const) {
      const options = { db, clock, ownerId, currency, from, to };
      expect(await readAnalytics(options)).toEqual(await readAnalyticsFromRows(options));
    }
  }
}

function unpackCells(text: string): SumCell[] {
  return (JSON.parse(text) as [string, SumCell['metric'], string, string, string, number][]).map(
    ([currency, metric, month, key, sub, value]) => ({ currency, metric, month, key, sub, value }),
  );
}

describe.each(dialects)('pre-summed analytics on %s', { timeout: 600_000 }, (dialect) => {
  // The clock runs on for months within one sequence: the session must outlive it.
  const app = useApp(dialect, { SESSION_DAYS: '3650', ANALYTICS_REBUILD_BATCH: '1' });

  test('after random changes the maintained sums equal a sum from scratch', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(step, { minLength: Math.ceil(STEPS / 2), maxLength: STEPS }),
        async (steps) => {
          const freelancer = await signUp(app());
          const world: World = { freelancer, clients: [], projects: [] };
          for (const s of steps) await run(app(), world, s);
          await expectConsistent(app(), freelancer.user?.id ?? '');
        },
      ),
      { numRuns: RUNS },
    );
  });
});

describe.each(dialects)('pre-summed analytics under parallel changes on %s', (dialect) => {
  const app = useApp(dialect);

  test('costs, payments and deliveries on eight projects of one owner at once: no deadlock, sums exact', async () => {
    const freelancer = await signUp(app());
    const ownerId = freelancer.user?.id ?? '';
    const client = await createClient(freelancer);
    const projects = await Promise.all(
      Array.from({ length: 8 }, async () =>
        createProject(freelancer, {
          clientId: client.id,
          milestones: milestonesByAmount([100_00, 50_00]),
        }),
      ),
    );
    const today = app().clock.now().toISOString().slice(0, 10);
    const statuses = await Promise.all(
      projects.flatMap(({ project, milestones }) => {
        const base = `/api/projects/${project.id}`;
        const first = milestones[0];
        if (!first) throw new Error('two milestones expected');
        return [
          freelancer.post(`${base}/costs`, {
            amountMinor: 1_000,
            spentOn: today,
            note: '',
            category: 'travel',
          }),
          freelancer.post(`${base}/milestones/${first.id}/deliver`).then(() =>
            freelancer.post(`${base}/milestones/${first.id}/payments`, {
              amountMinor: 100_00,
              method: 'bank_transfer',
              reference: 'P',
              receivedOn: today,
            }),
          ),
          freelancer.patch(base, { projectType: 'web', hoursMinutes: 60 }),
        ].map(async (r) => (await r).status);
      }),
    );
    expect(statuses.every((s) => s < 300)).toBe(true);
    await expectConsistent(app(), ownerId);
    const a = await readFigures(app(), ownerId);
    expect(a.figures.revenue.revenueMinor).toBe(8 * 100_00);
    expect(a.figures.costs.costsMinor).toBe(8 * 1_000);
    expect(a.figures.byType).toMatchObject([
      { projectType: 'web', projects: 8, hoursMinutes: 480 },
    ]);
  });
});

describe.each(dialects)('pre-summed analytics with Stripe and change orders on %s', (dialect) => {
  const { app, stripe } = useAppWithFakeStripe(dialect);

  test('a card payment, its partial refund and an accepted re-dated, re-priced plan keep the sums', async () => {
    const d = await deliveredProject(app(), { amounts: [600_00, 200_00] });
    const ownerId = d.freelancer.user?.id ?? '';
    const session = await checkout(d.client, d.first.id);
    const paid = stripe().markPaid(session.sessionId);
    expect(
      expectAck(
        await deliverEvent(app().url, sessionEvent('checkout.session.completed', paid)),
        'paid',
      ),
    ).toBe('credited');
    await expectConsistent(app(), ownerId);
    const partial = chargeRefundedEvent({
      paymentIntent: paid.payment_intent,
      amount: 600_00,
      amountRefunded: 150_00,
      currency: 'eur',
    });
    expect(expectAck(await deliverEvent(app().url, partial), 'partial refund')).toBe('refunded');
    await expectConsistent(app(), ownerId);

    const second = d.milestones[1];
    if (!second) throw new Error('two milestones expected');
    const Order = z.object({ changeOrder: z.object({ id: z.string() }) });
    const order = expectStatus(
      await d.freelancer.post(`/api/projects/${d.project.id}/change-orders`, {
        reason: 'Later and bigger',
        changes: [
          { type: 'update', milestoneId: second.id, amountMinor: 260_00, dueDate: '2030-01-15' },
          {
            type: 'add',
            title: 'Extra',
            deliverables: 'Extra work',
            dueDate: '2030-02-01',
            amountMinor: 90_00,
          },
        ],
      }),
      201,
      Order,
    ).changeOrder;
    const Listed = z.object({
      changeOrders: z.array(
        z.object({ id: z.string(), preview: z.object({ sha256: z.string() }).nullable() }),
      ),
    });
    const listed = expectStatus(await d.client.get('/api/portal/change-orders'), 200, Listed);
    const sha256 = listed.changeOrders.find((o) => o.id === order.id)?.preview?.sha256 ?? '';
    expectStatus(
      await d.client.post(`/api/portal/change-orders/${order.id}/accept`, {
        fullName: 'Bea Kraus',
        sha256,
      }),
      200,
      z.unknown(),
    );
    await expectConsistent(app(), ownerId);
    const a = await readFigures(app(), ownerId);
    expect(a.figures.revenue.revenueMinor).toBe(600_00 - 150_00);
    expect(a.figures.upcoming).toEqual({ amountMinor: 260_00 + 90_00, milestones: 2 });
  });
});

async function readFigures(app: TestApp, ownerId: string) {
  const database = await openDatabase(storageConfig(app));
  try {
    return await readAnalytics({ db: database.db, clock: app.clock, ownerId });
  } finally {
    await database.close();
  }
}
