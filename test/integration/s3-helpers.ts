/**
 * The S3 server for the S3 tests: Ceph's RADOS Gateway (radosgw), a real S3 implementation,
 * started once per run by the `s3` project's globalSetup (support/ceph-s3/global-setup.ts).
 * Nothing stands between the app and radosgw: every S3 call the app, @tus/s3-store and the tests
 * make — multipart create/upload/list/complete/abort, GET with Range, HEAD, presigned GET,
 * DELETE — is answered by radosgw itself, which checks every SigV4 signature.
 *
 * Each suite gets its own bucket. What reached the store is read from radosgw's own access log
 * (one `beast:` line per request: method, target, status), so a test can show, for example,
 * that an upload went as several UploadPart calls or that nothing was read for an unpaid client.
 */
import { randomBytes } from 'node:crypto';
import { open, stat } from 'node:fs/promises';
import {
  CreateBucketCommand,
  DeleteBucketCommand,
  DeleteObjectCommand,
  HeadObjectCommand,
  ListMultipartUploadsCommand,
  ListObjectsV2Command,
  AbortMultipartUploadCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { inject } from 'vitest';
import type { CephS3 } from './support/ceph-s3/global-setup';

export interface S3Request {
  method: string;
  /** The request target as radosgw logged it: path and query (a presigned GET keeps its signature). */
  target: string;
  /** The object key (decoded), or '' for a bucket-level request. */
  key: string;
  /** The S3 operation, as far as the tests care. */
  operation: string;
  status: number;
}

export interface S3Fixture {
  endpoint: string;
  bucket: string;
  /** The app's environment for STORAGE=s3 against this bucket. */
  env: Record<string, string>;
  /** An SDK client set up the way the app sets up its own. */
  client: S3Client;
  /** Object keys in the bucket that start with `prefix`, sorted. */
  keys(prefix: string): Promise<string[]>;
  /** Multipart uploads still open (neither completed nor aborted) under `prefix`. */
  openUploads(prefix: string): Promise<{ key: string; uploadId: string }[]>;
  /** A point in radosgw's access log: every request answered before it lies before it. */
  mark(): Promise<number>;
  /** This bucket's requests answered after `mark` and before this call. */
  requestsSince(mark: number): Promise<S3Request[]>;
  /** Empties and deletes the bucket. */
  close(): Promise<void>;
}

export function cephS3(): CephS3 {
  const provided = inject('cephS3') as CephS3 | undefined;
  if (provided === undefined) {
    throw new Error(
      'no S3 server: this test file is not in the `s3` project — add it to S3_TESTS in vitest.config.ts',
    );
  }
  return provided;
}

/** The SDK settings an S3-compatible server needs (the app's are the same, src/files/s3-storage.ts). */
export function s3Client(server: CephS3): S3Client {
  return new S3Client({
    endpoint: server.endpoint,
    region: server.region,
    forcePathStyle: true,
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    credentials: { accessKeyId: server.accessKeyId, secretAccessKey: server.secretAccessKey },
  });
}

function operationOf(method: string, url: URL): string {
  const q = url.searchParams;
  const keyed = url.pathname.split('/').filter((s) => s !== '').length > 1;
  if (method === 'POST' && q.has('uploads')) return 'CreateMultipartUpload';
  if (method === 'POST' && q.has('uploadId')) return 'CompleteMultipartUpload';
  if (method === 'POST' && q.has('delete')) return 'DeleteObjects';
  if (method === 'PUT' && q.has('partNumber')) return 'UploadPart';
  if (method === 'PUT' && keyed) return 'PutObject';
  if (method === 'PUT') return 'CreateBucket';
  if (method === 'GET' && keyed && q.has('uploadId')) return 'ListParts';
  if (method === 'GET' && !keyed && q.has('uploads')) return 'ListMultipartUploads';
  if (method === 'GET' && !keyed) return 'ListObjects';
  if (method === 'DELETE' && q.has('uploadId')) return 'AbortMultipartUpload';
  if (method === 'DELETE' && keyed) return 'DeleteObject';
  if (method === 'DELETE') return 'DeleteBucket';
  if (method === 'HEAD') return 'HeadObject';
  if (method === 'GET' && q.has('X-Amz-Signature')) return 'PresignedGetObject';
  if (method === 'GET') return 'GetObject';
  return `${method} ${url.pathname}`;
}

// 2026-…  1 beast: 0x7f…: 127.0.0.1 - test [02/Dec/2026:09:18:53.299 +0000] "DELETE /b/k?uploadId=… HTTP/1.1" 204 0 - "…"
const ACCESS_LINE = / beast: \S+ \S+ - \S+ \[[^\]]*\] "(\S+) (\S+) HTTP\/[\d.]+" (\d{3}) /;

function parseAccessLog(text: string, bucket: string): S3Request[] {
  const requests: S3Request[] = [];
  for (const line of text.split('\n')) {
    const match = ACCESS_LINE.exec(line);
    if (match === null) continue;
    const [, method = '', target = '', status = '0'] = match;
    const url = new URL(target, 'http://s3.invalid');
    const [first = '', ...rest] = url.pathname.split('/').filter((s) => s !== '');
    if (decodeURIComponent(first) !== bucket) continue;
    requests.push({
      method,
      target,
      key: decodeURIComponent(rest.join('/')),
      operation: operationOf(method, url),
      status: Number(status),
    });
  }
  return requests;
}

/** Creates a bucket of its own (named after `label`) on the run's radosgw. */
export async function startS3(label = 'milepost'): Promise<S3Fixture> {
  const server = cephS3();
  const bucket = `${label}-${randomBytes(4).toString('hex')}`;
  const client = s3Client(server);
  await client.send(new CreateBucketCommand({ Bucket: bucket }));

  /** radosgw's log from byte `from` on (the log is shared by every suite of the run). */
  const logFrom = async (from: number): Promise<Buffer> => {
    const file = await open(server.logFile, 'r');
    try {
      const size = (await file.stat()).size;
      const buffer = Buffer.alloc(Math.max(0, size - from));
      if (buffer.length > 0) await file.read(buffer, 0, buffer.length, from);
      return buffer;
    } finally {
      await file.close();
    }
  };
  /**
   * Sends a HEAD for a key nobody uses and waits until radosgw has logged it: radosgw logs each
   * request when it answers, in order, so every request answered earlier is in the log too.
   */
  const sentinel = async (): Promise<number> => {
    const key = `.mark-${randomBytes(8).toString('hex')}`;
    const from = (await stat(server.logFile)).size;
    await client.send(new HeadObjectCommand({ Bucket: bucket, Key: key })).catch(() => undefined);
    const needle = Buffer.from(`/${bucket}/${key} `);
    const deadline = Date.now() + 10_000;
    for (;;) {
      const log = await logFrom(from);
      const at = log.indexOf(needle);
      if (at >= 0) {
        const end = log.indexOf('\n', at);
        return from + (end < 0 ? log.length : end + 1);
      }
      if (Date.now() > deadline) throw new Error(`radosgw did not log ${key} within 10 s`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  };

  const keys = async (prefix: string): Promise<string[]> => {
    const found: string[] = [];
    let token: string | undefined;
    do {
      const page = await client.send(
        new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }),
      );
      found.push(...(page.Contents ?? []).map((o) => o.Key ?? ''));
      token = page.IsTruncated === true ? page.NextContinuationToken : undefined;
    } while (token !== undefined);
    return found.sort();
  };
  const openUploads = async (prefix: string): Promise<{ key: string; uploadId: string }[]> => {
    const listed = await client.send(
      new ListMultipartUploadsCommand({ Bucket: bucket, Prefix: prefix }),
    );
    return (listed.Uploads ?? []).map((u) => ({ key: u.Key ?? '', uploadId: u.UploadId ?? '' }));
  };

  return {
    endpoint: server.endpoint,
    bucket,
    client,
    env: {
      STORAGE: 's3',
      S3_BUCKET: bucket,
      S3_ENDPOINT: server.endpoint,
      S3_FORCE_PATH_STYLE: 'true',
      S3_ACCESS_KEY_ID: server.accessKeyId,
      S3_SECRET_ACCESS_KEY: server.secretAccessKey,
      S3_REGION: server.region,
    },
    keys,
    openUploads,
    mark: sentinel,
    requestsSince: async (mark) => {
      const end = await sentinel();
      const slice = (await logFrom(mark)).subarray(0, end - mark).toString('utf8');
      return parseAccessLog(slice, bucket).filter((r) => !r.key.startsWith('.mark-'));
    },
    close: async () => {
      try {
        for (const upload of await openUploads('')) {
          await client.send(
            new AbortMultipartUploadCommand({
              Bucket: bucket,
              Key: upload.key,
              UploadId: upload.uploadId,
            }),
          );
        }
        for (const key of await keys('')) {
          await client.send(new DeleteObjectCommand({ Bucket: bucket, Key: key }));
        }
        await client.send(new DeleteBucketCommand({ Bucket: bucket }));
      } finally {
        client.destroy();
      }
    },
  };
}
