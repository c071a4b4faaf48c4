/**
 * How a PostgreSQL transaction commits early (src/db/after-commit.ts `EarlyCommit`): its rows
 * become visible to every connection as COMMIT returns, before its WAL record is flushed, and
 * the fence then waits until the log is flushed through it.
 *
 * - The commit: `synchronous_commit` off for this transaction only, and COMMIT, in one round trip
 *   (the simple query protocol runs both; no parameters).
 * - The fence: a transaction of its own that writes a WAL record and commits synchronously, so its
 *   COMMIT returns once the log is flushed through its record — and so through every commit
 *   before it, the early one included; concurrent fences share a flush. It must write WAL: a
 *   transaction that only takes an id (`pg_current_xact_id()`, NOTIFY) commits without a flush
 *   (measured with pg_stat_wal: 20 such commits, one flush, from the WAL writer). A transactional
 *   logical-decoding message is such a record on any `wal_level`, touches no table and takes no
 *   lock, and every role may emit one (PostgreSQL 9.6 and later).
 */
import { CompiledQuery } from 'kysely';
import type { EarlyCommit } from './after-commit';

export const POSTGRES_EARLY_COMMIT: EarlyCommit = {
  commit: CompiledQuery.raw('set local synchronous_commit to off; commit', []),
  fence: CompiledQuery.raw(`select pg_logical_emit_message(true, 'milepost', 'flushed')`, []),
};
