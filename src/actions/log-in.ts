import { limitedAttempt } from '../auth/attempt-limits';
import { decoyPasswordHash, verifyPassword } from '../auth/passwords';
import { startFreelancerSession, type IssuedSession } from '../auth/sessions';
import { findUserByEmail } from '../db/queries/users';
import type { UserRow } from '../db/schema';
import { AppError } from '../domain/errors';
import { nowOf, type ActionContext } from './context';

export async function logIn(
  options: ActionContext & { email: string; password: string; ip: string },
): Promise<{ user: UserRow; session: IssuedSession }> {
  const { db, config } = options;
  const now = nowOf(options);
  const user = await limitedAttempt(
    db,
    {
      scope: 'login',
      key: options.ip,
      windowMinutes: config.limits.failureWindowMinutes,
      maxPerKey: config.limits.loginFailuresPerIp,
    },
    now,
    async (trx) => {
      const found = await findUserByEmail(trx, options.email.trim().toLowerCase());
      // Verify against a decoy when the account is unknown, so timing does not tell.
      const valid = await verifyPassword(
        found?.password_hash ?? (await decoyPasswordHash()),
        options.password,
      );
      return found && valid
        ? { ok: true, value: found }
        : {
            ok: false,
            error: new AppError('INVALID_CREDENTIALS', 'Email or password is not right'),
          };
    },
  );
  const session = await startFreelancerSession(db, {
    userId: user.id,
    days: config.sessionDays,
    now,
  });
  return { user, session };
}
