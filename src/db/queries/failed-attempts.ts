/**
 * Counted attempts (failed logins and access codes, attempts still being checked, sign-ups),
 * kept in the database so the limits hold across every app instance, and pruned as they age out
 * of the window.
 */
import type { Kysely } from 'kysely';
import { newId } from '../ids';
import type { DB } from '../schema';

export async function recordFailure(
  db: Kysely<DB>,
  scope: string,
  key: string,
  at: string,
): Promise<string> {
  const id = newId();
  await db.insertInto('failed_attempts').values({ id, scope, key, at }).execute();
  return id;
}

/**
 * Attempts in the scopes since `since` (of one key, or of everyone when `key` is null), and the
 * earliest of them (which decides when the window frees up).
 */
export async function recentFailures(
  db: Kysely<DB>,
  scopes: readonly string[],
  key: string | null,
  since: string,
): Promise<{ count: number; earliest: string | null }> {
  let query = db
    .selectFrom('failed_attempts')
    .select((eb) => [eb.fn.countAll<number>().as('count'), eb.fn.min('at').as('earliest')])
    .where('scope', 'in', scopes)
    .where('at', '>', since);
  if (key !== null) query = query.where('key', '=', key);
  const row = await query.executeTakeFirstOrThrow();
  return { count: Number(row.count), earliest: row.earliest ?? null };
}

export async function pruneFailures(db: Kysely<DB>, before: string): Promise<void> {
  await db.deleteFrom('failed_attempts').where('at', '<=', before).execute();
}

export async function deleteFailure(db: Kysely<DB>, id: string): Promise<void> {
  await db.deleteFrom('failed_attempts').where('id', '=', id).execute();
}
