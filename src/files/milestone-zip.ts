/**
 * "Download all" as one ZIP, streamed: archiver's zip format in STORE mode (deliverables are
 * mostly compressed already; storing costs no CPU), each file read from the store (local disk or
 * S3) only when its turn comes and piped through with backpressure — nothing is buffered whole,
 * in memory or on disk. ZIP64 is used when the files add up to 4 GiB or more.
 */
import { PassThrough, type Readable } from 'node:stream';
import { ZipArchive } from 'archiver';
import type { FileRow } from '../db/schema';
import type { FileStorage } from './storage';

const ZIP32_LIMIT = 0xffffffff;

/** Names inside the archive: no folders, and each one once ("a.pdf", "a (2).pdf"). */
export function entryNames(files: readonly Pick<FileRow, 'name'>[]): string[] {
  const taken = new Set<string>();
  return files.map((f) => {
    const clean = f.name.replace(/[/\\]/g, '_').replace(/^\.+/, '') || 'file';
    const dot = clean.lastIndexOf('.');
    const [stem, ext] = dot > 0 ? [clean.slice(0, dot), clean.slice(dot)] : [clean, ''];
    let name = clean;
    for (let n = 2; taken.has(name.toLowerCase()); n++) name = `${stem} (${n})${ext}`;
    taken.add(name.toLowerCase());
    return name;
  });
}

export interface ZipStream {
  /** The archive's bytes. */
  stream: Readable;
  /** Stops reading the store (the receiver went away). */
  abort(): void;
}

/**
 * Starts the archive of `files`; `onFile` is told the bytes of each file that went into it —
 * all of them when its entry completed, fewer when aborted part-way.
 */
export function zipFiles(options: {
  storage: FileStorage;
  files: readonly FileRow[];
  onFile: (file: FileRow, bytes: number) => void;
  onError: (error: unknown) => void;
}): ZipStream {
  const total = options.files.reduce((sum, f) => sum + f.size, 0);
  const archive = new ZipArchive({
    store: true,
    forceZip64: total >= ZIP32_LIMIT,
    highWaterMark: 1 << 20,
  });
  let aborted = false;
  let current: { source: Readable; file: FileRow; bytes: number } | undefined;
  const names = entryNames(options.files);

  const run = async () => {
    for (const [i, file] of options.files.entries()) {
      if (aborted) return;
      const source = await options.storage.read(file.id);
      const counter = new PassThrough({ highWaterMark: 1 << 20 });
      const entry = { source, file, bytes: 0 };
      current = entry;
      counter.on('data', (chunk: Buffer) => {
        entry.bytes += chunk.length;
      });
      source.on('error', (error) => counter.destroy(error));
      source.pipe(counter);
      const done = new Promise<void>((resolve, reject) => {
        const cleanup = () => {
          archive.off('entry', onEntry);
          archive.off('error', onFail);
          archive.off('close', onClose);
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
          resolve();
        };
        archive.once('entry', onEntry);
        archive.once('error', onFail);
        archive.once('close', onClose);
      });
      archive.append(counter, {
        name: names[i] ?? file.id,
        date: new Date(file.completed_at ?? file.created_at),
      });
      await done;
      // Aborted part-way: abort() has logged the bytes of this one.
      if (aborted) return;
      current = undefined;
      options.onFile(file, entry.bytes);
    }
    await archive.finalize();
  };
  run().catch((error: unknown) => {
    if (aborted) return;
    options.onError(error);
    archive.destroy(error instanceof Error ? error : new Error(String(error)));
  });

  return {
    stream: archive,
    abort() {
      if (aborted) return;
      aborted = true;
      const open = current;
      current = undefined;
      if (open) {
        options.onFile(open.file, open.bytes);
        open.source.destroy();
      }
      archive.abort();
    },
  };
}
