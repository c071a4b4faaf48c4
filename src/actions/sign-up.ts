import { hashPassword } from '../auth/passwords';
import { startFreelancerSession, type IssuedSession } from '../auth/sessions';
import { newId } from '../db/ids';
import { insertUser } from '../db/queries/users';
import type { UserRow } from '../db/schema';
import { nowOf, type ActionContext } from './context';

export async function signUp(
  options: ActionContext & { email: string; password: string; name: string },
): Promise<{ user: UserRow; session: IssuedSession }> {
  const passwordHash = await hashPassword(options.password);
  const now = nowOf(options);
  return options.db.transaction().execute(async (trx) => {
    const user = await insertUser(trx, {
      id: newId(),
      email: options.email.trim().toLowerCase(),
      password_hash: passwordHash,
      name: options.name.trim(),
      created_at: now.toISOString(),
    });
    const session = await startFreelancerSession(trx, {
      userId: user.id,
      days: options.config.sessionDays,
      now,
    });
    return { user, session };
  });
}
