/** The freelancer's outgoing mail that has not gone out: listed, and retried by hand. */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { listUnsentMailOf } from '../../actions/list-unsent-mail';
import { retryUnsentMail } from '../../actions/retry-mail';
import { freelancerOf } from '../authentication';
import { id } from '../schemas';
import type { RouteDeps } from './deps';
import { MAIL_KINDS } from '../../db/schema';

const unsentMailView = z.object({
  id: z.string(),
  kind: z.enum(MAIL_KINDS),
  to: z.string(),
  subject: z.string(),
  state: z.enum(['pending', 'failing', 'failed']),
  attempts: z.number().int(),
  lastError: z.string().nullable(),
  nextAttemptAt: z.string().nullable(),
  createdAt: z.string(),
});
const outboxView = z.object({ messages: z.array(unsentMailView) });

export const mailRoutes: FastifyPluginAsyncZod<RouteDeps> = async (app, deps) => {
  const list = async (ownerId: string) => ({
    messages: await listUnsentMailOf({ ...deps, ownerId }),
  });

  app.get(
    '/mail/outbox',
    { schema: { tags: ['mail'], response: { 200: outboxView } } },
    async (request) => list(freelancerOf(request).user.id),
  );

  app.post(
    '/mail/outbox/:mailId/retry',
    {
      schema: {
        tags: ['mail'],
        params: z.object({ mailId: id }),
        response: { 200: outboxView },
      },
    },
    async (request) => {
      const ownerId = freelancerOf(request).user.id;
      await retryUnsentMail({
        db: deps.db,
        clock: deps.clock,
        ownerId,
        mailId: request.params.mailId,
      });
      deps.mailWorker.wake();
      return list(ownerId);
    },
  );
};
