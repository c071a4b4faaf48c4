/** A project's costs: the freelancer's own bookkeeping, never shown to the client. */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { addCost, listCosts, removeCost, updateCost } from '../../actions/manage-project-costs';
import { COST_CATEGORIES, type ProjectCostRow } from '../../db/schema';
import { freelancerOf } from '../authentication';
import { amountMinor, id, isoDate, multilineText, noContent } from '../schemas';
import type { RouteDeps } from './deps';
import { projectParams } from './projects';

export const costView = z.object({
  id: z.string(),
  projectId: z.string(),
  amountMinor: z.number(),
  currency: z.string(),
  spentOn: z.string(),
  note: z.string(),
  category: z.enum(COST_CATEGORIES),
  createdAt: z.string(),
});

const costFields = z.strictObject({
  amountMinor,
  spentOn: isoDate,
  note: multilineText(1000),
  category: z.enum(COST_CATEGORIES, {
    message: `must be one of ${COST_CATEGORIES.join(', ')}`,
  }),
});

const costInput = costFields.extend({ note: multilineText(1000).default('') });

const costParams = projectParams.extend({ costId: id });

const present = (c: ProjectCostRow): z.infer<typeof costView> => ({
  id: c.id,
  projectId: c.project_id,
  amountMinor: c.amount_minor,
  currency: c.currency,
  spentOn: c.spent_on,
  note: c.note,
  category: c.category,
  createdAt: c.created_at,
});

export const projectCostRoutes: FastifyPluginAsyncZod<RouteDeps> = async (app, { db, clock }) => {
  app.get(
    '/projects/:projectId/costs',
    {
      schema: {
        tags: ['analytics'],
        params: projectParams,
        response: { 200: z.object({ costs: z.array(costView) }) },
      },
    },
    async (request) => {
      const costs = await listCosts({
        db,
        clock,
        ownerId: freelancerOf(request).user.id,
        projectId: request.params.projectId,
      });
      return { costs: costs.map(present) };
    },
  );

  app.post(
    '/projects/:projectId/costs',
    {
      schema: {
        tags: ['analytics'],
        params: projectParams,
        body: costInput,
        response: { 201: z.object({ cost: costView }) },
      },
    },
    async (request, reply) => {
      const cost = await addCost({
        db,
        clock,
        ownerId: freelancerOf(request).user.id,
        projectId: request.params.projectId,
        cost: request.body,
      });
      return reply.status(201).send({ cost: present(cost) });
    },
  );

  app.patch(
    '/projects/:projectId/costs/:costId',
    {
      schema: {
        tags: ['analytics'],
        params: costParams,
        body: costFields.partial(),
        response: { 200: z.object({ cost: costView }) },
      },
    },
    async (request) => {
      const cost = await updateCost({
        db,
        clock,
        ownerId: freelancerOf(request).user.id,
        projectId: request.params.projectId,
        costId: request.params.costId,
        changes: request.body,
      });
      return { cost: present(cost) };
    },
  );

  app.delete(
    '/projects/:projectId/costs/:costId',
    { schema: { tags: ['analytics'], params: costParams, response: noContent } },
    async (request, reply) => {
      await removeCost({
        db,
        clock,
        ownerId: freelancerOf(request).user.id,
        projectId: request.params.projectId,
        costId: request.params.costId,
      });
      return reply.status(204).send();
    },
  );
};
