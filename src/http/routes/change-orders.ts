/**
 * Change orders: the freelancer proposes (and may withdraw) changes to the accepted contract's
 * milestones; the client reads each with its before/after and the contract text accepting it
 * would create, and accepts (typed full name and that text's SHA-256; IP and user agent kept)
 * or declines with an optional note. Registered once; each half behind its party's login.
 */
import type { FastifyPluginAsyncZod, ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { MAX_FULL_NAME_LENGTH } from '../../actions/accept-contract';
import {
  acceptChangeOrder,
  declineChangeOrder,
  proposeChangeOrder,
  readChangeOrders,
  withdrawChangeOrder,
  type ChangeOrderRecord,
} from '../../actions/change-orders';
import { CHANGE_ORDER_STATUSES, MAX_CHANGES } from '../../domain/change-order';
import { MILESTONE_STATUSES } from '../../domain/milestone-sequence';
import {
  clientAuthenticator,
  clientOf,
  freelancerAuthenticator,
  freelancerOf,
} from '../authentication';
import { amountMinor, id, isoDate, multilineText, requiredText } from '../schemas';
import type { RouteDeps } from './deps';
import { projectParams } from './projects';

const MAX_REASON_LENGTH = 2000;
const terms = {
  title: requiredText(200),
  deliverables: multilineText(5000),
  dueDate: isoDate,
  amountMinor,
};
const change = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('add'), ...terms }),
  z.strictObject({ type: z.literal('remove'), milestoneId: id }),
  z.strictObject({
    type: z.literal('update'),
    milestoneId: id,
    title: terms.title.optional(),
    deliverables: terms.deliverables.optional(),
    dueDate: terms.dueDate.optional(),
    amountMinor: terms.amountMinor.optional(),
  }),
]);
const proposeBody = z.strictObject({
  reason: multilineText(MAX_REASON_LENGTH).refine((r) => r.trim() !== '', 'is required'),
  changes: z.array(change).min(1, 'must change something').max(MAX_CHANGES),
});
const acceptBody = z.strictObject({
  fullName: requiredText(MAX_FULL_NAME_LENGTH),
  sha256: z.string().regex(/^[0-9a-f]{64}$/, 'must be a lowercase hex SHA-256'),
});
const declineBody = z.strictObject({ note: multilineText(MAX_REASON_LENGTH).default('') });
const orderParams = z.object({ projectId: id, orderId: id });
const portalOrderParams = z.object({ orderId: id });

const plannedMilestone = z.object({
  id: z.string().nullable(),
  position: z.number().int(),
  status: z.enum(MILESTONE_STATUSES),
  title: z.string(),
  deliverables: z.string(),
  dueDate: z.string(),
  amountMinor: z.number().int(),
});
export const changeOrderView = z.object({
  id: z.string(),
  number: z.number().int(),
  status: z.enum(CHANGE_ORDER_STATUSES),
  reason: z.string(),
  changes: z.array(z.record(z.string(), z.unknown())),
  /** The milestones side by side: before (null: added) and after (null: removed). */
  rows: z.array(
    z.object({
      before: plannedMilestone.nullable(),
      after: plannedMilestone.nullable(),
      changed: z.array(z.enum(['title', 'deliverables', 'dueDate', 'amountMinor'])),
    }),
  ),
  totalBeforeMinor: z.number().int(),
  totalAfterMinor: z.number().int(),
  /** The contract version the order was made against. */
  baseVersion: z.number().int(),
  /** The version accepting it created; null unless accepted. */
  resultVersion: z.number().int().nullable(),
  /** Proposed, but the contract moved on: it can no longer be accepted. */
  stale: z.boolean(),
  /** Proposed and current: the contract text accepting it creates (send its sha256). */
  preview: z.object({ version: z.number().int(), text: z.string(), sha256: z.string() }).nullable(),
  declineNote: z.string().nullable(),
  proposedAt: z.string(),
  decidedAt: z.string().nullable(),
});
const listView = z.object({ changeOrders: z.array(changeOrderView) });
const oneView = z.object({ changeOrder: changeOrderView });

function present(r: ChangeOrderRecord): z.infer<typeof changeOrderView> {
  return {
    id: r.row.id,
    number: r.row.number,
    status: r.row.status,
    reason: r.row.reason,
    changes: r.changes.map((c) => ({ ...c })),
    rows: r.compared,
    totalBeforeMinor: r.totalBeforeMinor,
    totalAfterMinor: r.totalAfterMinor,
    baseVersion: r.baseVersion,
    resultVersion: r.resultVersion,
    stale: r.stale,
    preview: r.preview,
    declineNote: r.row.decline_note,
    proposedAt: r.row.proposed_at,
    decidedAt: r.row.decided_at,
  };
}

export const changeOrderRoutes: FastifyPluginAsyncZod<RouteDeps> = async (app, deps) => {
  const { db, clock, config, events, storage, mailWorker } = deps;

  async function one(projectId: string, orderId: string) {
    const found = (await readChangeOrders({ db, projectId })).find((r) => r.row.id === orderId);
    if (!found) throw new Error('change order vanished');
    return { changeOrder: present(found) };
  }

  await app.register(async (scope) => {
    scope.addHook('onRequest', freelancerAuthenticator(db, { required: true, clock }));
    const typed = scope.withTypeProvider<ZodTypeProvider>();
    typed.get(
      '/projects/:projectId/change-orders',
      { schema: { tags: ['change-orders'], params: projectParams, response: { 200: listView } } },
      async (request) => ({
        changeOrders: (
          await readChangeOrders({
            db,
            projectId: request.params.projectId,
            ownerId: freelancerOf(request).user.id,
          })
        ).map(present),
      }),
    );
    typed.post(
      '/projects/:projectId/change-orders',
      {
        schema: {
          tags: ['change-orders'],
          params: projectParams,
          body: proposeBody,
          response: { 201: oneView },
        },
      },
      async (request, reply) => {
        const row = await proposeChangeOrder({
          db,
          clock,
          config,
          events,
          ownerId: freelancerOf(request).user.id,
          projectId: request.params.projectId,
          reason: request.body.reason,
          changes: request.body.changes,
        });
        mailWorker.wake();
        return reply.status(201).send(await one(row.project_id, row.id));
      },
    );
    typed.post(
      '/projects/:projectId/change-orders/:orderId/withdraw',
      { schema: { tags: ['change-orders'], params: orderParams, response: { 200: oneView } } },
      async (request) => {
        const row = await withdrawChangeOrder({
          db,
          clock,
          events,
          ownerId: freelancerOf(request).user.id,
          ...request.params,
        });
        mailWorker.wake();
        return one(row.project_id, row.id);
      },
    );
  });

  await app.register(async (scope) => {
    scope.addHook('onRequest', clientAuthenticator(db, clock));
    const typed = scope.withTypeProvider<ZodTypeProvider>();
    typed.get(
      '/portal/change-orders',
      { schema: { tags: ['portal'], response: { 200: listView } } },
      async (request) => ({
        changeOrders: (await readChangeOrders({ db, projectId: clientOf(request).projectId })).map(
          present,
        ),
      }),
    );
    typed.post(
      '/portal/change-orders/:orderId/accept',
      {
        schema: {
          tags: ['portal'],
          params: portalOrderParams,
          body: acceptBody,
          response: { 200: oneView },
        },
      },
      async (request) => {
        const { projectId } = clientOf(request);
        await acceptChangeOrder({
          db,
          clock,
          config,
          events,
          storage,
          projectId,
          orderId: request.params.orderId,
          fullName: request.body.fullName,
          sha256: request.body.sha256,
          ip: request.ip,
          userAgent: request.headers['user-agent'] ?? '',
        });
        mailWorker.wake();
        return one(projectId, request.params.orderId);
      },
    );
    typed.post(
      '/portal/change-orders/:orderId/decline',
      {
        schema: {
          tags: ['portal'],
          params: portalOrderParams,
          body: declineBody,
          response: { 200: oneView },
        },
      },
      async (request) => {
        const { projectId } = clientOf(request);
        await declineChangeOrder({
          db,
          clock,
          events,
          projectId,
          orderId: request.params.orderId,
          note: request.body.note,
        });
        mailWorker.wake();
        return one(projectId, request.params.orderId);
      },
    );
  });
};
