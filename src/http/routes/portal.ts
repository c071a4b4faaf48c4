import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { acceptTerms } from '../../actions/accept-terms';
import { leavePortal } from '../../actions/log-out';
import { openProjectWithCode } from '../../actions/open-project-with-code';
import { getPortalView } from '../../actions/read-projects';
import { CLIENT_COOKIE, clearSessionCookie, clientAuthenticator, clientOf, setSessionCookie } from '../authentication';
import { presentMilestone, presentPortalProject } from '../presenters';
import { fileView, milestoneView, portalProjectView } from '../schemas';
import { listPortalFiles } from './files';
import type { RouteDeps } from './deps';

const sessionBody = z.union([
  z.strictObject({ code: z.string().min(1, 'is required').max(40) }),
  z.strictObject({ token: z.string().min(1, 'is required').max(200) }),
]);

/** The client's side: no account, one project, reached with the access code or link. */
export const portalRoutes: FastifyPluginAsyncZod<RouteDeps> = async (app, { db, config }) => {
  app.post(
    '/portal/session',
    {
      schema: {
        tags: ['portal'],
        body: sessionBody,
        response: { 200: z.object({ projectId: z.string(), csrfToken: z.string() }) },
      },
    },
    async (request, reply) => {
      const { projectId, session } = await openProjectWithCode({ db, config, secret: request.body, ip: request.ip });
      setSessionCookie(reply, config, CLIENT_COOKIE, session);
      return { projectId, csrfToken: session.csrfToken };
    },
  );

  await app.register(async (scope) => {
    scope.addHook('onRequest', clientAuthenticator(db));

    scope.get(
      '/portal/project',
      {
        schema: {
          tags: ['portal'],
          response: {
            200: z.object({
              csrfToken: z.string(),
              project: portalProjectView,
              milestones: z.array(milestoneView),
              paymentInstructions: z.string().nullable(),
            }),
          },
        },
      },
      async (request) => {
        const caller = clientOf(request);
        const view = await getPortalView({ db, projectId: caller.projectId });
        const awaitingPayment = view.milestones.some((m) => m.status === 'delivered');
        return {
          csrfToken: caller.csrfToken,
          project: presentPortalProject(view.project, view.freelancer, view.milestones),
          milestones: view.milestones.map(presentMilestone),
          paymentInstructions: awaitingPayment ? view.freelancer.payment_instructions : null,
        };
      },
    );

    scope.get(
      '/portal/files',
      { schema: { tags: ['portal'], response: { 200: z.object({ files: z.array(fileView) }) } } },
      async (request) => ({ files: await listPortalFiles(db, clientOf(request).projectId) }),
    );

    scope.post(
      '/portal/terms',
      {
        schema: {
          tags: ['portal'],
          body: z.strictObject({ accept: z.literal(true) }),
          response: { 200: z.object({ termsAcceptedAt: z.string() }) },
        },
      },
      async (request) => ({ termsAcceptedAt: await acceptTerms({ db, projectId: clientOf(request).projectId }) }),
    );

    scope.post('/portal/logout', { schema: { tags: ['portal'] } }, async (request, reply) => {
      await leavePortal({ db, sessionToken: clientOf(request).sessionToken });
      clearSessionCookie(reply, config, CLIENT_COOKIE);
      return reply.status(204).send();
    });
  });
};
