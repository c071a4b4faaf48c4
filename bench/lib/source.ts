/** The file every transfer moves: a 16 MiB random block repeated, each copy stamped with its index. */
import { createHash, randomFillSync } from 'node:crypto';
import fs from 'node:fs/promises';

const BLOCK = 16 * 1024 * 1024;

/** Writes `size` bytes to `path` (and flushes them to disk); returns their SHA-256 (hex). */
export async function makeSourceFile(path: string, size: number): Promise<string> {
  const block = randomFillSync(Buffer.allocUnsafe(BLOCK));
  const hash = createHash('sha256');
  const handle = await fs.open(path, 'w');
  try {
    let written = 0;
    for (let index = 0n; written < size; index++) {
      // Stamp the copy number in several places so no two 16 MiB blocks are identical.
      for (let at = 0; at < BLOCK; at += 1024 * 1024) block.writeBigUInt64LE(index, at);
      const piece = block.subarray(0, Math.min(BLOCK, size - written));
      hash.update(piece);
      let offset = 0;
      while (offset < piece.length) {
        const { bytesWritten } = await handle.write(piece, offset, piece.length - offset);
        offset += bytesWritten;
      }
      written += piece.length;
    }
    await handle.sync();
  } finally {
    await handle.close();
  }
  return hash.digest('hex');
}

/** Flushes a file's dirty pages, so one phase's writeback does not slow the next one down. */
export async function flushFile(path: string): Promise<void> {
  const handle = await fs.open(path, 'r+');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/**
 * Writes `size` bytes to a scratch file and deletes it, just before a timed upload, so the upload
 * writes into page-cache memory the guest has just used. On this VM, memory freed a few seconds
 * earlier is handed back to the host (free page reporting; DAMON pages out cold cache), and
 * writing into it again costs 2–3x the kernel time: measured, two identical bare servers in turn
 * gave upload ratios from 0.41 to 1.97 without this, 0.82 to 1.14 with it (bench/files.ts notes).
 */
export async function recyclePageCache(dir: string, size: number): Promise<void> {
  const scratch = `${dir}/page-cache-scratch.bin`;
  const block = Buffer.alloc(16 * 1024 * 1024, 0x5a);
  const handle = await fs.open(scratch, 'w');
  try {
    for (let written = 0; written < size; written += block.length) {
      await handle.write(block, 0, Math.min(block.length, size - written));
    }
  } finally {
    await handle.close();
    await fs.rm(scratch, { force: true });
  }
}
