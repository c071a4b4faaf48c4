/**
 * Analytics on a small fixed data set (analytics-fixture.ts), with every expected figure computed
 * by hand below, on each dialect: the two must agree to the minor unit. Costs and hours go
 * through HTTP like a person enters them; deliveries and payments with fixed past timestamps are
 * written straight into the database.
 *
 * Hand computation, EUR, Europe/Berlin, period 2024-01..2024-03:
 * - Revenue. Feb: P1 100000 (02-05) + P3 10000 (02-01) + P7 60000 (02-23) = 170000. Mar: P1's
 *   Stripe 50000 (23:30 UTC on 29 Feb = 1 Mar in Berlin) + P2 30000 + 50000 = 130000 received,
 *   10000 refunded, 120000 revenue. The flagged 12345 never counts. Total 300000 − 10000 = 290000.
 * - Outstanding: P6's delivered 25000 (P3 owes 20000 but is archived). Upcoming: P2 40000 (open)
 *   + P6 15000 (locked) + P8 10000 (open) = 65000 in 3 milestones.
 * - On time: delivered in the period M1a (1 Feb in Berlin, due 31 Jan: late), M1b (29 Feb, due
 *   29 Feb: on time), M2a (on time), M3a (late), M6a (on time), M7a (late) → 3/6 = 5000 bp.
 *   Completed projects: P1 (on time), P3 (late), P7 (late) → 1/3 = 3333 bp.
 * - Collection: delivered 100000+50000+80000+30000+25000+60000 = 345000; held (net, up to the
 *   amount) 100000+50000+70000+10000+0+60000 = 290000 → 8406 bp. Days to payment: M1a 4,
 *   M1b 1, M2a 10, M7a 1 → median 2.5, mean 4.0.
 * - Retention: by 31 Mar in Berlin Acme 2, Bolt 2, Cove 2 (USD, GBP), Dune 1; Echo's project
 *   was created on 1 Apr there → 4 clients, 3 repeat (7500 bp). Cohorts: Jan {2,2}, Feb {1,0},
 *   Mar {0,0}. Repeat revenue P1 150000 + P2 70000 + P3 10000 = 230000 of 290000 → 7931 bp.
 * - Costs in the period 20000 + 5000 + 7000 = 32000 (3000 on 2 Apr is outside); profit 258000,
 *   margin 8897 bp. By type: web (P1, P2) 220000 − 25000 = 195000, 8864 bp, 600 min, P1's
 *   lifetime (150000 − 20000) / 10 h = 13000/h; design (P3, P7) 70000 − 7000 = 63000, 9000 bp,
 *   420 min, (10000 + 60000 − 7000) / 7 h = 9000/h.
 */
import { describe, expect, test } from 'vitest';
import { z } from 'zod';
import { openDatabase } from '../../src/db/database';
import { FIXTURE, insertFixture, OTHER_FREELANCER } from './analytics-fixture';
import {
  SUITE_TIMEOUT,
  dialects,
  expectError,
  expectStatus,
  setupProject,
  signUp,
  storageConfig,
  useApp,
  type Actor,
  type TestApp,
} from './harness';

const Json = z.record(z.string(), z.unknown());
type Json = z.infer<typeof Json>;

async function setZone(actor: Actor, timeZone: string) {
  expectStatus(
    await actor.put('/api/settings', {
      name: 'Fiona Freelancer',
      businessName: '',
      paymentInstructions: '',
      timeZone,
    }),
    200,
    Json,
  );
}

async function analytics(actor: Actor, query: string): Promise<Json> {
  return expectStatus(await actor.get(`/api/analytics?${query}`), 200, Json);
}

async function withFixture(app: TestApp, timeZone: string): Promise<Actor> {
  const freelancer = await signUp(app);
  const other = await signUp(app);
  await setZone(freelancer, timeZone);
  const database = await openDatabase(storageConfig(app));
  try {
    const ownerId = freelancer.user?.id ?? '';
    await insertFixture(database.db, ownerId, FIXTURE);
    await insertFixture(database.db, other.user?.id ?? '', OTHER_FREELANCER);
  } finally {
    await database.close();
  }
  return freelancer;
}

const PERIOD = 'from=2024-01&to=2024-03';

describe.each(dialects)('analytics on %s', SUITE_TIMEOUT, (dialect) => {
  const app = useApp(dialect);

  test('no data: every amount 0, every rate null, the months still listed', async () => {
    const freelancer = await signUp(app());
    const a = await analytics(freelancer, PERIOD);
    expect(a).toMatchObject({
      currencies: [],
      currency: null,
      period: { from: '2024-01', to: '2024-03' },
      revenue: {
        receivedMinor: 0,
        refundedMinor: 0,
        revenueMinor: 0,
        byMonth: ['2024-01', '2024-02', '2024-03'].map((month) => ({
          month,
          receivedMinor: 0,
          refundedMinor: 0,
          revenueMinor: 0,
        })),
      },
      outstanding: { amountMinor: 0, milestones: 0 },
      upcoming: { amountMinor: 0, milestones: 0 },
      onTime: { delivered: 0, onTime: 0, rateBp: null, projectsCompleted: 0, projectRateBp: null },
      collection: { rateBp: null, medianDaysToPayment: null, meanDaysToPayment: null },
      retention: { clients: 0, repeatClients: 0, repeatClientShareBp: null },
      costs: { costsMinor: 0, profitMinor: 0, marginBp: null },
      byType: [],
    });
    const rows = expectStatus(await freelancer.get(`/api/analytics/projects?${PERIOD}`), 200, Json);
    expect(rows).toMatchObject({ total: 0, projects: [] });
  });

  test('the fixed data set in Berlin, by hand, to the minor unit (EUR of three currencies)', async () => {
    const freelancer = await withFixture(app(), 'Europe/Berlin');
    const a = await analytics(freelancer, `${PERIOD}&currency=EUR`);
    expect(a.currencies).toEqual(['EUR', 'GBP', 'USD']);
    expect(a.currency).toBe('EUR');
    expect(a.timeZone).toBe('Europe/Berlin');
    expect(a.revenue).toEqual({
      receivedMinor: 300000,
      refundedMinor: 10000,
      revenueMinor: 290000,
      byMonth: [
        { month: '2024-01', receivedMinor: 0, refundedMinor: 0, revenueMinor: 0 },
        { month: '2024-02', receivedMinor: 170000, refundedMinor: 0, revenueMinor: 170000 },
        { month: '2024-03', receivedMinor: 130000, refundedMinor: 10000, revenueMinor: 120000 },
      ],
    });
    expect(a.outstanding).toEqual({ amountMinor: 25000, milestones: 1 });
    expect(a.upcoming).toEqual({ amountMinor: 65000, milestones: 3 });
    expect(a.onTime).toEqual({
      delivered: 6,
      onTime: 3,
      rateBp: 5000,
      projectsCompleted: 3,
      projectsOnTime: 1,
      projectRateBp: 3333,
    });
    expect(a.collection).toEqual({
      deliveredMinor: 345000,
      paidMinor: 290000,
      rateBp: 8406,
      paidMilestones: 4,
      medianDaysToPayment: 2.5,
      meanDaysToPayment: 4,
    });
    expect(a.retention).toEqual({
      clients: 4,
      repeatClients: 3,
      repeatClientShareBp: 7500,
      repeatRevenueMinor: 230000,
      repeatRevenueShareBp: 7931,
      cohorts: [
        { month: '2024-01', clients: 2, repeatClients: 2 },
        { month: '2024-02', clients: 1, repeatClients: 0 },
        { month: '2024-03', clients: 0, repeatClients: 0 },
      ],
    });
    expect(a.costs).toEqual({ costsMinor: 32000, profitMinor: 258000, marginBp: 8897 });
    expect(a.byType).toEqual([
      {
        projectType: 'web',
        projects: 2,
        revenueMinor: 220000,
        costsMinor: 25000,
        profitMinor: 195000,
        marginBp: 8864,
        hoursMinutes: 600,
        hourlyRateMinor: 13000,
      },
      {
        projectType: 'design',
        projects: 2,
        revenueMinor: 70000,
        costsMinor: 7000,
        profitMinor: 63000,
        marginBp: 9000,
        hoursMinutes: 420,
        hourlyRateMinor: 9000,
      },
    ]);

    // The default currency is the one most projects are in.
    expect((await analytics(freelancer, PERIOD)).currency).toBe('EUR');

    // USD on its own: one project, delivered a day late, paid 5 days later, untyped.
    const usd = await analytics(freelancer, `${PERIOD}&currency=USD`);
    expect(usd.revenue).toMatchObject({ revenueMinor: 99900 });
    expect(usd.onTime).toMatchObject({ delivered: 1, onTime: 0, rateBp: 0 });
    expect(usd.collection).toMatchObject({ rateBp: 10000, medianDaysToPayment: 5 });
    expect(usd.retention).toMatchObject({ clients: 4, repeatRevenueShareBp: 10000 });
    expect(usd.byType).toEqual([
      {
        projectType: '',
        projects: 1,
        revenueMinor: 99900,
        costsMinor: 0,
        profitMinor: 99900,
        marginBp: 10000,
        hoursMinutes: 0,
        hourlyRateMinor: null,
      },
    ]);
    // A currency with nothing delivered or paid: zeros, never another currency's money.
    const gbp = await analytics(freelancer, `${PERIOD}&currency=GBP`);
    expect(gbp.revenue).toMatchObject({ revenueMinor: 0 });
    expect(gbp.upcoming).toEqual({ amountMinor: 5000, milestones: 1 });

    // Drill-down: the projects behind a figure.
    const titles = async (metric: string, extra = '') => {
      const body = expectStatus(
        await freelancer.get(
          `/api/analytics/projects?${PERIOD}&currency=EUR&metric=${metric}${extra}`,
        ),
        200,
        z.object({ total: z.number(), projects: z.array(Json) }),
      );
      return body.projects.map((p) => p.title);
    };
    expect(await titles('outstanding')).toEqual(['Project P6']);
    // Most days late first (P3 3 days, then P1 and P7 1 day each, by title).
    expect(await titles('late')).toEqual(['Project P3', 'Project P1', 'Project P7']);
    expect(await titles('revenue')).toEqual([
      'Project P1',
      'Project P2',
      'Project P7',
      'Project P3',
    ]);
    expect(await titles('costs', '&projectType=web')).toEqual(['Project P1', 'Project P2']);
    const p3 = expectStatus(
      await freelancer.get(
        `/api/analytics/projects?${PERIOD}&currency=EUR&metric=late&limit=1&offset=0`,
      ),
      200,
      z.object({ total: z.number(), projects: z.array(Json) }),
    );
    expect(p3.total).toBe(3);
    expect(p3.projects[0]).toMatchObject({
      title: 'Project P3',
      archived: true,
      milestones: 1,
      deliveredMilestones: 1,
      progressBp: 10000,
      totalMinor: 30000,
      paidMinor: 10000,
      owedMinor: 20000,
      daysLate: 3,
      profitMinor: 10000,
      hoursMinutes: 120,
    });

    // The CSV holds the same rows.
    const csv = await freelancer.get(
      `/api/analytics/export.csv?${PERIOD}&currency=EUR&metric=late`,
    );
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toMatch(/^text\/csv/);
    const lines = csv.text.trim().split('\n');
    expect(lines[0]).toMatch(/^projectId,title,clientName,projectType,archived,currency,/);
    expect(lines.slice(1).map((l) => l.split(',')[1])).toEqual([
      'Project P3',
      'Project P1',
      'Project P7',
    ]);
  });

  test('the same data in UTC: the month and day boundaries move', async () => {
    const freelancer = await withFixture(app(), 'UTC');
    const a = await analytics(freelancer, `${PERIOD}&currency=EUR`);
    // P1's Stripe payment is February's now; M1a was delivered on its due date.
    expect(a.revenue).toMatchObject({
      revenueMinor: 290000,
      byMonth: [
        { month: '2024-01', revenueMinor: 0 },
        { month: '2024-02', receivedMinor: 220000, revenueMinor: 220000 },
        { month: '2024-03', receivedMinor: 80000, refundedMinor: 10000, revenueMinor: 70000 },
      ],
    });
    expect(a.onTime).toMatchObject({ delivered: 6, onTime: 4, rateBp: 6667 });
    // Days: M1a 31 Jan → 5 Feb = 5, M1b 0, M2a 10, M7a 1.
    expect(a.collection).toMatchObject({ medianDaysToPayment: 3, meanDaysToPayment: 4 });
    // Echo's project was created on 31 March in UTC.
    expect(a.retention).toMatchObject({ clients: 5, repeatClients: 3, repeatClientShareBp: 6000 });
    // February alone, a leap month of 29 days.
    const feb = await analytics(freelancer, 'from=2024-02&to=2024-02&currency=EUR');
    expect(feb.revenue).toMatchObject({ revenueMinor: 220000 });
    expect(feb.onTime).toMatchObject({ delivered: 2, onTime: 1 });
  });

  test('costs and hours: entered over HTTP, counted, refused with control characters', async () => {
    const freelancer = await signUp(app());
    const { project } = await setupProject(freelancer, { amounts: [100_00] });
    const base = `/api/projects/${project.id}/costs`;
    const Cost = z.object({ cost: Json });
    const made = expectStatus(
      await freelancer.post(base, {
        amountMinor: 12_50,
        spentOn: '2024-02-29',
        note: 'Fonts',
        category: 'software',
      }),
      201,
      Cost,
    ).cost;
    expect(made).toMatchObject({ amountMinor: 1250, currency: 'EUR', spentOn: '2024-02-29' });
    const changed = expectStatus(
      await freelancer.patch(`${base}/${String(made.id)}`, {
        amountMinor: 13_00,
        category: 'travel',
      }),
      200,
      Cost,
    ).cost;
    expect(changed).toMatchObject({ amountMinor: 1300, category: 'travel', note: 'Fonts' });
    expectError(
      await freelancer.post(base, {
        amountMinor: 100,
        spentOn: '2024-01-01',
        note: 'bad\u0000note',
        category: 'other',
      }),
      { status: 400, field: 'note' },
    );
    expectError(
      await freelancer.post(base, { amountMinor: 100, spentOn: '2023-02-29', category: 'other' }),
      { status: 400, field: 'spentOn' },
    );
    expectError(
      await freelancer.post(base, { amountMinor: 100, spentOn: '2024-01-01', category: 'food' }),
      { status: 400, field: 'category' },
    );
    expectError(await freelancer.get('/api/analytics?from=2024-13'), {
      status: 400,
      field: 'from',
    });
    expectError(await freelancer.get('/api/analytics?from=2024-03&to=2024-01'), {
      status: 400,
      field: 'from',
    });
    // Another freelancer sees neither the costs nor the project.
    const stranger = await signUp(app());
    expectError(await stranger.get(base), { status: 404 });
    expectError(await stranger.delete(`${base}/${String(made.id)}`), { status: 404 });

    const hours = expectStatus(
      await freelancer.patch(`/api/projects/${project.id}`, { hoursMinutes: 90 }),
      200,
      z.object({ project: Json }),
    );
    expect(hours.project.hoursMinutes).toBe(90);
    const a = await analytics(freelancer, 'from=2024-02&to=2024-02');
    expect(a.costs).toEqual({ costsMinor: 1300, profitMinor: -1300, marginBp: null });
    expect(a.byType).toEqual([
      {
        projectType: '',
        projects: 1,
        revenueMinor: 0,
        costsMinor: 1300,
        profitMinor: -1300,
        marginBp: null,
        hoursMinutes: 90,
        hourlyRateMinor: -867,
      },
    ]);
    expect((await freelancer.delete(`${base}/${String(made.id)}`)).status).toBe(204);
    expect(
      expectStatus(await freelancer.get(base), 200, z.object({ costs: z.array(Json) })).costs,
    ).toEqual([]);
  });
});
