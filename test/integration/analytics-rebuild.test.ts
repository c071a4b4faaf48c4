/**
 * A change of time zone after the pre-summed analytics: the settings request only marks the
 * owner's sums stale and schedules the rebuild; the scheduler sums the projects anew in steps
 * (ANALYTICS_REBUILD_BATCH projects each, one transaction each). Meanwhile the dashboard reads the
 * rows, changes made between steps end in the same sums as a rebuild from scratch, a second change
 * of time zone starts over, and a rebuild whose process died half-way is finished by the next
 * scheduler to look.
 */
import { Migrator } from 'kysely';
import { describe, expect, test } from 'vitest';
import { z } from 'zod';
import { readAnalytics, readAnalyticsFromRows } from '../../src/actions/read-analytics';
import { runDueJobs } from '../../src/actions/scheduler';
import { migrateToLatest } from '../../src/db/database';
import { migrations } from '../../src/db/migrations';
import { ownerSumsStale } from '../../src/db/queries/analytics-sums';
import { JOB_LEASE_MS } from '../../src/domain/notifications';
import { FIXTURE, insertFixture } from './analytics-fixture';
import {
  analyticsStepOutcomes,
  expectSumsFromScratch,
  keptCells,
  quiet,
  runAnalyticsSteps,
} from './analytics-steps';
import {
  createProject,
  dialects,
  expectStatus,
  milestonesByAmount,
  signUp,
  useApp,
  withDb,
  type Actor,
  type TestApp,
} from './harness';

const Json = z.record(z.string(), z.unknown());
/** Projects per step here: the fixture's eight projects take four steps. */
const BATCH = 2;

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

/** A freelancer in UTC with the fixed data set (instants near month ends), summed. */
async function withFixture(app: TestApp): Promise<{ freelancer: Actor; ownerId: string }> {
  const freelancer = await signUp(app);
  await setZone(freelancer, 'UTC');
  const ownerId = freelancer.user?.id ?? '';
  await withDb(app, (db) => insertFixture(db, ownerId, FIXTURE));
  return { freelancer, ownerId };
}

const PERIODS = [
  { from: '2024-01', to: '2024-03' },
  { from: '2023-01', to: '2024-12' },
];

/** The dashboard (over HTTP) for each period and currency equals the figures from the rows. */
async function expectDashboardFromRows(app: TestApp, freelancer: Actor, ownerId: string) {
  await withDb(app, async (db) => {
    for (const period of PERIODS) {
      for (const currency of ['EUR', 'USD']) {
        const options = { db, clock: app.clock, ownerId, currency, ...period };
        const rows = await readAnalyticsFromRows(options);
        expect(await readAnalytics(options)).toEqual(rows);
        const res = await freelancer.get(
          `/api/analytics?from=${period.from}&to=${period.to}&currency=${currency}`,
        );
        const body = expectStatus(res, 200, Json);
        expect(body.revenue).toEqual(rows.figures.revenue);
        expect(body.onTime).toEqual(rows.figures.onTime);
        expect(body.collection).toEqual(rows.figures.collection);
        expect(body.retention).toEqual(rows.figures.retention);
        expect(body.timeZone).toBe(rows.timeZone);
      }
    }
  });
}

const stale = (app: TestApp, ownerId: string) => withDb(app, (db) => ownerSumsStale(db, ownerId));

describe.each(dialects)('analytics after a change of time zone on %s', (dialect) => {
  const app = useApp(dialect, { ANALYTICS_REBUILD_BATCH: String(BATCH) });

  test('the request only marks the sums stale; the dashboard reads the rows until the steps have summed every project', async () => {
    const { freelancer, ownerId } = await withFixture(app());
    const period = { from: '2024-01', to: '2024-03', currency: 'EUR' };
    const utc = await withDb(app(), (db) =>
      readAnalytics({ db, clock: app().clock, ownerId, ...period }),
    );
    const cellsBefore = await withDb(app(), (db) => keptCells(db, ownerId));

    await setZone(freelancer, 'Europe/Berlin');

    // Committed: the new zone and the mark; not one cell was summed anew by the request.
    expect(await stale(app(), ownerId)).toBe(true);
    expect(await withDb(app(), (db) => keptCells(db, ownerId))).toEqual(cellsBefore);
    const berlin = await withDb(app(), (db) =>
      readAnalyticsFromRows({ db, clock: app().clock, ownerId, ...period }),
    );
    // The fixture's late-evening instants fall into other months in Berlin: the zone matters here.
    expect(berlin.figures.revenue.byMonth).not.toEqual(utc.figures.revenue.byMonth);
    await expectDashboardFromRows(app(), freelancer, ownerId);

    // One step: still stale (three of four to go), still the rows' figures.
    expect(await runAnalyticsSteps(app(), 1)).toBe(1);
    expect(await stale(app(), ownerId)).toBe(true);
    await expectDashboardFromRows(app(), freelancer, ownerId);

    await app().runJobs?.();
    expect(await stale(app(), ownerId)).toBe(false);
    const outcomes = await withDb(app(), (db) => analyticsStepOutcomes(db, ownerId));
    expect(outcomes).toEqual(['step 1', 'step 2', 'step 3', 'rebuilt in 4 steps']);
    await withDb(app(), (db) => expectSumsFromScratch(db, ownerId));
    await expectDashboardFromRows(app(), freelancer, ownerId);

    // And the next change of time zone is rebuilt as well (its steps are new jobs).
    await setZone(freelancer, 'UTC');
    expect(await stale(app(), ownerId)).toBe(true);
    await app().runJobs?.();
    expect(await stale(app(), ownerId)).toBe(false);
    expect(await withDb(app(), (db) => analyticsStepOutcomes(db, ownerId))).toHaveLength(8);
    await withDb(app(), (db) => expectSumsFromScratch(db, ownerId));
    await expectDashboardFromRows(app(), freelancer, ownerId);
  });

  test('changes between the steps, and a second change of time zone half-way, end in the sums of a rebuild from scratch', async () => {
    const { freelancer, ownerId } = await withFixture(app());
    const clientId = await withDb(app(), async (db) => {
      const row = await db
        .selectFrom('clients')
        .select('id')
        .where('owner_id', '=', ownerId)
        .orderBy('id')
        .executeTakeFirstOrThrow();
      return row.id;
    });
    const today = app().clock.now().toISOString().slice(0, 10);
    const made = await createProject(freelancer, {
      clientId,
      milestones: milestonesByAmount([300_00, 200_00]),
    });
    const first = made.milestones[0];
    if (!first) throw new Error('two milestones expected');
    const base = `/api/projects/${made.project.id}`;

    await setZone(freelancer, 'Pacific/Kiritimati');
    expect(await runAnalyticsSteps(app(), 2)).toBe(2);
    // Between steps: a delivery and a payment, a cost on a fixture project, a new project.
    expect((await freelancer.post(`${base}/milestones/${first.id}/deliver`)).status).toBeLessThan(
      300,
    );
    expect(
      (
        await freelancer.post(`${base}/milestones/${first.id}/payments`, {
          amountMinor: 300_00,
          method: 'bank_transfer',
          reference: 'P',
          receivedOn: today,
        })
      ).status,
    ).toBeLessThan(300);
    const someProject = await withDb(app(), async (db) => {
      const rows = await db
        .selectFrom('projects')
        .select('id')
        .where('owner_id', '=', ownerId)
        .where('archived_at', 'is', null)
        .orderBy('id', 'desc')
        .execute();
      return rows[0]?.id ?? '';
    });
    expect(
      (
        await freelancer.post(`/api/projects/${someProject}/costs`, {
          amountMinor: 4_321,
          spentOn: '2024-02-29',
          note: '',
          category: 'software',
        })
      ).status,
    ).toBeLessThan(300);
    await createProject(freelancer, { clientId, milestones: milestonesByAmount([50_00]) });
    await expectDashboardFromRows(app(), freelancer, ownerId);
    expect(await runAnalyticsSteps(app(), 1)).toBe(1);

    // Another zone half-way: the old generation's next step stops, a new one starts over.
    await setZone(freelancer, 'America/Los_Angeles');
    await expectDashboardFromRows(app(), freelancer, ownerId);
    await app().runJobs?.();
    expect(await stale(app(), ownerId)).toBe(false);
    const outcomes = await withDb(app(), (db) => analyticsStepOutcomes(db, ownerId));
    expect(outcomes).toContain('superseded');
    // Ten projects, two a step.
    expect(outcomes.at(-1)).toBe('rebuilt in 5 steps');
    await withDb(app(), (db) => expectSumsFromScratch(db, ownerId));
    await expectDashboardFromRows(app(), freelancer, ownerId);
  });

  test('a rebuild whose process died half-way is finished by the next scheduler once its claim runs out', async () => {
    const { freelancer, ownerId } = await withFixture(app());
    await setZone(freelancer, 'Asia/Kolkata');
    // One step done, the second claimed by a process that then died.
    expect(await runAnalyticsSteps(app(), 2, { claimOnly: true })).toBe(1);
    await app().runJobs?.();
    expect(await stale(app(), ownerId)).toBe(true);
    await expectDashboardFromRows(app(), freelancer, ownerId);

    app().clock.advance(JOB_LEASE_MS + 1_000);
    // Another instance's scheduler (its own database handle) takes the step over and finishes.
    const pass = await withDb(app(), (db) => runDueJobs({ db, events: quiet, clock: app().clock }));
    expect(pass.failed).toBe(0);
    expect(pass.ran).toBeGreaterThanOrEqual(3);
    expect(await stale(app(), ownerId)).toBe(false);
    expect(await withDb(app(), (db) => analyticsStepOutcomes(db, ownerId))).toEqual([
      'step 1',
      'step 2',
      'step 3',
      'rebuilt in 4 steps',
    ]);
    await withDb(app(), (db) => expectSumsFromScratch(db, ownerId));
    await expectDashboardFromRows(app(), freelancer, ownerId);
  });

  test('migration 0039 marks the owners it finds stale, and the scheduler sums them with the same steps', async () => {
    const { freelancer, ownerId } = await withFixture(app());
    await withDb(app(), async (db) => {
      const migrator = new Migrator({
        db,
        provider: { getMigrations: () => Promise.resolve(migrations) },
        allowUnorderedMigrations: true,
      });
      for (;;) {
        const { error, results } = await migrator.migrateDown();
        if (error) throw error;
        if (results?.some((r) => r.migrationName === '0039-analytics-rebuilds')) break;
        if (!results?.length) throw new Error('migration 0039 was not undone');
      }
      // What migration 0037 leaves now: the tables, not a cell.
      await db.deleteFrom('analytics_cells').execute();
      await db.deleteFrom('analytics_sums').execute();
      await migrateToLatest(db);
      expect(await ownerSumsStale(db, ownerId)).toBe(true);
    });
    await expectDashboardFromRows(app(), freelancer, ownerId);
    await app().runJobs?.();
    expect(await stale(app(), ownerId)).toBe(false);
    // Scheduled by the migration, the steps have the default size: the eight projects in one.
    expect(await withDb(app(), (db) => analyticsStepOutcomes(db, ownerId))).toEqual([
      'rebuilt in 1 step',
    ]);
    await withDb(app(), (db) => expectSumsFromScratch(db, ownerId));
    await expectDashboardFromRows(app(), freelancer, ownerId);
  });
});
