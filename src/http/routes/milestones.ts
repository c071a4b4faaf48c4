import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { addMilestone } from '../../actions/add-milestone';
import { deliverMilestone } from '../../actions/deliver-milestone';
import { getProject } from '../../actions/read-projects';
import { recordOfflinePayment } from '../../actions/record-offline-payment';
import { recordRefund } from '../../actions/record-refund';
import { removeMilestone } from '../../actions/remove-milestone';
import { updateMilestone } from '../../actions/update-milestone';
import { notFound } from '../../domain/errors';
import { freelancerOf } from '../authentication';
import { presentMilestone, presentPayment } from '../presenters';
import {
  amountMinor,
  id,
  isoDate,
  milestoneView,
  offlineMethod,
  paymentView,
  multilineText,
  noContent,
  requiredText,
  revisionRounds,
  text,
} from '../schemas';
import { DEFAULT_REVISION_ROUNDS } from '../../domain/revisions';
import type { RouteDeps } from './deps';
import { projectParams } from './projects';

const milestoneParams = z.object({ projectId: id, milestoneId: id });
const milestoneResponse = z.object({ milestone: milestoneView });

export const milestoneRoutes: FastifyPluginAsyncZod<RouteDeps> = async (
  app,
  { db, config, storage, mailWorker, clock, events },
) => {
  async function currentMilestone(ownerId: string, projectId: string, milestoneId: string) {
    const { milestones, payments } = await getProject({ db, ownerId, projectId });
    const milestone = milestones.find((m) => m.id === milestoneId);
    if (!milestone) throw notFound('Milestone');
    return presentMilestone(milestone, payments);
  }

  app.post(
    '/projects/:projectId/milestones',
    {
      schema: {
        tags: ['milestones'],
        params: projectParams,
        body: z.strictObject({
          title: requiredText(200),
          deliverables: multilineText(5000),
          dueDate: isoDate,
          amountMinor,
          isDeposit: z.boolean().default(false),
          revisionRounds: revisionRounds.default(DEFAULT_REVISION_ROUNDS),
        }),
        response: { 201: milestoneResponse },
      },
    },
    async (request, reply) => {
      const milestone = await addMilestone({
        db,
        events,
        config,
        ownerId: freelancerOf(request).user.id,
        projectId: request.params.projectId,
        milestone: request.body,
      });
      return reply.status(201).send({ milestone: presentMilestone(milestone) });
    },
  );

  app.patch(
    '/projects/:projectId/milestones/:milestoneId',
    {
      schema: {
        tags: ['milestones'],
        params: milestoneParams,
        body: z.strictObject({
          title: requiredText(200).optional(),
          deliverables: multilineText(5000).optional(),
          dueDate: isoDate.optional(),
          amountMinor: amountMinor.optional(),
          isDeposit: z.boolean().optional(),
          revisionRounds: revisionRounds.optional(),
        }),
        response: { 200: milestoneResponse },
      },
    },
    async (request) => {
      const milestone = await updateMilestone({
        db,
        events,
        ownerId: freelancerOf(request).user.id,
        ...request.params,
        changes: request.body,
      });
      return { milestone: presentMilestone(milestone) };
    },
  );

  app.delete(
    '/projects/:projectId/milestones/:milestoneId',
    { schema: { tags: ['milestones'], params: milestoneParams, response: noContent } },
    async (request, reply) => {
      await removeMilestone({
        db,
        events,
        clock,
        storage,
        ownerId: freelancerOf(request).user.id,
        ...request.params,
      });
      return reply.status(204).send();
    },
  );

  app.post(
    '/projects/:projectId/milestones/:milestoneId/deliver',
    {
      schema: {
        tags: ['milestones'],
        params: milestoneParams,
        response: { 200: milestoneResponse },
      },
    },
    async (request) => {
      const ownerId = freelancerOf(request).user.id;
      await deliverMilestone({ db, config, clock, events, ownerId, ...request.params });
      mailWorker.wake();
      return {
        milestone: await currentMilestone(
          ownerId,
          request.params.projectId,
          request.params.milestoneId,
        ),
      };
    },
  );

  app.post(
    '/projects/:projectId/milestones/:milestoneId/refunds',
    {
      schema: {
        tags: ['payments'],
        params: milestoneParams,
        body: z.strictObject({
          amountMinor,
          reference: text(200).default(''),
          refundedOn: isoDate,
        }),
        response: { 201: z.object({ refund: paymentView, milestone: milestoneView }) },
      },
    },
    async (request, reply) => {
      const { user } = freelancerOf(request);
      const ownerId = user.id;
      const refund = await recordRefund({
        db,
        clock,
        ownerId,
        timeZone: user.time_zone,
        ...request.params,
        refund: request.body,
      });
      const milestone = await currentMilestone(
        ownerId,
        request.params.projectId,
        request.params.milestoneId,
      );
      return reply.status(201).send({ refund: presentPayment(refund), milestone });
    },
  );

  app.post(
    '/projects/:projectId/milestones/:milestoneId/payments',
    {
      schema: {
        tags: ['payments'],
        params: milestoneParams,
        body: z.strictObject({
          amountMinor,
          method: offlineMethod,
          reference: text(200).default(''),
          receivedOn: isoDate,
        }),
        response: { 201: z.object({ payment: paymentView, milestone: milestoneView }) },
      },
    },
    async (request, reply) => {
      const { user } = freelancerOf(request);
      const ownerId = user.id;
      const { payment } = await recordOfflinePayment({
        db,
        clock,
        events,
        ownerId,
        timeZone: user.time_zone,
        ...request.params,
        payment: request.body,
      });
      mailWorker.wake();
      const milestone = await currentMilestone(
        ownerId,
        request.params.projectId,
        request.params.milestoneId,
      );
      return reply.status(201).send({ payment: presentPayment(payment), milestone });
    },
  );
};
