/**
 * Notification mail choices: the freelancer's (Settings) with the reminder schedule, a project's
 * reminder pause and days, the client's (portal), and the one-click unsubscribe endpoints that
 * every notification mail links to (RFC 8058: a POST to the List-Unsubscribe address).
 */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  describeSubscription,
  readClientNotifications,
  readFreelancerNotifications,
  readProjectReminders,
  setSubscription,
  updateClientNotifications,
  updateFreelancerNotifications,
  updateProjectReminders,
} from '../../actions/notification-settings';
import { notFound } from '../../domain/errors';
import {
  CLIENT_MAIL_KINDS,
  FREELANCER_MAIL_KINDS,
  MAX_DAY,
  MAX_REMINDER_DAYS,
} from '../../domain/notifications';
import { clientAuthenticator, clientOf, freelancerOf } from '../authentication';
import { id } from '../schemas';
import type { RouteDeps } from './deps';

const choices = <K extends string>(kinds: readonly [K, ...K[]]) =>
  z.object(Object.fromEntries(kinds.map((k) => [k, z.boolean()])) as Record<K, z.ZodBoolean>);
const freelancerMail = choices(FREELANCER_MAIL_KINDS);
const clientMail = choices(CLIENT_MAIL_KINDS);
const day = z.number().int().min(1).max(MAX_DAY);
const days = z.array(day).max(MAX_REMINDER_DAYS);
const reminderSettings = z.strictObject({
  /** Days after delivery on which an unpaid milestone's client is reminded. */
  days,
  /** The invoice is due this many days after delivery; the overdue notice goes the day after. */
  paymentTermsDays: z.number().int().min(0).max(MAX_DAY),
});
const freelancerView = z.object({ mail: freelancerMail, reminders: reminderSettings });
const freelancerBody = z.strictObject({
  mail: freelancerMail.partial().strict().optional(),
  reminders: reminderSettings.optional(),
});
const clientView = z.object({ mail: clientMail });
const clientBody = z.strictObject({ mail: clientMail.partial().strict() });
const projectRemindersView = z.object({
  paused: z.boolean(),
  days: days.nullable(),
  effectiveDays: days,
  paymentTermsDays: z.number().int(),
});
const projectRemindersBody = z.strictObject({ paused: z.boolean(), days: days.nullable() });

export const freelancerNotificationRoutes: FastifyPluginAsyncZod<RouteDeps> = async (
  app,
  { db, clock },
) => {
  app.get(
    '/settings/notifications',
    { schema: { tags: ['settings'], response: { 200: freelancerView } } },
    async (request) => readFreelancerNotifications({ db, userId: freelancerOf(request).user.id }),
  );
  app.put(
    '/settings/notifications',
    { schema: { tags: ['settings'], body: freelancerBody, response: { 200: freelancerView } } },
    async (request) =>
      updateFreelancerNotifications({
        db,
        clock,
        userId: freelancerOf(request).user.id,
        mail: request.body.mail,
        reminders: request.body.reminders,
      }),
  );
  const params = z.object({ projectId: id });
  app.get(
    '/projects/:projectId/reminders',
    { schema: { tags: ['projects'], params, response: { 200: projectRemindersView } } },
    async (request) =>
      readProjectReminders({
        db,
        ownerId: freelancerOf(request).user.id,
        projectId: request.params.projectId,
      }),
  );
  app.put(
    '/projects/:projectId/reminders',
    {
      schema: {
        tags: ['projects'],
        params,
        body: projectRemindersBody,
        response: { 200: projectRemindersView },
      },
    },
    async (request) =>
      updateProjectReminders({
        db,
        clock,
        ownerId: freelancerOf(request).user.id,
        projectId: request.params.projectId,
        ...request.body,
      }),
  );
};

export const portalNotificationRoutes: FastifyPluginAsyncZod<RouteDeps> = async (
  app,
  { db, clock },
) => {
  app.addHook('onRequest', clientAuthenticator(db, clock));
  app.get(
    '/portal/notifications',
    { schema: { tags: ['portal'], response: { 200: clientView } } },
    async (request) => readClientNotifications({ db, projectId: clientOf(request).projectId }),
  );
  app.put(
    '/portal/notifications',
    { schema: { tags: ['portal'], body: clientBody, response: { 200: clientView } } },
    async (request) =>
      updateClientNotifications({
        db,
        clock,
        projectId: clientOf(request).projectId,
        mail: request.body.mail,
      }),
  );
};

const subscriptionView = z.object({
  audience: z.enum(['freelancer', 'client']),
  kind: z.string(),
  /** The project a client's choice belongs to; null for a freelancer's. */
  projectTitle: z.string().nullable(),
  subscribed: z.boolean(),
});
const tokenParams = z.object({ token: z.string().min(1).max(300) });

/** No login: the signed token is the permission, for that one kind of mail only. */
export const unsubscribeRoutes: FastifyPluginAsyncZod<RouteDeps> = async (
  app,
  { db, clock, unsubscribeTokens },
) => {
  // Mail clients POST "List-Unsubscribe=One-Click" as a form (RFC 8058); the body says nothing
  // more than the address does, so it is read and ignored.
  for (const type of ['application/x-www-form-urlencoded', 'multipart/form-data', 'text/plain']) {
    app.addContentTypeParser(type, { parseAs: 'string', bodyLimit: 4096 }, (_req, _body, done) =>
      done(null, undefined),
    );
  }
  const subscriptionOf = (token: string) => {
    const subscription = unsubscribeTokens.verify(token);
    if (!subscription) throw notFound('Subscription');
    return subscription;
  };
  app.get(
    '/unsubscribe/:token',
    {
      schema: { tags: ['notifications'], params: tokenParams, response: { 200: subscriptionView } },
    },
    async (request) => {
      const subscription = subscriptionOf(request.params.token);
      const found = await describeSubscription(db, subscription);
      if (!found) throw notFound('Subscription');
      return { audience: subscription.audience, kind: subscription.kind, ...found };
    },
  );
  for (const [path, subscribed] of [
    ['/unsubscribe/:token', false],
    ['/unsubscribe/:token/resubscribe', true],
  ] as const) {
    app.post(
      path,
      {
        schema: {
          tags: ['notifications'],
          params: tokenParams,
          response: { 200: subscriptionView },
        },
      },
      async (request) => {
        const subscription = subscriptionOf(request.params.token);
        const result = await setSubscription({ db, clock, subscription, subscribed });
        return { audience: subscription.audience, kind: subscription.kind, ...result };
      },
    );
  }
};
