/**
 * Stripe in one step: with nothing but the freelancer's secret (or restricted) key, read the
 * account's name, create Milepost's own webhook endpoint on it with exactly the events Milepost
 * acts on, and get back the endpoint's signing secret — instead of asking the freelancer to do
 * all that in Stripe's dashboard. Network calls only: the caller stores the result.
 */
import type Stripe from 'stripe';
import { AppError } from '../domain/errors';
import { STRIPE_WEBHOOK_EVENTS } from './stripe-events';
import { clientFor, isLiveKey } from './stripe-gateway';

export interface ConnectedStripeAccount {
  accountId: string;
  accountName: string;
  livemode: boolean;
  endpointId: string;
  webhookSecret: string;
}

/** What Stripe said, in words a freelancer can act on (never the key itself). */
function refusal(error: unknown, doing: string): AppError {
  const e = error as { type?: string; statusCode?: number; message?: string };
  const said = e.message ?? String(error);
  if (e.type === 'StripeAuthenticationError' || e.statusCode === 401) {
    return new AppError('VALIDATION_FAILED', `Stripe did not accept this key: ${said}`, {
      field: 'secretKey',
    });
  }
  if (e.type === 'StripePermissionError' || e.statusCode === 403) {
    return new AppError(
      'VALIDATION_FAILED',
      `This key may not ${doing} (a restricted key needs write access to webhook endpoints and Checkout Sessions, and read access to the account): ${said}`,
      { field: 'secretKey' },
    );
  }
  if (e.type === 'StripeInvalidRequestError' || (e.statusCode ?? 0) === 400) {
    return new AppError('VALIDATION_FAILED', `Stripe refused to ${doing}: ${said}`, {
      field: 'secretKey',
    });
  }
  return new AppError('PAYMENT_PROVIDER_ERROR', `Could not reach Stripe to ${doing}: ${said}`);
}

function accountName(account: Stripe.Account): string {
  const name =
    account.settings?.dashboard?.display_name ??
    account.business_profile?.name ??
    account.email ??
    account.id;
  return name.slice(0, 200);
}

export async function connectStripeAccount(options: {
  secretKey: string;
  apiUrl: string | undefined;
  /** Where Stripe will deliver this freelancer's events. */
  webhookUrl: string;
  userId: string;
}): Promise<ConnectedStripeAccount> {
  const stripe = await clientFor(options.secretKey, options.apiUrl);
  let account: Stripe.Account;
  try {
    account = await stripe.accounts.retrieveCurrent();
  } catch (error) {
    throw refusal(error, 'read the account');
  }
  let endpoint: Stripe.WebhookEndpoint;
  try {
    endpoint = await stripe.webhookEndpoints.create({
      url: options.webhookUrl,
      enabled_events: [...STRIPE_WEBHOOK_EVENTS],
      description: 'Milepost: payments, refunds and disputes of milestone payments',
      metadata: { milepost_user: options.userId },
    });
  } catch (error) {
    throw refusal(error, 'create a webhook endpoint');
  }
  // An endpoint left on this URL by an earlier connect would deliver every event twice, once
  // signed with a secret Milepost no longer keeps: remove it. Only after the new one exists, so
  // an event is never without an endpoint (one that arrives before the new secret is stored
  // fails its signature check and Stripe delivers it again later).
  try {
    for await (const other of stripe.webhookEndpoints.list({ limit: 100 })) {
      if (other.url === options.webhookUrl && other.id !== endpoint.id) {
        await stripe.webhookEndpoints.del(other.id);
      }
    }
  } catch (error) {
    throw refusal(error, 'list its webhook endpoints');
  }
  if (!endpoint.secret) {
    throw new AppError('PAYMENT_PROVIDER_ERROR', 'Stripe created the endpoint but sent no secret');
  }
  return {
    accountId: account.id,
    accountName: accountName(account),
    livemode: isLiveKey(options.secretKey),
    endpointId: endpoint.id,
    webhookSecret: endpoint.secret,
  };
}

/** Removes an endpoint Milepost created; false when Stripe could not be asked (it stays). */
export async function removeWebhookEndpoint(options: {
  secretKey: string;
  apiUrl: string | undefined;
  endpointId: string;
}): Promise<boolean> {
  try {
    const stripe = await clientFor(options.secretKey, options.apiUrl);
    await stripe.webhookEndpoints.del(options.endpointId);
    return true;
  } catch (error) {
    // Already gone is as good as removed.
    return (error as { statusCode?: number }).statusCode === 404;
  }
}
