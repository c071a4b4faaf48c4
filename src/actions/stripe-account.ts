import type { Config } from '../config';
import type { SecretBox } from '../auth/secret-box';
import type { UserRow } from '../db/schema';
import { createStripeGateway, isLiveKey, type StripeGateway } from '../payments/stripe-gateway';

export interface StripeAccount {
  source: 'own' | 'operator';
  livemode: boolean;
  webhookSecret: string | undefined;
  gateway: StripeGateway;
}

/**
 * The Stripe account a freelancer is paid through: their own keys from settings, else the
 * operator's from the environment, else none (offline payments only).
 */
export function stripeAccountFor(
  user: UserRow,
  deps: { config: Config; secretBox: SecretBox },
): StripeAccount | null {
  const { stripe } = deps.config;
  if (user.stripe_secret_key_enc) {
    const secretKey = deps.secretBox.open(user.stripe_secret_key_enc);
    return {
      source: 'own',
      livemode: isLiveKey(secretKey),
      webhookSecret: user.stripe_webhook_secret_enc
        ? deps.secretBox.open(user.stripe_webhook_secret_enc)
        : undefined,
      gateway: createStripeGateway(secretKey, stripe.apiUrl),
    };
  }
  if (stripe.secretKey) {
    return {
      source: 'operator',
      livemode: isLiveKey(stripe.secretKey),
      webhookSecret: stripe.webhookSecret,
      gateway: createStripeGateway(stripe.secretKey, stripe.apiUrl),
    };
  }
  return null;
}
