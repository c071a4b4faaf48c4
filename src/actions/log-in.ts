import { assertUnderLimits, noteFailure } from '../auth/attempt-limits';
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
  const windowMinutes = config.limits.failureWindowMinutes;
  await assertUnderLimits(
    db,
    [{ scope: 'login', key: options.ip, max: config.limits.loginFailuresPerIp, windowMinutes }],
    now,
  );
  const user = await findUserByEmail(db, options.email.trim().toLowerCase());
  const valid = await verifyPassword(user?.password_hash ?? (await decoyPasswordHash()), options.password);
  if (!user || !valid) {
    await noteFailure(db, 'login', options.ip, windowMinutes, now);
    throw new AppError('INVALID_CREDENTIALS', 'Email or password is not right');
  }
  const session = await startFreelancerSession(db, { userId: user.id, days: config.sessionDays, now });
  return { user, session };
}
