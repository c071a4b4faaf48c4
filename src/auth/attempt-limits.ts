/**
 * Limits on attempts (logins, access codes, sign-ups), counted in the database over a sliding
 * window so they hold across restarts and across app instances.
 *
 * An attempt runs in three steps, so that no slow check (argon2) ever runs while a transaction
 * or SQLite's one connection is held, and the count stays exact under parallel attempts:
 * 1. reserve: in one short transaction that holds a lock on the key (and on the scope when it
 *    has an instance-wide limit), count the failures and reservations in the window; at the
 *    limit, refuse with 429; else record a reservation, counted like a failure;
 * 2. check, outside any transaction;
 * 3. settle: a success releases the reservation; a failure keeps it as the failure's record.
 * Parallel guesses from one address thus never get more than the limit checked in a window.
 */
import { PostgresAdapter, sql, type Kysely } from 'kysely';
import { AppError } from '../domain/errors';
import {
  deleteFailure,
  pruneFailures,
  recentFailures,
  recordFailure,
} from '../db/queries/failed-attempts';
import type { DB } from '../db/schema';

export interface AttemptPolicy {
  /** Where this attempt is recorded. */
  scope: string;
  /** Whose attempts these are (a client address key, see clientAddressKey). */
  key: string;
  windowMinutes: number;
  /** Attempts allowed per key within the window, counted over `keyScopes`. */
  maxPerKey: number;
  /** The scopes whose records count against the key; `[scope]` when absent. */
  keyScopes?: readonly string[];
  /** Attempts allowed in `scope` instance-wide within the window. */
  maxInScope?: number;
}

/** What a check decides: let the caller through with a value, or refuse and count a failure. */
export type AttemptOutcome<T> = { ok: true; value: T } | { ok: false; error: AppError };

/** A counted attempt, held until it is settled. */
export interface Reservation {
  id: string;
}

/**
 * Runs `check` as one attempt counted under every given policy (say per account and per
 * address): all are reserved first — a refusal by any gives back those already reserved — and
 * all are settled together.
 */
export async function limitedAttempt<T>(
  db: Kysely<DB>,
  policies: AttemptPolicy | readonly AttemptPolicy[],
  now: Date,
  check: () => Promise<AttemptOutcome<T>>,
): Promise<T> {
  const reservations: Reservation[] = [];
  const releaseAll = async () => {
    for (const reservation of reservations) await releaseAttempt(db, reservation);
  };
  try {
    for (const policy of Array.isArray(policies) ? policies : [policies]) {
      reservations.push(await reserveAttempt(db, policy as AttemptPolicy, now));
    }
  } catch (error) {
    await releaseAll();
    throw error;
  }
  let outcome: AttemptOutcome<T>;
  try {
    outcome = await check();
  } catch (error) {
    // A fault of ours, not a wrong guess: it does not count.
    await releaseAll();
    throw error;
  }
  if (!outcome.ok) throw outcome.error;
  await releaseAll();
  return outcome.value;
}

/** Counts an attempt against the limits, or refuses it with 429 when a limit is reached. */
export async function reserveAttempt(
  db: Kysely<DB>,
  policy: AttemptPolicy,
  now: Date,
): Promise<Reservation> {
  const windowMs = policy.windowMinutes * 60_000;
  const since = new Date(now.getTime() - windowMs).toISOString();
  const result = await db.transaction().execute(async (trx) => {
    if (policy.maxInScope !== undefined) await lockKey(trx, `${policy.scope}:*`);
    await lockKey(trx, `${policy.scope}:${policy.key}`);
    await pruneFailures(trx, since);
    const limits: [string[], string | null, number | undefined][] = [
      [[...(policy.keyScopes ?? [policy.scope])], policy.key, policy.maxPerKey],
      [[policy.scope], null, policy.maxInScope],
    ];
    for (const [scopes, key, max] of limits) {
      if (max === undefined) continue;
      const { count, earliest } = await recentFailures(trx, scopes, key, since);
      if (count >= max) {
        const freesAt = (earliest ? Date.parse(earliest) : now.getTime()) + windowMs;
        const retryAfterSeconds = Math.max(1, Math.ceil((freesAt - now.getTime()) / 1000));
        return {
          ok: false as const,
          error: new AppError(
            'TOO_MANY_ATTEMPTS',
            `Too many attempts. Try again in ${retryAfterSeconds} seconds.`,
            { retryAfterSeconds },
          ),
        };
      }
    }
    const id = await recordFailure(trx, policy.scope, policy.key, now.toISOString());
    return { ok: true as const, id };
  });
  if (!result.ok) throw result.error;
  return { id: result.id };
}

/** Gives a reserved attempt back: it succeeded, or never really happened. */
export async function releaseAttempt(db: Kysely<DB>, reservation: Reservation): Promise<void> {
  await deleteFailure(db, reservation.id);
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
