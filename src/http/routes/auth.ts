import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { changePassword } from '../../actions/change-password';
import { logIn } from '../../actions/log-in';
import { logOut } from '../../actions/log-out';
import { requestPasswordReset } from '../../actions/request-password-reset';
import { resetPassword } from '../../actions/reset-password';
import { signUp } from '../../actions/sign-up';
import { AppError } from '../../domain/errors';
import { hashSecret } from '../../domain/access-secrets';
import {
  clearSessionCookie,
  FREELANCER_COOKIE,
  freelancerOf,
  setSessionCookie,
} from '../authentication';
import { presentUser } from '../presenters';
import { localeFromAcceptLanguage } from '../../i18n/negotiate';
import {
  email,
  locale,
  noContent,
  password,
  requiredText,
  text,
  timeZone,
  userView,
} from '../schemas';
import type { RouteDeps } from './deps';

const limitsView = z.object({
  maxMilestones: z.number(),
  maxFilesPerMilestone: z.number(),
  maxFileBytes: z.number(),
});
const sessionResponse = z.object({ user: userView, csrfToken: z.string(), limits: limitsView });

/** Sign-up, log-in and who-am-I: reachable without a session. */
export const publicAuthRoutes: FastifyPluginAsyncZod<RouteDeps> = async (
  app,
  { db, config, clock, passwords, mailWorker, renderer, events },
) => {
  // The operator's limits, so the web app can state them before the server refuses.
  const limits = {
    maxMilestones: config.limits.maxMilestones,
    maxFilesPerMilestone: config.limits.maxFilesPerMilestone,
    maxFileBytes: config.limits.maxFileBytes,
  };
  app.post(
    '/auth/signup',
    {
      schema: {
        tags: ['auth'],
        body: z.strictObject({
          email,
          password,
          name: requiredText(200),
          timeZone: timeZone.optional(),
          /** Left out: the best match of the request's Accept-Language, else English. */
          locale: locale.optional(),
        }),
        response: { 201: sessionResponse },
      },
    },
    async (request, reply) => {
      const { user, session } = await signUp({
        db,
        config,
        clock,
        passwords,
        ...request.body,
        locale: request.body.locale ?? localeFromAcceptLanguage(request.headers['accept-language']),
        ip: request.ip,
      });
      setSessionCookie(reply, config, FREELANCER_COOKIE, session);
      return reply
        .status(201)
        .send({ user: presentUser(user), csrfToken: session.csrfToken, limits });
    },
  );

  app.post(
    '/auth/login',
    {
      schema: {
        tags: ['auth'],
        // The password being checked is only hashed, never stored, and may predate the text rules:
        // refusing its characters could lock its owner out.
        body: z.strictObject({ email: text(254), password: z.string().max(1000) }),
        response: { 200: sessionResponse },
      },
    },
    async (request, reply) => {
      const { user, session } = await logIn({
        db,
        config,
        clock,
        passwords,
        ...request.body,
        ip: request.ip,
      });
      setSessionCookie(reply, config, FREELANCER_COOKIE, session);
      return { user: presentUser(user), csrfToken: session.csrfToken, limits };
    },
  );

  app.post(
    '/auth/password-reset',
    {
      schema: {
        tags: ['auth'],
        description:
          'Mails a single-use link (valid for an hour) to set a new password. The answer is the ' +
          'same whether or not an account has this email.',
        // Any text: an unknown or odd email is answered like a known one.
        body: z.strictObject({ email: text(254) }),
        response: { 202: z.object({}) },
      },
    },
    async (request, reply) => {
      const { queued } = await requestPasswordReset({
        db,
        config,
        clock,
        renderer,
        email: request.body.email,
        ip: request.ip,
      });
      if (queued) mailWorker.wake();
      return reply.status(202).send({});
    },
  );

  app.post(
    '/auth/password-reset/confirm',
    {
      schema: {
        tags: ['auth'],
        description:
          'Sets a new password with the token from the reset mail; ends every session of the ' +
          'account and starts one for the caller.',
        body: z.strictObject({
          token: z.string().regex(/^[A-Za-z0-9_-]{43}$/, 'must be the token from the reset link'),
          newPassword: password,
        }),
        response: { 200: sessionResponse },
      },
    },
    async (request, reply) => {
      const { user, session } = await resetPassword({
        db,
        events,
        config,
        clock,
        passwords,
        token: request.body.token,
        newPassword: request.body.newPassword,
        ip: request.ip,
      });
      setSessionCookie(reply, config, FREELANCER_COOKIE, session);
      return { user: presentUser(user), csrfToken: session.csrfToken, limits };
    },
  );

  app.get(
    '/auth/me',
    { schema: { tags: ['auth'], response: { 200: sessionResponse } } },
    async (request) => {
      if (!request.freelancer) throw new AppError('UNAUTHENTICATED', 'Not logged in');
      return {
        user: presentUser(request.freelancer.user),
        csrfToken: request.freelancer.csrfToken,
        limits,
      };
    },
  );
};

/** Log-out and password change: for a logged-in freelancer. */
export const sessionAuthRoutes: FastifyPluginAsyncZod<RouteDeps> = async (
  app,
  { db, config, clock, passwords, sockets, events },
) => {
  app.post(
    '/auth/logout',
    { schema: { tags: ['auth'], response: noContent } },
    async (request, reply) => {
      const { sessionToken, user } = freelancerOf(request);
      await logOut({ db, events, sessionToken, userId: user.id });
      sockets.endSession(hashSecret(sessionToken));
      clearSessionCookie(reply, config, FREELANCER_COOKIE);
      return reply.status(204).send();
    },
  );

  app.post(
    '/auth/password',
    {
      schema: {
        tags: ['auth'],
        body: z.strictObject({ currentPassword: z.string().max(1000), newPassword: password }),
        response: noContent,
      },
    },
    async (request, reply) => {
      const caller = freelancerOf(request);
      await changePassword({
        db,
        events,
        config,
        clock,
        passwords,
        userId: caller.user.id,
        sessionToken: caller.sessionToken,
        ...request.body,
        ip: request.ip,
      });
      return reply.status(204).send();
    },
  );
};
