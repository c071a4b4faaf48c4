/**
 * Writes the evidence bundle as one streamed ZIP, the way "Download all" does (archiver's zip
 * format in STORE mode, one entry at a time, each piped through with backpressure): every entry
 * is hashed (SHA-256) and counted as it passes into the archive, so the manifest written last
 * lists what is really in it, and no entry — let alone the whole archive — is held in memory
 * longer than its own chunk. Sources are buffers (a rendered PDF) or async iterables (JSON
 * written page by page from the database).
 */
import { createHash } from 'node:crypto';
import { Readable, Transform } from 'node:stream';
import { ZipArchive } from 'archiver';
import type { ManifestEntry } from './manifest';

export type EntrySource = Buffer | string | AsyncIterable<Buffer | string>;

export class BundleZip {
  readonly stream: ZipArchive;
  private readonly listed: ManifestEntry[] = [];
  private current: Readable | undefined;
  private aborted = false;

  constructor(private readonly date: Date) {
    this.stream = new ZipArchive({ store: true, highWaterMark: 1 << 20 });
  }

  /** The entries added so far with `add`, in order. */
  entries(): readonly ManifestEntry[] {
    return this.listed;
  }

  /** Adds an entry listed in the manifest: its bytes are hashed on the way in. */
  async add(path: string, source: EntrySource): Promise<void> {
    const hash = createHash('sha256');
    let size = 0;
    const hashing = new Transform({
      highWaterMark: 1 << 20,
      transform(chunk: Buffer | string, _encoding, done) {
        const bytes = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;
        hash.update(bytes);
        size += bytes.length;
        done(null, bytes);
      },
    });
    await this.append(path, source, hashing);
    this.listed.push({ path, size, sha256: hash.digest('hex') });
  }

  /** Adds an entry the manifest does not list (the manifest itself, its signature, the key). */
  async addUnlisted(path: string, bytes: Buffer | string): Promise<void> {
    await this.append(path, bytes, undefined);
  }

  finalize(): Promise<void> {
    return this.stream.finalize();
  }

  /** Stops: the receiver went away, or producing an entry failed. */
  abort(error?: Error): void {
    if (this.aborted) return;
    this.aborted = true;
    this.current?.destroy();
    if (error) this.stream.destroy(error);
    else this.stream.abort();
  }

  private async append(path: string, source: EntrySource, through: Transform | undefined) {
    if (this.aborted) throw new Error('the bundle was aborted');
    const readable =
      typeof source === 'string' || Buffer.isBuffer(source)
        ? Readable.from([typeof source === 'string' ? Buffer.from(source, 'utf8') : source])
        : Readable.from(source);
    this.current = readable;
    const input = through ? readable.pipe(through) : readable;
    if (through) readable.on('error', (error) => through.destroy(error));
    const done = new Promise<void>((resolve, reject) => {
      const archive = this.stream;
      const cleanup = () => {
        archive.off('entry', onEntry);
        archive.off('error', onFail);
        archive.off('close', onClose);
        input.off('error', onFail);
      };
      const onEntry = () => {
        cleanup();
        resolve();
      };
      const onFail = (error: Error) => {
        cleanup();
        reject(error);
      };
      const onClose = () => {
        cleanup();
        reject(new Error('the bundle was closed'));
      };
      archive.once('entry', onEntry);
      archive.once('error', onFail);
      archive.once('close', onClose);
      input.once('error', onFail);
    });
    this.stream.append(input, { name: path, date: this.date });
    await done;
    this.current = undefined;
  }
}
