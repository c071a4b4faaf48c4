/**
 * Stripe's webhooks. The operator's account posts to /api/webhooks/stripe; a freelancer's own
 * account posts to /api/webhooks/stripe/<their user id>, checked with their signing secret. The
 * signature is verified on the raw bytes before anything is written.
 */
import type { FastifyPluginAsync } from 'fastify';
import { OPERATOR_ENDPOINT, handleStripeEvent } from '../../actions/handle-stripe-event';
import { stripeAccountFor } from '../../actions/stripe-account';
import { findUserById } from '../../db/queries/users';
import { notFound } from '../../domain/errors';
import { isLiveKey, verifyWebhook } from '../../payments/stripe-gateway';
import type { RouteDeps } from './deps';

export const webhookRoutes: FastifyPluginAsync<RouteDeps> = async (app, deps) => {
  const { db, config, mailWorker } = deps;
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => done(null, body));
  const rawBodyOf = (body: unknown): Buffer => (Buffer.isBuffer(body) ? body : Buffer.alloc(0));
  const signatureOf = (header: string | string[] | undefined) =>
    typeof header === 'string' ? header : undefined;

  app.post('/webhooks/stripe', async (request) => {
    const secret = config.stripe.webhookSecret;
    if (!secret) throw notFound('Webhook endpoint');
    const event = await verifyWebhook(
      rawBodyOf(request.body),
      signatureOf(request.headers['stripe-signature']),
      secret,
    );
    const outcome = await handleStripeEvent({
      db,
      events: deps.events,
      event,
      source: {
        endpoint: OPERATOR_ENDPOINT,
        ownerId: null,
        livemode: isLiveKey(config.stripe.secretKey ?? ''),
      },
    });
    mailWorker.wake();
    return { received: true, outcome };
  });

  app.post<{ Params: { userId: string } }>('/webhooks/stripe/:userId', async (request) => {
    const { userId } = request.params;
    const user = /^[0-9a-f-]{36}$/.test(userId) ? await findUserById(db, userId) : undefined;
    const account = user && stripeAccountFor(user, deps);
    if (!account || account.source !== 'own' || !account.webhookSecret)
      throw notFound('Webhook endpoint');
    const event = await verifyWebhook(
      rawBodyOf(request.body),
      signatureOf(request.headers['stripe-signature']),
      account.webhookSecret,
    );
    const outcome = await handleStripeEvent({
      db,
      events: deps.events,
      event,
      source: { endpoint: userId, ownerId: userId, livemode: account.livemode },
    });
    mailWorker.wake();
    return { received: true, outcome };
  });
};
