/**
 * Pay-gated downloads (contract: "Deliverables — Files"): once a milestone is delivered the client
 * sees its files (name, size, SHA-256) but receives not one byte of them on any path — whole
 * file, range, HEAD, conditional request, signed URL, the upload protocol's own GET — until the
 * milestone is paid; then the exact bytes, single ranges (1,000 random ones against a model),
 * 416 for unsatisfiable ranges, ETag/304, safe download headers with an RFC 6266 unicode file
 * name, and a download log the freelancer can read.
 */
import http from 'node:http';
import { describe, expect, test } from 'vitest';
import * as C from './contract';
import {
  Actor,
  SUITE_TIMEOUT,
  deliver,
  dialects,
  openPortal,
  recordPayment,
  setupProject,
  share,
  signUp,
  useApp,
  type TestApp,
} from './harness';
import {
  MiB,
  downloadTotals,
  eventually,
  fetchBytes,
  listFiles,
  portalFiles,
  prng,
  seededBytes,
  sha256,
  tusHeaders,
  uploadSmall,
  type DownloadView,
  type Fetched,
} from './files-helpers';

const UNICODE_NAME = 'Łukasz Żółć report.pdf';

interface Delivered {
  freelancer: Actor;
  client: Actor;
  projectId: string;
  milestone: C.Milestone;
  fileId: string;
  source: Buffer;
}

/** A project whose first milestone holds one uploaded file and is delivered (and paid, if asked). */
async function deliveredFile(
  app: TestApp,
  options: { size: number; seed: number; name?: string; pay: boolean },
): Promise<Delivered> {
  const freelancer = await signUp(app);
  const { project, milestones } = await setupProject(freelancer, { amounts: [150_00, 250_00] });
  const milestone = milestones[0];
  if (milestone === undefined) throw new Error('the project has no milestone');
  const source = seededBytes(options.size, options.seed);
  const fileId = await uploadSmall(
    app,
    freelancer,
    milestone.id,
    source,
    options.name ?? UNICODE_NAME,
  );
  await deliver(freelancer, project.id, milestone.id);
  const access = await share(freelancer, project.id);
  const client = await openPortal(app, { code: access.code });
  if (options.pay) await recordPayment(freelancer, project.id, milestone);
  return { freelancer, client, projectId: project.id, milestone, fileId, source };
}

/** The response carries none of the file's bytes (a 16-byte window anywhere would show up). */
function expectNoFileBytes(got: Fetched, source: Buffer, label: string): void {
  expect(
    got.bytes.includes(source.subarray(0, 16)),
    `${label}: body holds the file's first bytes`,
  ).toBe(false);
  expect(got.bytes.length, `${label}: body is larger than an error`).toBeLessThan(1024);
  if (got.bytes.length >= 16) {
    for (let at = 0; at + 16 <= source.length; at += Math.max(1, Math.floor(source.length / 64))) {
      expect(
        got.bytes.includes(source.subarray(at, at + 16)),
        `${label}: body holds file bytes at ${at}`,
      ).toBe(false);
    }
  }
}

function errorCode(got: Fetched): string | undefined {
  try {
    const parsed = C.ErrorBody.safeParse(JSON.parse(got.bytes.toString('utf8')));
    return parsed.success ? parsed.data.error.code : undefined;
  } catch {
    return undefined;
  }
}

/** The expected answer to `bytes=<spec>` on a file of `size` bytes (RFC 9110 §14.1.2). */
function modelRange(spec: string, size: number): { start: number; end: number } | 'unsatisfiable' {
  const match = /^(\d*)-(\d*)$/.exec(spec);
  if (!match) throw new Error(`bad spec ${spec}`);
  const [, first = '', last = ''] = match;
  if (first === '') {
    const suffix = Number(last);
    if (suffix === 0) return 'unsatisfiable';
    return { start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(first);
  if (start >= size) return 'unsatisfiable';
  return { start, end: last === '' ? size - 1 : Math.min(Number(last), size - 1) };
}

function randomRangeSpec(next: () => number, size: number): string {
  const int = (n: number) => Math.floor(next() * n);
  switch (int(6)) {
    case 0: // closed, inside the file
    case 1: {
      const start = int(size);
      return `${start}-${start + int(Math.min(size - start, 200_000))}`;
    }
    case 2: {
      // closed, end beyond the size
      const start = int(size);
      return `${start}-${size + int(5_000_000)}`;
    }
    case 3: // open
      return `${int(size)}-`;
    case 4: // suffix, at most the whole file
      return `-${1 + int(size)}`;
    default: {
      // edges: first/last byte, suffix longer than the file, one-byte ranges
      const edges = [
        '0-0',
        `${size - 1}-${size - 1}`,
        `${size - 1}-`,
        `-1`,
        `-${size + 1 + int(1000)}`,
        `0-`,
      ];
      return edges[int(edges.length)] ?? '0-0';
    }
  }
}

function downloadsOf(
  list: DownloadView[],
  fileId: string,
  actorType: 'client' | 'freelancer',
): DownloadView[] {
  return list.filter((d) => d.fileId === fileId && d.actorType === actorType);
}

describe.each(dialects)('deliverable downloads on %s', SUITE_TIMEOUT, (dialect) => {
  const app = useApp(dialect);

  test('delivered but unpaid: the client sees name, size and SHA-256, and no path gives it a single byte', async () => {
    const d = await deliveredFile(app(), { size: 300_000 + 17, seed: 1, pay: false });
    const size = d.source.length;

    const listed = await portalFiles(d.client);
    expect(listed).toHaveLength(1);
    expect(listed[0]).toMatchObject({
      id: d.fileId,
      milestoneId: d.milestone.id,
      name: UNICODE_NAME,
      size,
      sha256: sha256(d.source),
      status: 'complete',
      downloadable: false,
    });

    const attempts: [string, 'GET' | 'HEAD', string, Record<string, string>][] = [
      ['GET', 'GET', `/api/files/${d.fileId}`, {}],
      ['GET bytes=0-99', 'GET', `/api/files/${d.fileId}`, { range: 'bytes=0-99' }],
      ['GET bytes=-100', 'GET', `/api/files/${d.fileId}`, { range: 'bytes=-100' }],
      ['GET bytes=100-', 'GET', `/api/files/${d.fileId}`, { range: 'bytes=100-' }],
      [
        'GET If-None-Match: the ETag',
        'GET',
        `/api/files/${d.fileId}`,
        { 'if-none-match': `"sha256-${sha256(d.source)}"` },
      ],
      [
        'GET If-Range + Range',
        'GET',
        `/api/files/${d.fileId}`,
        { range: 'bytes=0-10', 'if-range': `"sha256-${sha256(d.source)}"` },
      ],
    ];
    for (const [label, method, path, headers] of attempts) {
      const got = await fetchBytes(app(), d.client, path, { method, headers });
      expect(
        got.status,
        `${label} → ${got.status} ${got.bytes.toString('utf8').slice(0, 200)}`,
      ).toBe(402);
      expect(errorCode(got), label).toBe('PAYMENT_REQUIRED');
      expect(got.headers.get('content-range'), label).toBeNull();
      expectNoFileBytes(got, d.source, label);
    }

    const head = await fetchBytes(app(), d.client, `/api/files/${d.fileId}`, { method: 'HEAD' });
    expect(head.status).toBe(402);
    expect(head.bytes.length).toBe(0);
    expect(head.headers.get('content-length')).not.toBe(String(size));
    expect(head.headers.get('content-disposition')).toBeNull();

    const url = await fetchBytes(app(), d.client, `/api/files/${d.fileId}/url`);
    expect([402, 404], `GET /url → ${url.status}`).toContain(url.status);
    expect(url.bytes.toString('utf8')).not.toContain('"url"');
    expectNoFileBytes(url, d.source, 'GET /url');

    // The upload protocol's own GET and HEAD are not a way around the gate.
    for (const method of ['GET', 'HEAD'] as const) {
      const res = await fetch(`${app().url}/api/uploads/${d.fileId}`, {
        method,
        headers: tusHeaders(d.client),
      });
      const body = Buffer.from(await res.arrayBuffer());
      expect([401, 404], `${method} /api/uploads/:id as the client → ${res.status}`).toContain(
        res.status,
      );
      expect(res.headers.get('upload-offset')).toBeNull();
      expectNoFileBytes(
        { status: res.status, headers: res.headers, bytes: body },
        d.source,
        `${method} /api/uploads`,
      );
    }

    // Nobody else gets in either.
    const anonymous = await fetchBytes(app(), undefined, `/api/files/${d.fileId}`);
    expect(anonymous.status).toBe(401);
    expectNoFileBytes(anonymous, d.source, 'anonymous GET');

    // Nothing was sent to the client, so nothing is logged for it.
    const log = await listFiles(d.freelancer, d.projectId);
    expect(downloadsOf(log.downloads, d.fileId, 'client')).toEqual([]);

    // The freelancer, meanwhile, may always have the file.
    const own = await fetchBytes(app(), d.freelancer, `/api/files/${d.fileId}`);
    expect(own.status).toBe(200);
    expect(own.bytes.equals(d.source)).toBe(true);
  });

  test('paid: the exact bytes with safe headers, an RFC 6266 unicode name, ETag/304, and a download log', async () => {
    const d = await deliveredFile(app(), { size: 2 * MiB + 4321, seed: 2, pay: true });
    const size = d.source.length;
    const etag = `"sha256-${sha256(d.source)}"`;

    expect(await portalFiles(d.client)).toMatchObject([
      { id: d.fileId, name: UNICODE_NAME, size, sha256: sha256(d.source), downloadable: true },
    ]);

    const got = await fetchBytes(app(), d.client, `/api/files/${d.fileId}`);
    expect(got.status).toBe(200);
    expect(got.bytes.length).toBe(size);
    expect(sha256(got.bytes)).toBe(sha256(d.source));
    expect(got.headers.get('content-length')).toBe(String(size));
    expect(got.headers.get('content-type')).toBe('application/octet-stream');
    expect(got.headers.get('etag')).toBe(etag);
    expect(got.headers.get('accept-ranges')).toBe('bytes');
    expect(got.headers.get('x-content-type-options')).toBe('nosniff');
    const csp = got.headers.get('content-security-policy') ?? '';
    expect(csp).toMatch(/(^|;)\s*sandbox\s*(;|$)/);
    expect(csp).toContain("default-src 'none'");

    // Content-Disposition: attachment, with the name in filename*=UTF-8''… (RFC 6266 / 8187).
    const disposition = got.headers.get('content-disposition') ?? '';
    expect(disposition).toMatch(/^attachment\s*;/);
    const extended = /filename\*\s*=\s*UTF-8''([^;\s]+)/i.exec(disposition)?.[1];
    expect(extended, disposition).toBeDefined();
    expect(decodeURIComponent(extended ?? '')).toBe(UNICODE_NAME);
    expect(extended).toMatch(/^[A-Za-z0-9!#$&+.^_`|~%-]+$/); // attr-chars and %XX only
    const fallback = /filename\s*=\s*"([^"]*)"/i.exec(disposition)?.[1] ?? '';
    expect(fallback).not.toMatch(/[^\x20-\xff]/); // the plain form holds no non-Latin-1 character

    const notModified = await fetchBytes(app(), d.client, `/api/files/${d.fileId}`, {
      headers: { 'if-none-match': etag },
    });
    expect(notModified.status).toBe(304);
    expect(notModified.bytes.length).toBe(0);
    const modified = await fetchBytes(app(), d.client, `/api/files/${d.fileId}`, {
      headers: { 'if-none-match': `"sha256-${'0'.repeat(64)}"` },
    });
    expect(modified.status).toBe(200);
    expect(modified.bytes.equals(d.source)).toBe(true);

    const head = await fetchBytes(app(), d.client, `/api/files/${d.fileId}`, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.bytes.length).toBe(0);
    expect(head.headers.get('etag')).toBe(etag);

    const part = await fetchBytes(app(), d.client, `/api/files/${d.fileId}`, {
      headers: { range: 'bytes=100-199' },
    });
    expect(part.status).toBe(206);
    expect(part.headers.get('content-range')).toBe(`bytes 100-199/${size}`);
    expect(part.bytes.equals(d.source.subarray(100, 200))).toBe(true);

    // The freelancer sees both downloads, with the bytes that went out (logged after the response).
    const logged = await eventually('the client downloads in the log', async () => {
      const list = downloadsOf(
        (await listFiles(d.freelancer, d.projectId)).downloads,
        d.fileId,
        'client',
      );
      // Whole file, the 200 after If-None-Match, the range: merged into the hour's row.
      return downloadTotals(list).requests >= 3 ? list : undefined;
    });
    for (const entry of logged) {
      expect(entry).toMatchObject({ fileName: UNICODE_NAME, via: 'stream', address: '127.0.0.1' });
    }
    // The 304 and the HEAD sent no bytes and are not downloads.
    expect(downloadTotals(logged)).toEqual({ requests: 3, bytes: 2 * size + 100, completions: 2 });

    // The signed-URL route is for object storage only.
    const url = await fetchBytes(app(), d.client, `/api/files/${d.fileId}/url`);
    expect(url.status).toBe(404);

    // A client of another project gets nothing, paid or not.
    const stranger = await deliveredFile(app(), { size: 1000, seed: 3, pay: true });
    const foreign = await fetchBytes(app(), stranger.client, `/api/files/${d.fileId}`);
    expect(foreign.status).toBe(404);
    expectNoFileBytes(foreign, d.source, "another project's client");
  });

  test('HEAD of a paid file answers with the headers a GET would send (Content-Length = size), and no body', async () => {
    const d = await deliveredFile(app(), { size: 123_457, seed: 6, pay: true });
    const size = d.source.length;
    const get = await fetchBytes(app(), d.client, `/api/files/${d.fileId}`);
    const head = await fetchBytes(app(), d.client, `/api/files/${d.fileId}`, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.bytes.length).toBe(0);
    for (const name of [
      'etag',
      'content-type',
      'content-disposition',
      'accept-ranges',
      'content-security-policy',
    ]) {
      expect(head.headers.get(name), name).toBe(get.headers.get(name));
    }
    expect(get.headers.get('content-length')).toBe(String(size));
    expect(head.headers.get('content-length'), 'HEAD Content-Length').toBe(String(size));

    const ranged = await fetchBytes(app(), d.client, `/api/files/${d.fileId}`, {
      method: 'HEAD',
      headers: { range: 'bytes=1000-1999' },
    });
    expect(ranged.status).toBe(206);
    expect(ranged.bytes.length).toBe(0);
    expect(ranged.headers.get('content-range')).toBe(`bytes 1000-1999/${size}`);
    expect(ranged.headers.get('content-length'), 'ranged HEAD Content-Length').toBe('1000');
  });

  test('1,000 random single ranges give 206 with the exact slice; unsatisfiable ones 416 with bytes */size', async () => {
    const d = await deliveredFile(app(), { size: MiB + 333, seed: 4, pay: true });
    const size = d.source.length;
    const seed = 20_260_701;
    const next = prng(seed);
    const specs = Array.from({ length: 1000 }, () => randomRangeSpec(next, size));

    const check = async (spec: string): Promise<void> => {
      const got = await fetchBytes(app(), d.client, `/api/files/${d.fileId}`, {
        headers: { range: `bytes=${spec}` },
      });
      const label = `seed ${seed}: Range bytes=${spec} on ${size} bytes → ${got.status} ${got.headers.get('content-range')}`;
      const expected = modelRange(spec, size);
      if (expected === 'unsatisfiable') {
        expect(got.status, label).toBe(416);
        expect(got.headers.get('content-range'), label).toBe(`bytes */${size}`);
        return;
      }
      expect(got.status, label).toBe(206);
      expect(got.headers.get('content-range'), label).toBe(
        `bytes ${expected.start}-${expected.end}/${size}`,
      );
      expect(got.headers.get('content-length'), label).toBe(
        String(expected.end - expected.start + 1),
      );
      expect(got.bytes.equals(d.source.subarray(expected.start, expected.end + 1)), label).toBe(
        true,
      );
    };
    const queue = [...specs];
    await Promise.all(
      Array.from({ length: 8 }, async () => {
        for (let spec = queue.shift(); spec !== undefined; spec = queue.shift()) await check(spec);
      }),
    );

    for (const spec of [
      `${size}-`,
      `${size}-${size + 10}`,
      `${size + 1000}-`,
      `${2 ** 40}-`,
      '-0',
    ]) {
      const got = await fetchBytes(app(), d.client, `/api/files/${d.fileId}`, {
        headers: { range: `bytes=${spec}` },
      });
      expect(got.status, `bytes=${spec}`).toBe(416);
      expect(got.headers.get('content-range'), `bytes=${spec}`).toBe(`bytes */${size}`);
      expect(errorCode(got), `bytes=${spec}`).toBe('RANGE_NOT_SATISFIABLE');
      expectNoFileBytes(got, d.source, `bytes=${spec}`);
    }

    // If-Range: the range only while the ETag still matches, else the whole file.
    const etag = `"sha256-${sha256(d.source)}"`;
    const current = await fetchBytes(app(), d.client, `/api/files/${d.fileId}`, {
      headers: { range: 'bytes=10-19', 'if-range': etag },
    });
    expect(current.status).toBe(206);
    expect(current.bytes.equals(d.source.subarray(10, 20))).toBe(true);
    const stale = await fetchBytes(app(), d.client, `/api/files/${d.fileId}`, {
      headers: { range: 'bytes=10-19', 'if-range': `"sha256-${'f'.repeat(64)}"` },
    });
    expect(stale.status).toBe(200);
    expect(stale.bytes.equals(d.source)).toBe(true);
  }, 180_000);

  test('a download cut short is logged with fewer bytes than the file', async () => {
    const d = await deliveredFile(app(), { size: 48 * MiB, seed: 5, name: 'big.bin', pay: true });
    // A connection dropped after the first bytes (raw socket: fetch's abort leaves its socket open).
    const { hostname, port } = new URL(app().url);
    const received = await new Promise<number>((resolve, reject) => {
      const req = http.request(
        {
          host: hostname,
          port,
          path: `/api/files/${d.fileId}`,
          headers: { cookie: d.client.cookieHeader() },
          agent: false,
        },
        (res) => {
          expect(res.statusCode).toBe(200);
          res.once('data', (chunk: Buffer) => {
            req.destroy();
            resolve(chunk.length);
          });
        },
      );
      req.on('error', (error) => {
        if (!req.destroyed) reject(error);
      });
      req.end();
    });
    expect(received).toBeGreaterThan(0);

    const [entry, ...more] = await eventually('the cut-short download in the log', async () => {
      const list = downloadsOf(
        (await listFiles(d.freelancer, d.projectId)).downloads,
        d.fileId,
        'client',
      );
      return list.length > 0 ? list : undefined;
    });
    expect(more).toEqual([]);
    expect(entry?.bytes).toBeGreaterThan(0);
    expect(entry?.bytes).toBeLessThan(d.source.length);
    expect(entry).toMatchObject({ requests: 1, completions: 0, via: 'stream' });
  });
});
