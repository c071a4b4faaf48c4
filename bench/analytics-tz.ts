/**
 * `npm run bench:analytics-tz [-- --projects 10000 --runs 3 --batch 500 --pg]`
 *
 * What a change of time zone costs a freelancer with `--projects` projects (data as in
 * bench:analytics, bench/lib/analytics-data.ts), on SQLite (and PostgreSQL with --pg):
 *   - before (the way up to migration 0039): the settings transaction that changes the time zone
 *     and rebuilds the owner's sums from every row (rebuildOwnerSums) — the request's latency, and
 *     how long it held the database (SQLite's one connection);
 *   - now: the settings action (updateSettings: the new time zone, the stale mark and the first
 *     step's job) — the request's latency; then every step of the rebuild as the scheduler runs
 *     it (claim, runScheduledJob in one transaction, finish), timed one by one: the total and the
 *     longest step (the longest the database is held); and the dashboard while the sums are stale
 *     (from the rows) and after (from the sums).
 * Each figure is the median of `--runs` changes of time zone (Europe/Berlin ↔ Pacific/Kiritimati).
 */
import { randomUUID } from 'node:crypto';
import os from 'node:os';
import { parseArgs } from 'node:util';
import { sql } from 'kysely';
import { runScheduledJob } from '../src/actions/run-scheduled-job';
import { updateSettings } from '../src/actions/update-settings';
import { ownerSumsStale, rebuildOwnerSums } from '../src/db/queries/analytics-sums';
import { claimJob } from '../src/db/queries/scheduled-jobs';
import { updateUser } from '../src/db/queries/users';
import { JOB_LEASE_MS } from '../src/domain/notifications';
import { createBenchOwner, dashboard, fillOwner } from './lib/analytics-data';
import { median, postgresInstance, sqliteInstance, type Instance } from './lib/bench-database';

const ZONES = ['Pacific/Kiritimati', 'Europe/Berlin'];

const quiet = { announce: () => Promise.resolve(), sessionsChanged: () => Promise.resolve() };

function options(argv: string[]) {
  const { values } = parseArgs({
    args: argv,
    options: {
      projects: { type: 'string', default: '10000' },
      runs: { type: 'string', default: '3' },
      batch: { type: 'string', default: '500' },
      pg: { type: 'boolean', default: false },
      'pg-admin': { type: 'string', default: 'postgres://postgres@127.0.0.1:5432/postgres' },
    },
    strict: true,
  });
  const whole = (text: string, name: string) => {
    const n = Number(text);
    if (!Number.isInteger(n) || n < 1) throw new Error(`--${name} must be a whole number ≥ 1`);
    return n;
  };
  return {
    projects: whole(values.projects, 'projects'),
    runs: whole(values.runs, 'runs'),
    batch: whole(values.batch, 'batch'),
    pg: values.pg,
    pgAdmin: values['pg-admin'],
  };
}
type Options = ReturnType<typeof options>;

const ms = (n: number) => `${n.toFixed(n < 10 ? 1 : 0)} ms`;

async function timed<T>(work: () => Promise<T>): Promise<[T, number]> {
  const start = performance.now();
  const result = await work();
  return [result, performance.now() - start];
}

async function runDialect(label: string, instance: Instance, opts: Options): Promise<void> {
  const { db } = instance.database;
  const now = new Date();
  const clock = { now: () => now };
  const owner = await createBenchOwner(db, `tz@bench.example`, ZONES[1] ?? 'UTC');
  const counts = await fillOwner(db, { ownerId: owner, projects: opts.projects, seed: 7, now });
  if (instance.database.dialect === 'postgres') await sql`vacuum analyze`.execute(db);
  else await sql`analyze`.execute(db);
  console.log(
    `${label}: ${counts.projects} projects, ${counts.milestones} milestones, ` +
      `${counts.payments + counts.refunds} payments and refunds, ${counts.costs} costs`,
  );
  const settings = (timeZone: string) => ({
    name: 'Bench Freelancer',
    businessName: '',
    paymentInstructions: '',
    timeZone,
  });

  const before: number[] = [];
  for (let r = 0; r < opts.runs; r++) {
    const zone = ZONES[r % 2] ?? 'UTC';
    const [, took] = await timed(() =>
      db.transaction().execute(async (trx) => {
        await updateUser(trx, owner, { time_zone: zone }, now.toISOString());
        await rebuildOwnerSums(trx, owner);
      }),
    );
    before.push(took);
  }
  console.log(
    `${label}: before: the request rebuilt in its transaction: ${ms(median(before))} ` +
      `(the database held all that time)`,
  );

  const request: number[] = [];
  const total: number[] = [];
  const longest: number[] = [];
  const steps: number[] = [];
  const stale: number[] = [];
  const fresh: number[] = [];
  for (let r = 0; r < opts.runs; r++) {
    const zone = ZONES[(r + opts.runs) % 2] ?? 'UTC';
    const [, took] = await timed(() =>
      updateSettings({
        db,
        clock,
        userId: owner,
        rebuildBatch: opts.batch,
        settings: settings(zone),
      }),
    );
    request.push(took);
    if (!(await ownerSumsStale(db, owner))) throw new Error('the time zone did not change');
    stale.push((await timed(() => dashboard(db, owner, clock)))[1]);
    const stepTimes: number[] = [];
    for (;;) {
      const job = await db
        .selectFrom('scheduled_jobs')
        .select('id')
        .where('kind', '=', 'analytics')
        .where('done_at', 'is', null)
        .executeTakeFirst();
      if (!job) break;
      const token = randomUUID();
      const claimed = await claimJob(db, {
        id: job.id,
        token,
        now: now.toISOString(),
        until: new Date(now.getTime() + JOB_LEASE_MS).toISOString(),
      });
      if (!claimed) throw new Error('the step was not claimable');
      const [, stepMs] = await timed(() =>
        runScheduledJob({ db, events: quiet, job: claimed, token, now: now.toISOString() }),
      );
      stepTimes.push(stepMs);
    }
    if (await ownerSumsStale(db, owner)) throw new Error('the rebuild did not finish');
    total.push(stepTimes.reduce((a, b) => a + b, 0));
    longest.push(Math.max(...stepTimes));
    steps.push(stepTimes.length);
    fresh.push((await timed(() => dashboard(db, owner, clock)))[1]);
  }
  console.log(
    `${label}: now: the request ${ms(median(request))}; the rebuild after it ` +
      `${ms(median(total))} in ${median(steps)} steps of ${opts.batch} projects, the longest step ` +
      `${ms(median(longest))}; the dashboard ${ms(median(stale))} while stale (rows), ` +
      `${ms(median(fresh))} after (sums)`,
  );
  console.log(
    `bench:analytics-tz ${label} projects=${opts.projects} before_request_ms=${Math.round(median(before))} ` +
      `request_ms=${Math.round(median(request))} rebuild_ms=${Math.round(median(total))} ` +
      `longest_step_ms=${Math.round(median(longest))} steps=${median(steps)}`,
  );
}

async function main(): Promise<void> {
  const opts = options(process.argv.slice(2));
  console.log(
    `bench:analytics-tz on ${os.cpus().length}× ${os.cpus()[0]?.model ?? 'cpu'}, load average ` +
      `${os
        .loadavg()
        .map((l) => l.toFixed(2))
        .join(' ')}, node ${process.version}, ${opts.runs} runs`,
  );
  const run = async (label: string, open: () => Promise<Instance>) => {
    const instance = await open();
    try {
      await runDialect(label, instance, opts);
    } finally {
      await instance.dispose();
    }
  };
  await run('sqlite', () => sqliteInstance('milepost-bench-tz'));
  if (opts.pg) await run('postgres', () => postgresInstance(opts.pgAdmin, 'milepost-bench-tz'));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
