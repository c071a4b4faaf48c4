/**
 * Everything Milepost creates under DATA_DIR is its owner's alone: the real server (src/server.ts
 * under tsx, as `npm run dev` runs it) starts as a child process on a DATA_DIR that does not exist
 * yet, with the usual umask 022; after sign-up, an upload (finished and unfinished), a delivery
 * (mail written to the outbox) and a stop, every file found there is 0600 and every folder 0700.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readdir, stat } from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import {
  HOOK_TIMEOUT,
  SUITE_TIMEOUT,
  deliver,
  dialects,
  provisionStorage,
  setupProject,
  signUp,
  TestClock,
  type Storage,
  type TestApp,
} from './harness';
import { createUpload, eventually, seededBytes, uploadSmall } from './files-helpers';

const ROOT = path.resolve(import.meta.dirname, '../..');

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address !== null
          ? resolve(address.port)
          : reject(new Error('no port')),
      );
    });
  });
}

/** Every path under `dir` (itself included) with its permission bits. */
async function modesUnder(dir: string): Promise<{ path: string; dir: boolean; mode: string }[]> {
  const found = [{ path: dir, dir: true, mode: ((await stat(dir)).mode & 0o777).toString(8) }];
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    const full = path.join(entry.parentPath, entry.name);
    const info = await stat(full);
    found.push({ path: full, dir: info.isDirectory(), mode: (info.mode & 0o777).toString(8) });
  }
  return found;
}

describe.each(dialects)('files under DATA_DIR are owner-only (%s)', SUITE_TIMEOUT, (dialect) => {
  let storage: Storage | undefined;
  let child: ChildProcess | undefined;
  let output = '';
  beforeAll(async () => {
    storage = await provisionStorage(dialect);
  }, HOOK_TIMEOUT);
  afterAll(async () => {
    if (child?.exitCode === null) child.kill('SIGKILL');
    await storage?.dispose();
  }, HOOK_TIMEOUT);

  test('the database, its WAL, deliverables, tus metadata, the outbox and the key: 0600 files in 0700 folders', async () => {
    if (storage === undefined) throw new Error('not provisioned');
    const dataDir = path.join(storage.dataDir, 'data'); // created by the server
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const previous = process.umask(0o022); // what a shell usually has; the child inherits it
    try {
      // node itself with tsx's loader (not the tsx wrapper), so killing `child` stops the server.
      child = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
        cwd: ROOT,
        env: {
          PATH: process.env.PATH ?? '',
          ...storage.env,
          DATA_DIR: dataDir,
          HOST: '127.0.0.1',
          PORT: String(port),
          PUBLIC_URL: url,
          LOG_LEVEL: 'warn',
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
    } finally {
      process.umask(previous);
    }
    child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child?.once('exit', resolve));

    await eventually(
      `the server on ${url} (output: ${output})`,
      () =>
        fetch(`${url}/api/health`).then(
          (res) => (res.ok ? true : undefined),
          () => undefined,
        ),
      30_000,
    );
    const app: TestApp = {
      dialect,
      url,
      dataDir,
      dbUrl: storage.dbUrl,
      // The child keeps its own clock and mail worker; these two are not used here.
      clock: new TestClock(),
      drainMail: () => Promise.resolve(),
      close: () => Promise.resolve(),
    };
    const freelancer = await signUp(app);
    const { project, milestones } = await setupProject(freelancer);
    const milestoneId = milestones[0]?.id ?? '';
    await uploadSmall(app, freelancer, milestoneId, seededBytes(10_000, 1));
    await deliver(freelancer, project.id, milestoneId);
    const other = await setupProject(freelancer, { amounts: [10_00] });
    const unfinished = await createUpload(app, freelancer, {
      milestoneId: other.milestones[0]?.id ?? '',
      length: 50_000,
    });
    await eventually(
      'mail in the outbox folder',
      () =>
        readdir(path.join(dataDir, 'outbox')).then(
          (names) => (names.some((n) => n.endsWith('.eml')) ? true : undefined),
          () => undefined,
        ),
      15_000,
    );

    const found = await modesUnder(dataDir);
    const names = found.map((f) => path.relative(dataDir, f.path));
    if (dialect === 'sqlite') {
      expect(names).toEqual(expect.arrayContaining(['milepost.sqlite', 'milepost.sqlite-wal']));
    }
    expect(names).toEqual(
      expect.arrayContaining([
        'files',
        path.join('files', unfinished.id),
        path.join('files', `${unfinished.id}.json`),
        'outbox',
        'secret.key',
      ]),
    );
    expect(found.filter((f) => f.dir && f.mode !== '700')).toEqual([]);
    expect(found.filter((f) => !f.dir && f.mode !== '600')).toEqual([]);

    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    const afterStop = await modesUnder(dataDir);
    expect(afterStop.filter((f) => f.mode !== (f.dir ? '700' : '600'))).toEqual([]);
  });
});
