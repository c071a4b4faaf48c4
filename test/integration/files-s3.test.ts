/**
 * Deliverables on S3-compatible object storage (STORAGE=s3) against a real S3 server: Ceph's
 * RADOS Gateway (radosgw, Debian's package), started once for the run by the `s3` project's
 * globalSetup; this file's suites each use a bucket of their own.
 *
 * Every S3 call here is real, answered by radosgw with SigV4 checked: CreateMultipartUpload,
 * UploadPart, ListParts (on every tus HEAD and PATCH, and after a restart when the upload is
 * resumed), CompleteMultipartUpload, AbortMultipartUpload, ListMultipartUploads, PutObject,
 * HeadObject, GetObject with Range, DeleteObject, and presigned GETs fetched straight from the
 * store. What reached the store is read back from radosgw's own access log (s3-helpers.ts).
 *
 * Covered: a tus upload that @tus/s3-store turns into a multipart upload of several parts, its
 * SHA-256, whole and ranged downloads (206, 416); the pay gate on presigned URLs and radosgw
 * refusing a tampered one; an upload interrupted mid-PATCH and resumed through HEAD after a
 * restart; removal of an unfinished upload (its multipart upload really aborted); the hourly
 * sweep over simulated days on the app's clock (paid files kept, an abandoned upload aborted and
 * deleted); and removal of finished files through the file_removals queue when the store was
 * unreachable at first.
 */
import { announcerOnly } from '../../src/events/stream-bus';
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import { GetObjectCommand, HeadObjectCommand, ListPartsCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { removeMilestone } from '../../src/actions/remove-milestone';
import { openDatabase } from '../../src/db/database';
import { sweepFiles } from '../../src/files/expiry-sweep';
import { createStorage } from '../../src/files/storage';
import {
  Actor,
  HOOK_TIMEOUT,
  SUITE_TIMEOUT,
  deliver,
  dialects,
  openPortal,
  recordPayment,
  setupProject,
  share,
  signUp,
} from './harness';
import {
  MiB,
  PresignedUrl,
  createUpload,
  eventually,
  fetchBytes,
  headUpload,
  idOfUploadUrl,
  listFiles,
  patchUpload,
  persistentStorage,
  portalFiles,
  seededBytes,
  sha256,
  tusHeaders,
  tusUpload,
  uploadSmall,
  type Persistent,
  type RestartableApp,
} from './files-helpers';
import { startS3, type S3Fixture, type S3Request } from './s3-helpers';

const UNICODE_NAME = 'Łukasz Żółć report.pdf';
const HOUR = 3600 * 1000;
const DAY = 24 * HOUR;

/** The same signed-in person, speaking to the app at its new address after a restart. */
function reconnect(actor: Actor, app: RestartableApp): Actor {
  const moved = new Actor(app.url, actor.label);
  for (const [name, value] of actor.jar) moved.jar.set(name, value);
  moved.csrfToken = actor.csrfToken;
  moved.user = actor.user;
  moved.email = actor.email;
  return moved;
}

const ofKey = (requests: S3Request[], key: string): S3Request[] =>
  requests.filter((r) => r.key === key);
const operations = (requests: S3Request[]): string[] => requests.map((r) => r.operation);

/**
 * Sends the PATCH headers and `sent` bytes of a body announced as `announced` bytes long, then
 * drops the connection: a client that lost its network mid-upload.
 */
function interruptedPatch(
  url: string,
  actor: Actor,
  offset: number,
  sent: Buffer,
  announced: number,
): Promise<void> {
  const target = new URL(url);
  return new Promise((resolve) => {
    const req = http.request({
      host: target.hostname,
      port: target.port,
      path: target.pathname,
      method: 'PATCH',
      agent: false,
      headers: {
        ...tusHeaders(actor),
        'upload-offset': String(offset),
        'content-type': 'application/offset+octet-stream',
        'content-length': String(announced),
      },
    });
    req.on('error', () => resolve());
    req.on('response', (res) => {
      res.resume();
      resolve();
    });
    req.write(sent, () => {
      // Let the bytes reach the server before the connection goes.
      setTimeout(() => {
        req.destroy();
        resolve();
      }, 500);
    });
  });
}

// Several MiB go through radosgw per test; on a loaded 2-core machine that can take a while.
const S3_SUITE_TIMEOUT = { timeout: 2 * SUITE_TIMEOUT.timeout };

describe.each(dialects)(
  'deliverables on S3 (Ceph radosgw) with %s',
  S3_SUITE_TIMEOUT,
  (dialect) => {
    let s3: S3Fixture | undefined;
    let persistent: Persistent | undefined;
    let running: RestartableApp | undefined;
    beforeAll(async () => {
      s3 = await startS3(`files-s3-${dialect}`);
      persistent = await persistentStorage(dialect, { UPLOAD_EXPIRY_HOURS: '24', ...s3.env });
      running = await persistent.start();
    }, HOOK_TIMEOUT);
    afterAll(async () => {
      try {
        await persistent?.dispose();
      } finally {
        await s3?.close();
      }
    }, HOOK_TIMEOUT);
    const app = (): RestartableApp => {
      if (running === undefined) throw new Error(`the ${dialect} app on S3 did not start`);
      return running;
    };
    const store = (): S3Fixture => {
      if (s3 === undefined) throw new Error('no bucket on radosgw');
      return s3;
    };
    const etagOf = async (key: string): Promise<string> =>
      (await store().client.send(new HeadObjectCommand({ Bucket: store().bucket, Key: key })))
        .ETag ?? '';

    test('12 MiB in one PATCH: a multipart upload of several parts, the right SHA-256, and exact whole and ranged downloads (206, 416)', async () => {
      const freelancer = await signUp(app());
      const { project, milestones } = await setupProject(freelancer);
      const source = randomBytes(12 * MiB + 4567);
      const mark = await store().mark();
      const patches: number[] = [];

      const url = await tusUpload(app(), freelancer, source, {
        milestoneId: milestones[0]?.id ?? '',
        filename: 'master.mov',
        onPatch: (offset) => patches.push(offset),
      });
      expect(patches, 'one PATCH carried the whole file').toEqual([0]);
      const id = idOfUploadUrl(url);

      // What radosgw answered: one multipart upload, two 8 MiB-or-less parts, completed.
      const seen = ofKey(await store().requestsSince(mark), id);
      const only = (op: string) => seen.filter((r) => r.operation === op);
      expect(only('CreateMultipartUpload').map((r) => r.status)).toEqual([200]);
      const parts = only('UploadPart');
      expect(parts.map((r) => r.status)).toEqual([200, 200]);
      const partNumbers = parts
        .map((r) => Number(new URL(r.target, 'http://s3').searchParams.get('partNumber')))
        .sort();
      expect(partNumbers).toEqual([1, 2]);
      expect(only('CompleteMultipartUpload').map((r) => r.status)).toEqual([200]);
      expect(
        seen.filter((r) => r.status >= 500),
        'no request failed in the store',
      ).toEqual([]);
      expect(await store().keys(id)).toEqual([id, `${id}.info`]);
      expect(await store().openUploads(id), 'no multipart upload left open').toEqual([]);
      // S3's ETag of a multipart object is "<md5 of the part md5s>-<number of parts>".
      expect(await etagOf(id)).toMatch(/^"[0-9a-f]{32}-2"$/);

      const listing = await listFiles(freelancer, project.id);
      expect(listing.files).toMatchObject([
        { id, name: 'master.mov', size: source.length, sha256: sha256(source), status: 'complete' },
      ]);
      expect(await headUpload(url, freelancer)).toEqual({ status: 200, offset: source.length });

      const whole = await fetchBytes(app(), freelancer, `/api/files/${id}`);
      expect(whole.status).toBe(200);
      expect(whole.bytes.length).toBe(source.length);
      expect(sha256(whole.bytes), 'the bytes read back from the bucket').toBe(sha256(source));

      const start = 8 * MiB - 10; // across the boundary between the first and second part
      const end = 9 * MiB + 20;
      const rangeMark = await store().mark();
      const slice = await fetchBytes(app(), freelancer, `/api/files/${id}`, {
        headers: { range: `bytes=${start}-${end}` },
      });
      expect(slice.status).toBe(206);
      expect(slice.headers.get('content-range')).toBe(`bytes ${start}-${end}/${source.length}`);
      expect(slice.bytes.equals(source.subarray(start, end + 1))).toBe(true);
      expect(
        ofKey(await store().requestsSince(rangeMark), id).map((r) => [r.operation, r.status]),
        'the range was read from the store as a ranged GET',
      ).toEqual([['GetObject', 206]]);
      const tail = await fetchBytes(app(), freelancer, `/api/files/${id}`, {
        headers: { range: 'bytes=-777' },
      });
      expect(tail.status).toBe(206);
      expect(tail.bytes.equals(source.subarray(source.length - 777))).toBe(true);
      const beyond = await fetchBytes(app(), freelancer, `/api/files/${id}`, {
        headers: { range: `bytes=${source.length}-` },
      });
      expect(beyond.status).toBe(416);
      expect(beyond.headers.get('content-range')).toBe(`bytes */${source.length}`);
    });

    test('no signed URL and no bytes for the client before payment; after it, a presigned URL serves the exact bytes from radosgw, which refuses it tampered', async () => {
      const freelancer = await signUp(app());
      const { project, milestones } = await setupProject(freelancer, { amounts: [90_00, 10_00] });
      const milestone = milestones[0];
      if (milestone === undefined) throw new Error('no milestone');
      const source = seededBytes(6 * MiB + 321, 31);
      const url = await tusUpload(app(), freelancer, source, {
        milestoneId: milestone.id,
        filename: UNICODE_NAME,
      });
      const id = idOfUploadUrl(url);
      await deliver(freelancer, project.id, milestone.id);
      const access = await share(freelancer, project.id);
      const client = await openPortal(app(), { code: access.code });

      expect(await portalFiles(client)).toMatchObject([
        {
          id,
          name: UNICODE_NAME,
          size: source.length,
          sha256: sha256(source),
          downloadable: false,
        },
      ]);
      const mark = await store().mark();
      const refused = await client.get(`/api/files/${id}/url`);
      expect(refused.status, refused.text).toBe(402);
      expect(refused.body).toMatchObject({ error: { code: 'PAYMENT_REQUIRED' } });
      expect(refused.text).not.toContain('X-Amz-Signature');
      const bytes = await fetchBytes(app(), client, `/api/files/${id}`);
      expect(bytes.status).toBe(402);
      expect(bytes.bytes.includes(source.subarray(0, 16))).toBe(false);
      const ranged = await fetchBytes(app(), client, `/api/files/${id}`, {
        headers: { range: 'bytes=0-1023' },
      });
      expect(ranged.status).toBe(402);
      expect(
        ofKey(await store().requestsSince(mark), id),
        'nothing was read from the store for the client',
      ).toEqual([]);

      await recordPayment(freelancer, project.id, milestone);
      expect(await portalFiles(client)).toMatchObject([{ id, downloadable: true }]);

      const before = Date.now();
      const signed = await client.get(`/api/files/${id}/url`);
      expect(signed.status, signed.text).toBe(200);
      const { url: presigned, expiresAt } = PresignedUrl.parse(signed.body);
      const expires = Date.parse(expiresAt);
      expect(expires).toBeGreaterThanOrEqual(before + 15 * 60_000 - 5_000);
      expect(expires).toBeLessThanOrEqual(Date.now() + 15 * 60_000 + 5_000);
      const parsed = new URL(presigned);
      expect(parsed.origin).toBe(store().endpoint);
      expect(parsed.pathname).toBe(`/${store().bucket}/${id}`);
      expect(parsed.searchParams.get('X-Amz-Expires')).toBe('900');
      expect(parsed.searchParams.get('X-Amz-Signature')).toMatch(/^[0-9a-f]{64}$/);

      // Straight from radosgw: no cookies, no app in between; radosgw checks the signature.
      const direct = await fetch(presigned);
      const got = Buffer.from(await direct.arrayBuffer());
      expect(direct.status).toBe(200);
      expect(got.length).toBe(source.length);
      expect(sha256(got)).toBe(sha256(source));
      const disposition = direct.headers.get('content-disposition') ?? '';
      expect(disposition).toMatch(/^attachment/);
      expect(decodeURIComponent(/filename\*=UTF-8''([^;\s]+)/i.exec(disposition)?.[1] ?? '')).toBe(
        UNICODE_NAME,
      );
      const tampered = new URL(presigned);
      tampered.searchParams.set('X-Amz-Expires', '604800');
      const forged = await fetch(tampered);
      expect(forged.status, 'a longer life than signed is refused').toBe(403);
      expect(await forged.text()).toContain('SignatureDoesNotMatch');
      const otherKey = new URL(presigned);
      otherKey.pathname = `/${store().bucket}/${id}.info`;
      expect((await fetch(otherKey)).status, 'the signature covers one object only').toBe(403);

      // The app's own route serves the same bytes, and the freelancer sees both in the log.
      const streamed = await fetchBytes(app(), client, `/api/files/${id}`);
      expect(streamed.status).toBe(200);
      expect(streamed.bytes.equals(source)).toBe(true);
      const log = await eventually('both client downloads in the log', async () => {
        const list = (await listFiles(freelancer, project.id)).downloads.filter(
          (d) => d.fileId === id && d.actorType === 'client',
        );
        return list.some((d) => d.via === 'presigned') && list.some((d) => d.via === 'stream')
          ? list
          : undefined;
      });
      expect(log.filter((d) => d.via === 'presigned')).toMatchObject([
        { requests: 1, bytes: 0, completions: 0, fileName: UNICODE_NAME },
      ]);
      expect(log.filter((d) => d.via === 'stream')).toMatchObject([
        { requests: 1, bytes: source.length, completions: 1 },
      ]);
    });

    test('an upload cut off mid-PATCH resumes after a restart from the offset HEAD reports (ListParts answered by radosgw) and ends with the right SHA-256', async () => {
      const freelancer = await signUp(app());
      const { project, milestones } = await setupProject(freelancer);
      const milestoneId = milestones[0]?.id ?? '';
      const source = seededBytes(21 * MiB + 12_345, 77);
      const upload = await createUpload(app(), freelancer, {
        milestoneId,
        length: source.length,
        filename: 'resumed.bin',
      });
      const { id } = upload;

      // Two whole PATCHes: an 8 MiB part plus a 1 MiB tail kept as "<id>.part", then part 2.
      expect(
        (await patchUpload(upload.url, freelancer, 0, source.subarray(0, 9 * MiB))).status,
      ).toBe(204);
      expect(await store().keys(id)).toEqual([id + '.info', id + '.part']);
      const second = await patchUpload(
        upload.url,
        freelancer,
        9 * MiB,
        source.subarray(9 * MiB, 14 * MiB),
      );
      expect(second.status).toBe(204);
      expect(second.headers.get('upload-offset')).toBe(String(14 * MiB));
      // A third PATCH loses its connection after 3 of its 7 MiB.
      await interruptedPatch(
        upload.url,
        freelancer,
        14 * MiB,
        source.subarray(14 * MiB, 17 * MiB),
        7 * MiB,
      );
      const uploadId = (await store().openUploads(id)).map((u) => u.uploadId);
      expect(uploadId, 'the multipart upload is still open').toHaveLength(1);
      const stored = await store().client.send(
        new ListPartsCommand({ Bucket: store().bucket, Key: id, UploadId: uploadId[0] }),
      );
      expect(stored.Parts?.map((p) => p.PartNumber)).toEqual([1, 2]);
      expect(stored.Parts?.map((p) => p.Size)).toEqual([8 * MiB, 6 * MiB]);

      // The app restarts: @tus/s3-store keeps no state in memory from before.
      await app().stop();
      running = await (persistent as Persistent).start();
      const after = reconnect(freelancer, app());
      const url = `${app().url}/api/uploads/${id}`;
      const mark = await store().mark();
      const head = await headUpload(url, after);
      expect(head.status).toBe(200);
      expect(
        head.offset,
        'every byte of the lost PATCH that arrived counts, or none',
      ).toBeGreaterThanOrEqual(14 * MiB);
      expect(head.offset).toBeLessThanOrEqual(17 * MiB);
      const headRequests = ofKey(await store().requestsSince(mark), id);
      expect(operations(headRequests), 'HEAD asked radosgw for the parts').toContain('ListParts');
      expect(
        headRequests.filter((r) => r.operation === 'ListParts').every((r) => r.status === 200),
      ).toBe(true);

      // tus-js-client resumes from the offset HEAD reports, in 2 MiB PATCHes (each below S3's
      // minimum part size, so they gather in "<id>.part" until a part is due).
      const patches: number[] = [];
      const done = await tusUpload(app(), after, source, {
        milestoneId,
        filename: 'resumed.bin',
        uploadUrl: url,
        chunkSize: 2 * MiB,
        onPatch: (offset) => patches.push(offset),
      });
      expect(done).toBe(url);
      expect(patches[0], 'the client resumed where HEAD said').toBe(head.offset);
      expect(patches.length, `PATCHes from ${head.offset}`).toBeGreaterThan(1);

      expect(await store().openUploads(id), 'the multipart upload was completed').toEqual([]);
      expect(await store().keys(id)).toEqual([id, `${id}.info`]);
      const listing = await listFiles(after, project.id);
      expect(listing.files).toMatchObject([
        { id, size: source.length, sha256: sha256(source), status: 'complete' },
      ]);
      const whole = await fetchBytes(app(), after, `/api/files/${id}`);
      expect(whole.status).toBe(200);
      expect(sha256(whole.bytes), 'the bytes read back from the bucket').toBe(sha256(source));
    });

    test('removing an unfinished upload aborts its multipart upload on radosgw and deletes every object it left', async () => {
      const freelancer = await signUp(app());
      const { project, milestones } = await setupProject(freelancer);
      const upload = await createUpload(app(), freelancer, {
        milestoneId: milestones[0]?.id ?? '',
        length: 20 * MiB,
      });
      // 6 MiB goes to radosgw as part 1; 1 MiB more is below S3's 5 MiB minimum part size, so
      // @tus/s3-store keeps it as an "<id>.part" object.
      expect((await patchUpload(upload.url, freelancer, 0, seededBytes(6 * MiB, 41))).status).toBe(
        204,
      );
      const tail = await patchUpload(upload.url, freelancer, 6 * MiB, seededBytes(MiB, 42));
      expect(tail.status).toBe(204);
      expect(tail.headers.get('upload-offset')).toBe(String(7 * MiB));
      expect(await headUpload(upload.url, freelancer)).toEqual({ status: 200, offset: 7 * MiB });
      const open = await store().openUploads(upload.id);
      expect(open.map((u) => u.key)).toEqual([upload.id]);
      expect(await store().keys(upload.id)).toEqual([`${upload.id}.info`, `${upload.id}.part`]);

      const mark = await store().mark();
      const removed = await fetch(upload.url, {
        method: 'DELETE',
        headers: tusHeaders(freelancer),
      });
      expect(removed.status).toBe(204);
      const aborts = ofKey(await store().requestsSince(mark), upload.id).filter(
        (r) => r.operation === 'AbortMultipartUpload',
      );
      expect(aborts.map((r) => r.status)).toEqual([204]);
      expect(new URL(aborts[0]?.target ?? '', 'http://s3').searchParams.get('uploadId')).toBe(
        open[0]?.uploadId,
      );
      expect(await store().openUploads(upload.id), 'ListMultipartUploads: none left').toEqual([]);
      expect(await store().keys(upload.id), 'objects left in the bucket').toEqual([]);
      expect((await listFiles(freelancer, project.id)).files).toEqual([]);
      expect(await headUpload(upload.url, freelancer)).toMatchObject({ status: 404 });
    });

    test('the sweep over simulated days on the app clock keeps a paid file and aborts and deletes an upload abandoned for more than 24 h', async () => {
      // An app of its own on a fresh database (same bucket), so the sweep sees only this test's rows.
      if (s3 === undefined) throw new Error('no bucket on radosgw');
      const own = await persistentStorage(dialect, { UPLOAD_EXPIRY_HOURS: '24', ...s3.env });
      try {
        await sweepOverDays(own, await own.start());
      } finally {
        await own.dispose();
      }
    });

    async function sweepOverDays(own: Persistent, swept: RestartableApp): Promise<void> {
      const app = () => swept;
      const freelancer = await signUp(app());
      const { project, milestones } = await setupProject(freelancer, { amounts: [70_00, 30_00] });
      const [paidMilestone, openMilestone] = milestones;
      if (paidMilestone === undefined || openMilestone === undefined) throw new Error('milestones');
      const paidBytes = seededBytes(13 * MiB + 5, 51); // two parts
      const paidId = idOfUploadUrl(
        await tusUpload(app(), freelancer, paidBytes, {
          milestoneId: paidMilestone.id,
          filename: 'paid.bin',
        }),
      );
      await deliver(freelancer, project.id, paidMilestone.id);
      await recordPayment(freelancer, project.id, paidMilestone);
      const client = await openPortal(app(), {
        code: (await share(freelancer, project.id)).code,
      });
      const abandoned = await createUpload(app(), freelancer, {
        milestoneId: openMilestone.id,
        length: 12 * MiB,
      });
      expect(
        (await patchUpload(abandoned.url, freelancer, 0, seededBytes(6 * MiB, 52))).status,
      ).toBe(204);
      expect((await store().openUploads(abandoned.id)).map((u) => u.key)).toEqual([abandoned.id]);
      const paidEtag = await etagOf(paidId);
      expect(paidEtag).toMatch(/-2"$/);

      const database = await openDatabase(app().config);
      const storage = await createStorage(app().config);
      const clock = own.clock;
      const sweep = () =>
        sweepFiles({
          db: database.db,
          storage,
          now: clock.now(),
          expiryHours: app().config.uploadExpiryHours,
        });
      try {
        for (const hours of [1, 11, 11]) {
          clock.advance(hours * HOUR);
          expect(await sweep()).toMatchObject({ expired: 0, removed: 0, failed: 0 });
        }
        expect((await store().openUploads(abandoned.id)).length, 'still open at +23 h').toBe(1);
        clock.advance(2 * HOUR);
        const mark = await store().mark();
        expect(await sweep()).toMatchObject({ expired: 1, removed: 1, failed: 0 });
        expect(
          operations(ofKey(await store().requestsSince(mark), abandoned.id)),
          'the sweep aborted the multipart upload',
        ).toContain('AbortMultipartUpload');
        expect(await store().openUploads(abandoned.id)).toEqual([]);
        expect(await store().keys(abandoned.id)).toEqual([]);
        for (let day = 2; day <= 20; day += 1) {
          clock.advance(DAY);
          expect(await sweep()).toMatchObject({ expired: 0, removed: 0, failed: 0 });
        }
      } finally {
        await storage.close();
        await database.close();
      }

      expect(await store().keys(paidId)).toEqual([paidId, `${paidId}.info`]);
      expect(await etagOf(paidId), 'the very object, never rewritten').toBe(paidEtag);
      const object = await store().client.send(
        new GetObjectCommand({ Bucket: store().bucket, Key: paidId }),
      );
      expect(sha256(Buffer.from((await object.Body?.transformToByteArray()) ?? []))).toBe(
        sha256(paidBytes),
      );
      const paid = await fetchBytes(app(), client, `/api/files/${paidId}`);
      expect(paid.status).toBe(200);
      expect(sha256(paid.bytes)).toBe(sha256(paidBytes));
      expect((await listFiles(freelancer, project.id)).files.map((f) => f.id)).toEqual([paidId]);
    }

    test('finished files of a removed milestone stay queued while radosgw is unreachable, and the next sweep deletes them', async () => {
      const freelancer = await signUp(app());
      const { project, milestones } = await setupProject(freelancer, { amounts: [10_00, 20_00] });
      const open = milestones[0];
      if (open === undefined) throw new Error('milestone missing');
      const big = idOfUploadUrl(
        await tusUpload(app(), freelancer, seededBytes(9 * MiB, 61), {
          milestoneId: open.id,
          filename: 'big.bin',
        }),
      );
      const small = await uploadSmall(app(), freelancer, open.id, seededBytes(40_000, 62));
      for (const id of [big, small]) expect(await store().keys(id)).toEqual([id, `${id}.info`]);

      const config = app().config;
      if (config.storage.kind !== 's3') throw new Error('not on S3');
      const database = await openDatabase(config);
      // The same store behind a port nobody listens on: every request is refused for real.
      const closedPort = await new Promise<number>((resolve) => {
        const probe = http.createServer().listen(0, '127.0.0.1', () => {
          const address = probe.address();
          probe.close(() => resolve(typeof address === 'object' && address ? address.port : 1));
        });
      });
      const unreachable = await createStorage({
        ...config,
        storage: { ...config.storage, endpoint: `http://127.0.0.1:${closedPort}` },
      });
      const storage = await createStorage(config);
      try {
        await removeMilestone({
          db: database.db,
          storage: unreachable,
          events: announcerOnly(config),
          ownerId: freelancer.user?.id ?? '',
          projectId: project.id,
          milestoneId: open.id,
        });
        expect((await listFiles(freelancer, project.id)).files).toEqual([]);
        for (const id of [big, small]) {
          expect(await store().keys(id), 'the bytes are still stored').toEqual([id, `${id}.info`]);
        }
        const queued = await database.db
          .selectFrom('file_removals')
          .select(['file_id', 'attempts'])
          .orderBy('file_id')
          .execute();
        expect(queued).toEqual([big, small].sort().map((file_id) => ({ file_id, attempts: 1 })));

        const report = await sweepFiles({
          db: database.db,
          storage,
          now: new Date(),
          expiryHours: config.uploadExpiryHours,
        });
        expect(report).toMatchObject({ expired: 0, removed: 2, failed: 0 });
        for (const id of [big, small]) expect(await store().keys(id)).toEqual([]);
        expect(await database.db.selectFrom('file_removals').selectAll().execute()).toEqual([]);
      } finally {
        await unreachable.close();
        await storage.close();
        await database.close();
      }
    });
  },
);
