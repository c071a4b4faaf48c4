/**
 * The start-up check of stored bytes: every finished file's row is compared with what the store
 * holds. A file whose bytes are missing, or that cannot be read in full (the store refuses it, or
 * holds fewer or more bytes than the row says), is logged at error level, so an operator learns
 * of a loss at once; the counts are shown in GET /api/health.
 */
import type { FastifyBaseLogger } from 'fastify';
import type { Kysely } from 'kysely';
import { listCompleteFilesAfter } from '../db/queries/files';
import type { DB } from '../db/schema';
import type { FileStorage } from './storage';

const PAGE = 200;
// Several HEADs in flight for S3; local stats are cheap either way.
const PARALLEL = 8;

export interface StoredFilesReport {
  checked: number;
  missing: number;
  unreadable: number;
  /** When the check finished; null while it runs (or if it could not run). */
  checkedAt: string | null;
}

export async function checkStoredFiles(options: {
  db: Kysely<DB>;
  storage: FileStorage;
  log: FastifyBaseLogger;
  now: () => Date;
}): Promise<StoredFilesReport> {
  const { db, storage, log } = options;
  let checked = 0;
  let missing = 0;
  let unreadable = 0;
  let after = '';
  for (;;) {
    const page = await listCompleteFilesAfter(db, after, PAGE);
    if (page.length === 0) break;
    after = page[page.length - 1]?.id ?? after;
    for (let i = 0; i < page.length; i += PARALLEL) {
      await Promise.all(
        page.slice(i, i + PARALLEL).map(async (file) => {
          checked += 1;
          const where = { fileId: file.id, projectId: file.project_id };
          try {
            const size = await storage.sizeOf(file.id);
            if (size === undefined) {
              missing += 1;
              log.error(where, 'stored file missing: its bytes are not in the store');
            } else if (size !== file.size) {
              unreadable += 1;
              log.error(
                { ...where, expectedBytes: file.size, storedBytes: size },
                'stored file unreadable: the store holds a different number of bytes',
              );
            }
          } catch (error) {
            unreadable += 1;
            log.error({ ...where, err: error }, 'stored file unreadable');
          }
        }),
      );
    }
  }
  const report = { checked, missing, unreadable, checkedAt: options.now().toISOString() };
  if (missing + unreadable > 0) log.error(report, 'stored files check found problems');
  else log.info(report, 'stored files check passed');
  return report;
}
