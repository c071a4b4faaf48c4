/**
 * The download log: one row per file, downloader (kind and address key), route and hour,
 * merged as requests arrive, so the log grows with hours of use rather than with requests.
 */
import type { Kysely } from 'kysely';
import { newId } from '../ids';
import type { DB, DownloadLogRow } from '../schema';

export interface DownloadRequest {
  fileId: string;
  projectId: string;
  actorType: DownloadLogRow['actor_type'];
  address: string;
  via: DownloadLogRow['via'];
  bytes: number;
  /** Whether this request sent every byte of the file. */
  complete: boolean;
  at: string;
}

/** Adds one request to its hour's row, creating the row on the hour's first request. */
export async function logDownload(db: Kysely<DB>, request: DownloadRequest): Promise<void> {
  const completions = request.complete ? 1 : 0;
  await db
    .insertInto('download_log')
    .values({
      id: newId(),
      file_id: request.fileId,
      project_id: request.projectId,
      actor_type: request.actorType,
      address: request.address,
      via: request.via,
      hour: request.at.slice(0, 13),
      first_at: request.at,
      last_at: request.at,
      requests: 1,
      bytes: request.bytes,
      completions,
    })
    .onConflict((oc) =>
      oc.columns(['file_id', 'actor_type', 'address', 'via', 'hour']).doUpdateSet((eb) => ({
        last_at: eb.ref('excluded.last_at'),
        requests: eb('download_log.requests', '+', 1),
        bytes: eb('download_log.bytes', '+', eb.ref('excluded.bytes')),
        completions: eb('download_log.completions', '+', eb.ref('excluded.completions')),
      })),
    )
    .execute();
}

/** A project's download log, most recent first (at most `limit` rows). */
export function listDownloadLog(
  db: Kysely<DB>,
  projectId: string,
  limit = 500,
): Promise<DownloadLogRow[]> {
  return db
    .selectFrom('download_log')
    .selectAll()
    .where('project_id', '=', projectId)
    .orderBy('last_at', 'desc')
    .orderBy('id')
    .limit(limit)
    .execute();
}
