/** Starting the servers under test, each in its own process on 127.0.0.1. */
import { fork, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { isServerReady } from './protocol';
import { track } from './proc';

export const REPO_DIR = fileURLToPath(new URL('../..', import.meta.url));
const BENCH_DIR = path.join(REPO_DIR, 'bench');

/**
 * How the servers' TypeScript runs: `tsx` (node --import tsx), or `bundle`
 * (each entry bundled by esbuild into `dir`, dependencies left external, run by plain node, as `npm start` runs the server).
 */
export type Runner = { kind: 'tsx' } | { kind: 'bundle'; dir: string };

export interface RunningServer {
  child: ChildProcess;
  pid: number;
  url: string;
  /** The last lines it printed, to explain a failure. */
  output(): string;
}

function collectOutput(child: ChildProcess, prefix: string): () => string {
  const lines: string[] = [];
  const take = (data: string): void => {
    for (const line of data.split('\n')) {
      if (line.trim() === '') continue;
      lines.push(line);
      if (lines.length > 50) lines.shift();
      process.stderr.write(`${prefix} ${line}\n`);
    }
  };
  child.stdout?.setEncoding('utf8').on('data', take);
  child.stderr?.setEncoding('utf8').on('data', take);
  return () => lines.join('\n');
}

function pidOf(child: ChildProcess): number {
  if (child.pid === undefined) throw new Error('child process did not start');
  return child.pid;
}

function exitOf(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) => resolve(code));
  });
}

/**
 * Bundles `entry` with esbuild (node_modules/.bin/esbuild, which tsx brings) into the runner's
 * folder as `<name>.mjs`, with each of `beside` (output name → entry) next to it; returns the
 * bundle's path. The folder gets a node_modules link so the external dependencies resolve.
 */
async function bundle(
  entry: string,
  dir: string,
  name: string,
  beside: Record<string, string> = {},
): Promise<string> {
  const outfile = path.join(dir, `${name}.mjs`);
  await fs.mkdir(dir, { recursive: true });
  await fs
    .symlink(path.join(REPO_DIR, 'node_modules'), path.join(dir, 'node_modules'), 'dir')
    .catch((error: unknown) => {
      if ((error as { code?: string }).code !== 'EEXIST') throw error;
    });
  const child = spawn(
    path.join(REPO_DIR, 'node_modules', '.bin', 'esbuild'),
    [
      `${name}=${entry}`,
      ...Object.entries(beside).map(([out, file]) => `${out}=${file}`),
      '--bundle',
      '--platform=node',
      '--format=esm',
      '--target=node20',
      '--packages=external',
      `--outdir=${dir}`,
      '--out-extension:.js=.mjs',
      '--log-level=warning',
    ],
    { stdio: ['ignore', 'inherit', 'pipe'] },
  );
  let errors = '';
  child.stderr?.setEncoding('utf8').on('data', (s: string) => (errors += s));
  const code = await exitOf(child);
  if (code !== 0) throw new Error(`esbuild could not bundle ${entry}:\n${errors}`);
  return outfile;
}

/**
 * The mail render worker's entry, bundled beside the server as `npm run build:server` does
 * (src/mail/renderer.ts looks for it there); none for a commit from before it existed.
 */
async function renderWorkerEntry(appDir: string): Promise<Record<string, string>> {
  const file = path.join(appDir, 'src', 'mail', 'render-worker.ts');
  const exists = await fs.access(file).then(
    () => true,
    () => false,
  );
  return exists ? { 'mail-render-worker': file } : {};
}

/** A bare node:http server (bench/baseline-server.ts) in `mode` on `file`. */
export function startBaseline(
  mode: 'upload' | 'download',
  file: string,
  runner: Runner,
): Promise<RunningServer> {
  return startForked(
    path.join(BENCH_DIR, 'baseline-server.ts'),
    [mode, file],
    runner,
    `baseline-${mode}`,
  );
}

/**
 * A bench script in its own process (forked, under tsx or as a bundle) that reports its port
 * over IPC once listening (a ServerReady message).
 */
export async function startForked(
  entry: string,
  args: string[],
  runner: Runner,
  name: string,
): Promise<RunningServer> {
  const child = track(
    runner.kind === 'tsx'
      ? fork(entry, args, {
          execArgv: ['--import', 'tsx'],
          stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
        })
      : fork(await bundle(entry, runner.dir, name), args, {
          execArgv: [],
          stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
        }),
  );
  const output = collectOutput(child, `[${name}]`);
  const port = await new Promise<number>((resolve, reject) => {
    child.on('message', (message: unknown) => {
      if (isServerReady(message)) resolve(message.port);
    });
    child.once('error', reject);
    child.once('exit', (code, signal) =>
      reject(new Error(`${name} exited (${signal ?? code}) before listening:\n${output()}`)),
    );
  });
  return { child, pid: pidOf(child), url: `http://127.0.0.1:${port}`, output };
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = address !== null && typeof address !== 'string' ? address.port : 0;
      server.close(() => (port ? resolve(port) : reject(new Error('no free port'))));
    });
  });
}

/**
 * The real server, as `node --import tsx src/server.ts` (not node_modules/.bin/tsx, which would
 * run the server in a grandchild whose memory we would not see) or as an esbuild bundle of
 * src/server.ts. Local storage and SQLite in `dataDir`, logs at warn (echoed to stderr).
 * `appDir` is the working tree or an exported commit.
 */
export async function startMilepost(opts: {
  dataDir: string;
  maxFileBytes: number;
  appDir: string;
  runner: Runner;
  /** Extra node flags for the server process (e.g. --cpu-prof). */
  nodeFlags?: string[];
  /** Variables set after the defaults are cleared (e.g. DATABASE_URL, chat limits). */
  env?: Record<string, string>;
  /** Shown before its output lines. */
  label?: string;
}): Promise<RunningServer> {
  const { dataDir, maxFileBytes, appDir, runner, nodeFlags = [] } = opts;
  const port = await freePort();
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PORT: String(port),
    HOST: '127.0.0.1',
    DATA_DIR: dataDir,
    LOG_LEVEL: 'warn',
    MAX_FILE_BYTES: String(maxFileBytes),
  };
  // Measure the default set-up whatever the calling shell has configured.
  for (const key of [
    'DATABASE_URL',
    'STORAGE',
    'PUBLIC_URL',
    'SMTP_URL',
    'TRUST_PROXY',
    'MAX_FILES_PER_MILESTONE',
  ]) {
    delete env[key];
  }
  Object.assign(env, opts.env);
  const args =
    runner.kind === 'tsx'
      ? ['--import', 'tsx', 'src/server.ts']
      : [
          await bundle(
            path.join(appDir, 'src', 'server.ts'),
            runner.dir,
            'milepost-server',
            await renderWorkerEntry(appDir),
          ),
        ];
  const child = track(
    spawn(process.execPath, [...nodeFlags, ...args], {
      cwd: appDir,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    }),
  );
  const output = collectOutput(child, `[${opts.label ?? 'milepost'}]`);
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(
        `Milepost exited (${child.signalCode ?? child.exitCode}) while starting:\n${output()}`,
      );
    }
    try {
      const res = await fetch(`${url}/api/health`);
      if (res.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline)
      throw new Error(`Milepost did not answer /api/health within 60 s:\n${output()}`);
    await sleep(100);
  }
  return { child, pid: pidOf(child), url, output };
}

/**
 * Exports `ref` of the repository into `dir` (git archive, so neither the working tree nor .git
 * is touched) and links the working tree's node_modules into it; returns the short commit id.
 */
export async function exportRef(ref: string, dir: string): Promise<string> {
  await fs.mkdir(dir, { recursive: true });
  const git = spawn('git', ['-C', REPO_DIR, 'archive', '--format=tar', ref], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const tar = spawn('tar', ['-x', '-C', dir], { stdio: ['pipe', 'ignore', 'pipe'] });
  git.stdout.pipe(tar.stdin);
  let errors = '';
  git.stderr.setEncoding('utf8').on('data', (s: string) => (errors += s));
  tar.stderr.setEncoding('utf8').on('data', (s: string) => (errors += s));
  const [gitCode, tarCode] = await Promise.all([exitOf(git), exitOf(tar)]);
  if (gitCode !== 0 || tarCode !== 0) throw new Error(`could not export ${ref}: ${errors.trim()}`);
  await fs.symlink(path.join(REPO_DIR, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
  const rev = spawn('git', ['-C', REPO_DIR, 'rev-parse', '--short', ref], {
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  let sha = '';
  rev.stdout.setEncoding('utf8').on('data', (s: string) => (sha += s));
  await exitOf(rev);
  return sha.trim();
}
