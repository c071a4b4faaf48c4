/**
 * The freelancer's analytics (src/domain/analytics.ts for what each figure means): the figures
 * for a period and one currency, the projects behind a figure, and those rows as CSV.
 */
import { stringify } from 'csv-stringify/sync';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  DRILL_METRICS,
  readAnalytics,
  readAnalyticsProjects,
  type ProjectAnalyticsRow,
} from '../../actions/read-analytics';
import { freelancerOf } from '../authentication';
import { currency, text } from '../schemas';
import type { RouteDeps } from './deps';

const month = z
  .string()
  .regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'must be a month as YYYY-MM')
  .refine((v) => v >= '1970-01', 'must be 1970-01 or later');

export const analyticsQuery = z.object({
  from: month
    .optional()
    .describe('First month (YYYY-MM, the freelancer’s time zone); default: 11 months before `to`'),
  to: month.optional().describe('Last month, inclusive; default: this month'),
  currency: currency
    .optional()
    .describe('The figures’ currency; default: the one most of the freelancer’s projects are in'),
});

const bp = z
  .number()
  .nullable()
  .describe('Basis points (10000 = 100 %); null: nothing to divide by');

const analyticsHead = {
  timeZone: z.string(),
  today: z.string().describe('The freelancer’s calendar date'),
  period: z.object({ from: z.string(), to: z.string() }),
  currencies: z.array(z.string()).describe('Every currency with projects, most projects first'),
  currency: z.string().nullable().describe('The currency of every amount; null: no projects yet'),
};

export const analyticsView = z.object({
  ...analyticsHead,
  revenue: z.object({
    receivedMinor: z.number(),
    refundedMinor: z.number(),
    revenueMinor: z.number().describe('Payments received minus refunds, in the period'),
    byMonth: z.array(
      z.object({
        month: z.string(),
        receivedMinor: z.number(),
        refundedMinor: z.number(),
        revenueMinor: z.number(),
      }),
    ),
  }),
  outstanding: z
    .object({ amountMinor: z.number(), milestones: z.number() })
    .describe('Delivered and unpaid today, live projects'),
  upcoming: z
    .object({ amountMinor: z.number(), milestones: z.number() })
    .describe('Not yet delivered (open or later), live projects'),
  onTime: z.object({
    delivered: z.number().describe('Milestones delivered in the period'),
    onTime: z.number(),
    rateBp: bp,
    projectsCompleted: z.number().describe('Projects whose last delivery fell in the period'),
    projectsOnTime: z.number(),
    projectRateBp: bp,
  }),
  collection: z.object({
    deliveredMinor: z.number().describe('Amount of the milestones delivered in the period'),
    paidMinor: z.number().describe('What those hold, net of refunds, up to each amount'),
    rateBp: bp,
    paidMilestones: z.number(),
    medianDaysToPayment: z.number().nullable(),
    meanDaysToPayment: z.number().nullable(),
  }),
  retention: z.object({
    clients: z.number().describe('Clients with a project created by the end of the period'),
    repeatClients: z.number().describe('Of them, with more than one project'),
    repeatClientShareBp: bp,
    repeatRevenueMinor: z.number().describe('Revenue in the period from repeat clients'),
    repeatRevenueShareBp: bp,
    cohorts: z.array(
      z.object({ month: z.string(), clients: z.number(), repeatClients: z.number() }),
    ),
  }),
  costs: z.object({ costsMinor: z.number(), profitMinor: z.number(), marginBp: bp }),
  byType: z
    .array(
      z.object({
        projectType: z.string().describe('Empty: projects without a type'),
        projects: z.number(),
        revenueMinor: z.number(),
        costsMinor: z.number(),
        profitMinor: z.number(),
        marginBp: bp,
        hoursMinutes: z.number(),
        hourlyRateMinor: z.number().nullable(),
      }),
    )
    .describe('Most profitable first'),
});

export const analyticsProjectsQuery = analyticsQuery.extend({
  metric: z.enum(DRILL_METRICS).default('all'),
  projectType: text(100).optional().describe('Only projects of this type (empty: untyped)'),
  limit: z.coerce.number().int().min(1).max(500).default(100),
  offset: z.coerce.number().int().min(0).max(10_000_000).default(0),
});

const analyticsProjectView = z.object({
  projectId: z.string(),
  title: z.string(),
  clientId: z.string(),
  clientName: z.string(),
  projectType: z.string(),
  archived: z.boolean(),
  milestones: z.number(),
  deliveredMilestones: z.number(),
  progressBp: bp,
  totalMinor: z.number(),
  paidMinor: z.number().describe('Received net of refunds, all time'),
  owedMinor: z.number(),
  daysLate: z.number(),
  costsMinor: z.number(),
  profitMinor: z.number(),
  hoursMinutes: z.number().nullable(),
  periodRevenueMinor: z.number(),
  periodCostsMinor: z.number(),
  periodDelivered: z.number(),
  periodOnTime: z.number(),
});

export const analyticsProjectsView = z.object({
  ...analyticsHead,
  total: z.number(),
  projects: z.array(analyticsProjectView),
});

const CSV_COLUMNS = [
  'projectId',
  'title',
  'clientName',
  'projectType',
  'archived',
  'currency',
  'milestones',
  'deliveredMilestones',
  'totalMinor',
  'paidMinor',
  'owedMinor',
  'daysLate',
  'costsMinor',
  'profitMinor',
  'hoursMinutes',
  'periodRevenueMinor',
  'periodCostsMinor',
  'periodDelivered',
  'periodOnTime',
] as const;

/** A cell a spreadsheet would run as a formula is given a leading apostrophe. */
const safeCell = (value: string): string => (/^[=+\-@\t\r]/.test(value) ? `'${value}` : value);

function csvOf(rows: ProjectAnalyticsRow[], currencyCode: string | null): string {
  return stringify(
    rows.map((r) => [
      r.projectId,
      safeCell(r.title),
      safeCell(r.clientName),
      safeCell(r.projectType),
      r.archived ? 'yes' : 'no',
      currencyCode ?? '',
      r.milestones,
      r.deliveredMilestones,
      r.totalMinor,
      r.paidMinor,
      r.owedMinor,
      r.daysLate,
      r.costsMinor,
      r.profitMinor,
      r.hoursMinutes ?? '',
      r.periodRevenueMinor,
      r.periodCostsMinor,
      r.periodDelivered,
      r.periodOnTime,
    ]),
    { header: true, columns: [...CSV_COLUMNS] },
  );
}

export const analyticsRoutes: FastifyPluginAsyncZod<RouteDeps> = async (app, { db, clock }) => {
  app.get(
    '/analytics',
    {
      schema: {
        tags: ['analytics'],
        querystring: analyticsQuery,
        response: { 200: analyticsView },
      },
    },
    async (request) => {
      const a = await readAnalytics({
        db,
        clock,
        ownerId: freelancerOf(request).user.id,
        ...request.query,
      });
      return {
        timeZone: a.timeZone,
        today: a.today,
        period: a.period,
        currencies: a.currencies,
        currency: a.currency,
        ...a.figures,
      };
    },
  );

  app.get(
    '/analytics/projects',
    {
      schema: {
        tags: ['analytics'],
        querystring: analyticsProjectsQuery,
        response: { 200: analyticsProjectsView },
      },
    },
    async (request) =>
      readAnalyticsProjects({
        db,
        clock,
        ownerId: freelancerOf(request).user.id,
        ...request.query,
      }),
  );

  app.get(
    '/analytics/export.csv',
    {
      schema: {
        tags: ['analytics'],
        description:
          'The projects behind a figure (every one, not a page) as CSV, amounts in minor units',
        querystring: analyticsProjectsQuery.omit({ limit: true, offset: true }),
      },
    },
    async (request, reply) => {
      const result = await readAnalyticsProjects({
        db,
        clock,
        ownerId: freelancerOf(request).user.id,
        ...request.query,
      });
      const name = `milepost-${request.query.metric}-${result.period.from}-${result.period.to}.csv`;
      return reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="${name}"`)
        .header('cache-control', 'private, no-cache')
        .send(csvOf(result.projects, result.currency));
    },
  );
};
