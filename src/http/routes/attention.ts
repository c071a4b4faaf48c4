/** The dashboard's "needs attention" list: overdue milestones, payments waiting, never shared. */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { readAttention } from '../../actions/read-attention';
import type { AttentionMilestoneRow } from '../../db/queries/attention';
import { freelancerOf } from '../authentication';
import type { RouteDeps } from './deps';

const attentionMilestone = z.object({
  projectId: z.string(),
  projectTitle: z.string(),
  clientName: z.string(),
  currency: z.string(),
  milestoneId: z.string(),
  position: z.number(),
  title: z.string(),
  dueDate: z.string(),
  amountMinor: z.number(),
  deliveredAt: z.string().nullable(),
});

const attentionView = z.object({
  today: z
    .string()
    .describe('The freelancer’s calendar date (their time zone) overdue is measured against'),
  overdue: z.array(attentionMilestone).describe('Not delivered, due before today; earliest first'),
  awaitingPayment: z
    .array(attentionMilestone)
    .describe('Delivered and unpaid; longest waiting first'),
  neverShared: z
    .array(
      z.object({
        projectId: z.string(),
        projectTitle: z.string(),
        clientName: z.string(),
        createdAt: z.string(),
      }),
    )
    .describe('Live projects whose client has never been given a code or link'),
});

const presentMilestone = (m: AttentionMilestoneRow): z.infer<typeof attentionMilestone> => ({
  projectId: m.project_id,
  projectTitle: m.project_title,
  clientName: m.client_name,
  currency: m.currency,
  milestoneId: m.milestone_id,
  position: m.position,
  title: m.title,
  dueDate: m.due_date,
  amountMinor: m.amount_minor,
  deliveredAt: m.delivered_at,
});

export const attentionRoutes: FastifyPluginAsyncZod<RouteDeps> = async (app, { db, clock }) => {
  app.get(
    '/attention',
    { schema: { tags: ['projects'], response: { 200: attentionView } } },
    async (request) => {
      const attention = await readAttention({ db, clock, ownerId: freelancerOf(request).user.id });
      return {
        today: attention.today,
        overdue: attention.overdue.map(presentMilestone),
        awaitingPayment: attention.awaitingPayment.map(presentMilestone),
        neverShared: attention.neverShared.map((p) => ({
          projectId: p.project_id,
          projectTitle: p.project_title,
          clientName: p.client_name,
          createdAt: p.created_at,
        })),
      };
    },
  );
};
