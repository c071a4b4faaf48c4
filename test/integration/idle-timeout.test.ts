/**
 * Slow request bodies: a connection on which nothing moves for REQUEST_IDLE_TIMEOUT_SECONDS is
 * closed, while a tus PATCH that keeps trickling bytes for longer than that is never cut.
 */
import http from 'node:http';
import net from 'node:net';
import { describe, expect, test } from 'vitest';
import { SUITE_TIMEOUT, dialects, setupProject, signUp, useApp, type TestApp } from './harness';
import { createUpload, headUpload, seededBytes, tusHeaders } from './files-helpers';

const IDLE_SECONDS = 1;

/** Sends `head` and part of a body, then nothing; resolves with how long until the server hung up. */
function stallAfter(app: TestApp, head: string, giveUpMs: number): Promise<number | 'open'> {
  const { port } = new URL(app.url);
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const socket = net.connect(Number(port), '127.0.0.1', () => socket.write(head));
    const timer = setTimeout(() => {
      socket.destroy();
      resolve('open');
    }, giveUpMs);
    socket.on('data', () => undefined);
    socket.on('error', () => undefined);
    socket.on('close', () => {
      clearTimeout(timer);
      resolve(performance.now() - started);
    });
    socket.on('timeout', () => reject(new Error('unexpected client timeout')));
  });
}

describe.each(dialects)('idle connections on %s', SUITE_TIMEOUT, (dialect) => {
  const app = useApp(dialect, { REQUEST_IDLE_TIMEOUT_SECONDS: String(IDLE_SECONDS) });

  test('a request whose body stalls is closed after the idle timeout', async () => {
    const { host } = new URL(app().url);
    const head =
      `POST /api/auth/login HTTP/1.1\r\nHost: ${host}\r\nContent-Type: application/json\r\n` +
      `Content-Length: 200\r\n\r\n{"email":"slow`;
    const closedAfter = await stallAfter(app(), head, (IDLE_SECONDS + 4) * 1000);
    expect(closedAfter, 'the server closed the stalled connection').not.toBe('open');
    expect(closedAfter).toBeGreaterThanOrEqual(IDLE_SECONDS * 1000 - 100);
  });

  test('a tus PATCH trickling bytes every 0.5 s for longer than the timeout completes', async () => {
    const owner = await signUp(app());
    const { milestones } = await setupProject(owner);
    const milestoneId = milestones[0]?.id ?? '';
    const chunks = 4 * 2 * IDLE_SECONDS + 2; // 0.5 s apart: ~4× the timeout in all
    const chunkBytes = 1024;
    const bytes = seededBytes(chunks * chunkBytes, 7);
    const { url } = await createUpload(app(), owner, { milestoneId, length: bytes.length });

    const started = performance.now();
    const status = await new Promise<number>((resolve, reject) => {
      const request = http.request(url, {
        method: 'PATCH',
        headers: {
          ...tusHeaders(owner),
          'upload-offset': '0',
          'content-type': 'application/offset+octet-stream',
          'content-length': String(bytes.length),
        },
      });
      request.on('response', (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      });
      request.on('error', reject);
      let sent = 0;
      const trickle = (): void => {
        request.write(bytes.subarray(sent * chunkBytes, (sent + 1) * chunkBytes));
        sent += 1;
        if (sent < chunks) setTimeout(trickle, 500);
        else request.end();
      };
      trickle();
    });
    const tookMs = performance.now() - started;
    expect(tookMs, 'the trickle outlasted the idle timeout').toBeGreaterThan(
      3 * IDLE_SECONDS * 1000,
    );
    expect(status).toBe(204);
    expect(await headUpload(url, owner)).toEqual({ status: 200, offset: bytes.length });
  });
});
