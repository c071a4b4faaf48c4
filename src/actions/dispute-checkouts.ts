/**
 * A dispute opened on a delivered, unpaid milestone makes that milestone's open Stripe Checkout
 * sessions expire, so a payment page the client opened before cannot complete while payment
 * waits (src/actions/dispute-gate.ts refuses new ones). It runs after the opening transaction
 * committed — a network call never runs inside one. A session Stripe will not expire (paid a
 * moment ago, made on an account the freelancer has since left) is left as it is: its payment,
 * when it arrives, is credited like every payment that arrived (webhooks are not gated), and
 * Stripe ends an unpaid one itself after 24 hours.
 */
import type { SecretBox } from '../auth/secret-box';
import type { Config } from '../config';
import {
  listCheckoutSessionsOfMilestone,
  setCheckoutSessionStatus,
} from '../db/queries/checkout-sessions';
import { findProjectById } from '../db/queries/projects';
import { findUserById } from '../db/queries/users';
import type { DisputeRow } from '../db/schema';
import type { ActionContext } from './context';
import { OPERATOR_ENDPOINT } from './handle-stripe-event';
import { stripeAccountFor } from './stripe-account';

export interface StripeDeps {
  config: Config;
  secretBox: SecretBox;
}

/** Expires the open sessions of a newly disputed milestone; answers how many Stripe expired. */
export async function expireDisputedCheckouts(
  options: Pick<ActionContext, 'db'> & StripeDeps & { dispute: DisputeRow },
): Promise<number> {
  const { db, dispute } = options;
  const open = (await listCheckoutSessionsOfMilestone(db, dispute.milestone_id)).filter(
    (s) => s.status === 'open' && s.project_id === dispute.project_id,
  );
  if (open.length === 0) return 0;
  const project = await findProjectById(db, dispute.project_id);
  const owner = project && (await findUserById(db, project.owner_id));
  const account = owner && stripeAccountFor(owner, options);
  if (!owner || !account) return 0;
  const endpoint = account.source === 'own' ? owner.id : OPERATOR_ENDPOINT;
  let expired = 0;
  for (const session of open) {
    if (session.endpoint !== endpoint) continue;
    try {
      const info = await account.gateway.expireCheckoutSession(session.id);
      if (info.status !== 'expired') continue;
    } catch {
      continue; // complete already, or unknown to this account: see above
    }
    await setCheckoutSessionStatus(db, session.id, 'expired');
    expired++;
  }
  return expired;
}
