/**
 * Retention: records that have served their purpose are deleted by the hourly sweep, in small
 * batches, so no single statement holds SQLite's one writer (or many PostgreSQL rows) for long.
 */
import type { Kysely } from 'kysely';
import type { DB } from '../schema';

const BATCH = 1000;

/** Sent messages (metadata only: bodies go at sending) sent before `cutoff`. */
export async function deleteSentMailBefore(db: Kysely<DB>, cutoff: string): Promise<number> {
  let deleted = 0;
  for (;;) {
    const result = await db
      .deleteFrom('mail_outbox')
      .where('id', 'in', (eb) =>
        eb
          .selectFrom('mail_outbox')
          .select('id')
          .where('status', '=', 'sent')
          .where('sent_at', '<', cutoff)
          .limit(BATCH),
      )
      .executeTakeFirst();
    const count = Number(result.numDeletedRows);
    deleted += count;
    if (count < BATCH) return deleted;
  }
}

/** Download log rows whose last request was before `cutoff`. */
export async function deleteDownloadLogBefore(db: Kysely<DB>, cutoff: string): Promise<number> {
  let deleted = 0;
  for (;;) {
    const result = await db
      .deleteFrom('download_log')
      .where('id', 'in', (eb) =>
        eb.selectFrom('download_log').select('id').where('last_at', '<', cutoff).limit(BATCH),
      )
      .executeTakeFirst();
    const count = Number(result.numDeletedRows);
    deleted += count;
    if (count < BATCH) return deleted;
  }
}
