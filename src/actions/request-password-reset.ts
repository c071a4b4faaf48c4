import { reserveAttempt } from '../auth/attempt-limits';
import { insertPasswordReset, prunePasswordResets } from '../db/queries/password-resets';
import { findUserByEmail } from '../db/queries/users';
import { generateToken, hashSecret } from '../domain/access-secrets';
import { clientAddressKey } from '../domain/client-address';
import { AppError } from '../domain/errors';
import { composePasswordResetMail } from '../mail/compose';
import type { MailRenderer } from '../mail/renderer';
import { nowOf, type ActionContext } from './context';
import { queueComposedMail } from './queue-mail';

/** How long a reset link works. */
export const PASSWORD_RESET_MINUTES = 60;

/**
 * "Forgot password": mails a single-use link, valid for an hour, to the account with this email.
 * The caller answers the same whether or not the account exists.
 *
 * Two limits, neither of which can lock the rightful user out: requests per address (IPv6 by
 * /64) are refused with 429 beyond PASSWORD_RESETS_PER_IP; mails per email address stop silently
 * beyond PASSWORD_RESETS_PER_EMAIL (the answer stays 202, so it tells nothing), while the links
 * already sent keep working — a new request never cancels an earlier link — and logging in with
 * the password is not affected at all.
 *
 * Returns whether a mail was queued (for the route to wake the worker; never shown).
 */
export async function requestPasswordReset(
  options: ActionContext & { renderer: MailRenderer; email: string; ip: string },
): Promise<{ queued: boolean }> {
  const { db, config } = options;
  const now = nowOf(options);
  const windowMinutes = config.limits.failureWindowMinutes;
  await reserveAttempt(
    db,
    {
      scope: 'password-reset',
      key: clientAddressKey(options.ip),
      windowMinutes,
      maxPerKey: config.limits.passwordResetsPerIp,
    },
    now,
  );
  const email = options.email.trim().toLowerCase();
  try {
    await reserveAttempt(
      db,
      {
        scope: 'password-reset-email',
        // The hash: addresses of no account are not kept in the clear.
        key: hashSecret(email),
        windowMinutes,
        maxPerKey: config.limits.passwordResetsPerEmail,
      },
      now,
    );
  } catch (error) {
    if (error instanceof AppError && error.code === 'TOO_MANY_ATTEMPTS') return { queued: false };
    throw error;
  }
  const user = await findUserByEmail(db, email);
  if (!user) return { queued: false };
  const token = generateToken();
  // A fragment never reaches servers or their logs; the page posts it with the new password.
  const link = `${config.publicUrl}/reset-password#token=${token}`;
  // Rendered before the transaction (it takes milliseconds), in the freelancer's language.
  const mail = await composePasswordResetMail(options.renderer, {
    publicUrl: config.publicUrl,
    freelancer: user,
    link,
    validMinutes: PASSWORD_RESET_MINUTES,
  });
  await db.transaction().execute(async (trx) => {
    await prunePasswordResets(trx, new Date(now.getTime() - 24 * 3_600_000).toISOString());
    await insertPasswordReset(trx, {
      tokenHash: hashSecret(token),
      userId: user.id,
      createdAt: now.toISOString(),
      expiresAt: new Date(now.getTime() + PASSWORD_RESET_MINUTES * 60_000).toISOString(),
    });
    await queueComposedMail(trx, {
      ownerId: user.id,
      kind: 'password_reset',
      mail,
      now: now.toISOString(),
    });
  });
  return { queued: true };
}
