import type { PasswordHasher } from '../auth/passwords';
import { hashSecret } from '../domain/access-secrets';
import { AppError } from '../domain/errors';
import { deleteOtherSessions } from '../db/queries/sessions';
import { findUserById, updateUser } from '../db/queries/users';
import { nowOf, type ActionContext } from './context';

/**
 * Changes the password and ends every other session of the account. Both hashes run before the
 * transaction, which only writes.
 */
export async function changePassword(
  options: Pick<ActionContext, 'db' | 'clock'> & {
    passwords: PasswordHasher;
    userId: string;
    sessionToken: string;
    currentPassword: string;
    newPassword: string;
  },
): Promise<void> {
  const { db, passwords } = options;
  const user = await findUserById(db, options.userId);
  if (!user || !(await passwords.verify(user.password_hash, options.currentPassword))) {
    throw new AppError('INVALID_CREDENTIALS', 'The current password is not right', {
      field: 'currentPassword',
    });
  }
  const passwordHash = await passwords.hash(options.newPassword);
  await db.transaction().execute(async (trx) => {
    await updateUser(trx, user.id, { password_hash: passwordHash }, nowOf(options).toISOString());
    await deleteOtherSessions(trx, user.id, hashSecret(options.sessionToken));
  });
}
