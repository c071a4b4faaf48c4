import { reserveAttempt } from '../auth/attempt-limits';
import type { PasswordHasher } from '../auth/passwords';
import { startFreelancerSession, type IssuedSession } from '../auth/sessions';
import { newId } from '../db/ids';
import { DEFAULT_TIME_ZONE } from '../domain/calendar';
import { insertUser } from '../db/queries/users';
import type { UserRow } from '../db/schema';
import type { Locale } from '../i18n/locales';
import { clientAddressKey } from '../domain/client-address';
import { nowOf, type ActionContext } from './context';

/**
 * Creates an account and its first session. Every sign-up counts against its address's limit,
 * taken or not, which also bounds how fast anyone can probe for registered emails. The password
 * is hashed before the transaction, which only writes.
 */
export async function signUp(
  options: ActionContext & {
    passwords: PasswordHasher;
    email: string;
    password: string;
    name: string;
    ip: string;
    /** IANA name, checked by the caller; the browser's zone when signing up in the web app. */
    timeZone?: string | undefined;
    /** The chosen language, or the one read from the request's Accept-Language. */
    locale: Locale;
  },
): Promise<{ user: UserRow; session: IssuedSession }> {
  const { db, config, passwords } = options;
  const passwordHash = await passwords.admit(async () => {
    await reserveAttempt(
      db,
      {
        scope: 'signup',
        key: clientAddressKey(options.ip),
        windowMinutes: config.limits.failureWindowMinutes,
        maxPerKey: config.limits.signupsPerIp,
      },
      nowOf(options),
    );
    return passwords.hash(options.password);
  });
  const now = nowOf(options);
  return db.transaction().execute(async (trx) => {
    const user = await insertUser(trx, {
      id: newId(),
      email: options.email.trim().toLowerCase(),
      password_hash: passwordHash,
      name: options.name.trim(),
      time_zone: options.timeZone ?? DEFAULT_TIME_ZONE,
      locale: options.locale,
      created_at: now.toISOString(),
    });
    const session = await startFreelancerSession(trx, {
      userId: user.id,
      days: config.sessionDays,
      now,
    });
    return { user, session };
  });
}
