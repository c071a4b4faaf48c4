import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { createProject } from '../../actions/create-project';
import { getActivity, getProject, listProjects } from '../../actions/read-projects';
import { updateProject } from '../../actions/update-project';
import { MAX_AMOUNT_MINOR } from '../../domain/money';
import { freelancerOf } from '../authentication';
import {
  presentActivity,
  presentMilestone,
  presentPayment,
  presentProject,
  presentProjectSummary,
} from '../presenters';
import {
  activityPage,
  activityPageQuery,
  amountMinor,
  currency,
  id,
  isoDate,
  milestoneView,
  paymentView,
  projectSummaryView,
  projectView,
  multilineText,
  requiredText,
  reviewWindowDays,
  revisionRounds,
  tags,
  text,
} from '../schemas';
import { DEFAULT_REVISION_ROUNDS } from '../../domain/revisions';
import type { RouteDeps } from './deps';

export const projectParams = z.object({ projectId: id });
const projectResponse = z.object({
  project: projectView,
  milestones: z.array(milestoneView),
  payments: z.array(paymentView),
});

export const milestoneInput = z.strictObject({
  title: requiredText(200),
  deliverables: multilineText(5000),
  dueDate: isoDate,
  amountMinor: amountMinor.optional(),
  percent: z.number().gt(0, 'must be more than 0').max(100, 'must be at most 100').optional(),
  /** A deposit: payable as soon as it opens, with nothing to deliver. */
  isDeposit: z.boolean().default(false),
  revisionRounds: revisionRounds.default(DEFAULT_REVISION_ROUNDS),
});

const newProjectBody = z.strictObject({
  clientId: id,
  title: requiredText(200),
  currency,
  projectType: text(100).default(''),
  tags: tags.default([]),
  description: multilineText(10_000).default(''),
  totalMinor: z
    .number()
    .int('must be a whole number of minor units')
    .min(1)
    .max(MAX_AMOUNT_MINOR)
    .optional(),
  // The count limit is the domain's (MILESTONE_LIMIT); this bound only stops absurd payloads.
  milestones: z.array(milestoneInput).max(100, 'too many milestones'),
  /** Left out: the freelancer's default (Settings → Contract terms). */
  reviewWindowDays: reviewWindowDays.optional(),
  /** The outside mediator this project's contract names; left out or null: the freelancer's. */
  mediator: text(200).nullable().optional(),
});

export const projectRoutes: FastifyPluginAsyncZod<RouteDeps> = async (
  app,
  { db, config, events },
) => {
  app.get(
    '/projects',
    {
      schema: {
        tags: ['projects'],
        querystring: z.object({ includeArchived: z.enum(['true', 'false']).optional() }),
        response: { 200: z.object({ projects: z.array(projectSummaryView) }) },
      },
    },
    async (request) => {
      const rows = await listProjects({
        db,
        ownerId: freelancerOf(request).user.id,
        includeArchived: request.query.includeArchived === 'true',
      });
      return {
        projects: rows.map(({ summary, current }) => presentProjectSummary(summary, current)),
      };
    },
  );

  app.post(
    '/projects',
    { schema: { tags: ['projects'], body: newProjectBody, response: { 201: projectResponse } } },
    async (request, reply) => {
      const ownerId = freelancerOf(request).user.id;
      const projectId = await createProject({ db, config, ownerId, project: request.body });
      return reply.status(201).send(await projectDetail(ownerId, projectId));
    },
  );

  app.get(
    '/projects/:projectId',
    { schema: { tags: ['projects'], params: projectParams, response: { 200: projectResponse } } },
    async (request) => projectDetail(freelancerOf(request).user.id, request.params.projectId),
  );

  app.patch(
    '/projects/:projectId',
    {
      schema: {
        tags: ['projects'],
        params: projectParams,
        body: z.strictObject({
          title: requiredText(200).optional(),
          projectType: text(100).optional(),
          tags: tags.optional(),
          description: multilineText(10_000).optional(),
          currency: currency.optional(),
          /** Offline payment instructions for this project; empty: the freelancer's. */
          paymentInstructions: multilineText(5000).optional(),
          reviewWindowDays: reviewWindowDays.optional(),
          /** This project's own mediator; null: the freelancer's (a contract term). */
          mediator: text(200).nullable().optional(),
          /** Time spent, in minutes, for the effective hourly rate; null: not recorded. */
          hoursMinutes: z
            .number()
            .int('must be whole minutes')
            .min(0)
            .max(60_000_000)
            .nullable()
            .optional(),
        }),
        response: { 200: z.object({ project: projectView }) },
      },
    },
    async (request) => {
      const ownerId = freelancerOf(request).user.id;
      await updateProject({
        db,
        events,
        ownerId,
        projectId: request.params.projectId,
        changes: request.body,
      });
      const { project } = await projectDetail(ownerId, request.params.projectId);
      return { project };
    },
  );

  for (const [verb, archived] of [
    ['archive', true],
    ['unarchive', false],
  ] as const) {
    app.post(
      `/projects/:projectId/${verb}`,
      {
        schema: {
          tags: ['projects'],
          params: projectParams,
          response: { 200: z.object({ project: projectView }) },
        },
      },
      async (request) => {
        const ownerId = freelancerOf(request).user.id;
        await updateProject({
          db,
          events,
          ownerId,
          projectId: request.params.projectId,
          changes: { archived },
        });
        const { project } = await projectDetail(ownerId, request.params.projectId);
        return { project };
      },
    );
  }

  app.get(
    '/projects/:projectId/activity',
    {
      schema: {
        tags: ['projects'],
        params: projectParams,
        querystring: activityPageQuery,
        response: { 200: activityPage },
      },
    },
    async (request) => {
      const { entries, chainValid, nextCursor } = await getActivity({
        db,
        ownerId: freelancerOf(request).user.id,
        projectId: request.params.projectId,
        limit: request.query.limit,
        ...(request.query.before !== undefined && { before: request.query.before }),
      });
      return {
        entries: entries.map(presentActivity),
        chainValid,
        nextCursor: nextCursor === null ? null : String(nextCursor),
      };
    },
  );

  async function projectDetail(ownerId: string, projectId: string) {
    const detail = await getProject({ db, ownerId, projectId });
    return {
      project: presentProject(detail.project, detail.milestones),
      milestones: detail.milestones.map((m) => presentMilestone(m, detail.payments)),
      payments: detail.payments.map(presentPayment),
    };
  }
};
