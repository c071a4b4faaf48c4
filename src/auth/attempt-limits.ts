/**
 * Limits on failed attempts (logins, access codes), counted in the database over a sliding
 * window so they hold across restarts and across app instances.
 *
 * An attempt is checked inside one transaction that holds a lock on its key (the caller's IP):
 * count the key's failures, refuse with 429 at the limit, else run the check and record a failure
 * if it fails. Parallel guesses from one address are thus checked one at a time, and no more than
 * the limit are ever checked in a window.
 */
import { PostgresAdapter, sql, type Kysely } from 'kysely';
import { AppError } from '../domain/errors';
import { pruneFailures, recentFailures, recordFailure } from '../db/queries/failed-attempts';
import type { DB } from '../db/schema';

export interface AttemptPolicy {
  scope: string;
  key: string;
  windowMinutes: number;
  /** Failures allowed per key, and in the whole scope (instance-wide), within the window. */
  maxPerKey: number;
  maxInScope?: number;
}

/** What a check decides: let the caller through with a value, or refuse and count a failure. */
export type AttemptOutcome<T> = { ok: true; value: T } | { ok: false; error: AppError };

export async function limitedAttempt<T>(
  db: Kysely<DB>,
  policy: AttemptPolicy,
  now: Date,
  check: (trx: Kysely<DB>) => Promise<AttemptOutcome<T>>,
): Promise<T> {
  const windowMs = policy.windowMinutes * 60_000;
  const since = new Date(now.getTime() - windowMs).toISOString();
  const outcome = await db.transaction().execute(async (trx) => {
    await lockKey(trx, `${policy.scope}:${policy.key}`);
    await pruneFailures(trx, since);
    const limits: [string | null, number | undefined][] = [
      [policy.key, policy.maxPerKey],
      [null, policy.maxInScope],
    ];
    for (const [key, max] of limits) {
      if (max === undefined) continue;
      const { count, earliest } = await recentFailures(trx, policy.scope, key, since);
      if (count >= max) {
        const freesAt = (earliest ? Date.parse(earliest) : now.getTime()) + windowMs;
        const retryAfterSeconds = Math.max(1, Math.ceil((freesAt - now.getTime()) / 1000));
        return {
          ok: false as const,
          error: new AppError(
            'TOO_MANY_ATTEMPTS',
            `Too many failed attempts. Try again in ${retryAfterSeconds} seconds.`,
            { retryAfterSeconds },
          ),
        };
      }
    }
    const result = await check(trx);
    // Recorded and committed with the transaction; the refusal is thrown after it.
    if (!result.ok) await recordFailure(trx, policy.scope, policy.key, now.toISOString());
    return result;
  });
  if (!outcome.ok) throw outcome.error;
  return outcome.value;
}

/**
 * Serializes attempts on one key until the transaction ends: an advisory lock on PostgreSQL;
 * SQLite runs one write transaction at a time already.
 */
async function lockKey(trx: Kysely<DB>, key: string): Promise<void> {
  if (trx.getExecutor().adapter instanceof PostgresAdapter) {
    await sql`select pg_advisory_xact_lock(hashtext(${key}))`.execute(trx);
  }
}
