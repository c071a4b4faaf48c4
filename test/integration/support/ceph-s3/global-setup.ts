/**
 * Vitest globalSetup of the `s3` project (vitest.config.ts): starts one real S3 server — Ceph's
 * RADOS Gateway from Debian (packages ceph-mon ceph-osd radosgw), a throw-away single-node
 * cluster run by up.sh — once per test run, and stops it with down.sh at the end. Vitest runs a
 * project's globalSetup only when that project has test files to run, so a run without S3 tests
 * never starts it.
 *
 * Each run gets its own folder under `<repo>/.ceph-s3/` and free loopback ports, so runs in other
 * checkouts (or a second run here) do not collide. Folders left by a run that was killed (the vitest process named in its
 * `.owner` file is gone) are stopped and removed first. The test files receive the endpoint,
 * keys and the path of radosgw's log (whose beast access lines record every S3 request) through
 * `inject('cephS3')`; each creates its own bucket (../../s3-helpers.ts).
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TestProject } from 'vitest/node';

export interface CephS3 {
  endpoint: string;
  accessKeyId: string;
  secretAccessKey: string;
  region: string;
  /** radosgw's log: one `beast:` access line per S3 request, with method, target and status. */
  logFile: string;
}

declare module 'vitest' {
  export interface ProvidedContext {
    cephS3: CephS3;
  }
}

const HERE = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(HERE, '../../../..');
const RUNS = path.join(ROOT, '.ceph-s3');
/** up.sh takes ~15 s on an idle 2-core machine; a loaded one can need several times that. */
const UP_TIMEOUT_MS = 240_000;
const ACCESS_KEY = 'milepostaccesskey000';
const SECRET_KEY = 'milepostsecretkey00000000000000000000000';

function run(
  script: string,
  env: Record<string, string>,
  timeoutMs: number,
): Promise<{ stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    execFile(
      path.join(HERE, script),
      { env: { ...process.env, ...env }, timeout: timeoutMs, killSignal: 'SIGKILL' },
      (error, stdout, stderr) => {
        if (error) {
          reject(new Error(`${script} failed (${error.message}):\n${stderr}${stdout}`));
        } else {
          resolve({ stdout, stderr });
        }
      },
    );
  });
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Stops and removes the clusters of runs whose vitest process no longer exists. */
async function reapAbandoned(): Promise<void> {
  const entries = await readdir(RUNS).catch(() => [] as string[]);
  const runs = new Set(
    entries.filter((n) => n.startsWith('run-')).map((n) => n.replace(/\.owner$/, '')),
  );
  for (const name of runs) {
    const dir = path.join(RUNS, name);
    const ownerFile = `${dir}.owner`;
    const owner = Number(await readFile(ownerFile, 'utf8').catch(() => 'NaN'));
    if (Number.isInteger(owner) && alive(owner)) continue;
    await run('down.sh', { CEPH_S3_DIR: dir }, 60_000).catch(() => undefined);
    await rm(dir, { recursive: true, force: true });
    await rm(ownerFile, { force: true });
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  await reapAbandoned();
  const dir = path.join(RUNS, `run-${randomBytes(4).toString('hex')}`);
  await mkdir(RUNS, { recursive: true });
  // Written before the cluster exists, so a run starting beside this one never reaps it.
  await writeFile(`${dir}.owner`, String(process.pid));
  const monPort = await freePort();
  let rgwPort = await freePort();
  while (rgwPort === monPort) rgwPort = await freePort();
  const env = {
    CEPH_S3_DIR: dir,
    MON_PORT: String(monPort),
    RGW_PORT: String(rgwPort),
    S3_ACCESS_KEY: ACCESS_KEY,
    S3_SECRET_KEY: SECRET_KEY,
  };
  const started = Date.now();
  const up = run('up.sh', env, UP_TIMEOUT_MS);
  let stopped = false;
  const stop = async (): Promise<void> => {
    if (stopped) return;
    stopped = true;
    const stopping = Date.now();
    try {
      await run('down.sh', { CEPH_S3_DIR: dir }, 120_000);
      const took = ((Date.now() - stopping) / 1000).toFixed(1);
      console.log(`[ceph-s3] radosgw stopped after ${took} s`);
    } finally {
      await rm(`${dir}.owner`, { force: true });
    }
  };
  try {
    await up;
  } catch (error) {
    await stop().catch(() => undefined);
    throw new Error(
      'could not start Ceph radosgw for the S3 tests (Debian packages: apt-get install -y ' +
        '--no-install-recommends ceph-mon ceph-osd radosgw)',
      { cause: error },
    );
  }
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  console.log(`[ceph-s3] radosgw ready on 127.0.0.1:${env.RGW_PORT} after ${seconds} s (${dir})`);
  project.provide('cephS3', {
    endpoint: `http://127.0.0.1:${env.RGW_PORT}`,
    accessKeyId: ACCESS_KEY,
    secretAccessKey: SECRET_KEY,
    region: 'us-east-1',
    logFile: path.join(dir, 'log', 'client.rgw.a.log'),
  });
  return stop;
}
