import { limitedAttempt, type AttemptOutcome } from '../auth/attempt-limits';
import type { PasswordHasher } from '../auth/passwords';
import { hashSecret } from '../domain/access-secrets';
import { clientAddressKey } from '../domain/client-address';
import { AppError } from '../domain/errors';
import { deleteOtherSessions } from '../db/queries/sessions';
import { findUserById, updateUser } from '../db/queries/users';
import type { UserRow } from '../db/schema';
import type { StreamAnnouncer } from '../events/stream-bus';
import { nowOf, type ActionContext } from './context';

/**
 * Changes the password and ends every other session of the account. Wrong current passwords
 * count like failed logins, per account (a stolen session cannot guess on) and per address
 * (IPv6 by /64), under the login limit and window: counted before the check, settled after, so
 * parallel guesses never exceed it. Both hashes run before the transaction, which only writes.
 */
export async function changePassword(
  options: ActionContext & {
    passwords: PasswordHasher;
    /** The other sessions end: their sockets on every instance are re-checked (and close). */
    events: StreamAnnouncer;
    userId: string;
    sessionToken: string;
    currentPassword: string;
    newPassword: string;
    ip: string;
  },
): Promise<void> {
  const { db, config, passwords } = options;
  const limit = {
    scope: 'change-password',
    windowMinutes: config.limits.failureWindowMinutes,
    maxPerKey: config.limits.loginFailuresPerIp,
  };
  const policies = [
    { ...limit, key: `account:${options.userId}` },
    { ...limit, key: clientAddressKey(options.ip) },
  ];
  const check = async (): Promise<AttemptOutcome<UserRow>> => {
    const user = await findUserById(db, options.userId);
    return user && (await passwords.verify(user.password_hash, options.currentPassword))
      ? { ok: true, value: user }
      : {
          ok: false,
          error: new AppError('INVALID_CREDENTIALS', 'The current password is not right', {
            field: 'currentPassword',
          }),
        };
  };
  const user = await passwords.admit(() => limitedAttempt(db, policies, nowOf(options), check));
  const passwordHash = await passwords.hash(options.newPassword);
  await db.transaction().execute(async (trx) => {
    await updateUser(trx, user.id, { password_hash: passwordHash }, nowOf(options).toISOString());
    await deleteOtherSessions(trx, user.id, hashSecret(options.sessionToken));
    await options.events.sessionsChanged(trx, { userId: user.id });
  });
}
