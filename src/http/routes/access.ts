import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { inviteClient, issueAccess } from '../../actions/issue-access';
import { revokeAccess } from '../../actions/revoke-access';
import { freelancerOf } from '../authentication';
import { noContent } from '../schemas';
import type { RouteDeps } from './deps';
import { projectParams } from './projects';

/** The freelancer's side of client access: issue (or reissue) and revoke the code and link. */
const issuedView = z.object({
  code: z.string(),
  link: z.string(),
  /** An earlier code and link existed: they stopped working, and their sessions ended. */
  replacedEarlierCode: z.boolean(),
});

export const accessRoutes: FastifyPluginAsyncZod<RouteDeps> = async (
  app,
  { db, config, mailWorker, events },
) => {
  app.post(
    '/projects/:projectId/access',
    {
      schema: {
        tags: ['access'],
        params: projectParams,
        response: { 201: issuedView },
      },
    },
    async (request, reply) => {
      const secrets = await issueAccess({
        db,
        config,
        events,
        ownerId: freelancerOf(request).user.id,
        ...request.params,
      });
      // Shown once: keep it out of every cache between here and the freelancer's screen.
      reply.header('cache-control', 'no-store');
      return reply.status(201).send(secrets);
    },
  );

  app.post(
    '/projects/:projectId/access/invite',
    {
      schema: {
        tags: ['access'],
        description:
          'Emails the client an invitation with a fresh access link and code (the earlier ones ' +
          'stop working: only their hashes are kept), from "<Freelancer> via Milepost" with ' +
          'Reply-To the freelancer, and returns both for the freelancer to copy.',
        params: projectParams,
        response: { 201: issuedView.extend({ sentTo: z.string() }) },
      },
    },
    async (request, reply) => {
      const invited = await inviteClient({
        db,
        config,
        events,
        ownerId: freelancerOf(request).user.id,
        ...request.params,
      });
      mailWorker.wake();
      reply.header('cache-control', 'no-store');
      return reply.status(201).send(invited);
    },
  );

  app.delete(
    '/projects/:projectId/access',
    { schema: { tags: ['access'], params: projectParams, response: noContent } },
    async (request, reply) => {
      await revokeAccess({ db, events, ownerId: freelancerOf(request).user.id, ...request.params });
      return reply.status(204).send();
    },
  );
};
