/**
 * Runs steps of analytics rebuilds the way the scheduler does (claim, run in one transaction,
 * finish under the claim), a given number of them, so a test can change facts between steps, or
 * stop half-way as a process that died would.
 */
import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import { expect } from 'vitest';
import { runScheduledJob } from '../../src/actions/run-scheduled-job';
import { openDatabase } from '../../src/db/database';
import { computeOwnerCells } from '../../src/db/queries/analytics-sums';
import { claimJob } from '../../src/db/queries/scheduled-jobs';
import type { DB } from '../../src/db/schema';
import { mergeCells, type SumCell } from '../../src/domain/analytics-sums';
import { JOB_LEASE_MS } from '../../src/domain/notifications';
import type { StreamAnnouncer } from '../../src/events/stream-bus';
import { storageConfig, type TestApp } from './harness';

export const quiet: StreamAnnouncer = {
  announce: () => Promise.resolve(),
  sessionsChanged: () => Promise.resolve(),
};

/** The id of an analytics step due now and not held by a live claim. */
async function dueStep(db: Kysely<DB>, now: string): Promise<string | undefined> {
  const row = await db
    .selectFrom('scheduled_jobs')
    .select('id')
    .where('kind', '=', 'analytics')
    .where('done_at', 'is', null)
    .where('due_at', '<=', now)
    .where((eb) => eb.or([eb('claimed_until', 'is', null), eb('claimed_until', '<', now)]))
    .orderBy('due_at')
    .orderBy('id')
    .executeTakeFirst();
  return row?.id;
}

/**
 * Runs up to `count` analytics steps due now; how many ran. `claimOnly`: the last one is claimed
 * and never finished (its process died: the claim runs out after JOB_LEASE_MS).
 */
export async function runAnalyticsSteps(
  app: TestApp,
  count: number,
  options: { claimOnly?: boolean } = {},
): Promise<number> {
  const database = await openDatabase(storageConfig(app));
  try {
    let ran = 0;
    for (let i = 0; i < count; i++) {
      const now = app.clock.now();
      const id = await dueStep(database.db, now.toISOString());
      if (id === undefined) break;
      const token = randomUUID();
      const job = await claimJob(database.db, {
        id,
        token,
        now: now.toISOString(),
        until: new Date(now.getTime() + JOB_LEASE_MS).toISOString(),
      });
      if (!job) break;
      if (options.claimOnly === true && i === count - 1) break;
      const outcome = await runScheduledJob({
        db: database.db,
        events: quiet,
        job,
        token,
        now: now.toISOString(),
      });
      if (outcome !== undefined) ran++;
    }
    return ran;
  } finally {
    await database.close();
  }
}

/** The outcomes of the owner's finished analytics steps, in order. */
export async function analyticsStepOutcomes(db: Kysely<DB>, ownerId: string): Promise<string[]> {
  const rows = await db
    .selectFrom('scheduled_jobs')
    .select(['outcome', 'key'])
    .where('topic', '=', `analytics:${ownerId}`)
    .where('done_at', 'is not', null)
    .orderBy('done_at')
    .orderBy('created_at')
    .execute();
  return rows.map((r) => r.outcome ?? '');
}

const sortCells = (cells: readonly SumCell[]) =>
  cells.map((c) => JSON.stringify([c.currency, c.metric, c.month, c.key, c.sub, c.value])).sort();

function unpackCells(text: string): SumCell[] {
  return (JSON.parse(text) as [string, SumCell['metric'], string, string, string, number][]).map(
    ([currency, metric, month, key, sub, value]) => ({ currency, metric, month, key, sub, value }),
  );
}

/** The owner's kept cells, by source, sorted (to compare). */
export async function keptCells(db: Kysely<DB>, ownerId: string): Promise<Map<string, string[]>> {
  const kept = await db
    .selectFrom('analytics_cells')
    .select(['source_id', 'cells'])
    .where('owner_id', '=', ownerId)
    .execute();
  return new Map(kept.map((r) => [r.source_id, sortCells(mergeCells(unpackCells(r.cells)))]));
}

/** Every kept cell and sum of the owner equals a sum from scratch in their time zone. */
export async function expectSumsFromScratch(db: Kysely<DB>, ownerId: string): Promise<void> {
  const computed = await computeOwnerCells(db, ownerId);
  const kept = await keptCells(db, ownerId);
  expect([...kept.keys()].sort()).toEqual([...computed.keys()].sort());
  for (const [source, cells] of computed) {
    expect(kept.get(source) ?? [], `cells of ${source}`).toEqual(sortCells(cells));
  }
  const sums = await db
    .selectFrom('analytics_sums')
    .select(['currency', 'metric', 'month', 'key', 'sub', 'value'])
    .where('owner_id', '=', ownerId)
    .execute();
  expect(sortCells(sums as SumCell[])).toEqual(
    sortCells(mergeCells([...computed.values()].flat())),
  );
}
