import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { issueAccess } from '../../actions/issue-access';
import { revokeAccess } from '../../actions/revoke-access';
import { freelancerOf } from '../authentication';
import type { RouteDeps } from './deps';
import { projectParams } from './projects';

/** The freelancer's side of client access: issue (or reissue) and revoke the code and link. */
export const accessRoutes: FastifyPluginAsyncZod<RouteDeps> = async (app, { db, config }) => {
  app.post(
    '/projects/:projectId/access',
    {
      schema: {
        tags: ['access'],
        params: projectParams,
        response: { 201: z.object({ code: z.string(), link: z.string() }) },
      },
    },
    async (request, reply) => {
      const secrets = await issueAccess({
        db,
        config,
        ownerId: freelancerOf(request).user.id,
        ...request.params,
      });
      // Shown once: keep it out of every cache between here and the freelancer's screen.
      reply.header('cache-control', 'no-store');
      return reply.status(201).send(secrets);
    },
  );

  app.delete(
    '/projects/:projectId/access',
    { schema: { tags: ['access'], params: projectParams } },
    async (request, reply) => {
      await revokeAccess({ db, ownerId: freelancerOf(request).user.id, ...request.params });
      return reply.status(204).send();
    },
  );
};
