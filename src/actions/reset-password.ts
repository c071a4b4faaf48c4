import { limitedAttempt } from '../auth/attempt-limits';
import type { PasswordHasher } from '../auth/passwords';
import { startFreelancerSession, type IssuedSession } from '../auth/sessions';
import { consumePasswordReset, findUsablePasswordReset } from '../db/queries/password-resets';
import { deleteSessionsOfUser } from '../db/queries/sessions';
import { findUserById, updateUser } from '../db/queries/users';
import type { UserRow } from '../db/schema';
import { hashSecret } from '../domain/access-secrets';
import { clientAddressKey } from '../domain/client-address';
import { AppError } from '../domain/errors';
import type { StreamAnnouncer } from '../events/stream-bus';
import { nowOf, type ActionContext } from './context';

const invalidToken = (): AppError =>
  new AppError(
    'INVALID_RESET_TOKEN',
    'This reset link is not valid: it has expired or was used already. Ask for a new one.',
    { field: 'token' },
  );

/**
 * Sets a new password with a reset token: the token is used up, every session of the account
 * ends, and a new one starts for the caller. The token is checked and the password hashed (argon2,
 * under the hasher's cap) before the transaction, which re-checks the token and only writes — of
 * two confirmations racing with one token, one wins and the other is refused. Wrong tokens count
 * against the address like failed logins.
 */
export async function resetPassword(
  options: ActionContext & {
    passwords: PasswordHasher;
    /** Every earlier session ends: their sockets on every instance are re-checked (and close). */
    events: StreamAnnouncer;
    token: string;
    newPassword: string;
    ip: string;
  },
): Promise<{ user: UserRow; session: IssuedSession }> {
  const { db, config, passwords } = options;
  const tokenHash = hashSecret(options.token);
  const policy = {
    scope: 'password-reset-confirm',
    key: clientAddressKey(options.ip),
    windowMinutes: config.limits.failureWindowMinutes,
    maxPerKey: config.limits.loginFailuresPerIp,
  };
  const passwordHash = await passwords.admit(() =>
    limitedAttempt(db, policy, nowOf(options), async () => {
      const found = await findUsablePasswordReset(db, tokenHash, nowOf(options).toISOString());
      if (!found) return { ok: false, error: invalidToken() };
      return { ok: true, value: await passwords.hash(options.newPassword) };
    }),
  );
  const now = nowOf(options);
  return db.transaction().execute(async (trx) => {
    const userId = await consumePasswordReset(trx, tokenHash, now.toISOString());
    if (userId === undefined) throw invalidToken();
    if (!(await findUserById(trx, userId))) throw invalidToken();
    const user = await updateUser(trx, userId, { password_hash: passwordHash }, now.toISOString());
    await deleteSessionsOfUser(trx, userId);
    await options.events.sessionsChanged(trx, { userId });
    const session = await startFreelancerSession(trx, {
      userId,
      days: config.sessionDays,
      now,
    });
    return { user, session };
  });
}
