/** The freelancer's payment and mail settings: Stripe keys (never echoed back) and a test email. */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { connectStripe, disconnectStripe, ownWebhookUrl } from '../../actions/connect-stripe';
import { saveStripeSettings } from '../../actions/save-stripe-settings';
import { stripeAccountFor } from '../../actions/stripe-account';
import { findUserById } from '../../db/queries/users';
import { AppError } from '../../domain/errors';
import { freelancerOf } from '../authentication';
import type { RouteDeps } from './deps';
import { composeTestEmail } from '../../mail/compose';

const paymentSettingsView = z.object({
  stripe: z.object({
    configured: z.boolean(),
    source: z.enum(['own', 'operator']).nullable(),
    mode: z.enum(['test', 'live']).nullable(),
    webhookUrl: z.string().nullable(),
    webhookSecretSet: z.boolean(),
    /** Set when Milepost created the webhook endpoint itself (one-step connect). */
    account: z.object({ id: z.string(), name: z.string() }).nullable(),
  }),
  mail: z.object({ transport: z.enum(['smtp', 'outbox']) }),
});

const secretKey = z
  .string()
  .regex(
    /^(sk|rk)_(test|live)_[A-Za-z0-9]+$/,
    'must be a Stripe secret or restricted key (sk_test_…, sk_live_…, rk_test_…, rk_live_…)',
  )
  .max(300);

export const paymentSettingsRoutes: FastifyPluginAsyncZod<RouteDeps> = async (app, deps) => {
  const { db, config, mailer, renderer } = deps;

  async function view(userId: string): Promise<z.infer<typeof paymentSettingsView>> {
    const user = await findUserById(db, userId);
    const account = user ? stripeAccountFor(user, deps) : null;
    return {
      stripe: {
        configured: account !== null,
        source: account?.source ?? null,
        mode: account ? (account.livemode ? 'live' : 'test') : null,
        webhookUrl: account
          ? account.source === 'own'
            ? ownWebhookUrl(config, userId)
            : `${config.publicUrl}/api/webhooks/stripe`
          : null,
        webhookSecretSet: account?.webhookSecret !== undefined,
        account:
          account?.source === 'own' && user?.stripe_account_id && user.stripe_account_name
            ? { id: user.stripe_account_id, name: user.stripe_account_name }
            : null,
      },
      mail: { transport: config.mail.smtpUrl ? 'smtp' : 'outbox' },
    };
  }

  app.get(
    '/settings/payments',
    { schema: { tags: ['settings'], response: { 200: paymentSettingsView } } },
    async (request) => view(freelancerOf(request).user.id),
  );

  app.put(
    '/settings/stripe',
    {
      schema: {
        tags: ['settings'],
        body: z.strictObject({
          secretKey,
          webhookSecret: z
            .string()
            .regex(/^whsec_[A-Za-z0-9]+$/, 'must be a webhook signing secret (whsec_…)')
            .max(300),
        }),
        response: { 200: paymentSettingsView },
      },
    },
    async (request) => {
      const { user } = freelancerOf(request);
      await saveStripeSettings({
        db,
        secretBox: deps.secretBox,
        userId: user.id,
        keys: request.body,
        clock: deps.clock,
      });
      return view(user.id);
    },
  );

  // Stripe in one step: the key alone; Milepost creates its webhook endpoint through the API.
  app.post(
    '/settings/stripe/connect',
    {
      schema: {
        tags: ['settings'],
        body: z.strictObject({ secretKey }),
        response: { 200: paymentSettingsView },
      },
    },
    async (request) => {
      const { user } = freelancerOf(request);
      await connectStripe({ ...deps, userId: user.id, secretKey: request.body.secretKey });
      return view(user.id);
    },
  );

  app.delete(
    '/settings/stripe',
    { schema: { tags: ['settings'], response: { 200: paymentSettingsView } } },
    async (request) => {
      const { user } = freelancerOf(request);
      await disconnectStripe({ ...deps, userId: user.id });
      return view(user.id);
    },
  );

  app.post(
    '/settings/test-email',
    {
      schema: {
        tags: ['settings'],
        response: { 200: z.object({ sentTo: z.string(), transport: z.enum(['smtp', 'outbox']) }) },
      },
    },
    async (request) => {
      const { user } = freelancerOf(request);
      const message = await composeTestEmail(renderer, {
        publicUrl: config.publicUrl,
        freelancer: user,
      });
      try {
        await mailer.send(message);
      } catch (error) {
        throw new AppError(
          'MAIL_FAILED',
          `The mail server refused the message: ${(error as Error).message}`,
        );
      }
      return {
        sentTo: user.email,
        transport: config.mail.smtpUrl ? ('smtp' as const) : ('outbox' as const),
      };
    },
  );
};
