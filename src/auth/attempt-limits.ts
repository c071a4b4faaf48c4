/**
 * Limits on failed attempts (logins, access codes), counted in the database over a sliding
 * window so they hold across restarts and across app instances.
 */
import type { Kysely } from 'kysely';
import { AppError } from '../domain/errors';
import { pruneFailures, recentFailures, recordFailure } from '../db/queries/failed-attempts';
import type { DB } from '../db/schema';

export interface AttemptLimit {
  scope: string;
  /** The key counted (an IP address), or null for the instance-wide count of the scope. */
  key: string | null;
  max: number;
  windowMinutes: number;
}

export async function assertUnderLimits(
  db: Kysely<DB>,
  limits: readonly AttemptLimit[],
  now: Date,
): Promise<void> {
  for (const limit of limits) {
    const windowMs = limit.windowMinutes * 60_000;
    const since = new Date(now.getTime() - windowMs).toISOString();
    const { count, earliest } = await recentFailures(db, limit.scope, limit.key, since);
    if (count >= limit.max) {
      const freesAt = (earliest ? Date.parse(earliest) : now.getTime()) + windowMs;
      const retryAfterSeconds = Math.max(1, Math.ceil((freesAt - now.getTime()) / 1000));
      throw new AppError('TOO_MANY_ATTEMPTS', `Too many failed attempts. Try again in ${retryAfterSeconds} seconds.`, {
        retryAfterSeconds,
      });
    }
  }
}

export async function noteFailure(
  db: Kysely<DB>,
  scope: string,
  key: string,
  windowMinutes: number,
  now: Date,
): Promise<void> {
  await recordFailure(db, scope, key, now.toISOString());
  // Rows older than the window no longer count for anything.
  await pruneFailures(db, new Date(now.getTime() - windowMinutes * 60_000).toISOString());
}
