import { hashPassword, verifyPassword } from '../auth/passwords';
import { hashSecret } from '../domain/access-secrets';
import { AppError } from '../domain/errors';
import { deleteOtherSessions } from '../db/queries/sessions';
import { findUserById, updateUser } from '../db/queries/users';
import { nowOf, type ActionContext } from './context';

/** Changes the password and ends every other session of the account. */
export async function changePassword(
  options: Pick<ActionContext, 'db' | 'clock'> & {
    userId: string;
    sessionToken: string;
    currentPassword: string;
    newPassword: string;
  },
): Promise<void> {
  const { db } = options;
  const user = await findUserById(db, options.userId);
  if (!user || !(await verifyPassword(user.password_hash, options.currentPassword))) {
    throw new AppError('INVALID_CREDENTIALS', 'The current password is not right', {
      field: 'currentPassword',
    });
  }
  const passwordHash = await hashPassword(options.newPassword);
  await db.transaction().execute(async (trx) => {
    await updateUser(trx, user.id, { password_hash: passwordHash }, nowOf(options).toISOString());
    await deleteOtherSessions(trx, user.id, hashSecret(options.sessionToken));
  });
}
