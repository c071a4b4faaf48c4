/**
 * `npm run bench:files [-- --size 2GiB --runs 5 --client curl|node --ref HEAD --tsx --profile DIR]`
 *
 * How fast Milepost moves a large deliverable, against bare node:http on the same machine in the
 * same run: a tus upload (POST /api/uploads, then one PATCH with the whole file) against
 * `req.pipe(fs.createWriteStream(path))`, and a pay-gated download (GET /api/files/:fileId)
 * against `fs.createReadStream(path, { highWaterMark: 1 << 20 }).pipe(res)`. Every server runs in
 * its own process on 127.0.0.1 so its resident memory and CPU time can be read from /proc; the
 * client is the same for both sides (curl, or node:http in a child process) and times the
 * transfer only. Each round does the four transfers as two legs, one per side (upload, download
 * of what was stored, removal), the sides alternating going first; what a transfer wrote is
 * flushed to disk before the next one starts, outside the timing. Figures are medians over
 * rounds; ratios are medians of the per-round ratios.
 *
 * Checks: Milepost lists the upload as complete with the source's SHA-256, the download
 * delivers every byte with ETag "sha256-<source hash>", the baseline stores every byte. A failed
 * check or a refused request exits 1; a missed target prints FAIL and exits 0. The last line is:
 *   bench:files upload_ratio=R download_ratio=R peak_rss_mb=N
 */
import { rmSync } from 'node:fs';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { MAX_UPLOAD_BYTES, parseArgs, UsageError, type Options } from './lib/args';
import { runTransfer, type Transfer } from './lib/client';
import { Freelancer, type DownloadView } from './lib/milepost-api';
import { killAllNow, readCpuSeconds, RssSampler, stopAll } from './lib/proc';
import {
  exportRef,
  REPO_DIR,
  startBaseline,
  startMilepost,
  type Runner,
  type RunningServer,
} from './lib/servers';
import { flushFile, makeSourceFile, recyclePageCache } from './lib/source';

const TARGET = { upload: 0.85, download: 0.6, rssMb: 200 };
const MiB = 1024 * 1024;
const MB = 1_000_000; // RSS is reported in MB of 10^6 bytes (the stricter reading of "200 MB")
/** Above this 1-minute load average (the benchmark itself adds about 1), others were busy too. */
const LOAD_WARNING = 1.5;

class BenchFailure extends Error {}

function check(condition: boolean, message: string): asserts condition {
  if (!condition) throw new BenchFailure(message);
}

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
};
const mibps = (t: Transfer): number => t.bytes / MiB / t.seconds;
const fmt = (n: number, digits = 1): string => n.toFixed(digits);
const verdict = (pass: boolean): string => (pass ? 'PASS' : 'FAIL');

/** One timed transfer: throughput, and the CPU time the server spent on it. */
interface Measure {
  mibps: number;
  seconds: number;
  /** Server CPU seconds (user + system) per GiB moved, and the system (kernel) part of it. */
  cpuPerGiB: number;
  sysPerGiB: number;
}

interface Pair {
  baseline: Measure;
  milepost: Measure;
}

interface Round {
  upload: Pair;
  download: Pair;
}

interface Samplers {
  baseUp: RssSampler;
  baseDown: RssSampler;
  /** Milepost, during its uploads and during its downloads (same process, never armed together). */
  mpUp: RssSampler;
  mpDown: RssSampler;
}

interface Context {
  options: Options;
  workDir: string;
  source: string;
  sha256: string;
  baselineFile: string;
  dataDir: string;
  baseUp: RunningServer;
  baseDown: RunningServer;
  milepost: RunningServer;
  samplers: Samplers;
  freelancer: Freelancer;
  project: { projectId: string; milestoneId: string };
  loadAtStart: number;
}

/** Runs a transfer with the server's memory sampled and its CPU time counted. */
async function timed(
  sampler: RssSampler,
  run: () => Promise<Transfer>,
): Promise<{ t: Transfer; m: Measure }> {
  const before = readCpuSeconds(sampler.pid) ?? { user: 0, system: 0 };
  sampler.arm();
  let t: Transfer;
  try {
    t = await run();
  } finally {
    sampler.disarm();
  }
  const after = readCpuSeconds(sampler.pid) ?? before;
  const gib = t.bytes / 1024 ** 3 || 1;
  const user = after.user - before.user;
  const system = after.system - before.system;
  return {
    t,
    m: {
      mibps: mibps(t),
      seconds: t.seconds,
      cpuPerGiB: (user + system) / gib,
      sysPerGiB: system / gib,
    },
  };
}

async function baselineUpload(ctx: Context): Promise<Measure> {
  const { options, samplers, baseUp, source, baselineFile } = ctx;
  await recyclePageCache(ctx.workDir, options.size);
  const { t, m } = await timed(samplers.baseUp, () =>
    runTransfer(
      options.client,
      {
        kind: 'upload',
        url: `${baseUp.url}/upload`,
        method: 'PATCH',
        headers: { 'content-type': 'application/offset+octet-stream' },
        file: source,
        size: options.size,
      },
      ctx.workDir,
    ),
  );
  check(t.status === 204, `baseline upload answered ${t.status}: ${t.body}`);
  const stored = (await fs.stat(baselineFile)).size;
  check(stored === options.size, `baseline upload stored ${stored} of ${options.size} bytes`);
  await flushFile(baselineFile);
  return m;
}

async function milepostUpload(ctx: Context): Promise<{ m: Measure; fileId: string }> {
  const { options, samplers, freelancer, project, source } = ctx;
  const upload = await freelancer.createUpload(
    project.milestoneId,
    options.size,
    'deliverable.bin',
  );
  await recyclePageCache(ctx.workDir, options.size);
  const { t, m } = await timed(samplers.mpUp, () =>
    runTransfer(
      options.client,
      {
        kind: 'upload',
        url: upload.url,
        method: 'PATCH',
        headers: freelancer.patchHeaders(),
        file: source,
        size: options.size,
      },
      ctx.workDir,
    ),
  );
  check(t.status === 204, `Milepost tus PATCH answered ${t.status}: ${t.body}`);
  check(
    t.headers['upload-offset'] === String(options.size),
    `Milepost tus PATCH ended at Upload-Offset ${t.headers['upload-offset'] ?? 'none'}, not ${options.size}`,
  );
  const { files } = await freelancer.listFiles(project.projectId);
  const file = files.find((f) => f.id === upload.id);
  check(file !== undefined, `upload ${upload.id} is missing from GET /api/projects/:id/files`);
  check(
    file.status === 'complete',
    `upload ${upload.id} is listed as ${file.status}, not complete`,
  );
  check(
    file.size === options.size,
    `upload ${upload.id} is listed with size ${file.size}, not ${options.size}`,
  );
  check(
    file.sha256 === ctx.sha256,
    `SHA-256 MISMATCH: Milepost lists ${file.sha256 ?? 'null'}, the source is ${ctx.sha256}`,
  );
  // Flush what Milepost wrote (local storage keeps it at DATA_DIR/files/<id>) so its writeback
  // does not land on the next transfer; outside the timed part.
  const stored = path.join(ctx.dataDir, 'files', upload.id);
  await flushFile(stored).catch(() => undefined);
  return { m, fileId: upload.id };
}

async function baselineDownload(ctx: Context): Promise<Measure> {
  const { options, samplers, baseDown } = ctx;
  const { t, m } = await timed(samplers.baseDown, () =>
    runTransfer(
      options.client,
      { kind: 'download', url: `${baseDown.url}/file`, headers: {} },
      ctx.workDir,
    ),
  );
  check(t.status === 200, `baseline download answered ${t.status}`);
  check(
    t.bytes === options.size,
    `baseline download delivered ${t.bytes} of ${options.size} bytes`,
  );
  return m;
}

async function milepostDownload(ctx: Context, fileId: string): Promise<Measure> {
  const { options, samplers, milepost, freelancer } = ctx;
  const { t, m } = await timed(samplers.mpDown, () =>
    runTransfer(
      options.client,
      {
        kind: 'download',
        url: `${milepost.url}/api/files/${fileId}`,
        headers: { cookie: freelancer.cookie },
      },
      ctx.workDir,
    ),
  );
  check(t.status === 200, `Milepost GET /api/files/${fileId} answered ${t.status}`);
  check(
    t.bytes === options.size,
    `Milepost download delivered ${t.bytes} of ${options.size} bytes`,
  );
  const etag = t.headers['etag'];
  check(
    etag === `"sha256-${ctx.sha256}"`,
    `Milepost download ETag ${etag ?? 'none'} does not carry the source's SHA-256`,
  );
  return m;
}

/**
 * Milepost logs each download with the bytes it sent (once the response closes, so allow it a
 * moment); a wrong count is reported, not fatal.
 */
async function checkDownloadLog(ctx: Context, fileId: string): Promise<void> {
  let logged: DownloadView[] = [];
  for (let attempt = 0; attempt < 10; attempt++) {
    const { downloads } = await ctx.freelancer.listFiles(ctx.project.projectId);
    logged = downloads.filter((d) => d.fileId === fileId);
    if (logged.length > 0) break;
    await sleep(100);
  }
  if (logged.length !== 1 || logged[0]?.bytesSent !== ctx.options.size) {
    console.log(
      `  note: the download log for ${fileId} has ${logged.length} entr${logged.length === 1 ? 'y' : 'ies'}` +
        ` (bytesSent ${logged.map((d) => d.bytesSent).join(', ')}; expected one of ${ctx.options.size})`,
    );
  }
}

async function round(ctx: Context, index: number): Promise<Round> {
  const baselineFirst = index % 2 === 0;
  const none: Measure = { mibps: 0, seconds: 0, cpuPerGiB: 0, sysPerGiB: 0 };
  const result: Round = {
    upload: { baseline: none, milepost: none },
    download: { baseline: none, milepost: none },
  };
  // Each side's upload, its download, then the removal of what it stored, before the other side
  // starts: so every upload begins with the same files on disk. Measured here: an upload made
  // while the previous upload's 1 GiB file was still on disk ran 40-60% slower, whichever server
  // made it (page-cache pressure in this VM), which would penalise whoever went second.
  const baselineLeg = async (): Promise<void> => {
    result.upload.baseline = await baselineUpload(ctx);
    result.download.baseline = await baselineDownload(ctx);
    await fs.rm(ctx.baselineFile, { force: true });
  };
  const milepostLeg = async (): Promise<void> => {
    const { fileId, m } = await milepostUpload(ctx);
    result.upload.milepost = m;
    result.download.milepost = await milepostDownload(ctx, fileId);
    await checkDownloadLog(ctx, fileId);
    // Free the disk (and the milestone's 5-file allowance) for the next upload.
    await ctx.freelancer.deleteUpload(fileId);
  };
  const legs = baselineFirst ? [baselineLeg, milepostLeg] : [milepostLeg, baselineLeg];
  for (const leg of legs) await leg();

  const cpu = (m: Measure): string => `${fmt(m.cpuPerGiB, 2)} (sys ${fmt(m.sysPerGiB, 2)})`;
  const line = (name: string, p: Pair): string =>
    `${name} ${fmt(p.baseline.mibps)} vs ${fmt(p.milepost.mibps)} MiB/s ` +
    `(${fmt(p.milepost.mibps / p.baseline.mibps, 2)}; server CPU ${cpu(p.baseline)} vs ${cpu(p.milepost)} s/GiB)`;
  console.log(
    `round ${index + 1} (${baselineFirst ? 'baseline' : 'Milepost'} first): ` +
      `${line('upload', result.upload)}, ${line('download', result.download)}`,
  );
  return result;
}

function report(ctx: Context, rounds: Round[]): void {
  const summarize = (pick: (r: Round) => Pair) => ({
    baseline: median(rounds.map((r) => pick(r).baseline.mibps)),
    milepost: median(rounds.map((r) => pick(r).milepost.mibps)),
    ratio: median(rounds.map((r) => pick(r).milepost.mibps / pick(r).baseline.mibps)),
    cpuBaseline: median(rounds.map((r) => pick(r).baseline.cpuPerGiB)),
    cpuMilepost: median(rounds.map((r) => pick(r).milepost.cpuPerGiB)),
    sysBaseline: median(rounds.map((r) => pick(r).baseline.sysPerGiB)),
    sysMilepost: median(rounds.map((r) => pick(r).milepost.sysPerGiB)),
  });
  const up = summarize((r) => r.upload);
  const down = summarize((r) => r.download);
  const { baseUp, baseDown, mpUp, mpDown } = ctx.samplers;
  const rssMb = Math.round(Math.max(mpUp.peak, mpDown.peak) / MB);
  const mb = (bytes: number): string => fmt(bytes / MB, 0);
  const detail = (s: RssSampler): string =>
    `idle ${mb(s.idle)}, sampled ${mb(s.sampled)}, VmHWM ${s.hwm === null ? 'n/a' : mb(s.hwm)}`;

  // label, baseline, Milepost, ratio, target, verdict, note
  const table: string[][] = [
    ['', 'baseline', 'Milepost', 'ratio', 'target', ''],
    [
      'upload (MiB/s)',
      fmt(up.baseline),
      fmt(up.milepost),
      fmt(up.ratio, 2),
      `>=${fmt(TARGET.upload, 2)}`,
      verdict(up.ratio >= TARGET.upload),
    ],
    [
      'download (MiB/s)',
      fmt(down.baseline),
      fmt(down.milepost),
      fmt(down.ratio, 2),
      `>=${fmt(TARGET.download, 2)}`,
      verdict(down.ratio >= TARGET.download),
    ],
    [
      'server CPU upload (s/GiB)',
      fmt(up.cpuBaseline, 2),
      fmt(up.cpuMilepost, 2),
      fmt(up.cpuMilepost / up.cpuBaseline, 2),
      '',
      '',
      `user+sys; of which sys ${fmt(up.sysBaseline, 2)} vs ${fmt(up.sysMilepost, 2)}`,
    ],
    [
      'server CPU download (s/GiB)',
      fmt(down.cpuBaseline, 2),
      fmt(down.cpuMilepost, 2),
      fmt(down.cpuMilepost / down.cpuBaseline, 2),
      '',
      '',
      `user+sys; of which sys ${fmt(down.sysBaseline, 2)} vs ${fmt(down.sysMilepost, 2)}`,
    ],
    [
      'peak RSS upload (MB)',
      mb(baseUp.peak),
      mb(mpUp.peak),
      fmt(mpUp.peak / baseUp.peak, 2),
      '',
      '',
      `baseline ${detail(baseUp)}; Milepost ${detail(mpUp)}`,
    ],
    [
      'peak RSS download (MB)',
      mb(baseDown.peak),
      mb(mpDown.peak),
      fmt(mpDown.peak / baseDown.peak, 2),
      '',
      '',
      `baseline ${detail(baseDown)}; Milepost ${detail(mpDown)}`,
    ],
    [
      'Milepost peak RSS (MB)',
      '',
      String(rssMb),
      '',
      `<=${TARGET.rssMb}`,
      verdict(rssMb <= TARGET.rssMb),
      'over its uploads and downloads',
    ],
  ];
  const widths = [28, 10, 10, 7, 8, 6];
  console.log('');
  for (const cells of table) {
    const [label = '', ...rest] = cells;
    const note = cells.length > widths.length ? cells[widths.length] : undefined;
    const columns = rest.slice(0, widths.length - 1).map((c, i) => c.padStart(widths[i + 1] ?? 8));
    console.log(
      (label.padEnd(widths[0] ?? 28) + columns.join('') + (note ? `   ${note}` : '')).trimEnd(),
    );
  }
  const runner = ctx.options.bundle ? 'esbuild bundles run by plain node' : 'node --import tsx';
  console.log(
    `MiB/s: medians over ${rounds.length} round(s); ratios: medians of per-round ratios. RSS in MB of 10^6 bytes: the larger of ` +
      'VmRSS sampled every 100 ms and VmHWM (reset with clear_refs before each transfer); idle = just before the first transfer. ' +
      `Servers run as ${runner}; client: ${ctx.options.client}.`,
  );
  const load = os.loadavg()[0] ?? 0;
  if (Math.max(load, ctx.loadAtStart) > LOAD_WARNING) {
    console.log(
      `WARNING: 1-minute load average ${fmt(ctx.loadAtStart, 2)} at start, ${fmt(load, 2)} at the end on ${os.cpus().length} CPUs: ` +
        'other processes competed for the CPU, so throughput figures and ratios are noisier than usual.',
    );
  }
  console.log(
    `bench:files upload_ratio=${fmt(up.ratio, 2)} download_ratio=${fmt(down.ratio, 2)} peak_rss_mb=${rssMb}`,
  );
}

async function main(): Promise<void> {
  const options = parseArgs(process.argv.slice(2));
  const workDir = await fs.mkdtemp(path.join(os.tmpdir(), 'milepost-bench-'));
  process.on('exit', () => {
    killAllNow();
    if (!options.keep) rmSync(workDir, { recursive: true, force: true });
  });
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      console.error(`\n${signal}: stopping child processes and removing ${workDir}`);
      void stopAll().finally(() => process.exit(130));
    });
  }

  const loadAtStart = os.loadavg()[0] ?? 0;
  console.log(
    `bench:files size=${options.sizeLabel} (${options.size} bytes) rounds=${options.runs} client=${options.client} ` +
      `node=${process.version} cpus=${os.cpus().length} load=${fmt(loadAtStart, 2)} workdir=${workDir}`,
  );
  try {
    const source = path.join(workDir, 'source.bin');
    const madeAt = performance.now();
    const sha256 = await makeSourceFile(source, options.size);
    console.log(
      `source: ${fmt((performance.now() - madeAt) / 1000, 1)} s to write and hash, sha256=${sha256}`,
    );

    const baselineFile = path.join(workDir, 'baseline-upload.bin');
    const dataDir = path.join(workDir, 'milepost-data');
    await fs.mkdir(dataDir);
    let appDir = REPO_DIR;
    if (options.ref) {
      appDir = path.join(workDir, 'app');
      const sha = await exportRef(options.ref, appDir);
      console.log(`Milepost: ${options.ref} (${sha}) exported to ${appDir}`);
    } else {
      console.log(`Milepost: working tree ${REPO_DIR}`);
    }
    const runner: Runner = options.bundle
      ? { kind: 'bundle', dir: path.join(workDir, 'bundles') }
      : { kind: 'tsx' };
    const [baseUp, baseDown, milepost] = await Promise.all([
      startBaseline('upload', baselineFile, runner),
      startBaseline('download', baselineFile, runner),
      startMilepost({
        dataDir,
        maxFileBytes: MAX_UPLOAD_BYTES,
        appDir,
        runner,
        nodeFlags: options.profileDir
          ? ['--cpu-prof', `--cpu-prof-dir=${path.resolve(options.profileDir)}`]
          : [],
      }),
    ]);
    const freelancer = await Freelancer.signUp(milepost.url);
    const project = await freelancer.setUpProject();
    const ctx: Context = {
      options,
      workDir,
      source,
      sha256,
      baselineFile,
      dataDir,
      baseUp,
      baseDown,
      milepost,
      samplers: {
        baseUp: new RssSampler(baseUp.pid),
        baseDown: new RssSampler(baseDown.pid),
        mpUp: new RssSampler(milepost.pid),
        mpDown: new RssSampler(milepost.pid),
      },
      freelancer,
      project,
      loadAtStart,
    };
    console.log(
      `servers: baseline upload ${baseUp.url}, baseline download ${baseDown.url}, Milepost ${milepost.url}`,
    );

    const rounds: Round[] = [];
    for (let i = 0; i < options.runs; i++) rounds.push(await round(ctx, i));
    report(ctx, rounds);
  } finally {
    await stopAll();
    if (!options.keep) await fs.rm(workDir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  if (error instanceof UsageError) {
    console.error(error.message);
    process.exitCode = 2;
    return;
  }
  const message = error instanceof Error ? error.message : String(error);
  console.error(`bench:files FAILED: ${message}`);
  // A failed check explains itself; anything else (a refused request, a crash) gets its stack.
  if (!(error instanceof BenchFailure) && error instanceof Error && error.stack)
    console.error(error.stack);
  process.exitCode = 1;
});
