/** Reading and rewriting evidence bundles in tests: what a tamperer would do to a ZIP. */
import { writeFile } from 'node:fs/promises';
import { ZipArchive } from 'archiver';
import yauzl from 'yauzl';
import type { Actor, TestApp } from './harness';

export interface ZipItem {
  name: string;
  bytes: Buffer;
  /** Where the entry's (stored) bytes start in the archive. */
  dataStart: number;
}

/** Every entry of a ZIP, in order, with its bytes and where they sit in the archive. */
export async function readZipItems(zip: Buffer): Promise<ZipItem[]> {
  const file = await yauzl.fromBufferPromise(zip, { lazyEntries: true });
  const items: ZipItem[] = [];
  await new Promise<void>((resolve, reject) => {
    file.on('error', reject);
    file.on('end', () => resolve());
    file.on('entry', (entry: yauzl.Entry) => {
      void (async () => {
        const { fileDataStart } = await file.readLocalFileHeaderPromise(entry, { minimal: true });
        const stream = await file.openReadStreamPromise(entry);
        const chunks: Buffer[] = [];
        for await (const chunk of stream) chunks.push(chunk as Buffer);
        items.push({
          name: entry.fileName,
          bytes: Buffer.concat(chunks),
          dataStart: fileDataStart,
        });
        file.readEntry();
      })().catch(reject);
    });
    file.readEntry();
  });
  return items;
}

/** A new ZIP of these entries (stored, as Milepost writes them). */
export async function writeZip(items: readonly { name: string; bytes: Buffer }[]): Promise<Buffer> {
  const archive = new ZipArchive({ store: true });
  const chunks: Buffer[] = [];
  archive.on('data', (chunk: Buffer) => chunks.push(chunk));
  const ended = new Promise<void>((resolve, reject) => {
    archive.on('end', () => resolve());
    archive.on('error', reject);
  });
  for (const item of items) archive.append(item.bytes, { name: item.name });
  await archive.finalize();
  await ended;
  return Buffer.concat(chunks);
}

/** The bundle as an actor downloads it. */
export async function downloadBundle(
  app: TestApp,
  actor: Actor,
  path: string,
): Promise<{ status: number; headers: Headers; bytes: Buffer }> {
  const res = await fetch(`${app.url}${path}`, { headers: { cookie: actor.cookieHeader() } });
  return { status: res.status, headers: res.headers, bytes: Buffer.from(await res.arrayBuffer()) };
}

export async function saveTo(path: string, bytes: Buffer): Promise<string> {
  await writeFile(path, bytes);
  return path;
}
