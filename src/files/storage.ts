/**
 * Where deliverable bytes live. Two implementations behind one interface: local disk under the
 * data folder (the default) and S3-compatible object storage. Both give @tus/server a DataStore
 * to write through and give downloads a ranged read stream; S3 can also presign a URL.
 */
import type { Readable, Writable } from 'node:stream';
import type { DataStore } from '@tus/utils';
import type { Config } from '../config';
import { createLocalStorage } from './local-storage';

export interface ByteSpan {
  start: number;
  end: number; // inclusive
}

export interface FileStorage {
  readonly kind: 'local' | 's3';
  /** The store that tus uploads write through. */
  readonly datastore: DataStore;
  /** A stream of the whole file or one inclusive byte span of it. */
  read(id: string, span?: ByteSpan): Promise<Readable>;
  /**
   * Sends one inclusive byte span to `out` and ends it, where the backend can do so without a
   * fresh buffer per chunk (local disk). Resolves with the bytes `out` took (fewer if it closed
   * early); rejects if the stored file cannot be read.
   */
  sendTo?(id: string, span: ByteSpan, out: Writable): Promise<number>;
  /** The stored bytes of an unfinished upload, where the backend can read them (local disk). */
  readPartial?(id: string, length: number): Readable;
  /** Bytes still free for uploads, where the backend can tell (local disk). */
  freeBytes?(): Promise<number>;
  remove(id: string): Promise<void>;
  /**
   * The stored size of a file, or undefined when nothing is stored under `id`; rejects when the
   * store cannot be read (permissions, an unreachable bucket).
   */
  sizeOf(id: string): Promise<number | undefined>;
  presignDownload?(
    id: string,
    options: { disposition: string; contentType: string; expiresInSeconds: number },
  ): Promise<string>;
  close(): Promise<void>;
}

export async function createStorage(config: Config): Promise<FileStorage> {
  const expirationMs = config.uploadExpiryHours * 3600 * 1000;
  if (config.storage.kind === 'local')
    return createLocalStorage(config.storage.directory, expirationMs);
  // Loaded only when used: the AWS SDK costs ~15 MB of memory on every instance otherwise.
  const { createS3Storage } = await import('./s3-storage');
  return createS3Storage(config.storage, expirationMs);
}
