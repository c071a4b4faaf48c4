/**
 * Runs one timed transfer with the chosen client — the same client for the baseline and for
 * Milepost, so the ratio compares servers only. Either bench/client-child.ts (node:http in its own
 * process) or curl; both time the transfer itself, not process start-up.
 */
import { fork, spawn } from 'node:child_process';
import fs from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { isClientResult, type ClientJob } from './protocol';
import { track } from './proc';

export interface Transfer {
  status: number;
  bytes: number;
  seconds: number;
  headers: Record<string, string>;
  body: string;
}

const BENCH_DIR = fileURLToPath(new URL('..', import.meta.url));

function runNodeClient(job: ClientJob): Promise<Transfer> {
  return new Promise((resolve, reject) => {
    const child = track(
      fork(path.join(BENCH_DIR, 'client-child.ts'), [JSON.stringify(job)], {
        execArgv: ['--import', 'tsx'],
        stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      }),
    );
    let settled = false;
    child.on('message', (message: unknown) => {
      if (!isClientResult(message) || settled) return;
      settled = true;
      if (message.ok) {
        const { status, bytes, seconds, headers, body } = message;
        resolve({ status, bytes, seconds, headers, body });
      } else {
        reject(new Error(`client: ${message.error}`));
      }
    });
    child.on('error', (error) => {
      if (!settled) reject(error);
      settled = true;
    });
    child.on('exit', (code, signal) => {
      if (!settled) reject(new Error(`client exited (${signal ?? code}) without a result`));
      settled = true;
    });
  });
}

function parseHeaderDump(text: string): Record<string, string> {
  // With several responses (e.g. 100 Continue) the last block is the real one.
  const blocks = text.split(/\r?\n\r?\n/).filter((b) => b.trim() !== '');
  const last = blocks[blocks.length - 1] ?? '';
  const headers: Record<string, string> = {};
  for (const line of last.split(/\r?\n/).slice(1)) {
    const at = line.indexOf(':');
    if (at > 0) headers[line.slice(0, at).trim().toLowerCase()] = line.slice(at + 1).trim();
  }
  return headers;
}

async function runCurl(job: ClientJob, workDir: string): Promise<Transfer> {
  const headerFile = path.join(workDir, 'curl-headers.txt');
  const bodyFile = path.join(workDir, 'curl-body.txt');
  const args = ['-sS', '--http1.1', '-D', headerFile, '-H', 'Expect:'];
  for (const [key, value] of Object.entries(job.headers)) args.push('-H', `${key}: ${value}`);
  if (job.kind === 'upload') {
    args.push(
      '-X',
      job.method,
      '-T',
      job.file,
      '-o',
      bodyFile,
      '-w',
      '%{http_code} %{size_upload} %{time_total}',
    );
  } else {
    args.push('-o', job.outFile, '-w', '%{http_code} %{size_download} %{time_total}');
  }
  args.push(job.url);
  const child = track(spawn('curl', args, { stdio: ['ignore', 'pipe', 'pipe'] }));
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (s: string) => (stdout += s));
  child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
  const code = await new Promise<number | null>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (c) => resolve(c));
  });
  if (code !== 0) throw new Error(`curl exited ${code}: ${stderr.trim()}`);
  const [status, bytes, seconds] = stdout.trim().split(' ').map(Number);
  if (status === undefined || bytes === undefined || seconds === undefined) {
    throw new Error(`curl: unreadable -w output "${stdout}"`);
  }
  const headers = parseHeaderDump(await fs.readFile(headerFile, 'utf8'));
  const body = job.kind === 'upload' ? await fs.readFile(bodyFile, 'utf8').catch(() => '') : '';
  await Promise.all([fs.rm(headerFile, { force: true }), fs.rm(bodyFile, { force: true })]);
  return { status, bytes, seconds, headers, body };
}

export function runTransfer(
  client: 'node' | 'curl',
  job: ClientJob,
  workDir: string,
): Promise<Transfer> {
  return client === 'node' ? runNodeClient(job) : runCurl(job, workDir);
}
