/**
 * Disputes (issue #11) over real HTTP, on each dialect: either party opens one on a delivered
 * (or paid) milestone with a statement and evidence of the same project; statements, proposals
 * answered by the other party, escalation to the contract's mediator and the opener's withdrawal;
 * every refusal (not delivered, a second active dispute, strangers and other projects, answering
 * one's own proposal, steps after the end); the payment gate while a delivery is disputed; a card
 * chargeback reported by Stripe; and every step in the milestone's thread, the activity and the
 * other party's mail.
 */
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { z } from 'zod';
import * as C from './contract';
import { at, send, threadMessages } from './chat-support';
import {
  deliverEvent,
  disputeCreatedEvent,
  sessionEvent,
  useAppWithFakeStripe,
} from './fake-stripe';
import {
  SUITE_TIMEOUT,
  deliver,
  dialects,
  expectError,
  expectStatus,
  getActivity,
  openPortal,
  setupProject,
  share,
  signUp,
  storageConfig,
  Actor,
  type TestApp,
} from './harness';
import { checkout, clickPay, deliveredProject, offlinePayment } from './payments-helpers';
import { openDatabase } from '../../src/db/database';
import { verifyBundle } from '../../src/evidence/verify-bundle';
import { downloadBundle, readZipItems, saveTo } from './evidence-support';
import { computeOwnerCells } from '../../src/db/queries/analytics-sums';
import { mergeCells, type SumCell } from '../../src/domain/analytics-sums';
import { decodeWords, mailHeader } from './mail-text';
import { mailTo, useAppWithSmtp, waitFor } from './smtp-helpers';

const Resolution = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('revision'), dueDate: z.string() }),
  z.object({ kind: z.literal('partial_refund'), amountMinor: z.number().int() }),
  z.object({ kind: z.literal('split'), clientPaysMinor: z.number().int() }),
  z.object({ kind: z.literal('withdraw') }),
]);
const Party = z.enum(['freelancer', 'client']);
const Dispute = z.object({
  id: z.string(),
  milestoneId: z.string(),
  openedBy: Party,
  status: z.enum(['open', 'escalated', 'resolved', 'withdrawn']),
  statement: z.string(),
  proposal: z.object({ by: Party, resolution: Resolution }).nullable(),
  resolution: Resolution.nullable(),
  escalatedAt: z.string().nullable(),
  mediator: z.string().nullable(),
  chargeback: z.object({ stripeDisputeId: z.string(), reason: z.string().nullable() }).nullable(),
  blocksPayment: z.boolean(),
  closedAt: z.string().nullable(),
  entries: z.array(
    z.object({
      seq: z.number().int(),
      type: z.enum(['statement', 'propose', 'accept', 'decline', 'escalate', 'withdraw']),
      party: Party,
      text: z.string(),
      resolution: Resolution.nullable(),
      evidence: z.object({
        messageIds: z.array(z.string()),
        fileIds: z.array(z.string()),
        messages: z.array(
          z.object({
            id: z.string(),
            seq: z.number().int(),
            thread: z.string(),
            author: z.enum(['freelancer', 'client', 'system']),
            kind: z.enum(['text', 'system']),
            createdAt: z.string(),
            excerpt: z.string().nullable(),
            edited: z.boolean(),
            deleted: z.boolean(),
          }),
        ),
        files: z.array(
          z.object({
            id: z.string(),
            name: z.string(),
            milestoneId: z.string(),
            superseded: z.boolean(),
          }),
        ),
      }),
    }),
  ),
});
type Dispute = z.infer<typeof Dispute>;
const One = z.object({ dispute: Dispute });
const List = z.object({ disputes: z.array(Dispute), mediator: z.string() });

/** A date `days` from today (UTC), as YYYY-MM-DD. */
function inDays(days: number): string {
  return new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);
}

const isClient = (actor: Actor) => actor.cookie('mp_client') !== undefined;
const base = (actor: Actor, projectId: string) =>
  isClient(actor) ? '/api/portal/disputes' : `/api/projects/${projectId}/disputes`;

function openRaw(actor: Actor, projectId: string, body: Record<string, unknown>) {
  return actor.post(base(actor, projectId), body);
}

async function open(
  actor: Actor,
  projectId: string,
  milestoneId: string,
  statement = 'The delivered files do not match the brief',
  evidence?: { messageIds?: string[]; fileIds?: string[] },
): Promise<Dispute> {
  const res = await openRaw(actor, projectId, {
    milestoneId,
    statement,
    ...(evidence && { evidence }),
  });
  return expectStatus(res, 201, One).dispute;
}

function stepRaw(actor: Actor, projectId: string, disputeId: string, body: object) {
  return actor.post(`${base(actor, projectId)}/${disputeId}/steps`, body);
}

async function step(
  actor: Actor,
  projectId: string,
  disputeId: string,
  body: object,
): Promise<Dispute> {
  return expectStatus(await stepRaw(actor, projectId, disputeId, body), 200, One).dispute;
}

async function list(actor: Actor, projectId: string) {
  return expectStatus(await actor.get(base(actor, projectId)), 200, List);
}

async function disputeSteps(actor: Actor, projectId: string, milestoneId: string) {
  const page = await threadMessages(actor, projectId, milestoneId);
  return page.messages
    .filter((m) => m.kind === 'system' && m.event?.['type'] === 'dispute.step')
    .map((m) => `${String(m.event?.['party'])}:${String(m.event?.['step'])}`);
}

const Contract = z.object({
  current: z.object({
    version: z.number().int(),
    reason: z.string(),
    sha256: z.string(),
    text: z.string(),
    acceptedAt: z.string().nullable(),
  }),
  acceptances: z.array(
    z.object({
      version: z.number().int(),
      sha256: z.string(),
      fullName: z.string(),
      ip: z.string(),
    }),
  ),
});

async function contractOf(client: Actor) {
  return expectStatus(await client.get('/api/portal/contract'), 200, Contract);
}

async function milestoneOf(freelancer: Actor, projectId: string, milestoneId: string) {
  const detail = expectStatus(
    await freelancer.get(`/api/projects/${projectId}`),
    200,
    C.ProjectDetail,
  );
  const found = detail.milestones.find((m) => m.id === milestoneId);
  if (!found) throw new Error('milestone vanished');
  return found;
}

async function clientName(d: { freelancer: Actor; project: { clientId: string } }) {
  const clients = expectStatus(await d.freelancer.get('/api/clients'), 200, C.ClientList);
  return clients.clients.find((c) => c.id === d.project.clientId)?.name ?? '';
}

const sortCells = (cells: readonly SumCell[]) =>
  cells.map((c) => JSON.stringify([c.currency, c.metric, c.month, c.key, c.sub, c.value])).sort();

/** The maintained analytics cells and sums equal those computed from the rows. */
async function expectSumsRebuilt(app: TestApp, freelancer: Actor) {
  const ownerId = freelancer.user?.id ?? '';
  const database = await openDatabase(storageConfig(app));
  try {
    const { db } = database;
    const computed = await computeOwnerCells(db, ownerId);
    const kept = await db
      .selectFrom('analytics_cells')
      .select(['source_id', 'cells'])
      .where('owner_id', '=', ownerId)
      .execute();
    const keptCells = new Map(
      kept.map((r) => [
        r.source_id,
        sortCells(
          mergeCells(
            (
              JSON.parse(r.cells) as [string, SumCell['metric'], string, string, string, number][]
            ).map(([currency, metric, month, key, sub, value]) => ({
              currency,
              metric,
              month,
              key,
              sub,
              value,
            })),
          ),
        ),
      ]),
    );
    expect(computed.size).toBeGreaterThan(0);
    for (const [source, cells] of computed)
      expect(keptCells.get(source) ?? [], `cells of ${source}`).toEqual(sortCells(cells));
    const sums = await db
      .selectFrom('analytics_sums')
      .select(['currency', 'metric', 'month', 'key', 'sub', 'value'])
      .where('owner_id', '=', ownerId)
      .execute();
    expect(sortCells(sums as SumCell[])).toEqual(
      sortCells(mergeCells([...computed.values()].flat())),
    );
  } finally {
    await database.close();
  }
}

describe.each(dialects)('disputes on %s', SUITE_TIMEOUT, (dialect) => {
  const { app, stripe } = useAppWithFakeStripe(dialect);

  test('client opens on a delivered, unpaid milestone: payment waits; freelancer proposes a revision, client accepts: reopened with the new due date in an accepted contract version, payable once re-delivered', async () => {
    const d = await deliveredProject(app(), { amounts: [300_00, 200_00] });
    const message = await send(d.client, d.project.id, 'See the brief, page 2', {
      thread: d.first.id,
    });
    const opened = await open(
      d.client,
      d.project.id,
      d.first.id,
      'The logo is not the agreed one',
      {
        messageIds: [message.id],
        fileIds: [at(d.files, 0).id],
      },
    );
    expect(opened).toMatchObject({
      milestoneId: d.first.id,
      openedBy: 'client',
      status: 'open',
      statement: 'The logo is not the agreed one',
      proposal: null,
      blocksPayment: true,
    });
    expect(opened.entries).toEqual([
      expect.objectContaining({
        seq: 1,
        type: 'statement',
        party: 'client',
        evidence: {
          messageIds: [message.id],
          fileIds: [at(d.files, 0).id],
          messages: [
            {
              id: message.id,
              seq: message.seq,
              thread: d.first.id,
              author: 'client',
              kind: 'text',
              createdAt: message.createdAt,
              excerpt: 'See the brief, page 2',
              edited: false,
              deleted: false,
            },
          ],
          files: [
            {
              id: at(d.files, 0).id,
              name: 'design.bin',
              milestoneId: d.first.id,
              superseded: false,
            },
          ],
        },
      }),
    ]);
    // The freelancer sees the same dispute.
    const seen = await list(d.freelancer, d.project.id);
    expect(seen.disputes.map((x) => x.id)).toEqual([opened.id]);

    // Paying waits: the client's checkout and the freelancer's recording alike.
    const before = stripe().requests.filter((r) => r.path === '/v1/checkout/sessions').length;
    expectError(await clickPay(d.client, d.first.id), { status: 409, code: 'DISPUTE_OPEN' });
    expectError(await offlinePayment(d.freelancer, d.project.id, d.first.id, 300_00), {
      status: 409,
      code: 'DISPUTE_OPEN',
    });
    expect(stripe().requests.filter((r) => r.path === '/v1/checkout/sessions')).toHaveLength(
      before,
    );

    // A statement from the freelancer, then a proposal the freelancer cannot accept themselves.
    await step(d.freelancer, d.project.id, opened.id, {
      type: 'statement',
      text: 'The logo follows the approved sketch',
    });
    const due = inDays(10);
    const proposed = await step(d.freelancer, d.project.id, opened.id, {
      type: 'propose',
      resolution: { kind: 'revision', dueDate: due },
      text: 'One more round, free of charge',
    });
    expect(proposed.proposal).toEqual({
      by: 'freelancer',
      resolution: { kind: 'revision', dueDate: due },
    });
    expectError(await stepRaw(d.freelancer, d.project.id, opened.id, { type: 'accept' }), {
      status: 409,
      code: 'CONFLICT',
    });
    const contractBefore = (await contractOf(d.client)).current.version;
    const resolved = await step(d.client, d.project.id, opened.id, { type: 'accept' });
    expect(resolved).toMatchObject({
      status: 'resolved',
      proposal: null,
      resolution: { kind: 'revision', dueDate: due },
      blocksPayment: false,
    });
    expect(resolved.closedAt).not.toBeNull();
    expect(resolved.entries.map((e) => `${e.party}:${e.type}`)).toEqual([
      'client:statement',
      'freelancer:statement',
      'freelancer:propose',
      'client:accept',
    ]);

    // Nothing more can be added, by either party.
    for (const [actor, body] of [
      [d.client, { type: 'statement', text: 'One more thing' }],
      [d.freelancer, { type: 'escalate' }],
      [d.client, { type: 'withdraw' }],
    ] as const) {
      expectError(await stepRaw(actor, d.project.id, opened.id, body), {
        status: 409,
        code: 'DISPUTE_CLOSED',
      });
    }

    // Applied: the milestone is open again for re-delivery by the agreed date, in a new contract
    // version the client's acceptance accepted; it is not payable until delivered again.
    const reopened = await milestoneOf(d.freelancer, d.project.id, d.first.id);
    expect(reopened).toMatchObject({ status: 'open', dueDate: due, amountMinor: 300_00 });
    const contract = await contractOf(d.client);
    expect(contract.current).toMatchObject({ reason: 'dispute', version: contractBefore + 1 });
    expect(contract.current.acceptedAt).not.toBeNull();
    expect(contract.acceptances.at(-1)).toMatchObject({
      version: contractBefore + 1,
      sha256: contract.current.sha256,
      fullName: await clientName(d),
    });
    expect(contract.acceptances.at(-1)?.ip).not.toBe('');
    expectError(await clickPay(d.client, d.first.id), {
      status: 409,
      code: 'MILESTONE_NOT_DELIVERED',
    });
    expect((await offlinePayment(d.freelancer, d.project.id, d.first.id, 300_00)).status).toBe(409);
    await expectSumsRebuilt(app(), d.freelancer);
    // Re-delivered, it is paid without a fresh contract acceptance.
    await deliver(d.freelancer, d.project.id, d.first.id);
    expectStatus(await clickPay(d.client, d.first.id), 200, C.CheckoutStarted);

    // Every step is in the milestone's thread and in the activity record.
    expect(await disputeSteps(d.client, d.project.id, d.first.id)).toEqual([
      'client:opened',
      'freelancer:statement',
      'freelancer:propose',
      'client:accept',
    ]);
    const actions = (await getActivity(d.freelancer, d.project.id)).entries
      .map((e) => e.action)
      .filter((a) => a.startsWith('dispute.'));
    expect(actions).toEqual([
      'dispute.opened',
      'dispute.statement',
      'dispute.proposed',
      'dispute.accepted',
    ]);
  });

  test('refusals: not delivered, a second active dispute, bad input, strangers and other projects (404), evidence of another project', async () => {
    const a = await signUp(app());
    const { project, milestones } = await setupProject(a, { amounts: [100_00, 200_00] });
    const first = at(milestones, 0);
    const access = await share(a, project.id);
    const client = await openPortal(app(), { code: access.code });
    // Open, not delivered: refused by either party.
    for (const actor of [a, client]) {
      expectError(await openRaw(actor, project.id, { milestoneId: first.id, statement: 'x' }), {
        status: 409,
        code: 'MILESTONE_NOT_DELIVERED',
      });
    }
    await deliver(a, project.id, first.id);
    expectError(await openRaw(a, project.id, { milestoneId: first.id, statement: '   ' }), {
      status: 400,
      code: 'VALIDATION_FAILED',
      field: 'statement',
    });
    expectError(
      await openRaw(a, project.id, { milestoneId: first.id, statement: 'bad\u0000text' }),
      { status: 400, code: 'VALIDATION_FAILED', field: 'statement' },
    );

    // Another freelancer's project and its client.
    const other = await deliveredProject(app(), { freelancer: await signUp(app()) });
    const foreignMessage = await send(other.client, other.project.id, 'elsewhere');
    expectError(
      await openRaw(a, project.id, {
        milestoneId: first.id,
        statement: 'See this',
        evidence: { messageIds: [foreignMessage.id] },
      }),
      { status: 400, code: 'VALIDATION_FAILED', field: 'evidence.messageIds.0' },
    );
    expectError(
      await openRaw(a, project.id, {
        milestoneId: first.id,
        statement: 'See this',
        evidence: { fileIds: [at(other.files, 0).id] },
      }),
      { status: 400, code: 'VALIDATION_FAILED', field: 'evidence.fileIds.0' },
    );
    expectError(
      await openRaw(a, project.id, {
        milestoneId: first.id,
        statement: 'See this',
        evidence: { messageIds: [randomUUID()] },
      }),
      { status: 400, code: 'VALIDATION_FAILED', field: 'evidence.messageIds.0' },
    );

    const opened = await open(a, project.id, first.id, 'The client asked for work not agreed');
    expect(opened.openedBy).toBe('freelancer');
    // At most one active dispute per milestone, whoever asks.
    for (const actor of [a, client]) {
      expectError(await openRaw(actor, project.id, { milestoneId: first.id, statement: 'again' }), {
        status: 409,
        code: 'DISPUTE_OPEN',
      });
    }

    // Strangers: another freelancer, another project's client — 404 for everything.
    expectError(await other.freelancer.get(`/api/projects/${project.id}/disputes`), {
      status: 404,
      code: 'NOT_FOUND',
    });
    expectError(
      await other.freelancer.post(`/api/projects/${project.id}/disputes`, {
        milestoneId: first.id,
        statement: 'x',
      }),
      { status: 404, code: 'NOT_FOUND' },
    );
    expectError(
      await other.freelancer.post(`/api/projects/${project.id}/disputes/${opened.id}/steps`, {
        type: 'statement',
        text: 'x',
      }),
      { status: 404, code: 'NOT_FOUND' },
    );
    // The other freelancer names this dispute under their own project: not theirs either.
    expectError(
      await other.freelancer.post(`/api/projects/${other.project.id}/disputes/${opened.id}/steps`, {
        type: 'statement',
        text: 'x',
      }),
      { status: 404, code: 'NOT_FOUND' },
    );
    expectError(
      await other.client.post(`/api/portal/disputes/${opened.id}/steps`, {
        type: 'statement',
        text: 'x',
      }),
      { status: 404, code: 'NOT_FOUND' },
    );
    expectError(
      await other.client.post('/api/portal/disputes', { milestoneId: first.id, statement: 'x' }),
      { status: 404, code: 'NOT_FOUND' },
    );
    expect((await list(other.client, other.project.id)).disputes).toEqual([]);
    expectError(await new Actor(app().url, 'nobody').get('/api/portal/disputes'), {
      status: 401,
    });
  });

  test('cited messages: the history quotes each with its author, time and first characters; an edited one as it stands, a deleted one marked; only the project’s own', async () => {
    const d = await deliveredProject(app());
    const mine = await send(d.client, d.project.id, 'Please use the blue logo, not the red one', {
      thread: d.first.id,
    });
    const long = await send(
      d.freelancer,
      d.project.id,
      `${'ä'.repeat(150)} שלום ${'x'.repeat(50)}`,
    );
    const gone = await send(d.freelancer, d.project.id, 'Red it is, final answer');
    const edited = await send(d.freelancer, d.project.id, 'Blue is fine', { thread: d.first.id });
    expectStatus(
      await d.freelancer.patch(`/api/projects/${d.project.id}/messages/${edited.id}`, {
        text: 'Blue is fine, as agreed',
      }),
      200,
      z.unknown(),
    );
    expectStatus(
      await d.freelancer.delete(`/api/projects/${d.project.id}/messages/${gone.id}`),
      200,
      z.unknown(),
    );
    // Another project's message, and a made-up id: refused, naming the field, as JSON.
    const other = await deliveredProject(app());
    const foreign = await send(other.client, other.project.id, 'elsewhere', {
      thread: other.first.id,
    });
    for (const messageIds of [[mine.id, foreign.id], [randomUUID()]]) {
      const res = await openRaw(d.client, d.project.id, {
        milestoneId: d.first.id,
        statement: 'See these',
        evidence: { messageIds },
      });
      expect(res.headers.get('content-type')).toContain('application/json');
      expectError(res, {
        status: 400,
        code: 'VALIDATION_FAILED',
        field: `evidence.messageIds.${messageIds.length - 1}`,
      });
    }
    // The other project's client cannot open one here, citing this project's message or not.
    expectError(
      await other.client.post('/api/portal/disputes', {
        milestoneId: d.first.id,
        statement: 'x',
        evidence: { messageIds: [mine.id] },
      }),
      { status: 404, code: 'NOT_FOUND' },
    );
    // The other project's client cites this project's message in their own project: refused.
    expectError(
      await other.client.post('/api/portal/disputes', {
        milestoneId: other.first.id,
        statement: 'x',
        evidence: { messageIds: [mine.id] },
      }),
      { status: 400, code: 'VALIDATION_FAILED', field: 'evidence.messageIds.0' },
    );

    const opened = await open(d.client, d.project.id, d.first.id, 'Not the agreed logo', {
      messageIds: [mine.id, long.id, mine.id, gone.id],
    });
    const first = at(opened.entries, 0);
    // Cited once each, in the order cited; the deleted one is kept with no text.
    expect(first.evidence.messageIds).toEqual([mine.id, long.id, gone.id]);
    expect(first.evidence.messages).toEqual([
      {
        id: mine.id,
        seq: mine.seq,
        thread: d.first.id,
        author: 'client',
        kind: 'text',
        createdAt: mine.createdAt,
        excerpt: 'Please use the blue logo, not the red one',
        edited: false,
        deleted: false,
      },
      expect.objectContaining({
        id: long.id,
        thread: 'general',
        author: 'freelancer',
        excerpt: `${'ä'.repeat(150)} שלום xxxx…`,
      }),
      expect.objectContaining({ id: gone.id, excerpt: null, deleted: true }),
    ]);
    // The freelancer answers citing the edited message: quoted as it stands now.
    const answered = await step(d.freelancer, d.project.id, opened.id, {
      type: 'statement',
      text: 'We agreed on blue in the thread',
      evidence: { messageIds: [edited.id] },
    });
    expect(at(answered.entries, 1).evidence.messages).toEqual([
      expect.objectContaining({
        id: edited.id,
        author: 'freelancer',
        excerpt: 'Blue is fine, as agreed',
        edited: true,
        deleted: false,
      }),
    ]);
    // Both parties read the same quotes.
    const seen = await list(d.client, d.project.id);
    expect(seen.disputes[0]?.entries.map((e) => e.evidence.messages.map((m) => m.id))).toEqual([
      [mine.id, long.id, gone.id],
      [edited.id],
    ]);
    // A statement citing another project's message is refused too.
    expectError(
      await stepRaw(d.client, d.project.id, opened.id, {
        type: 'statement',
        text: 'And this',
        evidence: { messageIds: [foreign.id] },
      }),
      { status: 400, code: 'VALIDATION_FAILED', field: 'evidence.messageIds.0' },
    );
    // The activity records the ids cited, so the chain anchors them.
    const activity = (await getActivity(d.freelancer, d.project.id)).entries;
    expect(activity.find((e) => e.action === 'dispute.statement')?.details['evidence']).toEqual({
      messageIds: [edited.id],
      fileIds: [],
    });
  });

  test('parallel opens by both parties: exactly one dispute, the others refused with DISPUTE_OPEN', async () => {
    const d = await deliveredProject(app(), { amounts: [300_00] });
    const answers = await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        openRaw(i % 2 === 0 ? d.client : d.freelancer, d.project.id, {
          milestoneId: d.first.id,
          statement: `Statement ${i}`,
        }),
      ),
    );
    expect(answers.filter((r) => r.status === 201)).toHaveLength(1);
    for (const res of answers.filter((r) => r.status !== 201))
      expectError(res, { status: 409, code: 'DISPUTE_OPEN' });
    expect((await list(d.freelancer, d.project.id)).disputes).toHaveLength(1);
  });

  test('proposals: declined, replaced, answered only by the other party; resolutions that cannot apply are refused', async () => {
    const d = await deliveredProject(app(), { amounts: [300_00, 200_00] });
    const opened = await open(d.freelancer, d.project.id, d.first.id);
    const id = opened.id;
    // Nothing to answer yet.
    expectError(await stepRaw(d.client, d.project.id, id, { type: 'accept' }), {
      status: 409,
      code: 'CONFLICT',
    });
    // A refund of an unpaid milestone, a split of the whole amount, a date in the past.
    for (const resolution of [
      { kind: 'partial_refund', amountMinor: 100_00 },
      { kind: 'split', clientPaysMinor: 300_00 },
      { kind: 'revision', dueDate: '2020-01-01' },
    ]) {
      expectError(await stepRaw(d.client, d.project.id, id, { type: 'propose', resolution }), {
        status: 400,
        code: 'VALIDATION_FAILED',
        field: 'resolution',
      });
    }
    expectError(
      await stepRaw(d.client, d.project.id, id, {
        type: 'propose',
        resolution: { kind: 'split', clientPaysMinor: 1.5 },
      }),
      { status: 400, code: 'VALIDATION_FAILED' },
    );
    const split = await step(d.client, d.project.id, id, {
      type: 'propose',
      resolution: { kind: 'split', clientPaysMinor: 150_00 },
    });
    expect(split.proposal).toEqual({
      by: 'client',
      resolution: { kind: 'split', clientPaysMinor: 150_00 },
    });
    expectError(await stepRaw(d.client, d.project.id, id, { type: 'accept' }), {
      status: 409,
      code: 'CONFLICT',
    });
    const declined = await step(d.freelancer, d.project.id, id, {
      type: 'decline',
      text: 'Too little',
    });
    expect(declined).toMatchObject({ status: 'open', proposal: null });
    // The client (not the opener) proposes withdrawal; the freelancer accepts: withdrawn.
    await step(d.client, d.project.id, id, {
      type: 'propose',
      resolution: { kind: 'withdraw' },
    });
    const ended = await step(d.freelancer, d.project.id, id, { type: 'accept' });
    expect(ended).toMatchObject({ status: 'withdrawn', resolution: null, blocksPayment: false });
    expect(await disputeSteps(d.freelancer, d.project.id, d.first.id)).toEqual([
      'freelancer:opened',
      'client:propose',
      'freelancer:decline',
      'client:propose',
      'freelancer:accept',
    ]);
    // After it ended, a new dispute may be opened on the same milestone.
    expect((await open(d.client, d.project.id, d.first.id)).status).toBe('open');
  });

  test('escalation names the contract’s mediator, once; only the opener withdraws; after that, DISPUTE_CLOSED and payment again', async () => {
    const freelancer = await signUp(app());
    expectStatus(
      await freelancer.put('/api/settings/contract-terms', {
        templates: { en: '', de: '' },
        mediator: 'Chamber of Commerce Mediation, Berlin',
        reviewWindowDays: 14,
      }),
      200,
      z.unknown(),
    );
    const d = await deliveredProject(app(), { freelancer, amounts: [300_00, 200_00] });
    const listed = await list(d.client, d.project.id);
    expect(listed.mediator).toBe('Chamber of Commerce Mediation, Berlin');
    const opened = await open(d.client, d.project.id, d.first.id);
    const escalated = await step(d.freelancer, d.project.id, opened.id, {
      type: 'escalate',
      text: 'We need help',
    });
    expect(escalated).toMatchObject({
      status: 'escalated',
      mediator: 'Chamber of Commerce Mediation, Berlin',
      blocksPayment: true,
    });
    expect(escalated.escalatedAt).not.toBeNull();
    expectError(await stepRaw(d.client, d.project.id, opened.id, { type: 'escalate' }), {
      status: 409,
      code: 'CONFLICT',
    });
    // Escalated is still active: statements go on, payment still waits.
    await step(d.client, d.project.id, opened.id, { type: 'statement', text: 'Noted' });
    expectError(await clickPay(d.client, d.first.id), { status: 409, code: 'DISPUTE_OPEN' });
    // The freelancer did not open it: they cannot withdraw it.
    expectError(await stepRaw(d.freelancer, d.project.id, opened.id, { type: 'withdraw' }), {
      status: 403,
      code: 'FORBIDDEN',
    });
    const withdrawn = await step(d.client, d.project.id, opened.id, {
      type: 'withdraw',
      text: 'Settled by phone',
    });
    expect(withdrawn).toMatchObject({ status: 'withdrawn', blocksPayment: false });
    expectError(
      await stepRaw(d.freelancer, d.project.id, opened.id, {
        type: 'propose',
        resolution: { kind: 'split', clientPaysMinor: 100_00 },
      }),
      { status: 409, code: 'DISPUTE_CLOSED' },
    );
    // The freelancer's recording works again (and so does the client's checkout).
    expectStatus(
      await offlinePayment(d.freelancer, d.project.id, d.first.id, 300_00),
      201,
      C.OfflinePaymentResult,
    );
    const actions = (await getActivity(d.freelancer, d.project.id)).entries
      .map((e) => e.action)
      .filter((a) => a.startsWith('dispute.'));
    expect(actions).toEqual([
      'dispute.opened',
      'dispute.escalated',
      'dispute.statement',
      'dispute.withdrawn',
    ]);
    // On a paid milestone, a dispute may still be opened — and a partial refund proposed.
    const paidDispute = await open(d.freelancer, d.project.id, d.first.id);
    expect(paidDispute.blocksPayment).toBe(false);
    const refund = await step(d.client, d.project.id, paidDispute.id, {
      type: 'propose',
      resolution: { kind: 'partial_refund', amountMinor: 50_00 },
    });
    expect(refund.proposal?.resolution).toEqual({ kind: 'partial_refund', amountMinor: 50_00 });
    // Accepted on a paid milestone, it changes no milestone and no contract: the freelancer
    // refunds the agreed amount themselves, and every record says so.
    const versionsBefore = (await contractOf(d.client)).acceptances.length;
    const settled = await step(d.freelancer, d.project.id, paidDispute.id, { type: 'accept' });
    expect(settled).toMatchObject({ status: 'resolved', resolution: { kind: 'partial_refund' } });
    expect(await milestoneOf(d.freelancer, d.project.id, d.first.id)).toMatchObject({
      status: 'paid',
      amountMinor: 300_00,
    });
    expect((await contractOf(d.client)).acceptances).toHaveLength(versionsBefore);
    const acceptedEntry = (await getActivity(d.freelancer, d.project.id)).entries.findLast(
      (e) => e.action === 'dispute.accepted',
    );
    expect(acceptedEntry?.details).toMatchObject({
      applied: { kind: 'refund_due', amountMinor: 50_00 },
    });
    const lastLine = (await threadMessages(d.client, d.project.id, d.first.id)).messages.findLast(
      (m) => m.event?.['type'] === 'dispute.step',
    );
    expect(lastLine?.event).toMatchObject({
      step: 'accept',
      applied: { kind: 'refund_due', amountMinor: 50_00 },
    });
  });

  test('a split the client proposes and the freelancer accepts lowers the amount in an accepted contract version; the client pays exactly that', async () => {
    const d = await deliveredProject(app(), { amounts: [300_00, 200_00] });
    const opened = await open(d.client, d.project.id, d.first.id);
    const versionBefore = (await contractOf(d.client)).current.version;
    await step(d.client, d.project.id, opened.id, {
      type: 'propose',
      resolution: { kind: 'split', clientPaysMinor: 180_00 },
      text: 'We pay for what works',
    });
    // Before acceptance nothing changed.
    expect((await milestoneOf(d.freelancer, d.project.id, d.first.id)).amountMinor).toBe(300_00);
    const resolved = await step(d.freelancer, d.project.id, opened.id, { type: 'accept' });
    expect(resolved).toMatchObject({ status: 'resolved', blocksPayment: false });
    expect(await milestoneOf(d.freelancer, d.project.id, d.first.id)).toMatchObject({
      status: 'delivered',
      amountMinor: 180_00,
    });
    // The client's agreement (their proposal) accepted the new version.
    const contract = await contractOf(d.client);
    expect(contract.current).toMatchObject({ reason: 'dispute', version: versionBefore + 1 });
    expect(contract.current.acceptedAt).not.toBeNull();
    expect(contract.acceptances.at(-1)).toMatchObject({
      version: versionBefore + 1,
      sha256: contract.current.sha256,
      fullName: await clientName(d),
    });
    expect(contract.acceptances.at(-1)?.ip).not.toBe('');
    const entries = (await getActivity(d.freelancer, d.project.id)).entries;
    const actions = entries.map((e) => e.action);
    const at_ = actions.indexOf('dispute.accepted');
    expect(actions.slice(at_, at_ + 3)).toEqual([
      'dispute.accepted',
      'contract.version_created',
      'contract.accepted',
    ]);
    expect(entries[at_]?.details).toMatchObject({
      applied: {
        kind: 'repriced',
        amountMinor: 180_00,
        amountBeforeMinor: 300_00,
        version: versionBefore + 1,
      },
    });
    await expectSumsRebuilt(app(), d.freelancer);
    // Stripe is asked for exactly the agreed amount; the freelancer's recording of it pays it.
    const started = await checkout(d.client, d.first.id);
    expect(stripe().session(started.sessionId).amount_total).toBe(180_00);
    expectStatus(
      await offlinePayment(d.freelancer, d.project.id, d.first.id, 180_00),
      201,
      C.OfflinePaymentResult,
    );
    expect(await milestoneOf(d.freelancer, d.project.id, d.first.id)).toMatchObject({
      status: 'paid',
      amountMinor: 180_00,
    });
    await expectSumsRebuilt(app(), d.freelancer);
    // The evidence bundle holds the dispute's accepted version and verifies.
    const bundle = await downloadBundle(
      app(),
      d.freelancer,
      `/api/projects/${d.project.id}/evidence.zip`,
    );
    expect(bundle.status).toBe(200);
    const items = await readZipItems(bundle.bytes);
    const versions = z
      .object({
        versions: z.array(
          z.object({ version: z.number(), reason: z.string(), acceptance: z.unknown() }),
        ),
      })
      .parse(
        JSON.parse(
          items.find((i) => i.name === 'contract/versions.json')?.bytes.toString() ?? '{}',
        ),
      );
    expect(versions.versions.at(-1)).toMatchObject({
      version: versionBefore + 1,
      reason: 'dispute',
    });
    expect(versions.versions.at(-1)?.acceptance).toBeTruthy();
    expect(items.some((i) => i.name === `contract/v${versionBefore + 1}.pdf`)).toBe(true);
    const dir = await mkdtemp(path.join(os.tmpdir(), 'milepost-dispute-bundle-'));
    try {
      const report = await verifyBundle(await saveTo(path.join(dir, 'bundle.zip'), bundle.bytes));
      expect(report.problems).toEqual([]);
      expect(report.intact).toBe(true);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  test('before the client ever accepted the contract, an accepted split changes the amount in a version still to accept', async () => {
    const d = await deliveredProject(app(), { amounts: [300_00], acceptContract: false });
    const opened = await open(d.freelancer, d.project.id, d.first.id);
    await step(d.freelancer, d.project.id, opened.id, {
      type: 'propose',
      resolution: { kind: 'split', clientPaysMinor: 250_00 },
    });
    await step(d.client, d.project.id, opened.id, { type: 'accept' });
    expect((await milestoneOf(d.freelancer, d.project.id, d.first.id)).amountMinor).toBe(250_00);
    const contract = await contractOf(d.client);
    expect(contract.acceptances).toEqual([]);
    expect(contract.current.acceptedAt).toBeNull();
    expect(contract.current.text).toContain('250');
    // Paying still needs the contract accepted, as always.
    expectError(await clickPay(d.client, d.first.id), {
      status: 409,
      code: 'CONTRACT_NOT_ACCEPTED',
    });
    await expectSumsRebuilt(app(), d.freelancer);
  });

  test('opening a dispute on an unpaid delivery expires the payment page opened before; a payment Stripe took just before is still credited', async () => {
    const d = await deliveredProject(app(), { amounts: [300_00, 200_00] });
    const started = await checkout(d.client, d.first.id);
    expect(stripe().session(started.sessionId).status).toBe('open');
    await open(d.client, d.project.id, d.first.id);
    // After the dispute committed, Stripe was asked to expire the open page, once.
    expect(stripe().session(started.sessionId).status).toBe('expired');
    expect(
      stripe().requests.filter(
        (r) =>
          r.method === 'POST' && r.path === `/v1/checkout/sessions/${started.sessionId}/expire`,
      ),
    ).toHaveLength(1);
    expectError(await clickPay(d.client, d.first.id), { status: 409, code: 'DISPUTE_OPEN' });
    // Withdrawn: Pay opens a new page, not the expired one.
    const disputes = await list(d.client, d.project.id);
    await step(d.client, d.project.id, at(disputes.disputes, 0).id, { type: 'withdraw' });
    const again = await checkout(d.client, d.first.id);
    expect(again.sessionId).not.toBe(started.sessionId);
    expect(stripe().session(again.sessionId).status).toBe('open');

    // The client paid on Stripe's page a moment before the dispute opened: Stripe will not expire
    // a complete session, and its webhook, arriving during the dispute, is credited — money that
    // arrived is recorded.
    const e = await deliveredProject(app(), { amounts: [300_00] });
    const page = await checkout(e.client, e.first.id);
    const paid = stripe().markPaid(page.sessionId);
    const disputed = await open(e.freelancer, e.project.id, e.first.id);
    expect(disputed.blocksPayment).toBe(true);
    expect(stripe().session(page.sessionId).status).toBe('complete');
    const completed = sessionEvent('checkout.session.completed', paid, { payment_status: 'paid' });
    expect((await deliverEvent(app().url, completed)).status).toBe(200);
    expect((await milestoneOf(e.freelancer, e.project.id, e.first.id)).status).toBe('paid');
  });

  test('a card chargeback opens a dispute on the paid milestone, on the client’s side, once per event', async () => {
    const d = await deliveredProject(app(), { amounts: [600_00] });
    const started = await checkout(d.client, d.first.id);
    const session = stripe().session(started.sessionId);
    const paid = sessionEvent('checkout.session.completed', session, { payment_status: 'paid' });
    expect((await deliverEvent(app().url, paid)).status).toBe(200);
    const event = disputeCreatedEvent({
      paymentIntent: session.payment_intent,
      amount: 600_00,
      currency: 'eur',
    });
    for (let i = 0; i < 2; i++) expect((await deliverEvent(app().url, event)).status).toBe(200);
    const { disputes } = await list(d.freelancer, d.project.id);
    expect(disputes).toHaveLength(1);
    const chargeback = at(disputes, 0);
    const stripeDisputeId = String(event.data.object['id']);
    expect(chargeback).toMatchObject({
      milestoneId: d.first.id,
      openedBy: 'client',
      status: 'open',
      chargeback: { stripeDisputeId, reason: 'product_not_received' },
      // Paid already: nothing to hold back.
      blocksPayment: false,
    });
    expect(chargeback.statement).toMatch(/chargeback/i);
    expect(chargeback.entries).toHaveLength(1);
    const system = (await threadMessages(d.client, d.project.id, d.first.id)).messages.filter(
      (m) => m.event?.['type'] === 'dispute.step',
    );
    expect(system.map((m) => m.event)).toEqual([
      expect.objectContaining({ step: 'opened', party: 'client', chargeback: true }),
    ]);
    const actions = (await getActivity(d.freelancer, d.project.id)).entries.map((e) => e.action);
    expect(actions.filter((a) => a === 'payment.disputed')).toHaveLength(1);
    expect(actions.filter((a) => a === 'dispute.opened')).toHaveLength(1);
    // The freelancer answers it like any other.
    const answered = await step(d.freelancer, d.project.id, chargeback.id, {
      type: 'statement',
      text: 'The files were delivered on time; see the download log',
    });
    expect(answered.entries).toHaveLength(2);
  });

  test('a second chargeback on a milestone with an active dispute adds to it', async () => {
    const d = await deliveredProject(app(), { amounts: [400_00] });
    const started = await checkout(d.client, d.first.id);
    const session = stripe().session(started.sessionId);
    const paid = sessionEvent('checkout.session.completed', session, { payment_status: 'paid' });
    expect((await deliverEvent(app().url, paid)).status).toBe(200);
    const mine = await open(d.freelancer, d.project.id, d.first.id, 'Client stopped answering');
    const event = disputeCreatedEvent({
      paymentIntent: session.payment_intent,
      amount: 400_00,
      currency: 'eur',
    });
    expect((await deliverEvent(app().url, event)).status).toBe(200);
    const { disputes } = await list(d.client, d.project.id);
    expect(disputes.map((x) => x.id)).toEqual([mine.id]);
    expect(at(disputes, 0).entries.map((e) => `${e.party}:${e.type}`)).toEqual([
      'freelancer:statement',
      'client:statement',
    ]);
  });
});

describe.each(dialects)('dispute mail on %s', SUITE_TIMEOUT, (dialect) => {
  const ready = useAppWithSmtp(dialect);

  test('each step mails the other party through the outbox', async () => {
    const { app, mail } = ready();
    const d = await deliveredProject(app, { amounts: [300_00] });
    const clients = expectStatus(await d.freelancer.get('/api/clients'), 200, C.ClientList);
    const clientEmail = clients.clients.find((c) => c.id === d.project.clientId)?.email ?? '';
    const freelancerEmail = d.freelancer.email ?? '';
    expect(clientEmail).not.toBe('');
    const subjects = (to: string) =>
      mailTo(mail, to).map((m) => decodeWords(mailHeader(m.raw, 'subject') ?? ''));
    const about = (to: string, words: string) => subjects(to).filter((s) => s.includes(words));

    const opened = await open(d.client, d.project.id, d.first.id, 'Not what we agreed');
    await waitFor(
      'the freelancer’s mail',
      () => about(freelancerEmail, 'dispute was opened').length > 0,
    );
    expect(about(freelancerEmail, 'dispute was opened')).toHaveLength(1);
    expect(about(clientEmail, 'dispute')).toHaveLength(0);
    const toFreelancer = mailTo(mail, freelancerEmail).find((m) =>
      decodeWords(mailHeader(m.raw, 'subject') ?? '').includes('dispute was opened'),
    );
    expect(toFreelancer?.raw ?? '').toContain('Not what we agreed');

    await step(d.freelancer, d.project.id, opened.id, {
      type: 'propose',
      resolution: { kind: 'split', clientPaysMinor: 200_00 },
    });
    await waitFor(
      'the client’s mail',
      () => about(clientEmail, 'resolution is proposed').length > 0,
    );
    expect(about(clientEmail, 'resolution is proposed')).toHaveLength(1);
    expect(about(freelancerEmail, 'resolution is proposed')).toHaveLength(0);
    // A mail to the client carries the project's record line.
    const toClient = mailTo(mail, clientEmail).find((m) =>
      decodeWords(mailHeader(m.raw, 'subject') ?? '').includes('resolution is proposed'),
    );
    expect(toClient?.raw ?? '').toMatch(/Record: [0-9a-f]{16}/);

    // Accepted, the mail says what was applied.
    await step(d.client, d.project.id, opened.id, { type: 'accept' });
    await waitFor('the resolved mail', () => about(freelancerEmail, 'is resolved').length > 0);
    const resolvedMail = mailTo(mail, freelancerEmail).find((m) =>
      decodeWords(mailHeader(m.raw, 'subject') ?? '').includes('is resolved'),
    );
    expect((resolvedMail?.raw ?? '').replace(/=\r?\n/g, '')).toMatch(/now costs/);
  });
});
