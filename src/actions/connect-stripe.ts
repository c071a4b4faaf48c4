/**
 * Stripe in one step, and its undoing. The calls to Stripe happen before and after the one
 * short write — never inside a transaction.
 */
import type { SecretBox } from '../auth/secret-box';
import type { Config } from '../config';
import { findUserById, updateUser } from '../db/queries/users';
import type { UserRow } from '../db/schema';
import { notFound } from '../domain/errors';
import { connectStripeAccount, removeWebhookEndpoint } from '../payments/stripe-connect';
import { nowOf, type ActionContext } from './context';

export function ownWebhookUrl(config: Config, userId: string): string {
  return `${config.publicUrl}/api/webhooks/stripe/${userId}`;
}

interface Deps extends ActionContext {
  secretBox: SecretBox;
  userId: string;
}

/** The endpoint a previous one-step connect created, with the key that can remove it. */
function previousEndpoint(user: UserRow, secretBox: SecretBox) {
  if (!user.stripe_secret_key_enc || !user.stripe_webhook_endpoint_id) return null;
  return {
    secretKey: secretBox.open(user.stripe_secret_key_enc),
    endpointId: user.stripe_webhook_endpoint_id,
    accountId: user.stripe_account_id,
  };
}

export async function connectStripe(deps: Deps & { secretKey: string }): Promise<UserRow> {
  const { db, config, secretBox, userId } = deps;
  const user = await findUserById(db, userId);
  if (!user) throw notFound('Account');
  const previous = previousEndpoint(user, secretBox);
  const connected = await connectStripeAccount({
    secretKey: deps.secretKey,
    apiUrl: config.stripe.apiUrl,
    webhookUrl: ownWebhookUrl(config, userId),
    userId,
  });
  const saved = await updateUser(
    db,
    userId,
    {
      stripe_secret_key_enc: secretBox.seal(deps.secretKey),
      stripe_webhook_secret_enc: secretBox.seal(connected.webhookSecret),
      stripe_account_id: connected.accountId,
      stripe_account_name: connected.accountName,
      stripe_webhook_endpoint_id: connected.endpointId,
    },
    nowOf(deps).toISOString(),
  );
  // Moving to another Stripe account: the old account's endpoint would keep posting here.
  if (previous && previous.accountId !== connected.accountId) {
    await removeWebhookEndpoint({ ...previous, apiUrl: config.stripe.apiUrl });
  }
  return saved;
}

/** Forgets the keys; an endpoint Milepost created is removed from Stripe first, if it can be. */
export async function disconnectStripe(deps: Deps): Promise<UserRow> {
  const { db, config, secretBox, userId } = deps;
  const user = await findUserById(db, userId);
  if (!user) throw notFound('Account');
  const previous = previousEndpoint(user, secretBox);
  if (previous) await removeWebhookEndpoint({ ...previous, apiUrl: config.stripe.apiUrl });
  return updateUser(
    db,
    userId,
    {
      stripe_secret_key_enc: null,
      stripe_webhook_secret_enc: null,
      stripe_account_id: null,
      stripe_account_name: null,
      stripe_webhook_endpoint_id: null,
    },
    nowOf(deps).toISOString(),
  );
}
