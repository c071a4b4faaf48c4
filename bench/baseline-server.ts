/**
 * The plain node:http servers Milepost is measured against, one mode per child process so each
 * one's memory can be sampled on its own. They get every technique Milepost's own I/O uses, so
 * the comparison is of what Milepost adds (tus, authentication, hashing, the database), not of
 * buffer sizes: writes batched into writev() through a 1 MiB write buffer, reads through two
 * reused 1 MiB buffers (src/files/disk-io.ts, the code Milepost's local storage runs), and the
 * same V8 flag as src/server.ts.
 *   upload <path>    req.pipe(fs.createWriteStream(path, { highWaterMark: 1 MiB })), 204 once written
 *   download <path>  the file sent through sendSpan()'s two reused buffers
 * Listens on 127.0.0.1 on a free port and reports it to the parent over IPC.
 */
import fs from 'node:fs';
import http from 'node:http';
import v8 from 'node:v8';
import { sendSpan, WRITE_BUFFER } from '../src/files/disk-io';
import type { ServerReady } from './lib/protocol';

// As src/server.ts (see there): V8 sweeps network ArrayBuffers in the scavenge itself.
v8.setFlagsFromString('--no-concurrent-array-buffer-sweeping');

const [mode, target] = process.argv.slice(2);
if ((mode !== 'upload' && mode !== 'download') || !target) {
  console.error('usage: baseline-server.ts upload|download <path>');
  process.exit(2);
}

const server = http.createServer((req, res) => {
  const fail = (error: Error): void => {
    if (!res.headersSent) res.writeHead(500);
    res.end(String(error));
  };
  if (mode === 'upload') {
    const out = fs.createWriteStream(target, { highWaterMark: WRITE_BUFFER });
    out.on('finish', () => {
      res.writeHead(204);
      res.end();
    });
    out.on('error', fail);
    req.pipe(out);
    return;
  }
  fs.stat(target, (error, stats) => {
    if (error) return fail(error);
    res.writeHead(200, {
      'content-type': 'application/octet-stream',
      'content-length': String(stats.size),
    });
    if (stats.size === 0) return res.end();
    sendSpan(target, { start: 0, end: stats.size - 1 }, res).catch((e: unknown) =>
      res.destroy(e instanceof Error ? e : new Error(String(e))),
    );
  });
});
// Like Milepost (requestTimeout: 0): a slow multi-GB transfer must not hit Node's 300 s default.
server.requestTimeout = 0;
server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no TCP address');
  const ready: ServerReady = { port: address.port };
  process.send?.(ready);
});
// The parent going away (even by SIGKILL) closes the channel: do not outlive it.
process.on('disconnect', () => process.exit(0));
