/**
 * `npm run bench:analytics` at a tiny size, on each dialect: the data it generates are a working
 * freelancer's history (every figure of the dashboard has something to count), the figures it
 * times are exactly what GET /api/analytics answers for that freelancer (so the bench measures
 * the real thing, not a copy), another freelancer's data change nothing, and the command itself
 * runs and ends with its summary line.
 */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, test } from 'vitest';
import { z } from 'zod';
import { dashboard, fillOwner } from '../../bench/lib/analytics-data';
import { openDatabase } from '../../src/db/database';
import {
  PG_HOST_URL,
  SUITE_TIMEOUT,
  dialects,
  expectStatus,
  signUp,
  storageConfig,
  useApp,
} from './harness';

const run = promisify(execFile);
const TSX = path.resolve('node_modules/.bin/tsx');
const Json = z.record(z.string(), z.unknown());

describe.each(dialects)('bench:analytics (%s)', (dialect) => {
  const app = useApp(dialect);

  test('times the same figures GET /api/analytics returns', SUITE_TIMEOUT, async () => {
    const freelancer = await signUp(app());
    const other = await signUp(app());
    const ownerId = freelancer.user?.id ?? '';
    const before = expectStatus(await freelancer.get('/api/analytics'), 200, Json);
    const database = await openDatabase(storageConfig(app()));
    try {
      const now = app().clock.now();
      const counts = await fillOwner(database.db, { ownerId, projects: 60, seed: 7, now });
      expect(counts.projects).toBe(60);
      expect(counts.milestones).toBeGreaterThanOrEqual(60);
      await fillOwner(database.db, { ownerId: other.user?.id ?? '', projects: 40, seed: 8, now });

      const timed = await dashboard(database.db, ownerId, app().clock);
      const served = expectStatus(await freelancer.get('/api/analytics'), 200, Json);
      expect(served).toEqual(
        JSON.parse(
          JSON.stringify({
            timeZone: timed.timeZone,
            today: timed.today,
            period: timed.period,
            currencies: timed.currencies,
            currency: timed.currency,
            ...timed.figures,
          }),
        ),
      );
      expect(served).not.toEqual(before);
      // Every card of the dashboard has something to show at this size.
      const f = timed.figures;
      expect(timed.currency).toBe('EUR');
      expect(f.revenue.revenueMinor).toBeGreaterThan(0);
      expect(f.revenue.refundedMinor + f.outstanding.amountMinor).toBeGreaterThan(0);
      expect(f.upcoming.milestones).toBeGreaterThan(0);
      expect(f.onTime.delivered).toBeGreaterThan(f.onTime.onTime);
      expect(f.collection.medianDaysToPayment).not.toBeNull();
      expect(f.retention.repeatClients).toBeGreaterThan(0);
      expect(f.costs.costsMinor).toBeGreaterThan(0);
      expect(f.byType.some((t) => t.hourlyRateMinor !== null)).toBe(true);
      // The other freelancer's 40 projects are not counted: the measured one's clients only.
      expect(f.retention.clients).toBe(20);
    } finally {
      await database.close();
    }
  });

  test(
    'the command runs at a tiny size and ends with its summary line',
    SUITE_TIMEOUT,
    async () => {
      const { stdout } = await run(
        TSX,
        [
          'bench/analytics.ts',
          '--sizes',
          '10,100',
          '--others',
          '30',
          '--runs',
          '2',
          dialect === 'sqlite' ? '--no-pg' : '--no-sqlite',
          '--pg-admin',
          `${PG_HOST_URL}/postgres`,
        ],
        { env: { PATH: process.env.PATH ?? '' } },
      );
      const lines = stdout.trim().split('\n');
      expect(lines.some((l) => l.includes('10 → 100 projects'))).toBe(true);
      const last = lines[lines.length - 1] ?? '';
      const expected =
        dialect === 'sqlite'
          ? /^bench:analytics sqlite_ms_100k=\d+ postgres_ms_100k=skipped$/
          : /^bench:analytics sqlite_ms_100k=skipped postgres_ms_100k=\d+$/;
      expect(last).toMatch(expected);
    },
  );
});
