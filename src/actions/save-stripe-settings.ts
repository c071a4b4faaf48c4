import type { SecretBox } from '../auth/secret-box';
import { updateUser } from '../db/queries/users';
import type { UserRow } from '../db/schema';
import { nowOf, type ActionContext } from './context';

/**
 * Stores (sealed) keys the freelancer entered by hand — the advanced way; connect-stripe.ts is the
 * one-step way. They are never shown again.
 */
export function saveStripeSettings(
  options: Pick<ActionContext, 'db' | 'clock'> & {
    secretBox: SecretBox;
    userId: string;
    keys: { secretKey: string; webhookSecret: string } | null;
  },
): Promise<UserRow> {
  const { keys, secretBox } = options;
  return updateUser(
    options.db,
    options.userId,
    {
      stripe_secret_key_enc: keys ? secretBox.seal(keys.secretKey) : null,
      stripe_webhook_secret_enc: keys ? secretBox.seal(keys.webhookSecret) : null,
      // Keys entered by hand: the endpoint is the freelancer's own, not one Milepost made.
      stripe_account_id: null,
      stripe_account_name: null,
      stripe_webhook_endpoint_id: null,
    },
    nowOf(options).toISOString(),
  );
}
