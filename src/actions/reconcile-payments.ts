import type { SecretBox } from '../auth/secret-box';
import { ownersWithOpenSessions } from '../db/queries/checkout-sessions';
import { findUserById } from '../db/queries/users';
import type { StreamAnnouncer } from '../events/stream-bus';
import type { ActionContext } from './context';
import { OPERATOR_ENDPOINT, creditSession } from './handle-stripe-event';
import { stripeAccountFor } from './stripe-account';

/**
 * For when webhooks were lost: asks Stripe for the recent checkout sessions of every freelancer
 * with a session still open, and credits the paid ones through the same exactly-once path.
 */
export async function reconcilePayments(
  options: ActionContext & { secretBox: SecretBox; events: StreamAnnouncer; sinceDays?: number },
): Promise<{ checked: number; credited: number }> {
  const { db } = options;
  const since = new Date(Date.now() - (options.sinceDays ?? 7) * 86_400_000);
  let checked = 0;
  let credited = 0;
  for (const ownerId of await ownersWithOpenSessions(db, since.toISOString())) {
    const owner = await findUserById(db, ownerId);
    const account = owner && stripeAccountFor(owner, options);
    if (!account) continue;
    const sessions = await account.gateway.listRecentCheckoutSessions(
      Math.floor(since.getTime() / 1000),
    );
    for (const session of sessions) {
      if (session.paymentStatus !== 'paid' || !session.metadata['milestoneId']) continue;
      checked++;
      const source = {
        endpoint: account.source === 'own' ? ownerId : OPERATOR_ENDPOINT,
        ownerId,
        livemode: account.livemode,
      };
      const effect = await db
        .transaction()
        .execute((trx) => creditSession(trx, session, source, options.events));
      if (effect.outcome === 'credited') credited++;
    }
  }
  return { checked, credited };
}
