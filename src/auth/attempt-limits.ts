/**
 * Limits on failed attempts (logins, access codes), counted in the database over a sliding
 * window so they hold across restarts and across app instances.
 *
 * Each attempt is written down *before* it is checked and counted with the others; a successful
 * one is then struck out. So parallel guesses cannot all pass a check that none of them has yet
 * been counted in: whichever is written (max+1)-th sees the limit reached.
 */
import type { Kysely } from 'kysely';
import { AppError } from '../domain/errors';
import {
  deleteFailure,
  pruneFailures,
  recentFailures,
  recordFailure,
} from '../db/queries/failed-attempts';
import type { DB } from '../db/schema';

export interface AttemptLimit {
  /** The count is of this key (an IP address), or of the whole scope when null. */
  key: string | null;
  max: number;
}

export interface AttemptPolicy {
  scope: string;
  key: string;
  windowMinutes: number;
  limits: readonly AttemptLimit[];
}

/**
 * Records an attempt and refuses it with 429 if it is over any limit. Returns the attempt's id:
 * pass it to `attemptSucceeded` when the attempt turns out right.
 */
export async function beginAttempt(
  db: Kysely<DB>,
  policy: AttemptPolicy,
  now: Date,
): Promise<string> {
  const windowMs = policy.windowMinutes * 60_000;
  const since = new Date(now.getTime() - windowMs).toISOString();
  await pruneFailures(db, since);
  const attemptId = await recordFailure(db, policy.scope, policy.key, now.toISOString());
  for (const limit of policy.limits) {
    const { count, earliest } = await recentFailures(db, policy.scope, limit.key, since);
    if (count > limit.max) {
      // A refused attempt is not a guess: it does not count against later ones.
      await deleteFailure(db, attemptId);
      const freesAt = (earliest ? Date.parse(earliest) : now.getTime()) + windowMs;
      const retryAfterSeconds = Math.max(1, Math.ceil((freesAt - now.getTime()) / 1000));
      throw new AppError(
        'TOO_MANY_ATTEMPTS',
        `Too many failed attempts. Try again in ${retryAfterSeconds} seconds.`,
        {
          retryAfterSeconds,
        },
      );
    }
  }
  return attemptId;
}

export async function attemptSucceeded(db: Kysely<DB>, attemptId: string): Promise<void> {
  await deleteFailure(db, attemptId);
}
