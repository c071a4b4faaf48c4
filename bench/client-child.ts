/**
 * The node:http client, in its own process so it never shares a thread with the orchestrator.
 * Performs the one transfer described by argv[2] (a JSON ClientJob) and sends a ClientResult to
 * the parent. The same code drives the baseline servers and Milepost.
 */
import fs from 'node:fs';
import http from 'node:http';
import { performance } from 'node:perf_hooks';
import type { ClientJob, ClientResult } from './lib/protocol';

const MAX_BODY = 64 * 1024;

function headersOf(res: http.IncomingMessage): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(res.headers)) {
    if (value !== undefined) out[key] = Array.isArray(value) ? value.join(', ') : value;
  }
  return out;
}

function upload(job: Extract<ClientJob, { kind: 'upload' }>): Promise<ClientResult> {
  return new Promise((resolve, reject) => {
    const agent = new http.Agent({ keepAlive: false });
    const source = fs.createReadStream(job.file, { highWaterMark: 1 << 20 });
    let sent = 0;
    source.on('data', (chunk) => {
      sent += chunk.length;
    });
    const started = performance.now();
    const req = http.request(job.url, {
      method: job.method,
      agent,
      headers: { ...job.headers, 'content-length': String(job.size) },
    });
    req.on('response', (res) => {
      const status = res.statusCode ?? 0;
      if (status >= 300) {
        // Refused (possibly before the body was read): stop sending and report why.
        source.unpipe(req);
        source.destroy();
      }
      const chunks: Buffer[] = [];
      let kept = 0;
      res.on('data', (chunk: Buffer) => {
        if (kept < MAX_BODY) chunks.push(chunk);
        kept += chunk.length;
      });
      res.on('end', () => {
        const seconds = (performance.now() - started) / 1000;
        resolve({
          ok: true,
          status,
          bytes: sent,
          seconds,
          headers: headersOf(res),
          body: Buffer.concat(chunks).toString('utf8').slice(0, MAX_BODY),
        });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    source.on('error', reject);
    source.pipe(req);
  });
}

function download(job: Extract<ClientJob, { kind: 'download' }>): Promise<ClientResult> {
  return new Promise((resolve, reject) => {
    const agent = new http.Agent({ keepAlive: false });
    const started = performance.now();
    const req = http.request(job.url, { method: 'GET', agent, headers: job.headers }, (res) => {
      let bytes = 0;
      res.on('data', (chunk: Buffer) => {
        bytes += chunk.length;
      });
      const out = fs.createWriteStream(job.outFile, { highWaterMark: 1 << 20 });
      out.on('error', reject);
      res.pipe(out);
      out.on('finish', () => {
        const seconds = (performance.now() - started) / 1000;
        resolve({
          ok: true,
          status: res.statusCode ?? 0,
          bytes,
          seconds,
          headers: headersOf(res),
          body: '',
        });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

async function main(): Promise<void> {
  const job = JSON.parse(process.argv[2] ?? '') as ClientJob;
  let result: ClientResult;
  try {
    result = job.kind === 'upload' ? await upload(job) : await download(job);
  } catch (error) {
    result = { ok: false, error: error instanceof Error ? error.message : String(error) };
  }
  process.send?.(result, () => process.disconnect());
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
