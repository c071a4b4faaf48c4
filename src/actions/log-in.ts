import { attemptSucceeded, beginAttempt } from '../auth/attempt-limits';
import { decoyPasswordHash, verifyPassword } from '../auth/passwords';
import { startFreelancerSession, type IssuedSession } from '../auth/sessions';
import { findUserByEmail } from '../db/queries/users';
import type { UserRow } from '../db/schema';
import { AppError } from '../domain/errors';
import type { ActionContext } from './context';

export async function logIn(
  options: ActionContext & { email: string; password: string; ip: string },
): Promise<{ user: UserRow; session: IssuedSession }> {
  const { db, config } = options;
  const now = new Date();
  const attempt = await beginAttempt(
    db,
    {
      scope: 'login',
      key: options.ip,
      windowMinutes: config.limits.failureWindowMinutes,
      limits: [{ key: options.ip, max: config.limits.loginFailuresPerIp }],
    },
    now,
  );
  const user = await findUserByEmail(db, options.email.trim().toLowerCase());
  // Verify against a decoy when the account is unknown, so timing does not tell.
  const valid = await verifyPassword(
    user?.password_hash ?? (await decoyPasswordHash()),
    options.password,
  );
  if (!user || !valid) throw new AppError('INVALID_CREDENTIALS', 'Email or password is not right');
  await attemptSucceeded(db, attempt);
  const session = await startFreelancerSession(db, {
    userId: user.id,
    days: config.sessionDays,
    now,
  });
  return { user, session };
}
