/**
 * Deposits, approval and revisions (issue #11) over HTTP: the contract's numbers (deposit flag,
 * included revision rounds, review window) are set and validated on create and edit; a deposit is
 * payable while open and paying it opens the next milestone; on a delivered milestone the client
 * approves or asks for a revision (counted against the included rounds), the freelancer delivers
 * again (a replaced file kept, marked superseded, left out of Download all), and every step is in
 * the milestone's chat thread, the activity and the freelancer's mail.
 */
import { describe, expect, test } from 'vitest';
import { z } from 'zod';
import * as C from './contract';
import {
  SUITE_TIMEOUT,
  acceptContract,
  createClient,
  deliver,
  dialects,
  expectError,
  expectStatus,
  getActivity,
  milestoneInput,
  openPortal,
  paymentBody,
  share,
  signUp,
  useApp,
  type Actor,
  type TestApp,
} from './harness';
import { threadMessages } from './chat-support';
import { fetchFile, uploadFile } from './payments-helpers';
import { mailTo, useAppWithSmtp, waitFor } from './smtp-helpers';
import { mailText } from './mail-text';

const Milestone = C.Milestone.extend({
  isDeposit: z.boolean(),
  revisionRounds: z.number().int(),
  revisionsUsed: z.number().int(),
  revisionRequest: z.object({ note: z.string(), requestedAt: z.string() }).nullable(),
  approvedAt: z.string().nullable(),
});
const Project = C.Project.extend({ reviewWindowDays: z.number().int() });
const ProjectDetail = z.object({ project: Project, milestones: z.array(Milestone) });
const MilestoneEnvelope = z.object({ milestone: Milestone });

async function createTermsProject(a: Actor, extra: Record<string, unknown> = {}) {
  const client = await createClient(a);
  const res = await a.post('/api/projects', {
    clientId: client.id,
    title: 'Brand identity',
    currency: 'EUR',
    milestones: [
      milestoneInput(0, { amountMinor: 500_00 }),
      milestoneInput(1, { amountMinor: 1500_00 }),
      milestoneInput(2, { amountMinor: 1000_00 }),
    ].map((m, i) => (i === 0 ? { ...m, isDeposit: true, revisionRounds: 0 } : m)),
    ...extra,
  });
  return expectStatus(res, 201, ProjectDetail);
}

describe.each(dialects)('deposits and revision terms on %s', SUITE_TIMEOUT, (dialect) => {
  const app = useApp(dialect);

  test('a project keeps each milestone’s deposit flag and rounds, and its review window', async () => {
    const a = await signUp(app());
    const created = await createTermsProject(a, { reviewWindowDays: 10 });
    expect(created.project.reviewWindowDays).toBe(10);
    expect(created.milestones.map((m) => [m.isDeposit, m.revisionRounds])).toEqual([
      [true, 0],
      [false, 2],
      [false, 2],
    ]);
    expect(
      created.milestones.every((m) => m.revisionsUsed === 0 && m.revisionRequest === null),
    ).toBe(true);

    const defaults = await createTermsProject(a);
    expect(defaults.project.reviewWindowDays).toBe(14);

    const pid = created.project.id;
    const second = created.milestones[1];
    if (!second) throw new Error('no second milestone');
    const patched = expectStatus(
      await a.patch(`/api/projects/${pid}/milestones/${second.id}`, {
        isDeposit: true,
        revisionRounds: 5,
      }),
      200,
      MilestoneEnvelope,
    ).milestone;
    expect([patched.isDeposit, patched.revisionRounds]).toEqual([true, 5]);
    const project = expectStatus(
      await a.patch(`/api/projects/${pid}`, { reviewWindowDays: 30 }),
      200,
      z.object({ project: Project }),
    ).project;
    expect(project.reviewWindowDays).toBe(30);

    const added = expectStatus(
      await a.post(`/api/projects/${pid}/milestones`, {
        ...milestoneInput(3),
        amountMinor: 100_00,
        revisionRounds: 3,
      }),
      201,
      MilestoneEnvelope,
    ).milestone;
    expect([added.isDeposit, added.revisionRounds]).toEqual([false, 3]);
  });

  test('rounds and review windows out of range are refused, naming the field', async () => {
    const a = await signUp(app());
    const created = await createTermsProject(a);
    const pid = created.project.id;
    const first = created.milestones[0];
    if (!first) throw new Error('no milestone');
    for (const revisionRounds of [-1, 11, 1.5, '2']) {
      expectError(
        await a.patch(`/api/projects/${pid}/milestones/${first.id}`, { revisionRounds }),
        { status: 400, code: 'VALIDATION_FAILED', field: 'revisionRounds' },
      );
    }
    expectError(await a.patch(`/api/projects/${pid}/milestones/${first.id}`, { isDeposit: 1 }), {
      status: 400,
      code: 'VALIDATION_FAILED',
      field: 'isDeposit',
    });
    for (const reviewWindowDays of [0, 91, 7.5, null]) {
      expectError(await a.patch(`/api/projects/${pid}`, { reviewWindowDays }), {
        status: 400,
        code: 'VALIDATION_FAILED',
        field: 'reviewWindowDays',
      });
    }
    const client = await createClient(a);
    expectError(
      await a.post('/api/projects', {
        clientId: client.id,
        title: 'Too many rounds',
        currency: 'EUR',
        milestones: [{ ...milestoneInput(0, { amountMinor: 100 }), revisionRounds: 99 }],
      }),
      { status: 400, code: 'VALIDATION_FAILED', field: 'milestones.0.revisionRounds' },
    );
    const after = expectStatus(await a.get(`/api/projects/${pid}`), 200, ProjectDetail);
    expect(after.project.reviewWindowDays).toBe(14);
    expect(after.milestones[0]?.revisionRounds).toBe(0);
  });
});

const PortalView = z.object({ milestones: z.array(Milestone) });
const FileRow = z.object({
  id: z.string(),
  name: z.string(),
  sha256: z.string().nullable(),
  supersededAt: z.string().nullable(),
  supersededBy: z.string().nullable(),
});
const FileList = z.object({ files: z.array(FileRow) });

function nth<T>(items: readonly T[], index: number): T {
  const item = items[index];
  if (item === undefined) throw new Error(`no item at ${index}`);
  return item;
}

async function portalMilestone(client: Actor, id: string) {
  const view = expectStatus(await client.get('/api/portal/project'), 200, PortalView);
  const m = view.milestones.find((x) => x.id === id);
  if (!m) throw new Error(`milestone ${id} not in the portal`);
  return m;
}

async function ownerMilestone(a: Actor, projectId: string, id: string) {
  const detail = expectStatus(await a.get(`/api/projects/${projectId}`), 200, ProjectDetail);
  const m = detail.milestones.find((x) => x.id === id);
  if (!m) throw new Error(`milestone ${id} not in the project`);
  return m;
}

const approve = (client: Actor, id: string) => client.post(`/api/portal/milestones/${id}/approve`);
const revise = (client: Actor, id: string, note: string) =>
  client.post(`/api/portal/milestones/${id}/revisions`, { note });
const payOffline = (a: Actor, projectId: string, m: { id: string; amountMinor: number }) =>
  a.post(`/api/projects/${projectId}/milestones/${m.id}/payments`, paymentBody(m.amountMinor));

/** A shared project whose first milestone (1 round unless said) is delivered with one file. */
async function deliveredWithRounds(app: TestApp, rounds = 1, freelancer?: Actor) {
  const a = freelancer ?? (await signUp(app));
  const client = await createClient(a, { email: `client-${Math.random()}@example.com` });
  const created = expectStatus(
    await a.post('/api/projects', {
      clientId: client.id,
      title: 'Logo design',
      currency: 'EUR',
      milestones: [
        { ...milestoneInput(0, { amountMinor: 800_00 }), revisionRounds: rounds },
        milestoneInput(1, { amountMinor: 400_00 }),
      ],
    }),
    201,
    ProjectDetail,
  );
  const pid = created.project.id;
  const first = nth(created.milestones, 0);
  const logo = await uploadFile(
    app,
    a,
    first.id,
    'logo.svg',
    Buffer.from('<svg>first draft</svg>'),
  );
  const brief = await uploadFile(app, a, first.id, 'brief.pdf', Buffer.from('%PDF brief v1'));
  await deliver(a, pid, first.id);
  const access = await share(a, pid);
  const portal = await openPortal(app, { code: access.code });
  return { a, client, portal, pid, first, second: nth(created.milestones, 1), logo, brief };
}

describe.each(dialects)('deposits on %s', SUITE_TIMEOUT, (dialect) => {
  const app = useApp(dialect);

  test('a deposit is payable while open; paying it completes it and opens the next', async () => {
    const a = await signUp(app());
    const created = await createTermsProject(a);
    const pid = created.project.id;
    const deposit = nth(created.milestones, 0);
    const second = nth(created.milestones, 1);
    expect([deposit.status, deposit.isDeposit]).toEqual(['open', true]);
    const paid = expectStatus(
      await payOffline(a, pid, deposit),
      201,
      z.object({ milestone: Milestone }),
    ).milestone;
    expect(paid.status).toBe('paid');
    expect(paid.deliveredAt).toBeNull();
    const after = await ownerMilestone(a, pid, second.id);
    expect(after.status).toBe('open');
    // An ordinary open milestone is not payable before it is delivered.
    expectError(await payOffline(a, pid, after), { status: 409, code: 'MILESTONE_NOT_DELIVERED' });
    const actions = (await getActivity(a, pid)).entries.map((e) => e.action);
    expect(actions).toContain('milestone.paid');
    expect(actions.filter((x) => x === 'milestone.opened')).toHaveLength(1);

    // The client's portal offers payment for the open deposit (instructions shown).
    const access = await share(a, pid);
    const portal = await openPortal(app(), { code: access.code });
    const again = await createTermsProject(a);
    expect(nth(again.milestones, 0).status).toBe('open');
    const view = z
      .object({ paymentInstructions: z.string().nullable() })
      .parse((await portal.get('/api/portal/project')).body);
    expect(view.paymentInstructions, 'nothing payable now on the first project').toBeNull();
    // Online checkout on an open deposit gets as far as the Stripe set-up (none here).
    const access2 = await share(a, again.project.id);
    const portal2 = await openPortal(app(), { code: access2.code });
    const view2 = z
      .object({ paymentInstructions: z.string().nullable() })
      .parse((await portal2.get('/api/portal/project')).body);
    expect(view2.paymentInstructions, 'an open deposit awaits payment').not.toBeNull();
    await acceptContract(portal2);
    expectError(
      await portal2.post(`/api/portal/milestones/${nth(again.milestones, 0).id}/checkout`),
      { status: 409, code: 'STRIPE_NOT_CONFIGURED' },
    );
    expectError(
      await portal2.post(`/api/portal/milestones/${nth(again.milestones, 1).id}/checkout`),
      { status: 409, code: 'MILESTONE_NOT_DELIVERED' },
    );
  });
});

describe.each(dialects)('approval and revisions on %s', SUITE_TIMEOUT, (dialect) => {
  const ctx = useAppWithSmtp(dialect);

  test('request a revision, replace a file, deliver again, approve, pay', async () => {
    const { app, mail } = ctx();
    const { a, portal, pid, first, second, logo, brief } = await deliveredWithRounds(app, 1);

    // Refusals before: approve or revise an undelivered milestone.
    expectError(await approve(portal, second.id), {
      status: 409,
      code: 'MILESTONE_NOT_DELIVERED',
    });
    expectError(await revise(portal, second.id, 'more'), { status: 409, code: 'MILESTONE_LOCKED' });
    expectError(await revise(portal, first.id, '   '), {
      status: 400,
      code: 'VALIDATION_FAILED',
      field: 'note',
    });
    expectError(await revise(portal, first.id, 'bad\u0000note'), {
      status: 400,
      code: 'VALIDATION_FAILED',
      field: 'note',
    });

    const note = 'Please make the blue darker — “#003366”.';
    const revised = expectStatus(
      await revise(portal, first.id, note),
      201,
      MilestoneEnvelope,
    ).milestone;
    expect(revised.status).toBe('open');
    expect(revised.revisionsUsed).toBe(1);
    expect(revised.revisionRequest?.note).toBe(note);
    // Not payable, not approvable, while it is being revised; no second request.
    expectError(await payOffline(a, pid, first), { status: 409, code: 'MILESTONE_NOT_DELIVERED' });
    expectError(await portal.post(`/api/portal/milestones/${first.id}/checkout`), {
      status: 409,
      code: 'MILESTONE_NOT_DELIVERED',
    });
    expectError(await approve(portal, first.id), { status: 409, code: 'MILESTONE_NOT_DELIVERED' });
    expectError(await revise(portal, first.id, 'again'), {
      status: 409,
      code: 'MILESTONE_NOT_DELIVERED',
    });

    // The freelancer replaces logo.svg (same name) and removes brief.pdf (kept, superseded).
    const logo2 = await uploadFile(app, a, first.id, 'logo.svg', Buffer.from('<svg>darker</svg>'));
    expect((await a.delete(`/api/uploads/${brief.id}`)).status).toBe(204);
    const redelivered = await deliver(a, pid, first.id);
    expect(redelivered.status).toBe('delivered');
    const again = await ownerMilestone(a, pid, first.id);
    expect(again.revisionRequest).toBeNull();
    expect(again.revisionsUsed).toBe(1);
    // Delivering a delivered milestone again without a request is refused.
    expectError(await a.post(`/api/projects/${pid}/milestones/${first.id}/deliver`), {
      status: 409,
      code: 'MILESTONE_NOT_OPEN',
    });

    const files = expectStatus(await a.get(`/api/projects/${pid}/files`), 200, FileList).files;
    const byId = new Map(files.map((f) => [f.id, f]));
    expect(byId.get(logo.id)?.supersededBy).toBe(logo2.id);
    expect(byId.get(logo.id)?.supersededAt).not.toBeNull();
    expect(byId.get(brief.id)?.supersededAt).not.toBeNull();
    expect(byId.get(brief.id)?.supersededBy).toBeNull();
    expect(byId.get(logo2.id)?.supersededAt).toBeNull();
    const portalFiles = expectStatus(await portal.get('/api/portal/files'), 200, FileList).files;
    expect(portalFiles.map((f) => f.id).sort()).toEqual([logo.id, brief.id, logo2.id].sort());

    // The one included round is used: another request needs a change order.
    const used = expectError(await revise(portal, first.id, 'one more change'), {
      status: 409,
      code: 'REVISION_ROUNDS_USED',
    });
    expect(used.message).toMatch(/change order/);

    const approved = expectStatus(
      await approve(portal, first.id),
      200,
      MilestoneEnvelope,
    ).milestone;
    expect(approved.approvedAt).not.toBeNull();
    expect(approved.status).toBe('delivered');
    // Approving twice answers the same; revising an approved delivery is refused.
    expect(
      expectStatus(await approve(portal, first.id), 200, MilestoneEnvelope).milestone.approvedAt,
    ).toBe(approved.approvedAt);

    expect(
      expectStatus(await payOffline(a, pid, first), 201, z.object({ milestone: Milestone }))
        .milestone.status,
    ).toBe('paid');
    expectError(await approve(portal, first.id), { status: 409, code: 'MILESTONE_ALREADY_PAID' });
    expectError(await revise(portal, first.id, 'late'), {
      status: 409,
      code: 'MILESTONE_ALREADY_PAID',
    });

    // Download all: the current set only; the replaced files stay downloadable one by one.
    const zip = await fetch(`${app.url}/api/milestones/${first.id}/files.zip`, {
      headers: { cookie: portal.cookieHeader() },
    });
    expect(zip.status).toBe(200);
    const body = Buffer.from(await zip.arrayBuffer());
    expect(body.includes('<svg>darker</svg>')).toBe(true);
    expect(body.includes('<svg>first draft</svg>')).toBe(false);
    expect(body.includes('%PDF brief v1')).toBe(false);
    const old = await fetchFile(app, portal, logo.id);
    expect(old.status).toBe(200);
    expect(old.bytes.toString()).toBe('<svg>first draft</svg>');

    // The thread and the activity record every step.
    const events = (await threadMessages(a, pid, first.id)).messages
      .map((m) => (m as { event?: { type?: string } | null }).event?.type)
      .filter((t) => t !== undefined);
    expect(events).toEqual(
      expect.arrayContaining(['revision.requested', 'milestone.delivered', 'milestone.approved']),
    );
    const actions = (await getActivity(a, pid)).entries.map((e) => e.action);
    for (const action of [
      'milestone.revision_requested',
      'file.superseded',
      'milestone.approved',
      'milestone.paid',
    ])
      expect(actions).toContain(action);
    const delivered = (await getActivity(a, pid)).entries.filter(
      (e) => e.action === 'milestone.delivered',
    );
    expect(delivered.at(-1)?.details).toMatchObject({ round: 1 });

    // The freelancer was mailed the note and the approval.
    const to = a.email ?? '';
    const texts = () => mailTo(mail, to).map((m) => mailText(m.raw));
    await waitFor('the revision mail', () =>
      texts().some((t) => t.includes('#003366') && t.includes('1 of 1')),
    );
    await waitFor('the approval mail', () =>
      texts().some((t) => /has approved milestone 1/.test(t)),
    );
  });

  test('paying a delivery approves it; a refused request changes nothing', async () => {
    const { app } = ctx();
    const { a, portal, pid, first } = await deliveredWithRounds(app, 0);
    const before = await ownerMilestone(a, pid, first.id);
    expectError(await revise(portal, first.id, 'change it'), {
      status: 409,
      code: 'REVISION_ROUNDS_USED',
    });
    expect(await ownerMilestone(a, pid, first.id)).toEqual(before);
    expectStatus(await payOffline(a, pid, first), 201, z.object({ milestone: Milestone }));
    const paid = await portalMilestone(portal, first.id);
    expect(paid.status).toBe('paid');
    expect(paid.approvedAt).not.toBeNull();
    const approvals = (await getActivity(a, pid)).entries.filter(
      (e) => e.action === 'milestone.approved',
    );
    expect(approvals.map((e) => e.details)).toEqual([
      expect.objectContaining({ by: 'payment', milestoneId: first.id }),
    ]);
  });
});
