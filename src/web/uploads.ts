/**
 * Resumable deliverable uploads (tus 1.0 via tus-js-client), kept outside React so an upload
 * carries on while the freelancer moves around the app. Components read the list with
 * `useUploads()`; the project page listens for finished uploads to refresh its file listing.
 *
 * Resuming: a dropped connection is retried automatically (`retryDelays`), going offline waits
 * for the browser to come back online, and after a reload choosing the same file again finds
 * the earlier upload by its fingerprint and continues from the server's offset.
 */
import { useSyncExternalStore } from 'react';
import type { DetailedError, HttpResponse, PreviousUpload, Upload } from 'tus-js-client';
import { app, UPLOADS_ENDPOINT } from './api';

const CHUNK_SIZE = 8 * 1024 * 1024;
const RETRY_DELAYS = [0, 1000, 3000, 5000, 10000, 20000];

export type UploadState =
  'starting' | 'uploading' | 'reconnecting' | 'offline' | 'paused' | 'failed' | 'removing' | 'done';

export interface UploadItem {
  key: string;
  projectId: string;
  milestoneId: string;
  name: string;
  type: string;
  size: number;
  state: UploadState;
  /** Bytes the server has (or is receiving), for the progress bar. */
  bytesSent: number;
  /** Bytes per second over the last few seconds, once there is enough to measure. */
  rate: number | null;
  /** The server's id for the upload (and the file), once it has been created. */
  fileId: string | null;
  /** True when this continues an upload begun earlier (before a reload, say). */
  resumed: boolean;
  /** What the freelancer should know about the current state: a retry, a refusal. */
  message: UploadMessage | null;
}

/**
 * Words about an upload: the server's own (already in the person's language, or technical), or
 * one of ours by id, put into words by the screen (uploadMessageText in MilestoneFiles.tsx).
 */
export type UploadMessage =
  | { text: string }
  | { id: 'sessionEnded' | 'connectionLost' | 'serverBusy' | 'offline' | 'loaderFailed' }
  | { id: 'notRemoved' | 'retrying' }
  | { id: 'retryingIn'; seconds: number }
  | { id: 'refused'; status: number };

interface Sample {
  at: number;
  bytes: number;
}

interface Entry {
  file: File;
  /** Null until tus-js-client has loaded (it is fetched on first use, not with every page). */
  upload: Upload | null;
  samples: Sample[];
}

type FinishListener = (item: UploadItem) => void;

let items: readonly UploadItem[] = [];
const entries = new Map<string, Entry>();
const changeListeners = new Set<() => void>();
const finishListeners = new Set<FinishListener>();
let counter = 0;
let windowHooked = false;

function emit(): void {
  for (const listener of changeListeners) listener();
}

function update(key: string, change: Partial<UploadItem>): void {
  let changed = false;
  items = items.map((item) => {
    if (item.key !== key) return item;
    changed = true;
    return { ...item, ...change };
  });
  if (changed) emit();
}

function find(key: string): UploadItem | undefined {
  return items.find((item) => item.key === key);
}

function drop(key: string): void {
  entries.delete(key);
  items = items.filter((item) => item.key !== key);
  emit();
}

function fileIdOf(url: string | null): string | null {
  if (url === null) return null;
  const last = url.split('?')[0]?.split('/').pop() ?? '';
  return /^[0-9a-f]{32}$/.test(last) ? last : null;
}

function jsonError(response: HttpResponse | null): { code?: string; message?: string } {
  if (response === null) return {};
  try {
    const body: unknown = JSON.parse(response.getBody());
    if (typeof body === 'object' && body !== null && 'error' in body) {
      const error: unknown = body.error;
      if (typeof error === 'object' && error !== null) {
        const code = 'code' in error && typeof error.code === 'string' ? error.code : undefined;
        const message =
          'message' in error && typeof error.message === 'string' ? error.message : undefined;
        return { code, message };
      }
    }
  } catch {
    // Not JSON: tus's own plain-text answers.
  }
  return {};
}

function isDetailed(err: Error): err is DetailedError {
  return 'originalRequest' in err;
}

/** Words for an upload that stopped: the server's own message when it sent one. */
function describeFailure(err: Error): UploadMessage {
  const response = isDetailed(err) ? err.originalResponse : null;
  const status = response?.getStatus() ?? 0;
  const { message } = jsonError(response);
  if (status === 401) return { id: 'sessionEnded' };
  if (message !== undefined) return { text: message };
  if (status === 0) return { id: 'connectionLost' };
  const text = response?.getBody().trim() ?? '';
  if (status >= 500 && text !== '' && text.length < 300 && !text.startsWith('<')) return { text };
  if (status >= 500) return { id: 'serverBusy' };
  return { id: 'refused', status };
}

function hookWindow(): void {
  if (windowHooked || typeof window === 'undefined') return;
  windowHooked = true;
  // Closing the tab mid-upload loses only time (choosing the file again resumes), but say so.
  window.addEventListener('beforeunload', (event) => {
    if (items.some((item) => isActive(item.state))) event.preventDefault();
  });
  // Back online: carry on with everything that was waiting for the network.
  window.addEventListener('online', () => {
    for (const item of items) if (item.state === 'offline') resume(item.key);
  });
}

export function isActive(state: UploadState): boolean {
  return (
    state === 'starting' ||
    state === 'uploading' ||
    state === 'reconnecting' ||
    state === 'offline' ||
    state === 'removing'
  );
}

function measure(entry: Entry, bytes: number): number | null {
  const now = performance.now();
  entry.samples.push({ at: now, bytes });
  while (entry.samples.length > 2 && now - (entry.samples[0]?.at ?? now) > 4000)
    entry.samples.shift();
  const first = entry.samples[0];
  if (first === undefined) return null;
  const seconds = (now - first.at) / 1000;
  return seconds >= 0.5 && bytes >= first.bytes ? (bytes - first.bytes) / seconds : null;
}

function createUpload(
  Tus: typeof import('tus-js-client').Upload,
  key: string,
  file: File,
  milestoneId: string,
): Upload {
  const upload: Upload = new Tus(file, {
    endpoint: UPLOADS_ENDPOINT,
    metadata: {
      milestoneId,
      filename: file.name,
      filetype: file.type || 'application/octet-stream',
    },
    headers: { 'x-csrf-token': app.csrfToken ?? '' },
    chunkSize: CHUNK_SIZE,
    retryDelays: RETRY_DELAYS,
    storeFingerprintForResuming: true,
    removeFingerprintOnSuccess: true,
    // Per milestone: the same file chosen for the next milestone is a new upload, not a resume.
    fingerprint: (f: File) =>
      Promise.resolve(
        ['milepost', milestoneId, f.name, f.type, f.size, f.lastModified, UPLOADS_ENDPOINT].join(
          '|',
        ),
      ),
    onUploadUrlAvailable: () => update(key, { fileId: fileIdOf(upload.url) }),
    onProgress: (bytesSent) => {
      const entry = entries.get(key);
      const item = find(key);
      if (entry === undefined || item === undefined) return;
      if (item.state === 'paused' || item.state === 'removing') return;
      update(key, {
        bytesSent,
        rate: measure(entry, bytesSent),
        state: 'uploading',
        message: null,
      });
    },
    onShouldRetry: (err, attempt, options) => {
      const response = err.originalResponse;
      const status = response?.getStatus() ?? 0;
      // Our own refusals (a JSON body: FILE_LIMIT, UPLOAD_CLOSED…) are final; tus's 409 (offset
      // mismatch) and 423 (locked), network drops and server errors are worth another try.
      if (jsonError(response).code !== undefined && status < 500) return false;
      const transient = status === 0 || status >= 500 || status === 409 || status === 423;
      if (!transient) return false;
      if (typeof navigator !== 'undefined' && navigator.onLine === false) return false;
      if (find(key)?.state === 'removing') return true;
      const delay = options.retryDelays?.[attempt] ?? 0;
      const entry = entries.get(key);
      if (entry !== undefined) entry.samples = [];
      update(key, {
        state: 'reconnecting',
        rate: null,
        message:
          delay >= 1000
            ? { id: 'retryingIn', seconds: Math.round(delay / 1000) }
            : { id: 'retrying' },
      });
      return true;
    },
    onError: (err) => {
      const entry = entries.get(key);
      if (entry !== undefined) entry.samples = [];
      const offline = typeof navigator !== 'undefined' && navigator.onLine === false;
      update(key, {
        state: offline ? 'offline' : 'failed',
        rate: null,
        message: offline ? { id: 'offline' } : describeFailure(err),
      });
    },
    onSuccess: () => {
      update(key, { state: 'done', bytesSent: file.size, rate: null, message: null });
      const item = find(key);
      if (item !== undefined) for (const listener of finishListeners) listener(item);
    },
  });
  return upload;
}

async function begin(key: string, milestoneId: string): Promise<void> {
  const entry = entries.get(key);
  if (entry === undefined) return;
  let upload = entry.upload;
  if (upload === null) {
    try {
      const { Upload: Tus } = await import('tus-js-client');
      upload = createUpload(Tus, key, entry.file, milestoneId);
    } catch {
      update(key, {
        state: 'failed',
        message: { id: 'loaderFailed' },
      });
      return;
    }
    entry.upload = upload;
  }
  let previous: PreviousUpload[] = [];
  try {
    previous = await upload.findPreviousUploads();
  } catch {
    // No storage (private mode): a fresh upload it is.
  }
  const inUse = new Set(items.map((item) => item.fileId).filter((id) => id !== null));
  const candidate = previous
    .filter((p) => {
      const id = fileIdOf(p.uploadUrl);
      return id !== null && !inUse.has(id);
    })
    .sort((a, b) => b.creationTime.localeCompare(a.creationTime))[0];
  if (find(key)?.state !== 'starting') return; // removed meanwhile
  if (candidate !== undefined) {
    upload.resumeFromPreviousUpload(candidate);
    update(key, { resumed: true, fileId: fileIdOf(candidate.uploadUrl) });
  }
  upload.start();
}

/** Starts uploading `files` into the milestone. Checks of count and size happen before this. */
export function addUploads(projectId: string, milestoneId: string, files: readonly File[]): void {
  hookWindow();
  const added: UploadItem[] = files.map((file) => {
    counter += 1;
    return {
      key: `upload-${counter}`,
      projectId,
      milestoneId,
      name: file.name,
      type: file.type,
      size: file.size,
      state: 'starting',
      bytesSent: 0,
      rate: null,
      fileId: null,
      resumed: false,
      message: null,
    };
  });
  items = [...items, ...added];
  emit();
  added.forEach((item, i) => {
    const file = files[i];
    if (file === undefined) return;
    entries.set(item.key, { file, upload: null, samples: [] });
    void begin(item.key, milestoneId);
  });
}

export function pause(key: string): void {
  const entry = entries.get(key);
  if (entry === undefined || entry.upload === null) return;
  entry.samples = [];
  update(key, { state: 'paused', rate: null, message: null });
  void entry.upload.abort();
}

export function resume(key: string): void {
  const entry = entries.get(key);
  const item = find(key);
  if (entry === undefined || item === undefined) return;
  if (item.state !== 'paused' && item.state !== 'failed' && item.state !== 'offline') return;
  entry.samples = [];
  if (entry.upload === null) {
    // The uploader never loaded: try again from the start.
    update(key, { state: 'starting', message: null });
    void begin(key, item.milestoneId);
    return;
  }
  // The token may have changed since (a new login); resume with the current one.
  entry.upload.options.headers = { 'x-csrf-token': app.csrfToken ?? '' };
  update(key, { state: 'uploading', message: null });
  entry.upload.start();
}

/**
 * Stops the upload and deletes what the server holds of it (tus termination). Resolves once the
 * server agreed; on refusal the item stays, marked failed with the server's message.
 */
export async function remove(key: string): Promise<void> {
  const entry = entries.get(key);
  const item = find(key);
  if (entry === undefined || item === undefined) return;
  const before = item.state;
  update(key, { state: 'removing', rate: null, message: null });
  try {
    await entry.upload?.abort(true);
  } catch (err) {
    update(key, {
      state: before === 'done' ? 'done' : 'failed',
      message: err instanceof Error ? describeFailure(err) : { id: 'notRemoved' },
    });
    return;
  }
  drop(key);
  for (const listener of finishListeners) listener(item);
}

/** Forgets a finished (or refused) upload once the file listing shows it. */
export function dismiss(key: string): void {
  const item = find(key);
  if (item === undefined || isActive(item.state) || item.state === 'paused') return;
  drop(key);
}

/** Called when an upload finishes or is removed, so listings can be refreshed. */
export function onUploadsChanged(listener: FinishListener): () => void {
  finishListeners.add(listener);
  return () => {
    finishListeners.delete(listener);
  };
}

function subscribe(listener: () => void): () => void {
  changeListeners.add(listener);
  return () => {
    changeListeners.delete(listener);
  };
}

function snapshot(): readonly UploadItem[] {
  return items;
}

/** Every upload this tab knows of (the caller filters by milestone). */
export function useUploads(): readonly UploadItem[] {
  return useSyncExternalStore(subscribe, snapshot, snapshot);
}
