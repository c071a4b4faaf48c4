/**
 * An S3-compatible server for the S3 tests: s3rver (a real S3 HTTP implementation keeping its
 * objects in a temp folder) on 127.0.0.1, behind a thin loopback proxy.
 *
 * Why the proxy: s3rver 3.7 does not implement two multipart calls that @tus/s3-store makes —
 *   - ListParts (`GET /<bucket>/<key>?uploadId=…`) → s3rver answers 405 MethodNotAllowed. The
 *     store calls it in getUpload() (so on every tus POST, for the Upload-Expires header, and on
 *     every HEAD) and in write() before and after each PATCH. Without it no upload can even be
 *     created (POST /api/uploads → 500 "The specified method is not allowed against this resource").
 *   - AbortMultipartUpload (`DELETE /<bucket>/<key>?uploadId=…`) → 405, called when an unfinished
 *     upload is removed.
 * and s3rver does not decode `Content-Encoding: aws-chunked` bodies: it stores the chunk framing
 * ("10000\r\n…\r\n0\r\nx-amz-checksum-crc32:…") as object bytes. AWS SDK v3 (≥ 3.729, default
 * `requestChecksumCalculation: WHEN_SUPPORTED`) sends every streamed UploadPart that way
 * (`x-amz-content-sha256: STREAMING-UNSIGNED-PAYLOAD-TRAILER`), so through bare s3rver the upload
 * "succeeds", the listing shows the right SHA-256 (hashed on the way in), and the stored object —
 * hence every download and presigned URL — is corrupt.
 * The proxy answers ListParts and AbortMultipartUpload from s3rver's own on-disk state (the parts
 * it stored under `<dir>/<bucket>/._S3rver_uploads/<uploadId>/<n>` with their `.md5`), as S3
 * would, and decodes aws-chunked bodies (checking the CRC32 trailer when sent) as S3 would; s3rver
 * does not verify SigV4 signatures, so the rewritten headers are accepted. Everything else —
 * UploadPart, CompleteMultipartUpload, GetObject with Range, presigned GETs — goes to s3rver
 * unchanged, and s3rver does the real work. Each request is recorded so a test
 * can prove what reached the object store (e.g. that a multipart upload used several parts).
 *
 * Resume on S3 (ListParts + the incomplete-part object across PATCHes) is covered at the SDK
 * boundary elsewhere; these tests use one PATCH per upload.
 */
import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Transform, type TransformCallback } from 'node:stream';
import { crc32 } from 'node:zlib';
import S3rver from 's3rver';

export const S3_BUCKET = 'milepost';

export interface S3Request {
  method: string;
  /** Path and query as the client sent them (a presigned GET keeps its signature here). */
  url: string;
  /** The S3 operation, as far as the tests care. */
  operation: string;
  status: number;
  /** Whether the body came aws-chunked and was decoded on the way to s3rver. */
  decodedChunked: boolean;
}

export interface S3Fixture {
  /** The endpoint the app is configured with (the proxy). */
  endpoint: string;
  /** Where s3rver keeps its buckets. */
  directory: string;
  requests: S3Request[];
  /** The app's environment for STORAGE=s3 against this server. */
  env: Record<string, string>;
  close(): Promise<void>;
}

function operationOf(method: string, url: URL): string {
  const q = url.searchParams;
  const keyed = url.pathname.split('/').filter((s) => s !== '').length > 1;
  if (method === 'POST' && q.has('uploads')) return 'CreateMultipartUpload';
  if (method === 'POST' && q.has('uploadId')) return 'CompleteMultipartUpload';
  if (method === 'POST' && q.has('delete')) return 'DeleteObjects';
  if (method === 'PUT' && q.has('partNumber')) return 'UploadPart';
  if (method === 'PUT') return 'PutObject';
  if (method === 'GET' && keyed && q.has('uploadId')) return 'ListParts';
  if (method === 'GET' && !keyed && q.has('uploads')) return 'ListMultipartUploads';
  if (method === 'DELETE' && q.has('uploadId')) return 'AbortMultipartUpload';
  if (method === 'DELETE') return 'DeleteObject';
  if (method === 'HEAD') return 'HeadObject';
  if (method === 'GET' && q.has('X-Amz-Signature')) return 'PresignedGetObject';
  if (method === 'GET' && keyed) return 'GetObject';
  return `${method} ${url.pathname}`;
}

const xmlEscape = (s: string): string =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

function noSuchUpload(uploadId: string): { status: number; body: string } {
  return {
    status: 404,
    body:
      '<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>NoSuchUpload</Code>' +
      '<Message>The specified upload does not exist.</Message>' +
      `<UploadId>${xmlEscape(uploadId)}</UploadId></Error>`,
  };
}

/** s3rver's folder for one multipart upload, or undefined if it holds none (done or aborted). */
async function uploadFolder(
  directory: string,
  bucket: string,
  key: string,
  uploadId: string,
): Promise<string | undefined> {
  if (!/^[0-9a-f]{32}$/.test(uploadId)) return undefined;
  const folder = path.join(directory, bucket, '._S3rver_uploads', uploadId);
  try {
    const storedKey = await readFile(path.join(folder, 'key'), 'utf8');
    return storedKey === key ? folder : undefined;
  } catch {
    return undefined;
  }
}

async function listParts(
  directory: string,
  bucket: string,
  key: string,
  uploadId: string,
): Promise<{ status: number; body: string }> {
  const folder = await uploadFolder(directory, bucket, key, uploadId);
  if (folder === undefined) return noSuchUpload(uploadId);
  const numbers = (await readdir(folder))
    .filter((name) => /^\d+$/.test(name))
    .map(Number)
    .sort((a, b) => a - b);
  const parts: string[] = [];
  for (const n of numbers) {
    const info = await stat(path.join(folder, String(n)));
    const md5 = (await readFile(path.join(folder, `${n}.md5`), 'utf8')).trim();
    parts.push(
      `<Part><PartNumber>${n}</PartNumber><LastModified>${info.mtime.toISOString()}</LastModified>` +
        `<ETag>"${md5}"</ETag><Size>${info.size}</Size></Part>`,
    );
  }
  return {
    status: 200,
    body:
      '<?xml version="1.0" encoding="UTF-8"?>\n' +
      '<ListPartsResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">' +
      `<Bucket>${xmlEscape(bucket)}</Bucket><Key>${xmlEscape(key)}</Key>` +
      `<UploadId>${uploadId}</UploadId><PartNumberMarker>0</PartNumberMarker>` +
      `<NextPartNumberMarker>${numbers.at(-1) ?? 0}</NextPartNumberMarker>` +
      `<MaxParts>10000</MaxParts><IsTruncated>false</IsTruncated>${parts.join('')}` +
      '</ListPartsResult>',
  };
}

async function abortUpload(
  directory: string,
  bucket: string,
  key: string,
  uploadId: string,
): Promise<{ status: number; body: string }> {
  const folder = await uploadFolder(directory, bucket, key, uploadId);
  if (folder === undefined) return noSuchUpload(uploadId);
  await rm(folder, { recursive: true, force: true });
  return { status: 204, body: '' };
}

/**
 * Decodes an `aws-chunked` body (RFC-less AWS framing: `<hex size>[;chunk-signature=…]\r\n`
 * `<bytes>\r\n` … `0\r\n[trailers]\r\n`) into its payload, and checks the announced length and a
 * `x-amz-checksum-crc32` trailer, failing the stream on a mismatch.
 */
class AwsChunkedDecoder extends Transform {
  private pending = Buffer.alloc(0);
  private remaining = 0;
  private state: 'header' | 'data' | 'dataEnd' | 'trailer' = 'header';
  private decoded = 0;
  private crc = 0;

  constructor(private readonly expectedLength: number) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.pending = Buffer.concat([this.pending, chunk]);
    try {
      this.drain();
      callback();
    } catch (error) {
      callback(error instanceof Error ? error : new Error(String(error)));
    }
  }

  override _flush(callback: TransformCallback): void {
    if (this.state !== 'trailer') {
      callback(new Error(`aws-chunked body ended in state ${this.state}`));
      return;
    }
    if (this.decoded !== this.expectedLength) {
      callback(
        new Error(`aws-chunked body held ${this.decoded} bytes, announced ${this.expectedLength}`),
      );
      return;
    }
    const trailers = this.pending.toString('latin1');
    const sent = /x-amz-checksum-crc32:([A-Za-z0-9+/=]+)/i.exec(trailers)?.[1];
    if (sent !== undefined) {
      const ours = Buffer.alloc(4);
      ours.writeUInt32BE(this.crc >>> 0);
      if (ours.toString('base64') !== sent) {
        callback(
          new Error(
            `CRC32 trailer ${sent} does not match the payload (${ours.toString('base64')})`,
          ),
        );
        return;
      }
    }
    callback();
  }

  private drain(): void {
    for (;;) {
      if (this.state === 'header') {
        const eol = this.pending.indexOf('\r\n');
        if (eol < 0) return;
        const line = this.pending.subarray(0, eol).toString('latin1');
        this.pending = this.pending.subarray(eol + 2);
        const size = Number.parseInt(line.split(';')[0] ?? '', 16);
        if (!Number.isSafeInteger(size) || size < 0)
          throw new Error(`bad aws-chunked header "${line}"`);
        if (size === 0) {
          this.state = 'trailer';
          continue;
        }
        this.remaining = size;
        this.state = 'data';
      } else if (this.state === 'data') {
        if (this.pending.length === 0) return;
        const take = this.pending.subarray(0, this.remaining);
        this.pending = this.pending.subarray(take.length);
        this.remaining -= take.length;
        this.decoded += take.length;
        this.crc = crc32(take, this.crc);
        this.push(take);
        if (this.remaining === 0) this.state = 'dataEnd';
      } else if (this.state === 'dataEnd') {
        if (this.pending.length < 2) return;
        if (this.pending.subarray(0, 2).toString('latin1') !== '\r\n')
          throw new Error('aws-chunked chunk not ended by CRLF');
        this.pending = this.pending.subarray(2);
        this.state = 'header';
      } else {
        return; // trailers: kept in `pending` until the end
      }
    }
  }
}

function listen(server: http.Server): Promise<AddressInfo> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      if (address === null || typeof address === 'string') {
        reject(new Error(`unexpected proxy address ${String(address)}`));
      } else {
        resolve(address);
      }
    });
  });
}

/** Starts s3rver with the bucket and the proxy in front of it; `close()` removes everything. */
export async function startS3(): Promise<S3Fixture> {
  const directory = await mkdtemp(path.join(os.tmpdir(), 'milepost-s3rver-'));
  const s3rver = new S3rver({
    address: '127.0.0.1',
    port: 0,
    silent: true,
    directory,
    configureBuckets: [{ name: S3_BUCKET }],
  });
  const upstream = await s3rver.run();
  const requests: S3Request[] = [];

  const proxy = http.createServer((req, res) => {
    const method = req.method ?? 'GET';
    const url = new URL(req.url ?? '/', 'http://s3.invalid');
    const operation = operationOf(method, url);
    const chunked = /aws-chunked/i.test(req.headers['content-encoding'] ?? '');
    const record = (status: number) =>
      requests.push({ method, url: req.url ?? '/', operation, status, decodedChunked: chunked });
    const [bucket = '', ...keyParts] = url.pathname.split('/').filter((s) => s !== '');
    const key = decodeURIComponent(keyParts.join('/'));
    const uploadId = url.searchParams.get('uploadId') ?? '';

    if (operation === 'ListParts' || operation === 'AbortMultipartUpload') {
      req.resume();
      const answer =
        operation === 'ListParts'
          ? listParts(directory, bucket, key, uploadId)
          : abortUpload(directory, bucket, key, uploadId);
      answer.then(
        ({ status, body }) => {
          record(status);
          res.writeHead(status, body === '' ? {} : { 'content-type': 'application/xml' });
          res.end(body);
        },
        (error: unknown) => {
          record(500);
          res.writeHead(500, { 'content-type': 'text/plain' });
          res.end(String(error));
        },
      );
      return;
    }

    const headers = { ...req.headers }; // the Host header stays the one the client signed
    let body: NodeJS.ReadableStream = req;
    if (chunked) {
      const decodedLength = Number(headers['x-amz-decoded-content-length']);
      const encoding = (headers['content-encoding'] ?? '')
        .split(',')
        .map((s) => s.trim())
        .filter((s) => s !== '' && s.toLowerCase() !== 'aws-chunked');
      if (encoding.length > 0) headers['content-encoding'] = encoding.join(', ');
      else delete headers['content-encoding'];
      delete headers['transfer-encoding'];
      delete headers['x-amz-decoded-content-length'];
      delete headers['x-amz-trailer'];
      headers['content-length'] = String(decodedLength);
      headers['x-amz-content-sha256'] = 'UNSIGNED-PAYLOAD';
      const decoder = new AwsChunkedDecoder(decodedLength);
      req.pipe(decoder);
      body = decoder;
    }
    const forward = http.request(
      {
        host: '127.0.0.1',
        port: upstream.port,
        method,
        path: req.url,
        headers,
        agent: false, // no kept-alive sockets, so s3rver closes at once
      },
      (upstreamRes) => {
        record(upstreamRes.statusCode ?? 0);
        res.writeHead(upstreamRes.statusCode ?? 502, upstreamRes.headers);
        upstreamRes.pipe(res);
      },
    );
    const fail = (error: Error) => {
      record(502);
      forward.destroy();
      if (!res.headersSent) res.writeHead(502, { 'content-type': 'text/plain' });
      res.end(String(error));
    };
    forward.on('error', fail);
    body.on('error', fail);
    body.pipe(forward);
  });
  const address = await listen(proxy);
  const endpoint = `http://127.0.0.1:${address.port}`;

  return {
    endpoint,
    directory,
    requests,
    env: {
      STORAGE: 's3',
      S3_BUCKET,
      S3_ENDPOINT: endpoint,
      S3_FORCE_PATH_STYLE: 'true',
      S3_ACCESS_KEY_ID: 'S3RVER',
      S3_SECRET_ACCESS_KEY: 'S3RVER',
      S3_REGION: 'us-east-1',
    },
    close: async () => {
      proxy.closeAllConnections();
      await new Promise<void>((resolve) => proxy.close(() => resolve()));
      try {
        await s3rver.close();
      } finally {
        await rm(directory, { recursive: true, force: true });
      }
    },
  };
}
