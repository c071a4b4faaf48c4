import { limitedAttempt, type AttemptOutcome } from '../auth/attempt-limits';
import type { PasswordHasher } from '../auth/passwords';
import { startFreelancerSession, type IssuedSession } from '../auth/sessions';
import { findUserByEmail } from '../db/queries/users';
import type { UserRow } from '../db/schema';
import { clientAddressKey } from '../domain/client-address';
import { AppError } from '../domain/errors';
import { nowOf, type ActionContext } from './context';

/**
 * Logs a freelancer in. Failures count per address (IPv6 by /64); the attempt is counted before
 * the password is verified and settled after, so parallel guesses never exceed the limit, and
 * no transaction is open while argon2 runs.
 */
export async function logIn(
  options: ActionContext & {
    passwords: PasswordHasher;
    email: string;
    password: string;
    ip: string;
  },
): Promise<{ user: UserRow; session: IssuedSession }> {
  const { db, config, passwords } = options;
  const policy = {
    scope: 'login',
    key: clientAddressKey(options.ip),
    windowMinutes: config.limits.failureWindowMinutes,
    maxPerKey: config.limits.loginFailuresPerIp,
  };
  const check = async (): Promise<AttemptOutcome<UserRow>> => {
    const found = await findUserByEmail(db, options.email.trim().toLowerCase());
    // Verify against a decoy when the account is unknown, so timing does not tell.
    const valid = await passwords.verify(
      found?.password_hash ?? (await passwords.decoyHash()),
      options.password,
    );
    return found && valid
      ? { ok: true, value: found }
      : { ok: false, error: new AppError('INVALID_CREDENTIALS', 'Email or password is not right') };
  };
  const user = await passwords.admit(() => limitedAttempt(db, policy, nowOf(options), check));
  const session = await startFreelancerSession(db, {
    userId: user.id,
    days: config.sessionDays,
    now: nowOf(options),
  });
  return { user, session };
}
