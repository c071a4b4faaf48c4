/**
 * Deletes queued bytes from the store (see migration 0009): each queued id is removed from the
 * store, then its queue row goes. A failure keeps the row, counts the attempt and is retried by
 * the next sweep; removal is idempotent, so a crash between the two steps only repeats it.
 */
import type { Kysely } from 'kysely';
import {
  deleteFileRemoval,
  listFileRemovals,
  recordFileRemovalFailure,
} from '../db/queries/file-removals';
import type { DB } from '../db/schema';
import type { FileStorage } from './storage';

const BATCH = 500;

export interface RemovalReport {
  removed: number;
  failed: number;
}

export async function processFileRemovals(options: {
  db: Kysely<DB>;
  storage: FileStorage;
  /** Only these ids (just queued by an action); all pending ones when absent. */
  only?: readonly string[];
}): Promise<RemovalReport> {
  const report: RemovalReport = { removed: 0, failed: 0 };
  const failed = new Set<string>();
  for (;;) {
    const pending = (
      await listFileRemovals(options.db, {
        ...(options.only && { only: options.only }),
        limit: BATCH + failed.size,
      })
    ).filter((row) => !failed.has(row.file_id));
    if (pending.length === 0) return report;
    for (const row of pending) {
      try {
        await options.storage.remove(row.file_id);
        await deleteFileRemoval(options.db, row.file_id);
        report.removed += 1;
      } catch (error) {
        failed.add(row.file_id);
        report.failed += 1;
        await recordFileRemovalFailure(options.db, row.file_id, String(error));
      }
    }
  }
}
