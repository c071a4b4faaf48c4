import type { FastifyPluginAsyncZod, ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { acceptTerms } from '../../actions/accept-terms';
import { leavePortal } from '../../actions/log-out';
import { openProjectWithCode } from '../../actions/open-project-with-code';
import { getPortalView } from '../../actions/read-projects';
import { archiveAllows } from '../../domain/archive-rule';
import { SUPPORTED_LOCALES } from '../../i18n/locales';
import { isPayable } from '../../domain/milestone-sequence';
import { hashSecret } from '../../domain/access-secrets';
import {
  CLIENT_COOKIE,
  clearSessionCookie,
  clientAuthenticator,
  clientOf,
  setSessionCookie,
} from '../authentication';
import {
  paymentInstructionsOf,
  presentBrand,
  presentMilestone,
  presentPortalProject,
} from '../presenters';
import {
  brandView,
  fileView,
  id,
  milestoneView,
  multilineText,
  noContent,
  portalProjectView,
  text,
} from '../schemas';
import { sendLogo } from './settings';
import { startCheckout } from '../../actions/start-checkout';
import { stripeAccountFor } from '../../actions/stripe-account';
import { listPortalFiles } from './files';
import { portalInvoiceRoutes } from './invoices';
import { portalReceiptRoutes } from './receipts';
import { portalChatRoutes } from './chat';
import type { RouteDeps } from './deps';
import { readProjectLogo } from '../../actions/branding';
import { approveMilestone } from '../../actions/approve-milestone';
import { requestRevision } from '../../actions/request-revision';
import { notFound } from '../../domain/errors';
import { MAX_REVISION_NOTE } from '../../domain/revisions';

const sessionBody = z
  .strictObject({
    code: text(40).min(1, 'is required').optional(),
    token: text(200).min(1, 'is required').optional(),
  })
  .refine((b) => (b.code === undefined) !== (b.token === undefined), {
    message: 'give either the access code or the link token',
    path: ['code'],
  });

/** The client's side: no account, one project, reached with the access code or link. */
export const portalRoutes: FastifyPluginAsyncZod<RouteDeps> = async (app, deps) => {
  const { db, config, clock, sockets } = deps;
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
      const { code, token } = request.body;
      const secret = code !== undefined ? { code } : { token: token ?? '' };
      const { projectId, session } = await openProjectWithCode({
        db,
        config,
        clock,
        secret,
        ip: request.ip,
      });
      setSessionCookie(reply, config, CLIENT_COOKIE, session);
      return { projectId, csrfToken: session.csrfToken };
    },
  );

  async function portalMilestone(projectId: string, milestoneId: string) {
    const view = await getPortalView({ db, projectId });
    const milestone = view.milestones.find((m) => m.id === milestoneId);
    if (!milestone) throw notFound('Milestone');
    return presentMilestone(milestone, view.payments);
  }

  await app.register(async (scope) => {
    scope.addHook('onRequest', clientAuthenticator(db, clock));

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
              brand: brandView,
              /** How to pay offline (the project's, else the freelancer's); null: nothing to pay. */
              paymentInstructions: z.string().nullable(),
              cardPayments: z.boolean(),
              /**
               * The language the freelancer chose for this client: the portal speaks it unless the
               * person picked another on this device.
               */
              locale: z.enum(SUPPORTED_LOCALES),
            }),
          },
        },
      },
      async (request) => {
        const caller = clientOf(request);
        const view = await getPortalView({ db, projectId: caller.projectId });
        const awaitingPayment =
          archiveAllows(view.project, 'client-change') &&
          view.milestones.some((m) => isPayable(m.status, m.is_deposit === 1));
        return {
          csrfToken: caller.csrfToken,
          project: presentPortalProject(view.project, view.freelancer, view.milestones),
          milestones: view.milestones.map((m) => presentMilestone(m, view.payments)),
          brand: presentBrand(view.freelancer, view.logo, '/api/portal/logo'),
          paymentInstructions: awaitingPayment
            ? paymentInstructionsOf(view.project, view.freelancer)
            : null,
          cardPayments: stripeAccountFor(view.freelancer, deps) !== null,
          locale: view.clientLocale,
        };
      },
    );

    scope.get(
      '/portal/logo',
      {
        schema: {
          tags: ['portal'],
          description: "The freelancer's logo (PNG, JPEG or WebP), as the portal shows it.",
        },
      },
      async (request, reply) => {
        const logo = await readProjectLogo({ db, projectId: clientOf(request).projectId });
        return sendLogo(reply, logo, request.query);
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
      async (request) => ({
        termsAcceptedAt: await acceptTerms({
          db,
          events: deps.events,
          projectId: clientOf(request).projectId,
        }),
      }),
    );

    await scope.register(portalReceiptRoutes, deps);
    await scope.register(portalInvoiceRoutes, deps);
    await scope.register(portalChatRoutes, deps);

    scope.withTypeProvider<ZodTypeProvider>().post(
      '/portal/milestones/:milestoneId/checkout',
      {
        schema: {
          tags: ['portal'],
          params: z.object({ milestoneId: id }),
          response: { 200: z.object({ url: z.string(), sessionId: z.string() }) },
        },
      },
      async (request) =>
        startCheckout({
          ...deps,
          projectId: clientOf(request).projectId,
          milestoneId: request.params.milestoneId,
        }),
    );

    scope.withTypeProvider<ZodTypeProvider>().post(
      '/portal/milestones/:milestoneId/approve',
      {
        schema: {
          tags: ['portal'],
          description: 'The client approves a delivered milestone (paying approves it too).',
          params: z.object({ milestoneId: id }),
          response: { 200: z.object({ milestone: milestoneView }) },
        },
      },
      async (request) => {
        const { projectId } = clientOf(request);
        await approveMilestone({
          db,
          clock,
          events: deps.events,
          projectId,
          milestoneId: request.params.milestoneId,
        });
        deps.mailWorker.wake();
        return { milestone: await portalMilestone(projectId, request.params.milestoneId) };
      },
    );

    scope.withTypeProvider<ZodTypeProvider>().post(
      '/portal/milestones/:milestoneId/revisions',
      {
        schema: {
          tags: ['portal'],
          description:
            'The client asks for a revision of a delivered milestone; past the included rounds: 409 REVISION_ROUNDS_USED.',
          params: z.object({ milestoneId: id }),
          body: z.strictObject({
            note: multilineText(MAX_REVISION_NOTE).trim().min(1, 'is required'),
          }),
          response: { 201: z.object({ milestone: milestoneView }) },
        },
      },
      async (request, reply) => {
        const { projectId } = clientOf(request);
        await requestRevision({
          db,
          clock,
          events: deps.events,
          projectId,
          milestoneId: request.params.milestoneId,
          note: request.body.note,
        });
        deps.mailWorker.wake();
        return reply
          .status(201)
          .send({ milestone: await portalMilestone(projectId, request.params.milestoneId) });
      },
    );

    scope.post(
      '/portal/logout',
      { schema: { tags: ['portal'], response: noContent } },
      async (request, reply) => {
        const { sessionToken, projectId } = clientOf(request);
        await leavePortal({ db, events: deps.events, sessionToken, projectId });
        sockets.endSession(hashSecret(sessionToken));
        clearSessionCookie(reply, config, CLIENT_COOKIE);
        return reply.status(204).send();
      },
    );
  });
};
