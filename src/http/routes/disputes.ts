/**
 * Disputes on a delivered or paid milestone (issue #11): the freelancer's under
 * /api/projects/:projectId/disputes, the client's under /api/portal/disputes (their one project).
 * Each party opens one with a statement and evidence (ids of the project's chat messages and
 * files), and adds steps: a statement, a proposed resolution, accepting or declining the other
 * party's proposal, escalating to the mediator, or (the opener) withdrawing. Registered once;
 * each half behind its party's login.
 */
import type { FastifyPluginAsyncZod, ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { addDisputeStep, stateOf, type DisputeStepInput } from '../../actions/add-dispute-step';
import { evidenceOf, type DisputeCaller, type Evidence } from '../../actions/dispute-record';
import { openDispute } from '../../actions/open-dispute';
import { readDisputes, type DisputeRecord } from '../../actions/read-disputes';
import { DISPUTE_STATUSES, type Resolution } from '../../domain/dispute';
import {
  clientAuthenticator,
  clientOf,
  freelancerAuthenticator,
  freelancerOf,
} from '../authentication';
import { amountMinor, id, isoDate, multilineText } from '../schemas';
import type { RouteDeps } from './deps';
import { projectParams } from './projects';

type DisputeReading = Awaited<ReturnType<typeof readDisputes>>;

const MAX_TEXT = 5000;
const MAX_CITED = 20;

const fileId = z.string().regex(/^[0-9a-f]{32}$/, 'must be a file id');
const evidence = z.strictObject({
  messageIds: z.array(id).max(MAX_CITED, `at most ${MAX_CITED}`).default([]),
  fileIds: z.array(fileId).max(MAX_CITED, `at most ${MAX_CITED}`).default([]),
});
const resolution = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('revision'), dueDate: isoDate }),
  z.strictObject({ kind: z.literal('partial_refund'), amountMinor }),
  z.strictObject({ kind: z.literal('split'), clientPaysMinor: amountMinor }),
  z.strictObject({ kind: z.literal('withdraw') }),
]);
const required = multilineText(MAX_TEXT).refine((t) => t.trim() !== '', 'is required');
const note = multilineText(MAX_TEXT).default('');
const openBody = z.strictObject({
  milestoneId: id,
  statement: required,
  evidence: evidence.default({ messageIds: [], fileIds: [] }),
});
const stepBody = z.discriminatedUnion('type', [
  z.strictObject({
    type: z.literal('statement'),
    text: required,
    evidence: evidence.default({ messageIds: [], fileIds: [] }),
  }),
  z.strictObject({ type: z.literal('propose'), resolution, text: note }),
  z.strictObject({ type: z.literal('accept'), text: note }),
  z.strictObject({ type: z.literal('decline'), text: note }),
  z.strictObject({ type: z.literal('escalate'), text: note }),
  z.strictObject({ type: z.literal('withdraw'), text: note }),
]);
const party = z.enum(['freelancer', 'client']);
const resolutionView = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('revision'), dueDate: z.string() }),
  z.object({ kind: z.literal('partial_refund'), amountMinor: z.number().int() }),
  z.object({ kind: z.literal('split'), clientPaysMinor: z.number().int() }),
  z.object({ kind: z.literal('withdraw') }),
]);
const citedMessageView = z.object({
  id: z.string(),
  seq: z.number().int(),
  /** "general", or the milestone's id. */
  thread: z.string(),
  author: z.enum(['freelancer', 'client', 'system']),
  kind: z.enum(['text', 'system']),
  createdAt: z.string(),
  /** Its first characters as it stands now; null once deleted (its text stays in the activity). */
  excerpt: z.string().nullable(),
  edited: z.boolean(),
  deleted: z.boolean(),
});
const citedFileView = z.object({
  id: z.string(),
  name: z.string(),
  milestoneId: z.string(),
  superseded: z.boolean(),
});
export const disputeView = z.object({
  id: z.string(),
  milestoneId: z.string(),
  openedBy: party,
  status: z.enum(DISPUTE_STATUSES),
  statement: z.string(),
  /** The proposal standing, to be answered by the other party; null when none. */
  proposal: z.object({ by: party, resolution: resolutionView }).nullable(),
  resolution: resolutionView.nullable(),
  escalatedAt: z.string().nullable(),
  /** The mediator named when it was escalated ('' when the contract named none). */
  mediator: z.string().nullable(),
  /** Opened by a card chargeback: Stripe's dispute id and reason (words are the screen's). */
  chargeback: z.object({ stripeDisputeId: z.string(), reason: z.string().nullable() }).nullable(),
  /** Active on a delivered, unpaid milestone: payment waits. */
  blocksPayment: z.boolean(),
  createdAt: z.string(),
  updatedAt: z.string(),
  closedAt: z.string().nullable(),
  entries: z.array(
    z.object({
      id: z.string(),
      seq: z.number().int(),
      type: z.enum(['statement', 'propose', 'accept', 'decline', 'escalate', 'withdraw']),
      party,
      text: z.string(),
      resolution: resolutionView.nullable(),
      evidence: z.object({
        messageIds: z.array(z.string()),
        fileIds: z.array(z.string()),
        /** The cited messages found, in the order cited: author, time and how each begins. */
        messages: z.array(citedMessageView),
        /** The cited files found, in the order cited (a file removed since is left out). */
        files: z.array(citedFileView),
      }),
      createdAt: z.string(),
    }),
  ),
});
const listView = z.object({
  disputes: z.array(disputeView),
  /** The mediator the contract names ('' when none), shown before escalating. */
  mediator: z.string(),
});
const oneView = z.object({ dispute: disputeView });
const disputeParams = z.object({ projectId: id, disputeId: id });
const portalDisputeParams = z.object({ disputeId: id });

function present(r: DisputeRecord, cited: DisputeReading['cited']): z.infer<typeof disputeView> {
  const state = stateOf(r.row);
  return {
    id: r.row.id,
    milestoneId: r.row.milestone_id,
    openedBy: r.row.opened_by,
    status: r.row.status,
    statement: r.row.statement,
    proposal: state.proposal,
    resolution: state.resolution,
    escalatedAt: r.row.escalated_at,
    mediator: r.row.mediator,
    chargeback:
      r.row.stripe_dispute_id === null
        ? null
        : { stripeDisputeId: r.row.stripe_dispute_id, reason: r.row.chargeback_reason },
    blocksPayment: r.blocksPayment,
    createdAt: r.row.created_at,
    updatedAt: r.row.updated_at,
    closedAt: r.row.closed_at,
    entries: r.entries.map((e) => ({
      id: e.id,
      seq: e.seq,
      type: e.type,
      party: e.party,
      text: e.text,
      resolution: e.resolution === null ? null : (JSON.parse(e.resolution) as Resolution),
      evidence: citedView(evidenceOf(e.evidence), cited),
      createdAt: e.created_at,
    })),
  };
}

function citedView(evidence: Evidence, cited: DisputeReading['cited']) {
  return {
    ...evidence,
    messages: evidence.messageIds.flatMap((id) => cited.messages.get(id) ?? []),
    files: evidence.fileIds.flatMap((id) => cited.files.get(id) ?? []),
  };
}

function stepOf(body: z.infer<typeof stepBody>): DisputeStepInput {
  return body.type === 'propose' ? { ...body, resolution: body.resolution as Resolution } : body;
}

export const disputeRoutes: FastifyPluginAsyncZod<RouteDeps> = async (app, deps) => {
  const { db, clock, events, mailWorker } = deps;
  const stripe = { config: deps.config, secretBox: deps.secretBox };

  async function list(projectId: string, ownerId?: string) {
    const read = await readDisputes({ db, projectId, ...(ownerId !== undefined && { ownerId }) });
    return {
      disputes: read.disputes.map((r) => present(r, read.cited)),
      mediator: read.mediator,
    };
  }
  async function one(projectId: string, disputeId: string) {
    const found = (await list(projectId)).disputes.find((d) => d.id === disputeId);
    if (!found) throw new Error('dispute vanished');
    return { dispute: found };
  }

  await app.register(async (scope) => {
    scope.addHook('onRequest', freelancerAuthenticator(db, { required: true, clock }));
    const typed = scope.withTypeProvider<ZodTypeProvider>();
    const callerOf = (ownerId: string): DisputeCaller => ({ party: 'freelancer', ownerId });
    typed.get(
      '/projects/:projectId/disputes',
      { schema: { tags: ['disputes'], params: projectParams, response: { 200: listView } } },
      async (request) => list(request.params.projectId, freelancerOf(request).user.id),
    );
    typed.post(
      '/projects/:projectId/disputes',
      {
        schema: {
          tags: ['disputes'],
          params: projectParams,
          body: openBody,
          response: { 201: oneView },
        },
      },
      async (request, reply) => {
        const row = await openDispute({
          db,
          clock,
          events,
          stripe,
          caller: callerOf(freelancerOf(request).user.id),
          projectId: request.params.projectId,
          ...request.body,
        });
        mailWorker.wake();
        return reply.status(201).send(await one(row.project_id, row.id));
      },
    );
    typed.post(
      '/projects/:projectId/disputes/:disputeId/steps',
      {
        schema: {
          tags: ['disputes'],
          params: disputeParams,
          body: stepBody,
          response: { 200: oneView },
        },
      },
      async (request) => {
        const row = await addDisputeStep({
          db,
          clock,
          events,
          caller: callerOf(freelancerOf(request).user.id),
          ...request.params,
          step: stepOf(request.body),
        });
        mailWorker.wake();
        return one(row.project_id, row.id);
      },
    );
  });

  await app.register(async (scope) => {
    scope.addHook('onRequest', clientAuthenticator(db, clock));
    const typed = scope.withTypeProvider<ZodTypeProvider>();
    const client: DisputeCaller = { party: 'client' };
    typed.get(
      '/portal/disputes',
      { schema: { tags: ['portal'], response: { 200: listView } } },
      async (request) => list(clientOf(request).projectId),
    );
    typed.post(
      '/portal/disputes',
      { schema: { tags: ['portal'], body: openBody, response: { 201: oneView } } },
      async (request, reply) => {
        const { projectId } = clientOf(request);
        const row = await openDispute({
          db,
          clock,
          events,
          stripe,
          caller: client,
          projectId,
          ...request.body,
        });
        mailWorker.wake();
        return reply.status(201).send(await one(projectId, row.id));
      },
    );
    typed.post(
      '/portal/disputes/:disputeId/steps',
      {
        schema: {
          tags: ['portal'],
          params: portalDisputeParams,
          body: stepBody,
          response: { 200: oneView },
        },
      },
      async (request) => {
        const { projectId } = clientOf(request);
        await addDisputeStep({
          db,
          clock,
          events,
          // Where the client agrees: a resolution accepted becomes a contract acceptance.
          caller: { ...client, ip: request.ip, userAgent: request.headers['user-agent'] ?? '' },
          projectId,
          disputeId: request.params.disputeId,
          step: stepOf(request.body),
        });
        mailWorker.wake();
        return one(projectId, request.params.disputeId);
      },
    );
  });
};
