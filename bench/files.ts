/**
 * `npm run bench:files [-- --size 2GiB --runs 5 --client curl|node --ref HEAD --tsx --profile DIR]`
 *
 * How fast Milepost moves a large deliverable, against two anchors on the same machine in the
 * same run: a tus upload (POST /api/uploads, then one PATCH with the whole file) and a pay-gated
 * download (GET /api/files/:fileId), against
 *   - plain node:http given every technique Milepost's own I/O uses (bench/baseline-server.ts:
 *     `req.pipe()` into a write stream with a 1 MiB buffer, so writes are batched into writev();
 *     downloads through the same two reused 1 MiB buffers, src/files/disk-io.ts; the same V8
 *     flag as src/server.ts) — the best plain Node does, so the ratio is what Milepost's own
 *     work costs;
 *   - nginx from Debian (bench/lib/nginx.ts: `sendfile on` for downloads, a WebDAV PUT into a
 *     file for uploads), when it is installed; the benchmark says so plainly when it is not.
 * Every server runs in its own process on 127.0.0.1 so its resident memory and CPU time can be
 * read from /proc; the client is the same for every side (curl, or node:http in a child process)
 * and times the transfer only. Each round does one leg per side (upload, download of what was
 * stored, removal), the order rotating from round to round; what a transfer wrote is flushed to
 * disk before the next one starts, outside the timing. Figures are medians over rounds; ratios
 * (Milepost's speed over the anchor's) are medians of the per-round ratios.
 *
 * Checks: Milepost lists the upload as complete with the source's SHA-256; every download is
 * written to tmpfs (/dev/shm when it has room) and hashed after the timed part, and a SHA-256
 * that differs from the source's fails the run; Milepost's ETag carries the source's hash; every
 * anchor stores every byte. A failed check or a refused request exits 1; a missed target prints
 * FAIL and exits 0. The last line is:
 *   bench:files upload_ratio=R download_ratio=R nginx_upload_ratio=R nginx_download_ratio=R peak_rss_mb=N
 * (the nginx ratios read n/a when nginx is not installed).
 */
import { createHash } from 'node:crypto';
import { createReadStream, rmSync, statfsSync } from 'node:fs';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { MAX_UPLOAD_BYTES, parseOptions, UsageError, type Options } from './lib/args';
import { runTransfer, type Transfer } from './lib/client';
import { Freelancer, type DownloadView } from './lib/milepost-api';
import { findNginx, startNginx, type NginxServer } from './lib/nginx';
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
  /** null when nginx is not installed. */
  nginx: Measure | null;
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
  nginxUp: RssSampler | null;
  nginxDown: RssSampler | null;
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
  nginx: NginxServer | null;
  /** Where each download is written (tmpfs when it has room), hashed, then removed. */
  downloadFile: string;
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
      { kind: 'download', url: `${baseDown.url}/file`, headers: {}, outFile: ctx.downloadFile },
      ctx.workDir,
    ),
  );
  check(t.status === 200, `baseline download answered ${t.status}`);
  check(
    t.bytes === options.size,
    `baseline download delivered ${t.bytes} of ${options.size} bytes`,
  );
  await checkDownloadedBytes(ctx, 'baseline');
  return m;
}

/** The SHA-256 of what the client received, against the source's; the file is then removed. */
async function checkDownloadedBytes(ctx: Context, side: string): Promise<void> {
  const hash = createHash('sha256');
  try {
    for await (const chunk of createReadStream(ctx.downloadFile, { highWaterMark: 1 << 20 }))
      hash.update(chunk as Buffer);
  } finally {
    await fs.rm(ctx.downloadFile, { force: true });
  }
  const got = hash.digest('hex');
  check(
    got === ctx.sha256,
    `SHA-256 MISMATCH: the ${side} download hashes to ${got}, the source to ${ctx.sha256}`,
  );
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
        outFile: ctx.downloadFile,
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
  await checkDownloadedBytes(ctx, 'Milepost');
  return m;
}

/** nginx: a WebDAV PUT of the source into its root, then a sendfile GET of it. */
async function nginxLeg(ctx: Context, nginx: NginxServer): Promise<{ up: Measure; down: Measure }> {
  const { options, samplers, source } = ctx;
  if (!samplers.nginxUp || !samplers.nginxDown) throw new Error('nginx has no samplers');
  const stored = path.join(nginx.root, 'upload.bin');
  await recyclePageCache(ctx.workDir, options.size);
  const up = await timed(samplers.nginxUp, () =>
    runTransfer(
      options.client,
      {
        kind: 'upload',
        url: `${nginx.url}/upload.bin`,
        method: 'PUT',
        headers: { 'content-type': 'application/octet-stream' },
        file: source,
        size: options.size,
      },
      ctx.workDir,
    ),
  );
  check(
    up.t.status === 201 || up.t.status === 204,
    `nginx PUT answered ${up.t.status}: ${up.t.body.slice(0, 300)}`,
  );
  const size = (await fs.stat(stored)).size;
  check(size === options.size, `nginx PUT stored ${size} of ${options.size} bytes`);
  await flushFile(stored);
  const down = await timed(samplers.nginxDown, () =>
    runTransfer(
      options.client,
      { kind: 'download', url: `${nginx.url}/upload.bin`, headers: {}, outFile: ctx.downloadFile },
      ctx.workDir,
    ),
  );
  check(down.t.status === 200, `nginx GET answered ${down.t.status}`);
  check(
    down.t.bytes === options.size,
    `nginx download delivered ${down.t.bytes} of ${options.size} bytes`,
  );
  await checkDownloadedBytes(ctx, 'nginx');
  await fs.rm(stored, { force: true });
  return { up: up.m, down: down.m };
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
  const entry = logged[0];
  if (logged.length !== 1 || entry?.bytes !== ctx.options.size || entry.completions !== 1) {
    console.log(
      `  note: the download log for ${fileId} has ${logged.length} entr${logged.length === 1 ? 'y' : 'ies'}` +
        ` (bytes ${logged.map((d) => d.bytes).join(', ')}, completions ${logged.map((d) => d.completions).join(', ')};` +
        ` expected one entry of ${ctx.options.size} bytes, complete once)`,
    );
  }
}

async function round(ctx: Context, index: number): Promise<Round> {
  const none: Measure = { mibps: 0, seconds: 0, cpuPerGiB: 0, sysPerGiB: 0 };
  const result: Round = {
    upload: { baseline: none, milepost: none, nginx: null },
    download: { baseline: none, milepost: none, nginx: null },
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
  const { nginx } = ctx;
  const legs: { name: string; run: () => Promise<void> }[] = [
    { name: 'node', run: baselineLeg },
    { name: 'Milepost', run: milepostLeg },
  ];
  if (nginx) {
    legs.push({
      name: 'nginx',
      run: async () => {
        const { up, down } = await nginxLeg(ctx, nginx);
        result.upload.nginx = up;
        result.download.nginx = down;
      },
    });
  }
  // Rotate who goes first, so no side always meets the page cache as the previous one left it.
  const order = legs.map((_, i) => legs[(i + index) % legs.length] as (typeof legs)[number]);
  for (const leg of order) await leg.run();

  const cpu = (m: Measure): string => `${fmt(m.cpuPerGiB, 2)} (sys ${fmt(m.sysPerGiB, 2)})`;
  const line = (name: string, p: Pair): string =>
    `${name}: node ${fmt(p.baseline.mibps)}, ` +
    (p.nginx ? `nginx ${fmt(p.nginx.mibps)}, ` : '') +
    `Milepost ${fmt(p.milepost.mibps)} MiB/s (vs node ${fmt(p.milepost.mibps / p.baseline.mibps, 2)}` +
    (p.nginx ? `, vs nginx ${fmt(p.milepost.mibps / p.nginx.mibps, 2)}` : '') +
    `; server CPU node ${cpu(p.baseline)}, ` +
    (p.nginx ? `nginx ${cpu(p.nginx)}, ` : '') +
    `Milepost ${cpu(p.milepost)} s/GiB)`;
  console.log(
    `round ${index + 1} (${order.map((leg) => leg.name).join(', ')}): ` +
      `${line('upload', result.upload)}; ${line('download', result.download)}`,
  );
  return result;
}

function report(ctx: Context, rounds: Round[]): void {
  const nginxOf = (p: Pair): Measure => {
    if (!p.nginx) throw new Error('no nginx figures');
    return p.nginx;
  };
  const summarize = (pick: (r: Round) => Pair) => {
    const withNginx = ctx.nginx !== null;
    const of = (get: (p: Pair) => number) => median(rounds.map((r) => get(pick(r))));
    return {
      baseline: of((p) => p.baseline.mibps),
      milepost: of((p) => p.milepost.mibps),
      nginx: withNginx ? of((p) => nginxOf(p).mibps) : null,
      ratio: of((p) => p.milepost.mibps / p.baseline.mibps),
      nginxRatio: withNginx ? of((p) => p.milepost.mibps / nginxOf(p).mibps) : null,
      cpu: {
        baseline: of((p) => p.baseline.cpuPerGiB),
        milepost: of((p) => p.milepost.cpuPerGiB),
        nginx: withNginx ? of((p) => nginxOf(p).cpuPerGiB) : null,
      },
      sys: {
        baseline: of((p) => p.baseline.sysPerGiB),
        milepost: of((p) => p.milepost.sysPerGiB),
        nginx: withNginx ? of((p) => nginxOf(p).sysPerGiB) : null,
      },
    };
  };
  const up = summarize((r) => r.upload);
  const down = summarize((r) => r.download);
  const { baseUp, baseDown, mpUp, mpDown, nginxUp, nginxDown } = ctx.samplers;
  const rssMb = Math.round(Math.max(mpUp.peak, mpDown.peak) / MB);
  const mb = (bytes: number): string => fmt(bytes / MB, 0);
  const orNa = (n: number | null, digits = 1): string => (n === null ? 'n/a' : fmt(n, digits));
  const detail = (s: RssSampler): string =>
    `idle ${mb(s.idle)}, sampled ${mb(s.sampled)}, VmHWM ${s.hwm === null ? 'n/a' : mb(s.hwm)}`;
  const cpuNote = (x: typeof up): string =>
    `user+sys; of which sys: node ${fmt(x.sys.baseline, 2)}, nginx ${orNa(x.sys.nginx, 2)}, Milepost ${fmt(x.sys.milepost, 2)}`;

  // label, node, nginx, Milepost, vs node, vs nginx, target, verdict, note
  const table: string[][] = [
    ['', 'node', 'nginx', 'Milepost', 'vs node', 'vs nginx', 'target', ''],
    [
      'upload (MiB/s)',
      fmt(up.baseline),
      orNa(up.nginx),
      fmt(up.milepost),
      fmt(up.ratio, 2),
      orNa(up.nginxRatio, 2),
      `>=${fmt(TARGET.upload, 2)}`,
      verdict(up.ratio >= TARGET.upload),
    ],
    [
      'download (MiB/s)',
      fmt(down.baseline),
      orNa(down.nginx),
      fmt(down.milepost),
      fmt(down.ratio, 2),
      orNa(down.nginxRatio, 2),
      `>=${fmt(TARGET.download, 2)}`,
      verdict(down.ratio >= TARGET.download),
    ],
    [
      'server CPU upload (s/GiB)',
      fmt(up.cpu.baseline, 2),
      orNa(up.cpu.nginx, 2),
      fmt(up.cpu.milepost, 2),
      fmt(up.cpu.milepost / up.cpu.baseline, 2),
      up.cpu.nginx === null ? 'n/a' : fmt(up.cpu.milepost / up.cpu.nginx, 2),
      '',
      '',
      cpuNote(up),
    ],
    [
      'server CPU download (s/GiB)',
      fmt(down.cpu.baseline, 2),
      orNa(down.cpu.nginx, 2),
      fmt(down.cpu.milepost, 2),
      fmt(down.cpu.milepost / down.cpu.baseline, 2),
      down.cpu.nginx === null ? 'n/a' : fmt(down.cpu.milepost / down.cpu.nginx, 2),
      '',
      '',
      cpuNote(down),
    ],
    [
      'peak RSS upload (MB)',
      mb(baseUp.peak),
      nginxUp ? mb(nginxUp.peak) : 'n/a',
      mb(mpUp.peak),
      '',
      '',
      '',
      '',
      `node ${detail(baseUp)}; Milepost ${detail(mpUp)}`,
    ],
    [
      'peak RSS download (MB)',
      mb(baseDown.peak),
      nginxDown ? mb(nginxDown.peak) : 'n/a',
      mb(mpDown.peak),
      '',
      '',
      '',
      '',
      `node ${detail(baseDown)}; Milepost ${detail(mpDown)}`,
    ],
    [
      'Milepost peak RSS (MB)',
      '',
      '',
      String(rssMb),
      '',
      '',
      `<=${TARGET.rssMb}`,
      verdict(rssMb <= TARGET.rssMb),
      'over its uploads and downloads',
    ],
  ];
  const widths = [28, 9, 9, 10, 9, 10, 8, 6];
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
    `MiB/s: medians over ${rounds.length} round(s); ratios: Milepost's speed over the anchor's, medians of per-round ratios. ` +
      'node = plain node:http with the same write batching, reused read buffers and V8 flag as Milepost; ' +
      'nginx = Debian nginx, sendfile downloads and WebDAV PUT uploads. RSS in MB of 10^6 bytes: the larger of ' +
      'VmRSS sampled every 100 ms and VmHWM (reset with clear_refs before each transfer); idle = just before the first transfer. ' +
      `Node servers run as ${runner}; client: ${ctx.options.client}; downloads written to ${path.dirname(ctx.downloadFile)} and SHA-256 checked.`,
  );
  if (!ctx.nginx) console.log(NGINX_MISSING);
  const load = os.loadavg()[0] ?? 0;
  if (Math.max(load, ctx.loadAtStart) > LOAD_WARNING) {
    console.log(
      `WARNING: 1-minute load average ${fmt(ctx.loadAtStart, 2)} at start, ${fmt(load, 2)} at the end on ${os.cpus().length} CPUs: ` +
        'other processes competed for the CPU, so throughput figures and ratios are noisier than usual.',
    );
  }
  console.log(
    `bench:files upload_ratio=${fmt(up.ratio, 2)} download_ratio=${fmt(down.ratio, 2)} ` +
      `nginx_upload_ratio=${orNa(up.nginxRatio, 2)} nginx_download_ratio=${orNa(down.nginxRatio, 2)} peak_rss_mb=${rssMb}`,
  );
}

const NGINX_MISSING =
  'nginx: NOT INSTALLED (no nginx on PATH or at /usr/sbin/nginx): the nginx anchor was skipped and its ratios read n/a. ' +
  'Install it with `apt-get install nginx-light`.';

/** tmpfs when it has room for a download (so writing it costs a memory copy, not disk), else the temp folder. */
function downloadFileFor(workDir: string, size: number): string {
  try {
    const stats = statfsSync('/dev/shm');
    if (stats.bavail * stats.bsize > size * 1.2 + 256 * MiB)
      return path.join('/dev/shm', `${path.basename(workDir)}-download.bin`);
  } catch {
    // no /dev/shm here
  }
  return path.join(workDir, 'download.bin');
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  const workDir = await fs.mkdtemp(path.join(os.tmpdir(), 'milepost-bench-'));
  process.on('exit', () => {
    killAllNow();
    rmSync(downloadFileFor(workDir, options.size), { force: true });
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
    const nginxBinary = findNginx();
    if (!nginxBinary) console.log(NGINX_MISSING);
    const [baseUp, baseDown, milepost, nginx] = await Promise.all([
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
      nginxBinary ? startNginx(nginxBinary, workDir) : Promise.resolve(null),
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
      nginx,
      downloadFile: downloadFileFor(workDir, options.size),
      samplers: {
        baseUp: new RssSampler(baseUp.pid),
        baseDown: new RssSampler(baseDown.pid),
        mpUp: new RssSampler(milepost.pid),
        mpDown: new RssSampler(milepost.pid),
        nginxUp: nginx ? new RssSampler(nginx.pid) : null,
        nginxDown: nginx ? new RssSampler(nginx.pid) : null,
      },
      freelancer,
      project,
      loadAtStart,
    };
    console.log(
      `servers: node upload ${baseUp.url}, node download ${baseDown.url}, Milepost ${milepost.url}` +
        (nginx ? `, nginx ${nginx.url} (${nginxBinary ?? ''})` : ''),
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
