import fs from 'node:fs';
import path from 'node:path';
import type { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { FileStore } from '@tus/file-store';
import { ERRORS, type Upload } from '@tus/utils';
import { READ_CHUNK, sendSpan, WRITE_BUFFER } from './disk-io';
import type { ByteSpan, FileStorage } from './storage';

/** Creates an empty file readable by the owner only (an existing file is left as it is). */
async function touchPrivate(file: string): Promise<void> {
  await (await fs.promises.open(file, 'a', 0o600)).close();
}

/**
 * @tus/file-store, with writes batched (disk-io.ts) and each upload's bytes and .json created
 * owner-only (FileStore leaves their mode to the umask); everything else is FileStore's own.
 */
class BatchingFileStore extends FileStore {
  constructor(
    options: ConstructorParameters<typeof FileStore>[0],
    private readonly pathOf: (id: string) => string,
  ) {
    super(options);
  }

  override async create(upload: Upload): Promise<Upload> {
    await touchPrivate(this.pathOf(upload.id));
    await touchPrivate(`${this.pathOf(upload.id)}.json`);
    return super.create(upload);
  }

  override async write(readable: Readable, id: string, offset: number): Promise<number> {
    const file = fs.createWriteStream(this.pathOf(id), {
      flags: 'r+',
      start: offset,
      highWaterMark: WRITE_BUFFER,
    });
    try {
      await pipeline(readable, file);
    } catch {
      throw ERRORS.FILE_WRITE_ERROR;
    }
    return offset + file.bytesWritten;
  }
}

export function createLocalStorage(
  directory: string,
  expirationPeriodInMilliseconds: number,
): FileStorage {
  fs.mkdirSync(directory, { recursive: true, mode: 0o700 });
  // Ids are checked (32 hex digits) before any call reaches here; resolve() is a second guard.
  const pathOf = (id: string): string => {
    const resolved = path.resolve(directory, id);
    if (path.dirname(resolved) !== path.resolve(directory))
      throw new Error('Upload id escapes the store');
    return resolved;
  };
  const datastore = new BatchingFileStore({ directory, expirationPeriodInMilliseconds }, pathOf);
  return {
    kind: 'local',
    datastore,
    read: (id: string, span?: ByteSpan): Promise<Readable> =>
      Promise.resolve(
        fs.createReadStream(pathOf(id), {
          highWaterMark: READ_CHUNK,
          ...(span && { start: span.start, end: span.end }),
        }),
      ),
    sendTo: (id: string, span: ByteSpan, out: Writable): Promise<number> =>
      sendSpan(pathOf(id), span, out),
    readPartial: (id: string, length: number): Readable =>
      fs.createReadStream(pathOf(id), { highWaterMark: READ_CHUNK, start: 0, end: length - 1 }),
    freeBytes: async (): Promise<number> => {
      const stats = await fs.promises.statfs(directory);
      return stats.bavail * stats.bsize;
    },
    // The bytes and tus's .json beside them, each whether or not the other is still there
    // (FileStore.remove() gives up on the .json when the bytes are already gone).
    sizeOf: async (id: string) => {
      const handle = await fs.promises.open(pathOf(id), 'r').catch((error: unknown) => {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
        throw error;
      });
      if (handle === undefined) return undefined;
      try {
        const stats = await handle.stat();
        if (!stats.isFile()) throw new Error(`${pathOf(id)} is not a file`);
        return stats.size;
      } finally {
        await handle.close();
      }
    },
    remove: async (id: string) => {
      for (const file of [pathOf(id), `${pathOf(id)}.json`]) {
        await fs.promises.rm(file, { force: true });
      }
    },
    close: () => Promise.resolve(),
  };
}
