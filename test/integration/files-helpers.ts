/**
 * Helpers for the deliverables suites (files-*.test.ts): the File/Download shapes of the
 * contract's "Deliverables" section, tus requests by hand and through tus-js-client, raw HTTP
 * for paths `fetch` would normalise, downloads as bytes, and an app that can be restarted on the
 * same database and data folder (the harness's startApp drops both on close).
 */
import { createHash } from 'node:crypto';
import http from 'node:http';
import * as tus from 'tus-js-client';
import { expect } from 'vitest';
import { z } from 'zod';
import { loadConfig, type Config } from '../../src/config';
import { buildApp } from '../../src/http/app';
import {
  HOOK_TIMEOUT,
  expectStatus,
  provisionStorage,
  TEST_ENV,
  TestClock,
  type Actor,
  type Dialect,
  type Storage,
  type TestApp,
} from './harness';

export const MiB = 1024 * 1024;
export { HOOK_TIMEOUT };

// ---------------------------------------------------------------------------------------------
// Contract shapes.

const isoTimestamp = z.string().refine((s) => !Number.isNaN(Date.parse(s)), 'an ISO timestamp');

export const FileView = z.object({
  id: z.string().regex(/^[0-9a-f]{32}$/),
  milestoneId: z.string().min(1),
  name: z.string(),
  type: z.string(),
  size: z.number().int().min(0),
  sha256: z
    .string()
    .regex(/^[0-9a-f]{64}$/)
    .nullable(),
  status: z.enum(['uploading', 'complete']),
  createdAt: isoTimestamp,
  completedAt: isoTimestamp.nullable(),
  downloadable: z.boolean(),
});
export type FileView = z.infer<typeof FileView>;

/** A file's downloads by one downloader and address within one hour, merged. */
export const DownloadView = z.object({
  id: z.string().min(1),
  fileId: z.string().min(1),
  fileName: z.string(),
  actorType: z.enum(['freelancer', 'client']),
  address: z.string(),
  via: z.enum(['stream', 'presigned']),
  firstAt: isoTimestamp,
  lastAt: isoTimestamp,
  requests: z.number().int().min(1),
  bytes: z.number().int().min(0),
  completions: z.number().int().min(0),
});
export type DownloadView = z.infer<typeof DownloadView>;

/** Log rows summed (a test may straddle an hour, which splits a downloader's row in two). */
export function downloadTotals(rows: readonly DownloadView[]): {
  requests: number;
  bytes: number;
  completions: number;
} {
  return rows.reduce(
    (sum, row) => ({
      requests: sum.requests + row.requests,
      bytes: sum.bytes + row.bytes,
      completions: sum.completions + row.completions,
    }),
    { requests: 0, bytes: 0, completions: 0 },
  );
}

export const ProjectFiles = z.object({
  files: z.array(FileView),
  downloads: z.array(DownloadView),
});
export type ProjectFiles = z.infer<typeof ProjectFiles>;
export const PortalFiles = z.object({ files: z.array(FileView) });
export const PresignedUrl = z.object({ url: z.string().url(), expiresAt: isoTimestamp });

export async function listFiles(freelancer: Actor, projectId: string): Promise<ProjectFiles> {
  return expectStatus(await freelancer.get(`/api/projects/${projectId}/files`), 200, ProjectFiles);
}

export async function portalFiles(client: Actor): Promise<FileView[]> {
  return expectStatus(await client.get('/api/portal/files'), 200, PortalFiles).files;
}

export function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** A deterministic PRNG (mulberry32), so a failing random case can be replayed from its seed. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Pseudo-random bytes from a seed (fast, and reproducible unlike randomBytes). */
export function seededBytes(size: number, seed: number): NonSharedBuffer {
  const next = prng(seed);
  const out = Buffer.alloc(size);
  let i = 0;
  for (; i + 4 <= size; i += 4) out.writeUInt32LE(Math.floor(next() * 4294967296), i);
  for (; i < size; i++) out[i] = Math.floor(next() * 256);
  return out;
}

// ---------------------------------------------------------------------------------------------
// tus by hand.

const b64 = (s: string): string => Buffer.from(s, 'utf8').toString('base64');

export function uploadMetadata(fields: Record<string, string>): string {
  return Object.entries(fields)
    .map(([key, value]) => `${key} ${b64(value)}`)
    .join(',');
}

/** The headers every tus request of this actor carries: cookies, CSRF token, protocol version. */
export function tusHeaders(actor: Actor, csrf = true): Record<string, string> {
  const headers: Record<string, string> = { 'tus-resumable': '1.0.0' };
  const cookie = actor.cookieHeader();
  if (cookie !== '') headers.cookie = cookie;
  if (csrf && actor.csrfToken !== undefined) headers['x-csrf-token'] = actor.csrfToken;
  return headers;
}

export interface CreateUploadInput {
  milestoneId: string;
  length: number | string;
  filename?: string;
  filetype?: string;
  /** Sent with the creation request (creation-with-upload). */
  body?: NonSharedBuffer;
  headers?: Record<string, string>;
}

/** POST /api/uploads as `actor`; returns the raw response. */
export function createUploadRaw(
  app: TestApp,
  actor: Actor,
  input: CreateUploadInput,
): Promise<Response> {
  const headers: Record<string, string> = {
    ...tusHeaders(actor),
    'upload-length': String(input.length),
    'upload-metadata': uploadMetadata({
      milestoneId: input.milestoneId,
      filename: input.filename ?? 'deliverable.bin',
      filetype: input.filetype ?? 'application/octet-stream',
    }),
    ...input.headers,
  };
  if (input.body !== undefined) headers['content-type'] = 'application/offset+octet-stream';
  return fetch(`${app.url}/api/uploads`, { method: 'POST', headers, body: input.body });
}

/** Creates an upload and returns its absolute URL and id (asserting 201 and the Location form). */
export async function createUpload(
  app: TestApp,
  actor: Actor,
  input: CreateUploadInput,
): Promise<{ url: string; id: string; response: Response }> {
  const response = await createUploadRaw(app, actor, input);
  const text = await response.text();
  expect(response.status, `POST /api/uploads → ${response.status} ${text}`).toBe(201);
  const location = response.headers.get('location') ?? '';
  expect(location, 'Location is /api/uploads/<32 hex>').toMatch(/^\/api\/uploads\/[0-9a-f]{32}$/);
  return { url: `${app.url}${location}`, id: location.slice('/api/uploads/'.length), response };
}

export function patchUpload(
  url: string,
  actor: Actor,
  offset: number,
  body: NonSharedBuffer,
  headers: Record<string, string> = {},
): Promise<Response> {
  return fetch(url, {
    method: 'PATCH',
    headers: {
      ...tusHeaders(actor),
      'upload-offset': String(offset),
      'content-type': 'application/offset+octet-stream',
      ...headers,
    },
    body,
  });
}

/** HEAD on an upload: its status and Upload-Offset (NaN when absent). */
export async function headUpload(
  url: string,
  actor: Actor,
): Promise<{ status: number; offset: number }> {
  const res = await fetch(url, { method: 'HEAD', headers: tusHeaders(actor) });
  await res.arrayBuffer();
  const offset = res.headers.get('upload-offset');
  return { status: res.status, offset: offset === null ? Number.NaN : Number(offset) };
}

/** Creates an upload and sends all its bytes in one creation-with-upload request. */
export async function uploadSmall(
  app: TestApp,
  actor: Actor,
  milestoneId: string,
  bytes: NonSharedBuffer,
  filename = 'small.bin',
): Promise<string> {
  const { id, response } = await createUpload(app, actor, {
    milestoneId,
    length: bytes.length,
    filename,
    body: bytes,
  });
  expect(response.headers.get('upload-offset'), 'creation-with-upload stores every byte').toBe(
    String(bytes.length),
  );
  return id;
}

// ---------------------------------------------------------------------------------------------
// tus-js-client.

export interface ClientUploadOptions {
  milestoneId: string;
  filename: string;
  filetype?: string;
  chunkSize?: number;
  uploadUrl?: string;
  onProgress?: (sent: number, total: number, upload: tus.Upload) => void;
  /** Called with the Upload-Offset of each PATCH the client sends. */
  onPatch?: (offset: number) => void;
}

export function newTusUpload(
  app: TestApp,
  actor: Actor,
  source: Buffer,
  options: ClientUploadOptions,
  done: { resolve: (url: string) => void; reject: (error: Error) => void },
): tus.Upload {
  const upload: tus.Upload = new tus.Upload(source, {
    endpoint: `${app.url}/api/uploads`,
    ...(options.uploadUrl !== undefined && { uploadUrl: options.uploadUrl }),
    headers: { cookie: actor.cookieHeader(), 'x-csrf-token': actor.csrfToken ?? '' },
    metadata: {
      milestoneId: options.milestoneId,
      filename: options.filename,
      filetype: options.filetype ?? 'application/octet-stream',
    },
    ...(options.chunkSize !== undefined && { chunkSize: options.chunkSize }),
    retryDelays: null, // a failure must surface, not be retried away
    onProgress: (sent, total) => options.onProgress?.(sent, total, upload),
    onBeforeRequest: (req) => {
      if (req.getMethod() === 'PATCH') options.onPatch?.(Number(req.getHeader('Upload-Offset')));
    },
    onSuccess: () => done.resolve(upload.url ?? ''),
    onError: (error) => done.reject(error),
  });
  return upload;
}

/** Uploads `source` with tus-js-client and resolves with the upload URL once it succeeds. */
export function tusUpload(
  app: TestApp,
  actor: Actor,
  source: Buffer,
  options: ClientUploadOptions,
): Promise<string> {
  return new Promise((resolve, reject) => {
    newTusUpload(app, actor, source, options, { resolve, reject }).start();
  });
}

export const idOfUploadUrl = (url: string): string => url.slice(url.lastIndexOf('/') + 1);

// ---------------------------------------------------------------------------------------------
// Downloads and raw requests.

export interface Fetched {
  status: number;
  headers: Headers;
  bytes: Buffer;
}

/** GET/HEAD a path with `actor`'s cookies, the body as bytes. */
export async function fetchBytes(
  app: TestApp,
  actor: Actor | undefined,
  path: string,
  init: { method?: 'GET' | 'HEAD'; headers?: Record<string, string> } = {},
): Promise<Fetched> {
  const headers: Record<string, string> = { ...init.headers };
  const cookie = actor?.cookieHeader() ?? '';
  if (cookie !== '') headers.cookie = cookie;
  // A response that promises more bytes than it sends must fail the test, not hang it.
  const res = await fetch(`${app.url}${path}`, {
    method: init.method ?? 'GET',
    headers,
    signal: AbortSignal.timeout(20_000),
  });
  return { status: res.status, headers: res.headers, bytes: Buffer.from(await res.arrayBuffer()) };
}

export interface RawResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

/** An HTTP request whose path goes out exactly as written (fetch would resolve `..` and `%2e`). */
export function rawRequest(
  app: TestApp,
  method: string,
  rawPath: string,
  headers: Record<string, string>,
  body?: NonSharedBuffer,
): Promise<RawResponse> {
  const url = new URL(app.url);
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: url.hostname, port: url.port, method, path: rawPath, headers, agent: false },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks),
          }),
        );
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** Polls `check` until it returns a value (the download log is written after the response). */
export async function eventually<T>(
  what: string,
  check: () => Promise<T | undefined>,
  timeoutMs = 5_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

// ---------------------------------------------------------------------------------------------
// An app that can be stopped and started again on the same database and data folder.

export interface RestartableApp extends TestApp {
  config: Config;
  /** Stops this app only; the database and data folder stay. */
  stop(): Promise<void>;
}

export interface Persistent {
  storage: Storage;
  env: Record<string, string>;
  /** One clock for every start, so time moved before a restart stays moved. */
  clock: TestClock;
  start(): Promise<RestartableApp>;
  /** Stops any app still running and drops the database and data folder. */
  dispose(): Promise<void>;
}

export async function persistentStorage(
  dialect: Dialect,
  envOverrides: Record<string, string> = {},
): Promise<Persistent> {
  const storage = await provisionStorage(dialect);
  const env = { ...TEST_ENV, ...storage.env, ...envOverrides };
  const running = new Set<RestartableApp>();
  const clock = new TestClock();
  return {
    storage,
    env,
    clock,
    start: async () => {
      const config = loadConfig(env);
      const app = await buildApp({ config, clock });
      try {
        await app.listen({ port: 0, host: '127.0.0.1' });
      } catch (error) {
        await app.close();
        throw error;
      }
      const address = app.server.address();
      if (address === null || typeof address === 'string') {
        await app.close();
        throw new Error(`unexpected server address ${String(address)}`);
      }
      let stopped = false;
      const handle: RestartableApp = {
        dialect,
        url: `http://127.0.0.1:${address.port}`,
        dataDir: storage.dataDir,
        dbUrl: storage.dbUrl,
        config,
        clock,
        drainMail: () => app.mailWorker.drain(),
        runJobs: () => app.scheduler.drain(),
        stop: async () => {
          if (stopped) return;
          stopped = true;
          running.delete(handle);
          await app.close();
        },
        close: () => handle.stop(),
      };
      running.add(handle);
      return handle;
    },
    dispose: async () => {
      try {
        for (const app of [...running]) await app.stop();
      } finally {
        await storage.dispose();
      }
    },
  };
}
