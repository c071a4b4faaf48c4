/**
 * `npm run bench:analytics [-- --sizes 1000,10000,100000 --others 20000 --runs 7 --no-pg]`
 *
 * How long the analytics dashboard's figures take for one freelancer as their history grows:
 * the same action GET /api/analytics calls (readAnalytics: default period of twelve months, the
 * freelancer's main currency), timed in this process against a real migrated database.
 *   1. One instance per dialect (SQLite in a temp folder; PostgreSQL in a database this bench
 *      creates and drops), holding `--others` projects spread over ten other freelancers and one
 *      freelancer per size in `--sizes`: every measured freelancer shares the instance with the
 *      others' data (and with the other sizes' freelancers).
 *   2. Data are written with multi-row inserts in transactions (bench/lib/analytics-data.ts),
 *      with seed:demo's project types and budgets.
 *   3. Per size: one warm-up, then `--runs` dashboards; the figure is the median in ms.
 * It prints ms per dashboard at each size and the ratio per 10× growth (linear growth is 10×),
 * and ends with the line
 *   bench:analytics sqlite_ms_100k=N postgres_ms_100k=N
 * (the median at 100,000 projects, or at the largest size run when 100,000 is not among them;
 * "skipped" for a dialect not run). Target: ≤ 100 ms at 100,000 projects, growth ≤ 10× per 10×.
 */
import os from 'node:os';
import { parseArgs } from 'node:util';
import { sql } from 'kysely';
import { createBenchOwner, dashboard, fillOwner } from './lib/analytics-data';
import { median, postgresInstance, sqliteInstance, type Instance } from './lib/bench-database';

const USAGE = `usage: npm run bench:analytics -- [--sizes 1000,10000,100000] [--others 20000] [--runs 7] [--no-pg] [--no-sqlite] [--pg-admin URL]
  --sizes     projects of the measured freelancers, comma-separated (default 1000,10000,100000)
  --others    projects of ten other freelancers in the same instance (default 20000)
  --runs      timed dashboards per size; the figure is their median (default 7)
  --no-pg     SQLite only;  --no-sqlite  PostgreSQL only
  --pg-admin  a PostgreSQL URL allowed to create databases (default postgres://postgres@127.0.0.1:5432/postgres)`;

const TARGET_MS = 100;
const TIME_ZONE = 'Europe/Berlin';

class UsageError extends Error {}

interface Options {
  sizes: number[];
  others: number;
  runs: number;
  sqlite: boolean;
  pg: boolean;
  pgAdmin: string;
}

function options(argv: string[]): Options {
  const { values } = parseArgs({
    args: argv,
    options: {
      sizes: { type: 'string', default: '1000,10000,100000' },
      others: { type: 'string', default: '20000' },
      runs: { type: 'string', default: '7' },
      'no-pg': { type: 'boolean', default: false },
      'no-sqlite': { type: 'boolean', default: false },
      'pg-admin': { type: 'string', default: 'postgres://postgres@127.0.0.1:5432/postgres' },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
  });
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  const whole = (text: string, name: string, min: number, max: number) => {
    const n = Number(text);
    if (!Number.isInteger(n) || n < min || n > max) {
      throw new UsageError(`--${name} must be a whole number from ${min} to ${max}, not "${text}"`);
    }
    return n;
  };
  const sizes = values.sizes.split(',').map((s) => whole(s.trim(), 'sizes', 1, 1_000_000));
  return {
    sizes: [...new Set(sizes)].sort((a, b) => a - b),
    others: whole(values.others, 'others', 0, 1_000_000),
    runs: whole(values.runs, 'runs', 1, 100),
    sqlite: !values['no-sqlite'],
    pg: !values['no-pg'],
    pgAdmin: values['pg-admin'],
  };
}

/** Fills one instance and times each size; returns the median ms per size. */
async function runDialect(
  label: string,
  instance: Instance,
  opts: Options,
  now: Date,
): Promise<Map<number, number>> {
  const { db } = instance.database;
  const clock = { now: () => now };
  const loadStart = performance.now();
  let seed = 1;
  for (let k = 0; k < 10 && opts.others > 0; k++) {
    const owner = await createBenchOwner(db, `other-${k}@bench.example`, TIME_ZONE);
    await fillOwner(db, {
      ownerId: owner,
      projects: Math.ceil(opts.others / 10),
      seed: seed++,
      now,
    });
  }
  const owners = new Map<number, string>();
  let rows = 0;
  for (const size of opts.sizes) {
    const owner = await createBenchOwner(db, `measured-${size}@bench.example`, TIME_ZONE);
    const counts = await fillOwner(db, { ownerId: owner, projects: size, seed: seed++, now });
    rows += counts.projects + counts.milestones + counts.payments + counts.refunds + counts.costs;
    owners.set(size, owner);
    console.log(
      `${label}: ${size} projects: ${counts.milestones} milestones, ${counts.payments} payments, ` +
        `${counts.refunds} refunds, ${counts.costs} costs, ${counts.clients} clients`,
    );
  }
  // As autovacuum would have by then: statistics, and PostgreSQL's visibility map (index-only scans).
  if (instance.database.dialect === 'postgres') await sql`vacuum analyze`.execute(db);
  else await sql`analyze`.execute(db);
  console.log(
    `${label}: loaded ${opts.sizes.join('+')} measured projects (${rows} rows) and ${opts.others} ` +
      `others' in ${((performance.now() - loadStart) / 1000).toFixed(1)} s`,
  );
  const result = new Map<number, number>();
  for (const size of opts.sizes) {
    const owner = owners.get(size) ?? '';
    await dashboard(db, owner, clock); // warm-up
    const times: number[] = [];
    for (let r = 0; r < opts.runs; r++) {
      const start = performance.now();
      await dashboard(db, owner, clock);
      times.push(performance.now() - start);
    }
    result.set(size, median(times));
    console.log(
      `${label}: ${String(size).padStart(7)} projects: ${median(times).toFixed(1)} ms per dashboard ` +
        `(min ${Math.min(...times).toFixed(1)}, max ${Math.max(...times).toFixed(1)}, ${opts.runs} runs)`,
    );
  }
  return result;
}

function growth(label: string, times: Map<number, number>): void {
  const sizes = [...times.keys()];
  for (let i = 1; i < sizes.length; i++) {
    const a = sizes[i - 1] ?? 1;
    const b = sizes[i] ?? 1;
    const ratio = (times.get(b) ?? 0) / (times.get(a) ?? 1);
    const per10 = Math.pow(ratio, 1 / Math.log10(b / a));
    console.log(
      `${label}: ${a} → ${b} projects: ×${ratio.toFixed(2)} time, ×${per10.toFixed(2)} per 10× ` +
        `(${per10 <= 10 ? 'no worse than linear' : 'WORSE than linear'})`,
    );
  }
}

async function main(): Promise<void> {
  const opts = options(process.argv.slice(2));
  const now = new Date();
  const [cpu] = os.cpus();
  console.log(
    `bench:analytics on ${os.cpus().length}× ${cpu?.model ?? 'cpu'}, load average ` +
      `${os
        .loadavg()
        .map((l) => l.toFixed(2))
        .join(' ')}, node ${process.version}`,
  );
  const figures: Record<string, string> = { sqlite: 'skipped', postgres: 'skipped' };
  const run = async (label: 'sqlite' | 'postgres', open: () => Promise<Instance>) => {
    const instance = await open();
    try {
      const times = await runDialect(label, instance, opts, now);
      growth(label, times);
      const at = times.get(100_000) ?? times.get(opts.sizes[opts.sizes.length - 1] ?? 0) ?? 0;
      figures[label] = String(Math.round(at));
      if (times.has(100_000)) {
        console.log(
          `${label}: ${at.toFixed(1)} ms at 100,000 projects: ` +
            `${at <= TARGET_MS ? 'meets' : 'MISSES'} the target of ≤ ${TARGET_MS} ms`,
        );
      }
    } finally {
      await instance.dispose();
    }
  };
  if (opts.sqlite)
    await run('sqlite', () => sqliteInstance('milepost-bench-analytics', { durable: false }));
  if (opts.pg)
    await run('postgres', () => postgresInstance(opts.pgAdmin, 'milepost-bench-analytics'));
  console.log(
    `bench:analytics sqlite_ms_100k=${figures.sqlite} postgres_ms_100k=${figures.postgres}`,
  );
}

main().catch((error: unknown) => {
  if (error instanceof UsageError || (error as { code?: string }).code?.startsWith('ERR_PARSE')) {
    console.error(`bench:analytics: ${(error as Error).message}\n${USAGE}`);
    process.exit(2);
  }
  console.error(error);
  process.exit(1);
});
