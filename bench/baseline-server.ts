/**
 * The bare node:http servers Milepost is measured against, one mode per child process so each
 * one's memory can be sampled on its own:
 *   upload <path>    req.pipe(fs.createWriteStream(path)), 204 once the file is written
 *   download <path>  fs.createReadStream(path, { highWaterMark: 1 << 20 }).pipe(res)
 * Listens on 127.0.0.1 on a free port and reports it to the parent over IPC.
 */
import fs from 'node:fs';
import http from 'node:http';
import type { ServerReady } from './lib/protocol';

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
    const out = fs.createWriteStream(target);
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
    const source = fs.createReadStream(target, { highWaterMark: 1 << 20 });
    source.on('error', (e) => res.destroy(e));
    source.pipe(res);
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
