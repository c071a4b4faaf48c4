/**
 * GET /api/ws: the WebSocket of the project stream. The upgrade is refused (as plain HTTP, before
 * any socket exists) unless its Origin is PUBLIC_URL's and it carries a live session cookie: the
 * freelancer's (mp_session), or with `?as=client` the client's (mp_client, their one project).
 * Frames are described in src/http/chat-schemas.ts (clientFrame in, ServerFrame out).
 */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import { hashSecret } from '../../domain/access-secrets';
import { AppError } from '../../domain/errors';
import { clientAuthenticator, freelancerAuthenticator } from '../authentication';
import type { SocketIdentity } from '../stream-hub';
import type { RouteDeps } from './deps';

/** The largest frame either way: a 10,000-character message in any script fits. */
export const MAX_FRAME_BYTES = 64 * 1024;

const identities = new WeakMap<FastifyRequest, SocketIdentity>();

export const streamSocketRoutes: FastifyPluginAsyncZod<RouteDeps> = async (
  app,
  { db, config, clock, sockets },
) => {
  const allowedOrigin = new URL(config.publicUrl).origin;
  const freelancer = freelancerAuthenticator(db, { required: true, clock });
  const client = clientAuthenticator(db, clock);

  app.get(
    '/ws',
    {
      websocket: true,
      schema: {
        hide: true,
        querystring: z.object({ as: z.enum(['freelancer', 'client']).default('freelancer') }),
      },
      // Cross-site WebSocket hijacking: browsers send cookies with any page's upgrade request,
      // so only pages of Milepost's own origin may open one. Non-browsers must say it too.
      onRequest: async (request) => {
        if (request.headers.origin !== allowedOrigin) {
          throw new AppError('FORBIDDEN', 'This origin may not open the live connection');
        }
      },
      preHandler: async (request) => {
        const as = (request.query as { as: 'freelancer' | 'client' }).as;
        if (as === 'client') {
          await client(request);
          const caller = request.client;
          if (!caller) throw new AppError('UNAUTHENTICATED', 'Open the project to continue');
          identities.set(request, {
            party: 'client',
            projectId: caller.projectId,
            tokenHash: hashSecret(caller.sessionToken),
          });
        } else {
          await freelancer(request);
          const caller = request.freelancer;
          if (!caller) throw new AppError('UNAUTHENTICATED', 'Log in to continue');
          identities.set(request, {
            party: 'freelancer',
            userId: caller.user.id,
            tokenHash: hashSecret(caller.sessionToken),
          });
        }
      },
    },
    (socket, request) => {
      const identity = identities.get(request);
      if (!identity) {
        socket.close(4401, 'unauthenticated');
        return;
      }
      sockets.attach(socket, identity);
    },
  );
};
