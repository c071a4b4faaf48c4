/**
 * SHA-256 of every upload, computed from the bytes as they stream into the store, so a finished
 * 5 GB upload needs no second read. The running hash lives in memory per upload; a write that
 * fails part-way, or a restart, loses it, and it is rebuilt from what the store holds — by
 * reading the stored prefix where the backend allows (local disk), or the whole file at the end.
 */
import { createHash, type Hash } from 'node:crypto';
import { Transform, type Readable } from 'node:stream';
import { DataStore, type Upload } from '@tus/utils';
import type { FileStorage } from './storage';

interface RunningHash {
  hash: Hash;
  bytes: number;
}

/** What the tus server sees when the disk is full: a clear message, and the bytes kept. */
export const STORAGE_FULL = {
  status_code: 507,
  body: 'The server is out of storage space. What was uploaded is kept; the upload resumes once space is freed.\n',
};

// Below this much free space the disk counts as full: a write is refused before it starts, and a
// write that failed part-way is reported as "storage full" rather than as an unexplained error.
const MIN_FREE_BYTES = 1024 * 1024;

export class HashingStore extends DataStore {
  private readonly running = new Map<string, RunningHash>();

  constructor(private readonly storage: FileStorage) {
    super();
    // Milepost requires Upload-Length at creation (the limits are checked on it), so the
    // deferred-length extension is not offered even where the store has it.
    this.extensions = storage.datastore.extensions.filter((e) => e !== 'creation-defer-length');
  }

  override create(upload: Upload): Promise<Upload> {
    this.running.set(upload.id, { hash: createHash('sha256'), bytes: 0 });
    return this.storage.datastore.create(upload);
  }

  override remove(id: string): Promise<void> {
    this.running.delete(id);
    return this.storage.datastore.remove(id);
  }

  override getUpload(id: string): Promise<Upload> {
    return this.storage.datastore.getUpload(id);
  }

  override declareUploadLength(id: string, length: number): Promise<void> {
    return this.storage.datastore.declareUploadLength(id, length);
  }

  override deleteExpired(): Promise<number> {
    return this.storage.datastore.deleteExpired();
  }

  override getExpiration(): number {
    return this.storage.datastore.getExpiration();
  }

  override async write(readable: Readable, id: string, offset: number): Promise<number> {
    if (this.storage.freeBytes && (await this.storage.freeBytes()) < MIN_FREE_BYTES)
      throw STORAGE_FULL;
    const state = await this.hashAt(id, offset);
    let counted = 0;
    const tap = new Transform({
      transform(chunk: Buffer, _encoding, callback) {
        state?.hash.update(chunk);
        counted += chunk.length;
        callback(null, chunk);
      },
    });
    // pipe(), not pipeline(): a failing store (a full disk) must not destroy the request stream
    // with its raw error, or tus would answer 500 before we can say what happened.
    readable.on('error', (error) => tap.destroy(error));
    readable.pipe(tap);
    try {
      const newOffset = await this.storage.datastore.write(tap, id, offset);
      if (state && offset + counted === newOffset) {
        state.bytes = newOffset;
        this.running.set(id, state);
      } else {
        this.running.delete(id);
      }
      return newOffset;
    } catch (error) {
      this.running.delete(id);
      if (this.storage.freeBytes && (await this.storage.freeBytes()) < MIN_FREE_BYTES)
        throw STORAGE_FULL;
      throw error;
    }
  }

  /** The hex SHA-256 of a finished upload of `size` bytes. */
  async digest(id: string, size: number): Promise<string> {
    const state = this.running.get(id);
    this.running.delete(id);
    if (state && state.bytes === size) return state.hash.digest('hex');
    const hash = createHash('sha256');
    for await (const chunk of await this.storage.read(id)) hash.update(chunk as Buffer);
    return hash.digest('hex');
  }

  /** A hash that has consumed exactly the first `offset` bytes, or null if none can be had now. */
  private async hashAt(id: string, offset: number): Promise<RunningHash | null> {
    const state = this.running.get(id);
    if (state && state.bytes === offset) return state;
    this.running.delete(id);
    if (offset === 0) return { hash: createHash('sha256'), bytes: 0 };
    if (!this.storage.readPartial) return null; // rebuilt from the finished object in digest()
    const hash = createHash('sha256');
    for await (const chunk of this.storage.readPartial(id, offset)) hash.update(chunk as Buffer);
    return { hash, bytes: offset };
  }
}
