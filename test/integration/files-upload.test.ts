/**
 * Deliverable uploads over tus 1.0 (contract: "Deliverables — Uploads"): real uploads with
 * tus-js-client, resuming after the client aborts and after the server restarts, the per-milestone
 * file limit under a burst of parallel creations, the size limit, uploads closed by the
 * milestone's state, malformed and foreign upload ids, who may call the upload routes at all,
 * and the sweep of abandoned uploads. Every check compares exact bytes, hashes and statuses.
 */
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import * as C from './contract';
import {
  Actor,
  SUITE_TIMEOUT,
  deliver,
  dialects,
  expectNoContent,
  openPortal,
  setupProject,
  share,
  signUp,
  useApp,
  type ApiResponse,
  type TestApp,
} from './harness';
import {
  HOOK_TIMEOUT,
  MiB,
  createUpload,
  createUploadRaw,
  fetchBytes,
  headUpload,
  idOfUploadUrl,
  listFiles,
  newTusUpload,
  patchUpload,
  persistentStorage,
  rawRequest,
  seededBytes,
  sha256,
  tusHeaders,
  tusUpload,
  uploadSmall,
  type Persistent,
  type RestartableApp,
} from './files-helpers';
import { openDatabase } from '../../src/db/database';
import { sweepFiles } from '../../src/files/expiry-sweep';
import { createStorage } from '../../src/files/storage';

const FIVE_GIB = 5 * 1024 ** 3; // 5,368,709,120

/** A fetch Response as the harness's ApiResponse, so expectError can check the JSON error body. */
async function asApi(label: string, res: Response): Promise<ApiResponse> {
  const text = await res.text();
  let body: unknown;
  try {
    body = text === '' ? undefined : JSON.parse(text);
  } catch {
    body = undefined;
  }
  return { request: label, status: res.status, body, text, headers: res.headers, setCookies: [] };
}

async function expectErrorResponse(
  label: string,
  res: Response,
  status: number,
  code: string,
): Promise<void> {
  const api = await asApi(label, res);
  expect(api.status, `${label} → ${api.status} ${api.text}`).toBe(status);
  const parsed = C.ErrorBody.safeParse(api.body);
  expect(parsed.success, `${label}: JSON error body, got ${api.text}`).toBe(true);
  if (parsed.success) expect(parsed.data.error.code, `${label}: ${api.text}`).toBe(code);
}

async function exists(file: string): Promise<boolean> {
  return stat(file).then(
    () => true,
    () => false,
  );
}

function storeDir(app: TestApp): string {
  return path.join(app.dataDir, 'files');
}

/** An actor for another app instance carrying the same cookies and CSRF token. */
function sameSessionOn(app: TestApp, actor: Actor): Actor {
  const copy = new Actor(app.url, `${actor.label} (after restart)`);
  for (const [name, value] of actor.jar) copy.jar.set(name, value);
  copy.csrfToken = actor.csrfToken;
  copy.user = actor.user;
  return copy;
}

describe.each(dialects)('deliverable uploads on %s', SUITE_TIMEOUT, (dialect) => {
  const app = useApp(dialect);

  test('tus-js-client in 1 MiB chunks: the listing shows the exact size and SHA-256, and the bytes download unchanged', async () => {
    const freelancer = await signUp(app());
    const { project, milestones } = await setupProject(freelancer);
    const milestoneId = milestones[0]?.id ?? '';
    const source = randomBytes(4 * MiB + 12_345);
    const patchOffsets: number[] = [];

    const url = await tusUpload(app(), freelancer, source, {
      milestoneId,
      filename: 'design-export.zip',
      filetype: 'application/zip',
      chunkSize: MiB,
      onPatch: (offset) => patchOffsets.push(offset),
    });
    expect(patchOffsets, 'one PATCH per 1 MiB chunk').toEqual([0, 1, 2, 3, 4].map((n) => n * MiB));
    expect(url).toMatch(new RegExp(`^${app().url}/api/uploads/[0-9a-f]{32}$`));
    const id = idOfUploadUrl(url);

    const listing = await listFiles(freelancer, project.id);
    expect(listing.files).toHaveLength(1);
    const file = listing.files[0];
    expect(file).toMatchObject({
      id,
      milestoneId,
      name: 'design-export.zip',
      type: 'application/zip',
      size: source.length,
      sha256: sha256(source),
      status: 'complete',
    });
    expect(file?.completedAt).not.toBeNull();

    const head = await headUpload(url, freelancer);
    expect(head).toEqual({ status: 200, offset: source.length });

    const got = await fetchBytes(app(), freelancer, `/api/files/${id}`);
    expect(got.status).toBe(200);
    expect(got.headers.get('content-length')).toBe(String(source.length));
    expect(got.bytes.length).toBe(source.length);
    expect(sha256(got.bytes)).toBe(sha256(source));
    expect(got.bytes.equals(source)).toBe(true);
  });

  test('resumes after the client aborts mid-way: HEAD gives the stored offset, the rest follows from there', async () => {
    const freelancer = await signUp(app());
    const { project, milestones } = await setupProject(freelancer);
    const milestoneId = milestones[0]?.id ?? '';
    const source = randomBytes(6 * MiB + 999);

    // Start, and abort once more than 2 MiB are through.
    let uploadUrl = '';
    await new Promise<void>((resolve, reject) => {
      let aborted = false;
      const upload = newTusUpload(
        app(),
        freelancer,
        source,
        {
          milestoneId,
          filename: 'footage.mov',
          chunkSize: MiB,
          onProgress: (sent, _total, self) => {
            if (aborted || sent < 2.5 * MiB) return;
            aborted = true;
            uploadUrl = self.url ?? '';
            self.abort().then(() => resolve(), reject);
          },
        },
        {
          resolve: () => reject(new Error('the upload finished before it could be aborted')),
          reject,
        },
      );
      upload.start();
    });
    expect(uploadUrl).toMatch(/\/api\/uploads\/[0-9a-f]{32}$/);

    // The aborted PATCH may still be settling on the server: wait for a stable offset.
    let offset = -1;
    for (let i = 0; i < 40; i++) {
      const head = await headUpload(uploadUrl, freelancer);
      expect(head.status).toBe(200);
      if (head.offset === offset) break;
      offset = head.offset;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(offset).toBeGreaterThan(0);
    expect(offset).toBeLessThan(source.length);
    const midway = await listFiles(freelancer, project.id);
    expect(midway.files).toMatchObject([
      { status: 'uploading', sha256: null, size: source.length },
    ]);

    // Resume on the same URL: the first PATCH must start at the stored offset, not at 0.
    const patchOffsets: number[] = [];
    const resumedUrl = await tusUpload(app(), freelancer, source, {
      milestoneId,
      filename: 'footage.mov',
      chunkSize: MiB,
      uploadUrl,
      onPatch: (o) => patchOffsets.push(o),
    });
    expect(resumedUrl).toBe(uploadUrl);
    expect(patchOffsets[0]).toBe(offset);
    expect(patchOffsets.every((o) => o >= offset)).toBe(true);

    const listing = await listFiles(freelancer, project.id);
    expect(listing.files).toHaveLength(1);
    expect(listing.files[0]).toMatchObject({
      id: idOfUploadUrl(uploadUrl),
      size: source.length,
      sha256: sha256(source),
      status: 'complete',
    });
    const got = await fetchBytes(app(), freelancer, `/api/files/${idOfUploadUrl(uploadUrl)}`);
    expect(got.status).toBe(200);
    expect(got.bytes.equals(source)).toBe(true);
  });

  test('a PATCH refused before its body is read (wrong Upload-Offset, 24 MiB body) → 409 at once, the connection closed, the stored bytes untouched', async () => {
    const freelancer = await signUp(app());
    const { project, milestones } = await setupProject(freelancer);
    const source = seededBytes(2 * MiB, 7);
    const upload = await createUpload(app(), freelancer, {
      milestoneId: milestones[0]?.id ?? '',
      length: source.length,
    });
    const first = await patchUpload(upload.url, freelancer, 0, source.subarray(0, MiB));
    expect(first.status).toBe(204);

    // 24 MiB claiming to start at 0 when the server holds 1 MiB: far more than socket buffers
    // hold, so the answer must come without the body being read (or read away).
    const refused = await new Promise<{ status: number; connection: string | undefined }>(
      (resolve, reject) => {
        const url = new URL(upload.url);
        const req = http.request(
          {
            host: url.hostname,
            port: url.port,
            method: 'PATCH',
            path: url.pathname,
            agent: false,
            headers: {
              ...tusHeaders(freelancer),
              'upload-offset': '0',
              'content-type': 'application/offset+octet-stream',
              'content-length': String(24 * MiB),
            },
          },
          (res) => {
            res.resume();
            resolve({ status: res.statusCode ?? 0, connection: res.headers.connection });
          },
        );
        // Writing on after the server has answered and closed may fail; the answer is what counts.
        req.on('error', (error) => setTimeout(() => reject(error), 1000));
        req.end(Buffer.alloc(24 * MiB, 1));
      },
    );
    expect(refused).toEqual({ status: 409, connection: 'close' });

    expect(await headUpload(upload.url, freelancer)).toEqual({ status: 200, offset: MiB });
    const rest = await patchUpload(upload.url, freelancer, MiB, source.subarray(MiB));
    expect(rest.status).toBe(204);
    const listing = await listFiles(freelancer, project.id);
    expect(listing.files[0]).toMatchObject({ status: 'complete', sha256: sha256(source) });
  });

  test('20 parallel creations into a milestone holding 4 files: exactly one 201, nineteen 409 FILE_LIMIT', async () => {
    const freelancer = await signUp(app());
    const { project, milestones } = await setupProject(freelancer);
    const milestoneId = milestones[0]?.id ?? '';
    for (let i = 0; i < 4; i++) {
      await uploadSmall(app(), freelancer, milestoneId, seededBytes(1000 + i, i), `part-${i}.txt`);
    }
    expect((await listFiles(freelancer, project.id)).files).toHaveLength(4);

    const responses = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        createUploadRaw(app(), freelancer, {
          milestoneId,
          length: 10 + i,
          filename: `race-${i}.bin`,
        }),
      ),
    );
    const created = responses.filter((r) => r.status === 201);
    const refused = responses.filter((r) => r.status !== 201);
    expect(created).toHaveLength(1);
    expect(refused).toHaveLength(19);
    for (const res of refused)
      await expectErrorResponse('parallel POST /api/uploads', res, 409, 'FILE_LIMIT');

    const listing = await listFiles(freelancer, project.id);
    expect(listing.files).toHaveLength(5);
    const location = created[0]?.headers.get('location') ?? '';
    const winner = listing.files.find((f) => `/api/uploads/${f.id}` === location);
    expect(winner, `the created upload ${location} is listed`).toMatchObject({
      status: 'uploading',
    });

    // A sixth file is refused however it is asked for.
    await expectErrorResponse(
      'sixth POST',
      await createUploadRaw(app(), freelancer, { milestoneId, length: 1 }),
      409,
      'FILE_LIMIT',
    );
  });

  test('Upload-Length above 5 GiB → 413 FILE_TOO_LARGE; exactly 5 GiB is accepted; malformed lengths → 400', async () => {
    const freelancer = await signUp(app());
    const { project, milestones } = await setupProject(freelancer);
    const milestoneId = milestones[0]?.id ?? '';

    await expectErrorResponse(
      'POST Upload-Length 5368709121',
      await createUploadRaw(app(), freelancer, { milestoneId, length: FIVE_GIB + 1 }),
      413,
      'FILE_TOO_LARGE',
    );
    await expectErrorResponse(
      'POST Upload-Length 2^53 - 1',
      await createUploadRaw(app(), freelancer, { milestoneId, length: Number.MAX_SAFE_INTEGER }),
      413,
      'FILE_TOO_LARGE',
    );
    // Beyond 2^53 the length is not a safe integer: refused as malformed (400) or too large (413).
    const absurd = await createUploadRaw(app(), freelancer, {
      milestoneId,
      length: '1'.padEnd(21, '0'),
    });
    expect([400, 413]).toContain(absurd.status);
    await absurd.arrayBuffer();
    for (const bad of ['-1', '1.5', 'abc', '']) {
      const res = await createUploadRaw(app(), freelancer, { milestoneId, length: bad });
      expect(res.status, `Upload-Length "${bad}"`).toBe(400);
      await res.arrayBuffer();
    }
    const deferred = await createUploadRaw(app(), freelancer, {
      milestoneId,
      length: 10,
      headers: { 'upload-defer-length': '1' },
    });
    await expectErrorResponse('POST Upload-Defer-Length', deferred, 400, 'VALIDATION_FAILED');
    expect((await listFiles(freelancer, project.id)).files).toEqual([]);

    const limit = await createUpload(app(), freelancer, {
      milestoneId,
      length: FIVE_GIB,
      filename: 'huge.iso',
    });
    expect((await listFiles(freelancer, project.id)).files).toMatchObject([
      { id: limit.id, size: FIVE_GIB, status: 'uploading' },
    ]);
    const removed = await fetch(limit.url, { method: 'DELETE', headers: tusHeaders(freelancer) });
    expect(removed.status).toBe(204);
    expect((await listFiles(freelancer, project.id)).files).toEqual([]);
  });

  test('a creation the tus layer refuses (no Tus-Resumable, bad metadata) reserves no file', async () => {
    const freelancer = await signUp(app());
    const { project, milestones } = await setupProject(freelancer);
    const milestoneId = milestones[0]?.id ?? '';
    const b64 = (v: string) => Buffer.from(v).toString('base64');
    const refusals: [string, Record<string, string>][] = [
      ['no Tus-Resumable header', { 'tus-resumable': '' }],
      ['an unsupported Tus-Resumable version', { 'tus-resumable': '0.2.2' }],
      [
        'Upload-Metadata that is not base64',
        { 'upload-metadata': `milestoneId ${b64(milestoneId)},filename !!!` },
      ],
      [
        'a repeated Upload-Metadata key',
        { 'upload-metadata': `milestoneId ${b64(milestoneId)},milestoneId ${b64(milestoneId)}` },
      ],
    ];
    for (const [what, headers] of refusals) {
      const clean = Object.fromEntries(Object.entries(headers).filter(([, v]) => v !== ''));
      const res = await fetch(`${app().url}/api/uploads`, {
        method: 'POST',
        headers: {
          ...Object.fromEntries(
            Object.entries(tusHeaders(freelancer)).filter(([k]) => !(k in headers)),
          ),
          'upload-length': '10',
          'upload-metadata': `milestoneId ${b64(milestoneId)},filename ${b64('x.bin')}`,
          ...clean,
        },
      });
      const text = await res.text();
      expect(res.status, `POST with ${what} → ${res.status} ${text}`).toBeGreaterThanOrEqual(400);
      expect(res.status, `POST with ${what}`).toBeLessThan(500);
      expect(res.headers.get('location'), `POST with ${what}`).toBeNull();
      const files = (await listFiles(freelancer, project.id)).files;
      expect(
        files,
        `after a POST with ${what} (${res.status} ${text.trim()}), no file is reserved`,
      ).toEqual([]);
    }
    // Nothing reserved, so nothing holds up delivery.
    const delivered = await freelancer.post(
      `/api/projects/${project.id}/milestones/${milestoneId}/deliver`,
    );
    expect(delivered.status, delivered.text).toBe(200);
  });

  test('uploads close with the milestone: locked → 409 UPLOAD_CLOSED; deliver waits for unfinished uploads; after delivery nothing changes', async () => {
    const freelancer = await signUp(app());
    const { project, milestones } = await setupProject(freelancer);
    const [first, second] = milestones;
    const firstId = first?.id ?? '';

    // The second milestone is locked.
    await expectErrorResponse(
      'POST into a locked milestone',
      await createUploadRaw(app(), freelancer, { milestoneId: second?.id ?? '', length: 10 }),
      409,
      'UPLOAD_CLOSED',
    );

    // One finished file, one unfinished.
    const done = seededBytes(50_000, 7);
    const doneId = await uploadSmall(app(), freelancer, firstId, done, 'final.pdf');
    const unfinished = await createUpload(app(), freelancer, {
      milestoneId: firstId,
      length: 2 * MiB,
    });
    const half = await patchUpload(unfinished.url, freelancer, 0, seededBytes(MiB, 8));
    expect(half.status).toBe(204);
    expect(half.headers.get('upload-offset')).toBe(String(MiB));
    expect(await exists(path.join(storeDir(app()), unfinished.id))).toBe(true);

    const refused = await freelancer.post(
      `/api/projects/${project.id}/milestones/${firstId}/deliver`,
    );
    expect(refused.status, refused.text).toBe(409);
    expect(refused.body).toMatchObject({ error: { code: 'UPLOADS_IN_PROGRESS' } });
    expect((await freelancer.get(`/api/projects/${project.id}`)).body).toMatchObject({
      milestones: [{ id: firstId, status: 'open' }, {}, {}],
    });

    // Removing the unfinished upload removes its row and its bytes; then delivery goes through.
    const removed = await fetch(unfinished.url, {
      method: 'DELETE',
      headers: tusHeaders(freelancer),
    });
    expect(removed.status).toBe(204);
    expect(await headUpload(unfinished.url, freelancer)).toMatchObject({ status: 404 });
    expect(await exists(path.join(storeDir(app()), unfinished.id))).toBe(false);
    expect(await exists(path.join(storeDir(app()), `${unfinished.id}.json`))).toBe(false);
    expect((await listFiles(freelancer, project.id)).files.map((f) => f.id)).toEqual([doneId]);

    const delivered = await deliver(freelancer, project.id, firstId);
    expect(delivered.status).toBe('delivered');

    // Delivered: no new upload, no more bytes, no removal.
    await expectErrorResponse(
      'POST after delivery',
      await createUploadRaw(app(), freelancer, { milestoneId: firstId, length: 10 }),
      409,
      'UPLOAD_CLOSED',
    );
    const doneUrl = `${app().url}/api/uploads/${doneId}`;
    await expectErrorResponse(
      'PATCH after delivery',
      await patchUpload(doneUrl, freelancer, done.length, Buffer.from('tail')),
      409,
      'UPLOAD_CLOSED',
    );
    await expectErrorResponse(
      'DELETE after delivery',
      await fetch(doneUrl, { method: 'DELETE', headers: tusHeaders(freelancer) }),
      409,
      'UPLOAD_CLOSED',
    );
    const listing = await listFiles(freelancer, project.id);
    expect(listing.files).toMatchObject([{ id: doneId, size: done.length, sha256: sha256(done) }]);
    const got = await fetchBytes(app(), freelancer, `/api/files/${doneId}`);
    expect(got.bytes.equals(done)).toBe(true);
  });

  test('malformed, traversing and foreign upload ids → 400/404 on HEAD, PATCH, DELETE and GET, and nothing outside the store is touched', async () => {
    const owner = await signUp(app());
    const other = await signUp(app());
    const { project, milestones } = await setupProject(owner);
    const mine = await createUpload(app(), owner, {
      milestoneId: milestones[0]?.id ?? '',
      length: 4096,
    });
    expect((await patchUpload(mine.url, owner, 0, seededBytes(1024, 1))).status).toBe(204);
    const theirs = await setupProject(other);
    const foreign = await createUpload(app(), other, {
      milestoneId: theirs.milestones[0]?.id ?? '',
      length: 4096,
    });
    expect((await patchUpload(foreign.url, other, 0, seededBytes(2048, 2))).status).toBe(204);

    // Canaries next to the store, where "../<name>" from inside it would land.
    const dataDir = app().dataDir;
    const canaries = ['canary', 'canary.json'].map((name) => path.join(dataDir, name));
    for (const file of canaries) await writeFile(file, `do not touch ${file}`);
    const storeBefore = (await readdir(storeDir(app()))).sort();
    const passwdBefore = await readFile('/etc/passwd');

    const corpus = [
      '..',
      '.',
      '%2e%2e',
      '%2E%2E',
      '.%2e',
      'abc%2Fdef',
      '%2F..%2F..%2Fetc%2Fpasswd',
      '..%252F..%252Fetc%252Fpasswd',
      '..%2F..%2F..%2Fetc%2Fpasswd',
      '..%2Fcanary',
      '%2e%2e%2fcanary',
      '..%5Ccanary',
      '..%2Fmilepost.sqlite',
      'a%00b',
      '%00',
      `${mine.id}%00`,
      `${mine.id}.json`,
      `${mine.id}%2F..%2F${foreign.id}`,
      'a'.repeat(33),
      'a'.repeat(31),
      mine.id.toUpperCase().replace(/^[0-9]/, 'A'),
      `${mine.id.slice(0, 31)}g`,
      '%20' + mine.id.slice(3),
    ];
    const methods = ['HEAD', 'PATCH', 'DELETE', 'GET'] as const;
    for (const id of corpus) {
      for (const method of methods) {
        const headers: Record<string, string> = tusHeaders(owner);
        if (method === 'PATCH') {
          headers['upload-offset'] = '0';
          headers['content-type'] = 'application/offset+octet-stream';
        }
        const res = await rawRequest(
          app(),
          method,
          `/api/uploads/${id}`,
          headers,
          method === 'PATCH' ? Buffer.from('overwrite') : undefined,
        );
        const label = `${method} /api/uploads/${id} → ${res.status} ${res.body.toString('utf8').slice(0, 200)}`;
        // The contract: not 32 lowercase hex → 400 VALIDATION_FAILED; GET is never served → 404.
        expect(res.status, label).toBe(method === 'GET' ? 404 : 400);
        if (method !== 'HEAD') {
          const body = C.ErrorBody.safeParse(JSON.parse(res.body.toString('utf8') || 'null'));
          expect(body.success, label).toBe(true);
          if (body.success)
            expect(body.data.error.code, label).toBe(
              method === 'GET' ? 'NOT_FOUND' : 'VALIDATION_FAILED',
            );
        }
      }
    }

    // The other freelancer's valid id: 404 on every method, and their upload is unharmed.
    for (const method of methods) {
      const headers: Record<string, string> = tusHeaders(owner);
      if (method === 'PATCH') {
        headers['upload-offset'] = '2048';
        headers['content-type'] = 'application/offset+octet-stream';
      }
      const res = await rawRequest(
        app(),
        method,
        `/api/uploads/${foreign.id}`,
        headers,
        method === 'PATCH' ? Buffer.from('overwrite') : undefined,
      );
      expect(res.status, `${method} another freelancer's upload`).toBe(404);
    }
    expect(await headUpload(foreign.url, other)).toEqual({ status: 200, offset: 2048 });
    expect(await headUpload(mine.url, owner)).toEqual({ status: 200, offset: 1024 });

    for (const file of canaries) expect(await readFile(file, 'utf8')).toBe(`do not touch ${file}`);
    expect((await readdir(storeDir(app()))).sort()).toEqual(storeBefore);
    expect((await readFile('/etc/passwd')).equals(passwdBefore)).toBe(true);
    if (dialect === 'sqlite')
      expect(await exists(path.join(dataDir, 'milepost.sqlite'))).toBe(true);
    expect((await listFiles(owner, project.id)).files).toMatchObject([
      { id: mine.id, status: 'uploading' },
    ]);
  });

  test('another freelancer → 404, anonymous → 401, the client → 401, no CSRF token → 403; nothing is created or changed', async () => {
    const owner = await signUp(app());
    const other = await signUp(app());
    const { project, milestones } = await setupProject(owner);
    const milestoneId = milestones[0]?.id ?? '';
    const upload = await createUpload(app(), owner, { milestoneId, length: 4096 });
    expect((await patchUpload(upload.url, owner, 0, seededBytes(1000, 3))).status).toBe(204);
    const access = await share(owner, project.id);
    const client = await openPortal(app(), { code: access.code });
    const anonymous = new Actor(app().url, 'anonymous');

    const callers: [string, Actor, number, string][] = [
      ['another freelancer', other, 404, 'NOT_FOUND'],
      ['anonymous', anonymous, 401, 'UNAUTHENTICATED'],
      ['the client', client, 401, 'UNAUTHENTICATED'],
    ];
    for (const [who, actor, status, code] of callers) {
      await expectErrorResponse(
        `POST by ${who}`,
        await createUploadRaw(app(), actor, { milestoneId, length: 10 }),
        status,
        code,
      );
      await expectErrorResponse(
        `PATCH by ${who}`,
        await patchUpload(upload.url, actor, 1000, Buffer.from('intruder')),
        status,
        code,
      );
      await expectErrorResponse(
        `DELETE by ${who}`,
        await fetch(upload.url, { method: 'DELETE', headers: tusHeaders(actor) }),
        status,
        code,
      );
      const head = await headUpload(upload.url, actor);
      expect(head.status, `HEAD by ${who}`).toBe(status);
      expect(head.offset, `HEAD by ${who} reveals no offset`).toBeNaN();
      const get = await fetch(upload.url, { headers: tusHeaders(actor) });
      expect([401, 404], `GET by ${who}`).toContain(get.status);
      expect(
        Buffer.from(await get.arrayBuffer()).includes(seededBytes(1000, 3).subarray(0, 32)),
      ).toBe(false);
    }

    const noCsrf = await createUploadRaw(app(), owner, {
      milestoneId,
      length: 10,
      headers: { 'x-csrf-token': '' },
    });
    await expectErrorResponse('POST without CSRF token', noCsrf, 403, 'CSRF_TOKEN_INVALID');
    const patchNoCsrf = await fetch(upload.url, {
      method: 'PATCH',
      headers: {
        ...tusHeaders(owner, false),
        'upload-offset': '1000',
        'content-type': 'application/offset+octet-stream',
      },
      body: Buffer.from('forged'),
    });
    await expectErrorResponse('PATCH without CSRF token', patchNoCsrf, 403, 'CSRF_TOKEN_INVALID');
    const deleteNoCsrf = await fetch(upload.url, {
      method: 'DELETE',
      headers: tusHeaders(owner, false),
    });
    await expectErrorResponse('DELETE without CSRF token', deleteNoCsrf, 403, 'CSRF_TOKEN_INVALID');

    // The owner's upload is as it was, and no refused POST reserved anything.
    expect(await headUpload(upload.url, owner)).toEqual({ status: 200, offset: 1000 });
    expect((await listFiles(owner, project.id)).files).toMatchObject([{ id: upload.id }]);
    expect((await listFiles(owner, project.id)).files).toHaveLength(1);
    expect((await other.get(`/api/projects/${project.id}/files`)).status).toBe(404);
  });

  describe('with MAX_FILE_BYTES lowered to 1 MiB', () => {
    const small = useApp(dialect, { MAX_FILE_BYTES: String(MiB) });

    test('1 MiB + 1 → 413 FILE_TOO_LARGE; exactly 1 MiB uploads', async () => {
      const freelancer = await signUp(small());
      const { project, milestones } = await setupProject(freelancer);
      const milestoneId = milestones[0]?.id ?? '';
      await expectErrorResponse(
        'POST 1 MiB + 1',
        await createUploadRaw(small(), freelancer, { milestoneId, length: MiB + 1 }),
        413,
        'FILE_TOO_LARGE',
      );
      expect((await listFiles(freelancer, project.id)).files).toEqual([]);
      const exact = seededBytes(MiB, 11);
      const id = await uploadSmall(small(), freelancer, milestoneId, exact, 'exact.bin');
      expect((await listFiles(freelancer, project.id)).files).toMatchObject([
        { id, size: MiB, sha256: sha256(exact), status: 'complete' },
      ]);
    });
  });

  describe('across a server restart', () => {
    let persistent: Persistent | undefined;
    beforeAll(async () => {
      persistent = await persistentStorage(dialect);
    }, HOOK_TIMEOUT);
    afterAll(async () => {
      await persistent?.dispose();
    }, HOOK_TIMEOUT);

    test('1 MiB sent before the restart, HEAD after it gives 1 MiB, the rest completes to the source SHA-256', async () => {
      if (persistent === undefined) throw new Error('storage was not provisioned');
      const source = randomBytes(3 * MiB + 777);
      const first: RestartableApp = await persistent.start();
      const freelancer = await signUp(first);
      const { project, milestones } = await setupProject(freelancer);
      const upload = await createUpload(first, freelancer, {
        milestoneId: milestones[0]?.id ?? '',
        length: source.length,
        filename: 'before-restart.bin',
      });
      const part = await patchUpload(upload.url, freelancer, 0, source.subarray(0, MiB));
      expect(part.status).toBe(204);
      expect(part.headers.get('upload-offset')).toBe(String(MiB));
      await first.stop();

      const second = await persistent.start();
      const again = sameSessionOn(second, freelancer);
      const url = `${second.url}/api/uploads/${upload.id}`;
      expect(await headUpload(url, again)).toEqual({ status: 200, offset: MiB });

      // A PATCH at the wrong offset is refused and changes nothing.
      const wrong = await patchUpload(url, again, 0, source.subarray(0, 100));
      expect(wrong.status).toBe(409);
      expect(await headUpload(url, again)).toEqual({ status: 200, offset: MiB });

      const rest = await patchUpload(url, again, MiB, source.subarray(MiB));
      expect(rest.status).toBe(204);
      expect(rest.headers.get('upload-offset')).toBe(String(source.length));

      const listing = await listFiles(again, project.id);
      expect(listing.files).toMatchObject([
        { id: upload.id, size: source.length, sha256: sha256(source), status: 'complete' },
      ]);
      const got = await fetchBytes(second, again, `/api/files/${upload.id}`);
      expect(got.status).toBe(200);
      expect(got.bytes.equals(source)).toBe(true);
      await second.stop();
    });
  });

  describe('expired uploads (UPLOAD_EXPIRY_HOURS=24)', () => {
    let persistent: Persistent | undefined;
    beforeAll(async () => {
      persistent = await persistentStorage(dialect, { UPLOAD_EXPIRY_HOURS: '24' });
    }, HOOK_TIMEOUT);
    afterAll(async () => {
      await persistent?.dispose();
    }, HOOK_TIMEOUT);

    test('the file sweep removes an unfinished upload past 24 h — row and bytes — and keeps finished files', async () => {
      if (persistent === undefined) throw new Error('storage was not provisioned');
      const running = await persistent.start();
      const freelancer = await signUp(running);
      const { project, milestones } = await setupProject(freelancer);
      const milestoneId = milestones[0]?.id ?? '';
      const kept = seededBytes(20_000, 21);
      const keptId = await uploadSmall(running, freelancer, milestoneId, kept, 'kept.bin');
      const stale = await createUpload(running, freelancer, { milestoneId, length: 3 * MiB });
      expect((await patchUpload(stale.url, freelancer, 0, seededBytes(MiB, 22))).status).toBe(204);

      const store = storeDir(running);
      expect(await exists(path.join(store, stale.id))).toBe(true);
      expect(await exists(path.join(store, keptId))).toBe(true);

      const config = running.config;
      const database = await openDatabase(config);
      const storage = await createStorage(config);
      try {
        const hour = 3600 * 1000;
        const early = await sweepFiles({
          db: database.db,
          storage,
          expiryHours: config.uploadExpiryHours,
          now: new Date(Date.now() + 23 * hour),
        });
        expect(early.expired).toBe(0);
        expect((await listFiles(freelancer, project.id)).files).toHaveLength(2);
        expect(await exists(path.join(store, stale.id))).toBe(true);

        const swept = await sweepFiles({
          db: database.db,
          storage,
          expiryHours: config.uploadExpiryHours,
          now: new Date(Date.now() + 25 * hour),
        });
        expect(swept.expired).toBe(1);
      } finally {
        await storage.close();
        await database.close();
      }

      const listing = await listFiles(freelancer, project.id);
      expect(listing.files).toMatchObject([
        { id: keptId, status: 'complete', sha256: sha256(kept) },
      ]);
      expect(listing.files).toHaveLength(1);
      expect(await exists(path.join(store, stale.id))).toBe(false);
      expect(await exists(path.join(store, `${stale.id}.json`))).toBe(false);
      expect(await headUpload(stale.url, freelancer)).toMatchObject({ status: 404 });
      const late = await patchUpload(stale.url, freelancer, MiB, seededBytes(MiB, 23));
      expect(late.status).toBe(404);
      await late.arrayBuffer();
      const got = await fetchBytes(running, freelancer, `/api/files/${keptId}`);
      expect(got.bytes.equals(kept)).toBe(true);
      expectNoContent(await freelancer.post('/api/auth/logout'));
      await running.stop();
    });
  });
});
