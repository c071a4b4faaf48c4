/**
 * `npm run bench:chat [-- --sockets 1000 --projects 100 --rate 50 --seconds 10 --rounds 3 --no-pg --tsx --profile DIR]`
 *
 * How fast Milepost's conversation reaches everyone, and what its sockets cost, against a bare
 * `ws` broadcast server (bench/chat-baseline-server.ts: rooms and nothing else) in the same run:
 *   1. bare ws: `--sockets` sockets in `--projects` rooms;
 *   1b. the same bare server keeping each message durable (appended to a file, `fdatasync` before
 *      the message goes out, one flush at a time covering all written meanwhile): what waiting for
 *      this disk costs any server that keeps messages — reported beside the targets, which stay
 *      against the bare server;
 *   1c. bare ws x2 via NOTIFY: two bare servers on one PostgreSQL relaying every message through
 *      LISTEN/NOTIFY, nothing stored, the sockets of each room alternating between them as in 3
 *      (each server numbers a room's messages as it hears them, its own too; PostgreSQL delivers
 *      them to every listener in one order, so both number alike): the best a plain server can
 *      do in 3's set-up, reported beside the targets, which stay against the bare server. It needs
 *      no database, only a channel of its own each run on the --pg-url one; skipped as 3 is;
 *   2. Milepost on SQLite (one instance, data in a temp folder): one freelancer with `--projects`
 *      projects, each shared with its client; per project one socket of the freelancer and the
 *      rest as the client's, each with a portal session of its own (opened with the access code);
 *   3. Milepost on PostgreSQL, two instances on one database the bench creates and drops: the
 *      sockets of each project alternate between the instances, so half the messages cross over
 *      (LISTEN/NOTIFY). Skipped with --no-pg, or (said plainly) when PostgreSQL is unreachable.
 * Every server runs in its own process on 127.0.0.1. Messages go out at a steady `--rate` per
 * second, round-robin over the projects and, within a project, over its sockets, as `send`
 * frames on the sockets (as the web app sends them). Each delivery is timed in this one process
 * from just before the send to the receipt at every other socket of the project (the first
 * message of each project warms it and is not timed). Checks: every send acknowledged, every
 * socket received every message of its project exactly once, with gapless sequence numbers, in
 * the same order as the project's other sockets; a failed check exits 1. Server RSS is VmRSS
 * from /proc before connecting, with every socket connected, and the peak while messages flow.
 * All of it runs `--rounds` times, each round every server in turn (bare, bare durable, bare x2
 * via NOTIFY, SQLite, PostgreSQL): a load on the machine that comes and goes falls on every
 * server alike, and each server's latencies are pooled over its rounds (its memory is its worst
 * round's).
 * The last line is
 *   bench:chat p99_ms=N p99_ratio=R rss_mb_per_1000=N
 * where each figure is the worse of the two Milepost runs: p99 delivery latency, its ratio to
 * the bare server's, and what 1,000 connected sockets add to the servers' RSS (the idle server,
 * with its database and caches, is reported beside it).
 */
import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { readArgs, UsageError, wholeNumber } from './lib/args';
import { ChatLoad, percentile, type LoadResult, type SocketSpec } from './lib/chat-load';
import { Freelancer, openPortalSession } from './lib/milepost-api';
import { killAllNow, readMemory, RssSampler, stop, stopAll } from './lib/proc';
import {
  REPO_DIR,
  startForked,
  startMilepost,
  type Runner,
  type RunningServer,
} from './lib/servers';

const TARGET = { p99Ms: 50, p99Ratio: 2, rssMb: 150 };
const MB = 1_000_000; // MB of 10^6 bytes, the stricter reading of "150 MB"
const LOAD_WARNING = 1.5;
/** The origin the Milepost instances are configured with (PUBLIC_URL), so the one sockets send. */
const ORIGIN = 'http://milepost.bench';

class BenchFailure extends Error {}

interface Options {
  sockets: number;
  projects: number;
  rate: number;
  seconds: number;
  rounds: number;
  pg: boolean;
  pgAdminUrl: string;
  bundle: boolean;
  /** Write V8 CPU profiles of the Milepost servers into this folder. */
  profileDir: string | undefined;
}

const USAGE = `usage: npm run bench:chat -- [--sockets 1000] [--projects 100] [--rate 50] [--seconds 10] [--rounds 3] [--no-pg] [--pg-url URL] [--tsx] [--profile DIR]
  --sockets   sockets in all (a multiple of --projects, at least 2 per project; default 1000)
  --projects  projects (rooms) they are spread over (default 100)
  --rate      messages per second over all projects (default 50: one per project every 2 s)
  --seconds   how long messages are sent to each server in each round (default 10)
  --rounds    how many times every server is measured, in turn (default 3; latencies pooled)
  --no-pg     skip the two-instance runs on PostgreSQL (bare ws x2 via NOTIFY and Milepost x2)
  --pg-url    PostgreSQL to create the bench's database on and relay through (default postgres://postgres@127.0.0.1:5432/postgres)
  --tsx       run the servers under tsx instead of as esbuild bundles run by plain node
  --profile   write V8 CPU profiles (.cpuprofile) of the Milepost servers into this folder`;

function parseOptions(argv: string[]): Options {
  const values = readArgs(
    argv,
    {
      sockets: { type: 'string', default: '1000' },
      projects: { type: 'string', default: '100' },
      rate: { type: 'string', default: '50' },
      seconds: { type: 'string', default: '10' },
      rounds: { type: 'string', default: '3' },
      'no-pg': { type: 'boolean', default: false },
      'pg-url': { type: 'string', default: 'postgres://postgres@127.0.0.1:5432/postgres' },
      tsx: { type: 'boolean', default: false },
      profile: { type: 'string' },
    },
    USAGE,
  );
  const options: Options = {
    sockets: wholeNumber('--sockets', values.sockets, 2, 20_000),
    projects: wholeNumber('--projects', values.projects, 1, 1000),
    rate: wholeNumber('--rate', values.rate, 1, 5000),
    seconds: wholeNumber('--seconds', values.seconds, 1, 600),
    rounds: wholeNumber('--rounds', values.rounds, 1, 20),
    pg: !values['no-pg'],
    pgAdminUrl: values['pg-url'],
    bundle: !values.tsx,
    profileDir: values.profile === undefined ? undefined : path.resolve(values.profile),
  };
  if (options.sockets % options.projects !== 0 || options.sockets / options.projects < 2) {
    throw new UsageError(
      `--sockets ${options.sockets} must be a multiple of --projects ${options.projects}, at least 2 per project`,
    );
  }
  return options;
}

const fmt = (n: number, digits = 1): string => (Number.isFinite(n) ? n.toFixed(digits) : 'n/a');
const verdict = (pass: boolean): string => (pass ? 'PASS' : 'FAIL');

/** One side's figures. */
interface Side {
  name: string;
  result: LoadResult;
  /**
   * Server processes' VmRSS (bytes): before connecting, with the sockets connected (before the
   * messages), still connected after them, and the peak while they flowed.
   */
  rss: { idle: number[]; connected: number[]; after: number[]; peak: number[] } | null;
  sockets: number;
}

const sum = (values: number[]): number => values.reduce((a, b) => a + b, 0);

/** One server's rounds as one: latencies and counts pooled, memory from its worst round. */
function pooled(rounds: Side[]): Side {
  const [first] = rounds;
  if (!first) throw new BenchFailure('no round to pool');
  const results = rounds.map((side) => side.result);
  const total = (pick: (r: LoadResult) => number) => sum(results.map(pick));
  const latencies = new Float64Array(total((r) => r.latencies.length));
  let at = 0;
  for (const r of results) {
    latencies.set(r.latencies, at);
    at += r.latencies.length;
  }
  latencies.sort();
  const worst = rounds.reduce((a, b) =>
    (rssPer1000(b)?.increase ?? -Infinity) > (rssPer1000(a)?.increase ?? -Infinity) ? b : a,
  );
  return {
    name: first.name,
    result: {
      messages: total((r) => r.messages),
      latencies,
      entriesReceived: total((r) => r.entriesReceived),
      framesReceived: total((r) => r.framesReceived),
      bytesReceived: total((r) => r.bytesReceived),
      bytesSent: total((r) => r.bytesSent),
      sendSeconds: total((r) => r.sendSeconds),
      drainSeconds: Math.max(...results.map((r) => r.drainSeconds)),
      problems: results.flatMap((r) => r.problems),
    },
    rss: worst.rss,
    sockets: first.sockets,
  };
}

/**
 * What 1,000 connected sockets add to the servers' RSS (all instances together; the larger of
 * the readings before and after the messages), and one instance's RSS with 1,000 sockets.
 */
function rssPer1000(side: Side): { increase: number; total: number } | null {
  if (!side.rss) return null;
  const { idle, connected, after } = side.rss;
  const held = Math.max(sum(connected), sum(after));
  const increase = ((held - sum(idle)) / side.sockets) * 1000;
  return { increase, total: sum(idle) / idle.length + increase };
}

/** Opens the plan's sockets, measures memory around them, runs the messages, closes them. */
async function measure(
  name: string,
  plan: { sockets: SocketSpec[]; rooms: string[] },
  options: Options,
  pids: number[],
): Promise<Side> {
  await sleep(1000);
  const idle = pids.map((pid) => readMemory(pid)?.rss ?? 0);
  const load = new ChatLoad({ ...plan, rate: options.rate, seconds: options.seconds });
  const connectStart = Date.now();
  await load.connect();
  const connectSeconds = (Date.now() - connectStart) / 1000;
  await sleep(1000);
  const connected = pids.map((pid) => readMemory(pid)?.rss ?? 0);
  const samplers = pids.map((pid) => new RssSampler(pid));
  for (const s of samplers) s.arm();
  let result: LoadResult;
  try {
    result = await load.run();
  } finally {
    for (const s of samplers) s.disarm();
  }
  const after = pids.map((pid) => readMemory(pid)?.rss ?? 0);
  await load.close();
  const peak = samplers.map((s, i) => Math.max(s.peak, connected[i] ?? 0));
  console.log(
    `${name}: ${plan.sockets.length} sockets connected in ${fmt(connectSeconds)} s; ` +
      `${result.messages} messages sent in ${fmt(result.sendSeconds)} s, all delivered after ${fmt(result.drainSeconds)} s; ` +
      `${result.entriesReceived} entries (${result.framesReceived} frames, ${fmt(result.bytesReceived / MB, 2)} MB) received, ` +
      `${fmt(result.bytesSent / MB, 2)} MB sent; p50 ${fmt(percentile(result.latencies, 50), 2)} ms, ` +
      `p99 ${fmt(percentile(result.latencies, 99), 2)} ms over ${result.latencies.length} deliveries`,
  );
  if (result.problems.length > 0) {
    throw new BenchFailure(`${name}: delivery check failed:\n  ${result.problems.join('\n  ')}`);
  }
  return {
    name,
    result,
    rss: pids.length > 0 ? { idle, connected, after, peak } : null,
    sockets: plan.sockets.length,
  };
}

function wsUrl(server: RunningServer, path: string): string {
  return server.url.replace(/^http/, 'ws') + path;
}

const BARE_SERVER = path.join(REPO_DIR, 'bench', 'chat-baseline-server.ts');
const RELAY_NAME = 'bare ws x2 via NOTIFY';

/** The bare servers' rooms, each socket's alternating between the servers as Milepost's do. */
function barePlan(
  options: Options,
  servers: RunningServer[],
): { sockets: SocketSpec[]; rooms: string[] } {
  const rooms = Array.from({ length: options.projects }, (_, i) => `room-${i}`);
  const perRoom = options.sockets / options.projects;
  const sockets: SocketSpec[] = [];
  for (let room = 0; room < options.projects; room++) {
    for (let slot = 0; slot < perRoom; slot++) {
      const server = servers[slot % servers.length];
      if (!server) throw new Error('no bare server');
      sockets.push({ url: wsUrl(server, '/'), headers: {}, room });
    }
  }
  return { sockets, rooms };
}

/**
 * The bare server: rooms and nothing else; with `durableDir`, the same server keeping every
 * message in a file it flushes before anything about the message goes out.
 */
async function bareSide(options: Options, runner: Runner, durableDir?: string): Promise<Side> {
  const durable = durableDir !== undefined;
  const server = await startForked(
    BARE_SERVER,
    durable ? ['--durable', path.join(durableDir, 'bare-ws-messages.log')] : [],
    runner,
    durable ? 'bare-ws-durable' : 'bare-ws',
  );
  try {
    return await measure(
      durable ? 'bare ws + fdatasync' : 'bare ws',
      barePlan(options, [server]),
      options,
      [server.pid],
    );
  } finally {
    await stop(server.child);
  }
}

/**
 * Two bare servers relaying through LISTEN/NOTIFY on the --pg-url database (it needs no database
 * of its own), nothing stored. The channel is this run's own, so runs side by side never mix.
 */
async function relaySide(options: Options, runner: Runner): Promise<Side | string> {
  try {
    await withAdmin(options.pgAdminUrl, (c) => c.query('select 1'));
  } catch (error) {
    return `PostgreSQL at ${options.pgAdminUrl} is unreachable (${
      error instanceof Error ? error.message : String(error)
    }): the ${RELAY_NAME} run was skipped`;
  }
  const channel = `bench_relay_${randomBytes(6).toString('hex')}`;
  const servers: RunningServer[] = [];
  try {
    for (const label of ['bare-ws-relay-a', 'bare-ws-relay-b']) {
      servers.push(
        await startForked(
          BARE_SERVER,
          ['--relay', options.pgAdminUrl, '--channel', channel],
          runner,
          label,
        ),
      );
    }
    return await measure(
      RELAY_NAME,
      barePlan(options, servers),
      options,
      servers.map((s) => s.pid),
    );
  } finally {
    await Promise.all(servers.map((s) => stop(s.child)));
  }
}

/** Runs `work` `limit` at a time over the items. */
async function pool<T, R>(items: T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: limit }, async () => {
      while (next < items.length) {
        const i = next++;
        results[i] = await work(items[i] as T);
      }
    }),
  );
  return results;
}

/**
 * Milepost on the given instances: one freelancer, `--projects` shared projects, the sockets of
 * each project alternating between the instances (slot 0 the freelancer's, the rest the client's).
 */
async function milepostSide(
  name: string,
  options: Options,
  instances: RunningServer[],
): Promise<Side> {
  const first = instances[0];
  if (!first) throw new Error('no instance');
  const perProject = options.sockets / options.projects;
  const setupStart = Date.now();
  const freelancer = await Freelancer.signUp(first.url);
  const projects = await pool(
    Array.from({ length: options.projects }, (_, i) => i),
    8,
    async (i) => {
      const { projectId } = await freelancer.setUpProject(`Chat benchmark ${i + 1}`);
      const code = await freelancer.issueAccessCode(projectId);
      const cookies: string[] = [];
      for (let slot = 1; slot < perProject; slot++) {
        const instance = instances[slot % instances.length] ?? first;
        cookies.push(await openPortalSession(instance.url, code));
      }
      return { projectId, cookies };
    },
  );
  console.log(
    `${name}: set up 1 freelancer, ${options.projects} projects and ${options.projects * (perProject - 1)} ` +
      `portal sessions in ${fmt((Date.now() - setupStart) / 1000)} s`,
  );
  const sockets: SocketSpec[] = [];
  projects.forEach(({ cookies }, room) => {
    for (let slot = 0; slot < perProject; slot++) {
      const instance = instances[slot % instances.length] ?? first;
      sockets.push(
        slot === 0
          ? {
              url: wsUrl(instance, '/api/ws'),
              headers: { origin: ORIGIN, cookie: freelancer.cookie },
              room,
            }
          : {
              url: wsUrl(instance, '/api/ws?as=client'),
              headers: { origin: ORIGIN, cookie: cookies[slot - 1] ?? '' },
              room,
            },
      );
    }
  });
  return measure(
    name,
    { sockets, rooms: projects.map((p) => p.projectId) },
    options,
    instances.map((i) => i.pid),
  );
}

/** What every Milepost instance runs with: chat limits out of the way, sockets from ORIGIN. */
const MILEPOST_ENV: Record<string, string> = {
  PUBLIC_URL: ORIGIN,
  CHAT_MESSAGES_PER_SECOND: '1000000',
  CHAT_MESSAGE_BURST: '1000000',
  SIGNUP_PER_IP: '1000',
};

function profileFlags(options: Options): string[] {
  return options.profileDir ? ['--cpu-prof', `--cpu-prof-dir=${options.profileDir}`] : [];
}

async function sqliteSide(options: Options, runner: Runner, workDir: string): Promise<Side> {
  const dataDir = path.join(workDir, 'sqlite-data');
  await fs.mkdir(dataDir);
  const server = await startMilepost({
    dataDir,
    maxFileBytes: 1024 ** 3,
    appDir: REPO_DIR,
    runner,
    env: MILEPOST_ENV,
    nodeFlags: profileFlags(options),
  });
  try {
    return await milepostSide('Milepost (SQLite)', options, [server]);
  } finally {
    await stop(server.child);
  }
}

async function withAdmin<T>(url: string, run: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await run(client);
  } finally {
    await client.end();
  }
}

async function postgresSide(
  options: Options,
  runner: Runner,
  workDir: string,
): Promise<Side | string> {
  const name = `milepost_bench_${randomBytes(6).toString('hex')}`;
  try {
    await withAdmin(options.pgAdminUrl, (c) => c.query(`CREATE DATABASE ${name}`));
  } catch (error) {
    return `PostgreSQL at ${options.pgAdminUrl} is unreachable or refused CREATE DATABASE (${
      error instanceof Error ? error.message : String(error)
    }): the two-instance run was skipped`;
  }
  const dbUrl = new URL(options.pgAdminUrl);
  dbUrl.pathname = `/${name}`;
  const instances: RunningServer[] = [];
  try {
    // One after the other: the first brings the schema up to date.
    for (const label of ['milepost-a', 'milepost-b']) {
      const dataDir = path.join(workDir, `${label}-data`);
      await fs.mkdir(dataDir);
      instances.push(
        await startMilepost({
          dataDir,
          maxFileBytes: 1024 ** 3,
          appDir: REPO_DIR,
          runner,
          env: { ...MILEPOST_ENV, DATABASE_URL: dbUrl.toString() },
          nodeFlags: profileFlags(options),
          label,
        }),
      );
    }
    return await milepostSide('Milepost x2 (PostgreSQL)', options, instances);
  } finally {
    await Promise.all(instances.map((i) => stop(i.child)));
    await withAdmin(options.pgAdminUrl, (c) =>
      c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`),
    ).catch((error: unknown) =>
      console.error(`could not drop the bench database ${name}: ${String(error)}`),
    );
  }
}

/** The baselines (the relay when it ran) and the Milepost sides, pooled over the rounds. */
interface Sides {
  bare: Side;
  durable: Side;
  relay: Side | undefined;
  milepost: Side[];
}

function report(
  { bare, durable, relay, milepost: sides }: Sides,
  loadAtStart: number,
  options: Options,
): void {
  const bareP99 = percentile(bare.result.latencies, 99);
  const durableP99 = percentile(durable.result.latencies, 99);
  const relayP99 = relay ? percentile(relay.result.latencies, 99) : NaN;
  const baselines = relay ? [bare, durable, relay] : [bare, durable];
  const columns = [...baselines, ...sides];
  const row = (label: string, cell: (s: Side) => string, extra = ''): string =>
    (
      label.padEnd(34) +
      columns.map((s) => cell(s).padStart(26)).join('') +
      (extra ? `   ${extra}` : '')
    ).trimEnd();
  const mb = (bytes: number): string => fmt(bytes / MB, 0);
  const perInstance = (values: number[] | undefined): string =>
    values === undefined ? 'n/a' : values.map(mb).join(' + ');
  console.log('');
  console.log(row('', (s) => s.name));
  console.log(row('p50 delivery (ms)', (s) => fmt(percentile(s.result.latencies, 50), 2)));
  console.log(
    row(
      'p99 delivery (ms)',
      (s) => fmt(percentile(s.result.latencies, 99), 2),
      `target <= ${TARGET.p99Ms}`,
    ),
  );
  console.log(row('max delivery (ms)', (s) => fmt(percentile(s.result.latencies, 100), 2)));
  console.log(
    row(
      'p99 vs bare ws',
      (s) => (s === bare ? '1.00' : fmt(percentile(s.result.latencies, 99) / bareP99, 2)),
      `target <= ${TARGET.p99Ratio}`,
    ),
  );
  console.log(
    row('p99 vs bare ws + fdatasync', (s) =>
      s === bare ? '' : fmt(percentile(s.result.latencies, 99) / durableP99, 2),
    ),
  );
  if (relay) {
    console.log(
      row(`p99 vs ${RELAY_NAME}`, (s) =>
        baselines.includes(s) ? '' : fmt(percentile(s.result.latencies, 99) / relayP99, 2),
      ),
    );
  }
  console.log(row('messages sent', (s) => String(s.result.messages)));
  console.log(
    row(
      'entries received (timed)',
      (s) => `${s.result.entriesReceived} (${s.result.latencies.length})`,
    ),
  );
  console.log(
    row(
      'frames / MB received',
      (s) => `${s.result.framesReceived} / ${fmt(s.result.bytesReceived / MB, 2)}`,
    ),
  );
  console.log(row('MB sent', (s) => fmt(s.result.bytesSent / MB, 2)));
  console.log(row('exactly once, in order', () => 'yes'));
  console.log(row('server RSS before sockets (MB)', (s) => perInstance(s.rss?.idle)));
  console.log(row('server RSS, sockets connected (MB)', (s) => perInstance(s.rss?.connected)));
  console.log(row('server RSS, after the messages (MB)', (s) => perInstance(s.rss?.after)));
  console.log(row('server RSS, peak under load (MB)', (s) => perInstance(s.rss?.peak)));
  console.log(
    row(
      'RSS increase per 1,000 sockets (MB)',
      (s) => fmt((rssPer1000(s)?.increase ?? NaN) / MB, 1),
      `target <= ${TARGET.rssMb}`,
    ),
  );
  console.log(
    row('one instance at 1,000 sockets (MB)', (s) => fmt((rssPer1000(s)?.total ?? NaN) / MB, 0)),
  );
  console.log('');
  const worst = {
    p99: Math.max(...sides.map((s) => percentile(s.result.latencies, 99))),
    rss: Math.max(...sides.map((s) => rssPer1000(s)?.increase ?? NaN)) / MB,
  };
  const ratio = worst.p99 / bareP99;
  for (const s of sides) {
    const p99 = percentile(s.result.latencies, 99);
    const rss = (rssPer1000(s)?.increase ?? NaN) / MB;
    console.log(
      `${s.name}: p99 ${fmt(p99, 2)} ms ${verdict(p99 <= TARGET.p99Ms)} (<= ${TARGET.p99Ms}), ` +
        `ratio ${fmt(p99 / bareP99, 2)} ${verdict(p99 / bareP99 <= TARGET.p99Ratio)} (<= ${TARGET.p99Ratio}), ` +
        `RSS +${fmt(rss, 0)} MB per 1,000 sockets ${verdict(rss <= TARGET.rssMb)} (<= ${TARGET.rssMb})` +
        (relay ? `; p99 ${fmt(p99 / relayP99, 2)}x ${RELAY_NAME}'s` : ''),
    );
  }
  const perProject = options.sockets / options.projects;
  console.log(
    `${options.sockets} sockets over ${options.projects} projects (${perProject} each: Milepost 1 freelancer + ${perProject - 1} client portal sessions), ` +
      `${options.rate} messages/s for ${options.seconds} s per server in each of ${options.rounds} round(s) (every server in turn; latencies pooled, RSS from the worst round), round-robin; latency from just before the send to the receipt at every ` +
      "other socket of the project, one clock in the bench process; each project's first message untimed. " +
      'RSS: VmRSS in MB of 10^6 bytes; the increase per 1,000 sockets is over all instances, from before connecting to ' +
      'connected (the larger of the readings before and after the messages), scaled to 1,000; "one instance at 1,000 sockets" ' +
      'adds it to the idle RSS. ' +
      `Servers run as ${options.bundle ? 'esbuild bundles run by plain node' : 'node --import tsx'}; node ${process.version}, ${os.cpus().length} CPUs.`,
  );
  const load = os.loadavg()[0] ?? 0;
  console.log(`load average: ${fmt(loadAtStart, 2)} at start, ${fmt(load, 2)} at the end`);
  if (Math.max(load, loadAtStart) > LOAD_WARNING) {
    console.log(
      `WARNING: other processes competed for the ${os.cpus().length} CPUs: latencies are noisier than usual.`,
    );
  }
  console.log(
    `bench:chat p99_ms=${fmt(worst.p99, 1)} p99_ratio=${fmt(ratio, 2)} rss_mb_per_1000=${fmt(worst.rss, 0)}`,
  );
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  const workDir = await fs.mkdtemp(path.join(os.tmpdir(), 'milepost-bench-chat-'));
  process.on('exit', () => {
    killAllNow();
    rmSync(workDir, { recursive: true, force: true });
  });
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      console.error(`\n${signal}: stopping child processes and removing ${workDir}`);
      void stopAll().finally(() => process.exit(130));
    });
  }
  const loadAtStart = os.loadavg()[0] ?? 0;
  console.log(
    `bench:chat sockets=${options.sockets} projects=${options.projects} rate=${options.rate}/s seconds=${options.seconds} ` +
      `node=${process.version} cpus=${os.cpus().length} load=${fmt(loadAtStart, 2)}`,
  );
  const runner: Runner = options.bundle
    ? { kind: 'bundle', dir: path.join(workDir, 'bundles') }
    : { kind: 'tsx' };
  try {
    const rounds: Side[][] = [];
    let relaySkipped: string | undefined = options.pg
      ? undefined
      : `--no-pg: the ${RELAY_NAME} run was skipped`;
    let pgSkipped: string | undefined = options.pg
      ? undefined
      : '--no-pg: the two-instance run on PostgreSQL was skipped';
    for (let round = 1; round <= options.rounds; round++) {
      console.log(`round ${round} of ${options.rounds}`);
      const dir = path.join(workDir, `round-${round}`);
      await fs.mkdir(dir);
      const sides = [await bareSide(options, runner), await bareSide(options, runner, dir)];
      if (relaySkipped === undefined) {
        const relay = await relaySide(options, runner);
        if (typeof relay === 'string') relaySkipped = relay;
        else sides.push(relay);
      }
      sides.push(await sqliteSide(options, runner, dir));
      if (pgSkipped === undefined) {
        const pgSide = await postgresSide(options, runner, dir);
        if (typeof pgSide === 'string') pgSkipped = pgSide;
        else sides.push(pgSide);
      }
      rounds.push(sides);
    }
    if (relaySkipped !== undefined) console.log(relaySkipped);
    if (pgSkipped !== undefined) console.log(pgSkipped);
    // By name, not by place: a side skipped from some round on would shift the others' places.
    const all = rounds.flat();
    const [bare, durable, ...rest] = [...new Set(all.map((s) => s.name))].map((name) =>
      pooled(all.filter((s) => s.name === name)),
    );
    if (!bare || !durable) throw new BenchFailure('no round ran');
    report(
      {
        bare,
        durable,
        relay: rest.find((s) => s.name === RELAY_NAME),
        milepost: rest.filter((s) => s.name !== RELAY_NAME),
      },
      loadAtStart,
      options,
    );
  } finally {
    await stopAll();
  }
}

main().catch((error: unknown) => {
  if (error instanceof UsageError) {
    console.error(error.message);
    process.exitCode = 2;
    return;
  }
  const message = error instanceof Error ? error.message : String(error);
  console.error(`bench:chat FAILED: ${message}`);
  if (!(error instanceof BenchFailure) && error instanceof Error && error.stack)
    console.error(error.stack);
  process.exitCode = 1;
});
