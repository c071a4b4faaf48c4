/** "Forgot password" tokens, by the SHA-256 of the token. */
import type { Kysely } from 'kysely';
import type { DB } from '../schema';

export async function insertPasswordReset(
  db: Kysely<DB>,
  reset: { tokenHash: string; userId: string; createdAt: string; expiresAt: string },
): Promise<void> {
  await db
    .insertInto('password_resets')
    .values({
      token_hash: reset.tokenHash,
      user_id: reset.userId,
      created_at: reset.createdAt,
      expires_at: reset.expiresAt,
      used_at: null,
    })
    .execute();
}

/** The user a token may still reset: unused and not expired at `now`. */
export async function findUsablePasswordReset(
  db: Kysely<DB>,
  tokenHash: string,
  now: string,
): Promise<{ userId: string } | undefined> {
  const row = await db
    .selectFrom('password_resets')
    .select('user_id')
    .where('token_hash', '=', tokenHash)
    .where('used_at', 'is', null)
    .where('expires_at', '>', now)
    .executeTakeFirst();
  return row && { userId: row.user_id };
}

/**
 * Uses the token up: one UPDATE whose WHERE re-checks it, so of two confirmations racing with
 * one token exactly one wins. Returns the user it belongs to, or undefined when it was no longer
 * usable. Every other token of that user is used up with it.
 */
export async function consumePasswordReset(
  db: Kysely<DB>,
  tokenHash: string,
  now: string,
): Promise<string | undefined> {
  const found = await findUsablePasswordReset(db, tokenHash, now);
  if (!found) return undefined;
  const result = await db
    .updateTable('password_resets')
    .set({ used_at: now })
    .where('token_hash', '=', tokenHash)
    .where('used_at', 'is', null)
    .where('expires_at', '>', now)
    .executeTakeFirst();
  if (Number(result.numUpdatedRows) !== 1) return undefined;
  await db
    .updateTable('password_resets')
    .set({ used_at: now })
    .where('user_id', '=', found.userId)
    .where('used_at', 'is', null)
    .execute();
  return found.userId;
}

/** Tokens long past any use are removed (keeps the table small). */
export async function prunePasswordResets(db: Kysely<DB>, before: string): Promise<void> {
  await db.deleteFrom('password_resets').where('expires_at', '<', before).execute();
}
