/**
 * How bytes move between the local disk and sockets: writes batched up to 1 MiB (one writev()
 * for the network chunks that queue while a write is on the disk) and reads through two reused
 * 1 MiB buffers. Local storage uses both; so do bench:files's plain-Node baselines, so that the
 * comparison is of servers, not of buffer sizes.
 */
import fs from 'node:fs';
import type { Writable } from 'node:stream';
import type { ByteSpan } from './storage';

// 1 MiB reads: the default 64 KiB streams a paid file at a third of the speed (see STACK.md).
export const READ_CHUNK = 1 << 20;
// Up to 1 MiB queued per write: the 64 KiB network chunks that arrive while one write is on the
// disk go down together in one writev(). FileStore's 16 KiB default makes a write per chunk;
// batching took the upload from ~0.8x to ~1.0x a bare req.pipe(fs.createWriteStream()).
export const WRITE_BUFFER = 1 << 20;

/**
 * Sends an inclusive span of a file to `out` and ends it, through two buffers used in turn: one
 * is read into while the other is on its way out, and a buffer is reused only once the write that
 * carried it has completed. fs.createReadStream allocates a new 1 MiB buffer per read; at 1–2 GB/s
 * that churn made V8 run a full mark-compact several times a second in some runs (bench:files:
 * ~130 per 2 GiB, downloads at 0.4x the bare baseline). The last chunk goes with end(), so the
 * response is complete when the client has it (a server closing meanwhile finds it idle).
 * Resolves with the bytes `out` took — fewer than the span if it closed early (a client gone);
 * rejects if the file cannot be read.
 */
export async function sendSpan(file: string, span: ByteSpan, out: Writable): Promise<number> {
  if (out.destroyed) return 0;
  const handle = await fs.promises.open(file, 'r');
  const buffers = [Buffer.allocUnsafe(READ_CHUNK), Buffer.allocUnsafe(READ_CHUNK)];
  let sent = 0;
  let outClosed = false;
  const closed = new Promise<void>((resolve) =>
    out.once('close', () => {
      outClosed = true;
      resolve();
    }),
  );
  // Settles once the chunk has left, or `out` has failed (which also closes it).
  const send = (chunk: Buffer, last: boolean): Promise<void> =>
    new Promise((resolve) => {
      const done = (error?: Error | null): void => {
        if (!error) sent += chunk.length;
        resolve();
      };
      if (last) out.end(chunk, done);
      else out.write(chunk, done);
    });
  let sending: Promise<void> = Promise.resolve();
  try {
    for (let position = span.start, turn = 0; position <= span.end; turn ^= 1) {
      const buffer = buffers[turn] as Buffer;
      const wanted = Math.min(READ_CHUNK, span.end - position + 1);
      const { bytesRead } = await handle.read(buffer, 0, wanted, position);
      if (bytesRead === 0) throw new Error(`${file} ended before byte ${span.end}`);
      // The previous write carried the other buffer; the one before it, this one, and is done.
      await Promise.race([sending, closed]);
      if (outClosed) break;
      position += bytesRead;
      sending = send(buffer.subarray(0, bytesRead), position > span.end);
    }
    await Promise.race([sending, closed]);
    return sent;
  } finally {
    await Promise.race([sending, closed]);
    await handle.close();
  }
}
