import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { changePassword } from '../../actions/change-password';
import { logIn } from '../../actions/log-in';
import { logOut } from '../../actions/log-out';
import { signUp } from '../../actions/sign-up';
import { AppError } from '../../domain/errors';
import {
  clearSessionCookie,
  FREELANCER_COOKIE,
  freelancerOf,
  setSessionCookie,
} from '../authentication';
import { presentUser } from '../presenters';
import { email, password, requiredText, text, timeZone, userView } from '../schemas';
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
  { db, config, clock, passwords },
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
  { db, config, clock, passwords },
) => {
  app.post('/auth/logout', { schema: { tags: ['auth'] } }, async (request, reply) => {
    await logOut({ db, sessionToken: freelancerOf(request).sessionToken });
    clearSessionCookie(reply, config, FREELANCER_COOKIE);
    return reply.status(204).send();
  });

  app.post(
    '/auth/password',
    {
      schema: {
        tags: ['auth'],
        body: z.strictObject({ currentPassword: z.string().max(1000), newPassword: password }),
      },
    },
    async (request, reply) => {
      const caller = freelancerOf(request);
      await changePassword({
        db,
        clock,
        passwords,
        userId: caller.user.id,
        sessionToken: caller.sessionToken,
        ...request.body,
      });
      return reply.status(204).send();
    },
  );
};
