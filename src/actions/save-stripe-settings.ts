import type { SecretBox } from '../auth/secret-box';
import { updateUser } from '../db/queries/users';
import type { UserRow } from '../db/schema';
import type { ActionContext } from './context';

/** Stores (sealed) or clears the freelancer's own Stripe keys. They are never shown again. */
export function saveStripeSettings(
  options: Pick<ActionContext, 'db'> & {
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
    },
    new Date().toISOString(),
  );
}
