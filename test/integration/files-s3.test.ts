/**
 * Deliverables on S3-compatible object storage (STORAGE=s3) against s3rver: a tus upload that
 * @tus/s3-store turns into a multipart upload of several parts, its SHA-256, whole and ranged
 * downloads read back from the bucket, the pay gate on presigned URLs, and removal of an
 * unfinished upload.
 *
 * s3rver does not implement ListParts or AbortMultipartUpload, and stores aws-chunked request
 * bodies without decoding them; s3-helpers.ts explains the thin proxy that fills exactly those
 * gaps. Resume on S3 (ListParts across PATCHes, the incomplete-part object) is covered at the SDK
 * boundary elsewhere, so every upload here goes in one PATCH (tus-js-client's default chunkSize,
 * Infinity).
 */
import { randomBytes } from 'node:crypto';
import { ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import {
  HOOK_TIMEOUT,
  SUITE_TIMEOUT,
  deliver,
  dialects,
  openPortal,
  recordPayment,
  setupProject,
  share,
  signUp,
  startApp,
  type TestApp,
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
  portalFiles,
  seededBytes,
  sha256,
  tusHeaders,
  tusUpload,
} from './files-helpers';
import { S3_BUCKET, startS3, type S3Fixture, type S3Request } from './s3-helpers';

const UNICODE_NAME = 'Łukasz Żółć report.pdf';

/** What reached the object store for one object key (the upload id). */
function requestsFor(s3: S3Fixture, id: string, since = 0): S3Request[] {
  return s3.requests
    .slice(since)
    .filter((r) => new URL(r.url, 'http://s3').pathname.startsWith(`/${S3_BUCKET}/${id}`));
}

async function bucketKeys(s3: S3Fixture, prefix: string): Promise<string[]> {
  const client = new S3Client({
    endpoint: s3.endpoint,
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
  });
  try {
    const listed = await client.send(
      new ListObjectsV2Command({ Bucket: S3_BUCKET, Prefix: prefix }),
    );
    return (listed.Contents ?? []).map((o) => o.Key ?? '').sort();
  } finally {
    client.destroy();
  }
}

describe.each(dialects)('deliverables on S3 (s3rver) with %s', SUITE_TIMEOUT, (dialect) => {
  let s3: S3Fixture | undefined;
  let running: TestApp | undefined;
  beforeAll(async () => {
    s3 = await startS3();
    running = await startApp(dialect, s3.env);
  }, HOOK_TIMEOUT);
  afterAll(async () => {
    try {
      await running?.close();
    } finally {
      await s3?.close();
    }
  }, HOOK_TIMEOUT);
  const app = (): TestApp => {
    if (running === undefined) throw new Error(`the ${dialect} app on S3 did not start`);
    return running;
  };
  const store = (): S3Fixture => {
    if (s3 === undefined) throw new Error('s3rver did not start');
    return s3;
  };

  test('12 MiB in one PATCH: a multipart upload of several parts, the right SHA-256, and exact whole and ranged downloads', async () => {
    const freelancer = await signUp(app());
    const { project, milestones } = await setupProject(freelancer);
    const source = randomBytes(12 * MiB + 4567);
    const since = store().requests.length;
    const patches: number[] = [];

    const url = await tusUpload(app(), freelancer, source, {
      milestoneId: milestones[0]?.id ?? '',
      filename: 'master.mov',
      onPatch: (offset) => patches.push(offset),
    });
    expect(patches, 'one PATCH carried the whole file').toEqual([0]);
    const id = idOfUploadUrl(url);

    // What the object store saw: one multipart upload, several parts, completed.
    const seen = requestsFor(store(), id, since);
    const count = (op: string) => seen.filter((r) => r.operation === op);
    expect(count('CreateMultipartUpload').map((r) => r.status)).toEqual([200]);
    const parts = count('UploadPart');
    expect(parts.length, 'more than one part').toBeGreaterThan(1);
    expect(parts.every((r) => r.status === 200)).toBe(true);
    const partNumbers = parts
      .map((r) => Number(new URL(r.url, 'http://s3').searchParams.get('partNumber')))
      .sort();
    expect(partNumbers).toEqual(Array.from({ length: parts.length }, (_, i) => i + 1));
    expect(count('CompleteMultipartUpload').map((r) => r.status)).toEqual([200]);
    expect(
      seen.filter((r) => r.status >= 500),
      'no request failed in the store',
    ).toEqual([]);
    expect(await bucketKeys(store(), id)).toEqual([id, `${id}.info`]);

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
    const slice = await fetchBytes(app(), freelancer, `/api/files/${id}`, {
      headers: { range: `bytes=${start}-${end}` },
    });
    expect(slice.status).toBe(206);
    expect(slice.headers.get('content-range')).toBe(`bytes ${start}-${end}/${source.length}`);
    expect(slice.bytes.equals(source.subarray(start, end + 1))).toBe(true);
    const tail = await fetchBytes(app(), freelancer, `/api/files/${id}`, {
      headers: { range: 'bytes=-777' },
    });
    expect(tail.status).toBe(206);
    expect(tail.bytes.equals(source.subarray(source.length - 777))).toBe(true);
  });

  test('no signed URL and no bytes for the client before payment; after it, a presigned URL serves the exact bytes from the store', async () => {
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
      { id, name: UNICODE_NAME, size: source.length, sha256: sha256(source), downloadable: false },
    ]);
    const since = store().requests.length;
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
      requestsFor(store(), id, since),
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
    expect(parsed.pathname).toBe(`/${S3_BUCKET}/${id}`);
    expect(parsed.searchParams.get('X-Amz-Expires')).toBe('900');
    expect(parsed.searchParams.get('X-Amz-Signature')).toMatch(/^[0-9a-f]{64}$/);

    // Straight from the object store: no cookies, no app in between.
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
    expect(
      store().requests.filter(
        (r) => r.operation === 'PresignedGetObject' && r.url.startsWith(`/${S3_BUCKET}/${id}?`),
      ),
    ).toMatchObject([{ status: 200 }]);

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

  test('removing an unfinished upload deletes its row and every object it left in the bucket', async () => {
    const freelancer = await signUp(app());
    const { project, milestones } = await setupProject(freelancer);
    const upload = await createUpload(app(), freelancer, {
      milestoneId: milestones[0]?.id ?? '',
      length: 10 * MiB,
    });
    // 1 MiB is below S3's 5 MiB minimum part size: @tus/s3-store keeps it as an "<id>.part" object.
    const part = await patchUpload(upload.url, freelancer, 0, seededBytes(MiB, 41));
    expect(part.status).toBe(204);
    expect(part.headers.get('upload-offset')).toBe(String(MiB));
    expect(await headUpload(upload.url, freelancer)).toEqual({ status: 200, offset: MiB });
    expect(await bucketKeys(store(), upload.id)).toEqual([
      `${upload.id}.info`,
      `${upload.id}.part`,
    ]);

    const since = store().requests.length;
    const removed = await fetch(upload.url, { method: 'DELETE', headers: tusHeaders(freelancer) });
    expect(removed.status).toBe(204);
    expect(
      requestsFor(store(), upload.id, since).filter((r) => r.operation === 'AbortMultipartUpload'),
    ).toMatchObject([{ status: 204 }]);
    expect((await listFiles(freelancer, project.id)).files).toEqual([]);
    expect(await headUpload(upload.url, freelancer)).toMatchObject({ status: 404 });
    expect(await bucketKeys(store(), upload.id), 'objects left in the bucket').toEqual([]);
  });
});
