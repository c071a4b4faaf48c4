/**
 * Removes uploads abandoned before they completed: once an upload's row has said "uploading" for
 * longer than UPLOAD_EXPIRY_HOURS (≥ 24 h, so a slow 5 GB upload is never cut off), its row and
 * its stored bytes go. Only Milepost's rows decide what is unfinished. tus's own
 * cleanUpExpiredUploads() is never called: @tus/file-store judges "unfinished" by the offset
 * saved in each upload's .json when it was created (0, even once every byte has arrived), so it
 * deletes completed — delivered, paid — files once they are older than the expiry.
 * Each sweep also retries the queued deletions of stored bytes (file-removals.ts), and applies
 * the retention of records (config `retention`): sent mail's rows and, when configured, old
 * download log rows are deleted.
 */
import type { FastifyBaseLogger } from 'fastify';
import type { Kysely } from 'kysely';
import { queueFileRemovals } from '../db/queries/file-removals';
import { deleteUnfinishedFileRow, listStaleUploads } from '../db/queries/files';
import { deleteDownloadLogBefore, deleteSentMailBefore } from '../db/queries/retention';
import type { DB } from '../db/schema';
import { systemClock, type Clock } from '../domain/clock';
import { processFileRemovals, type RemovalReport } from './file-removals';
import type { FileStorage } from './storage';

const SWEEP_EVERY_MS = 60 * 60 * 1000;
const HOUR_MS = 3600 * 1000;
const DAY_MS = 24 * HOUR_MS;

export interface SweepOptions {
  db: Kysely<DB>;
  storage: FileStorage;
  /** The sweep's idea of the present; tests pass simulated days. */
  now: Date;
  expiryHours: number;
  /** How long records are kept (Config['retention']); nothing is pruned when absent. */
  retention?: Readonly<{ sentMailDays: number; downloadLogDays: number | null }>;
}

export interface SweepReport extends RemovalReport {
  /** Unfinished uploads whose rows were removed (their bytes are queued, then removed). */
  expired: number;
  /** Sent messages' rows deleted, past their retention. */
  sentMailDeleted: number;
  /** Download log rows deleted, past their retention. */
  downloadLogDeleted: number;
}

export async function sweepFiles(options: SweepOptions): Promise<SweepReport> {
  const cutoff = new Date(options.now.getTime() - options.expiryHours * HOUR_MS).toISOString();
  let expired = 0;
  const at = options.now.toISOString();
  for (const file of await listStaleUploads(options.db, cutoff)) {
    // The row goes only if still unfinished (an upload completing at this moment keeps its row
    // and its bytes), and its bytes are queued in the same transaction.
    const removed = await options.db.transaction().execute(async (trx) => {
      if (!(await deleteUnfinishedFileRow(trx, file.id))) return false;
      await queueFileRemovals(trx, [file.id], at);
      return true;
    });
    if (removed) expired += 1;
  }
  const removals = await processFileRemovals(options);
  const before = (days: number) => new Date(options.now.getTime() - days * DAY_MS).toISOString();
  const { retention } = options;
  const sentMailDeleted = retention
    ? await deleteSentMailBefore(options.db, before(retention.sentMailDays))
    : 0;
  const downloadLogDeleted =
    retention && retention.downloadLogDays !== null
      ? await deleteDownloadLogBefore(options.db, before(retention.downloadLogDays))
      : 0;
  return { expired, ...removals, sentMailDeleted, downloadLogDeleted };
}

export interface FileSweep {
  /** Sweeps now, by the clock, as the hourly timer does. */
  run(): Promise<SweepReport>;
  stop(): void;
}

export function startFileSweep(
  options: Omit<SweepOptions, 'now'> & { log: FastifyBaseLogger; clock?: Clock },
): FileSweep {
  const clock = options.clock ?? systemClock;
  const run = async (): Promise<SweepReport> => {
    const report = await sweepFiles({ ...options, now: clock.now() });
    if (report.expired > 0) options.log.info(`removed ${report.expired} expired upload(s)`);
    if (report.failed > 0) {
      options.log.warn(`${report.failed} stored file(s) could not be deleted; will retry`);
    }
    if (report.sentMailDeleted + report.downloadLogDeleted > 0) {
      options.log.info(
        `retention: deleted ${report.sentMailDeleted} sent mail row(s), ` +
          `${report.downloadLogDeleted} download log row(s)`,
      );
    }
    return report;
  };
  const timer = setInterval(() => {
    run().catch((error: unknown) => options.log.error({ err: error }, 'file sweep failed'));
  }, SWEEP_EVERY_MS);
  timer.unref();
  return { run, stop: () => clearInterval(timer) };
}
