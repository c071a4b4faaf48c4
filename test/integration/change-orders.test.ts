/**
 * Change orders (issue #11) over real HTTP on both dialects: every transition — proposed →
 * accepted | declined | withdrawn — and every refusal: before the contract is accepted, a paid
 * milestone, more than ten milestones, an unknown milestone, nothing to change, bad text,
 * accepting a declined or withdrawn order, declining or withdrawing a decided one, a stale
 * order, a hash that is not the previewed text, another project's order. Accepting applies all
 * changes at once with a new contract version accepted by that act; both parties are told in
 * the chat and by mail; every step is in the activity chain.
 */
import { createHash } from 'node:crypto';
import { describe, expect, test } from 'vitest';
import { z } from 'zod';
import { at, threadMessages } from './chat-support';
import { acceptCurrentContract } from './change-order-support';
import {
  SUITE_TIMEOUT,
  deliver,
  dialects,
  expectError,
  expectStatus,
  getActivity,
  getProject,
  openPortal,
  projectSnapshot,
  recordPayment,
  setupProject,
  share,
  signUp,
  type Actor,
} from './harness';
import { simpleParser } from 'mailparser';
import { decodeWords, mailHeader } from './mail-text';
import { mailTo, useAppWithSmtp, waitFor } from './smtp-helpers';

const Planned = z.object({
  id: z.string().nullable(),
  position: z.number(),
  status: z.string(),
  title: z.string(),
  deliverables: z.string(),
  dueDate: z.string(),
  amountMinor: z.number(),
});
const Order = z.object({
  id: z.string(),
  number: z.number(),
  status: z.enum(['proposed', 'accepted', 'declined', 'withdrawn']),
  reason: z.string(),
  changes: z.array(z.record(z.string(), z.unknown())),
  rows: z.array(
    z.object({
      before: Planned.nullable(),
      after: Planned.nullable(),
      changed: z.array(z.string()),
    }),
  ),
  totalBeforeMinor: z.number(),
  totalAfterMinor: z.number(),
  baseVersion: z.number(),
  resultVersion: z.number().nullable(),
  stale: z.boolean(),
  preview: z.object({ version: z.number(), text: z.string(), sha256: z.string() }).nullable(),
  declineNote: z.string().nullable(),
  proposedAt: z.string(),
  decidedAt: z.string().nullable(),
});
const One = z.object({ changeOrder: Order });
const List = z.object({ changeOrders: z.array(Order) });
const Contract = z.object({
  current: z.object({
    version: z.number(),
    sha256: z.string(),
    reason: z.string(),
    text: z.string(),
  }),
  versions: z.array(
    z.object({ version: z.number(), reason: z.string(), acceptedAt: z.string().nullable() }),
  ),
  acceptances: z.array(
    z.object({
      version: z.number(),
      fullName: z.string(),
      ip: z.string(),
      userAgent: z.string(),
      sha256: z.string(),
    }),
  ),
});
const UA = 'Mozilla/5.0 (change orders) Milepost/1';

describe.each(dialects)('change orders on %s', SUITE_TIMEOUT, (dialect) => {
  const ready = useAppWithSmtp(dialect, { PUBLIC_URL: 'http://milepost.test' });

  async function acceptedProject(amounts = [240_000, 390_000]) {
    const { app } = ready();
    const freelancer = await signUp(app);
    const fixture = await setupProject(freelancer, { amounts, title: 'Brand refresh' });
    const access = await share(freelancer, fixture.project.id);
    const client = await openPortal(app, { code: access.code });
    await acceptCurrentContract(client);
    return { ...fixture, freelancer, client };
  }

  const propose = (freelancer: Actor, projectId: string, body: unknown) =>
    freelancer.post(`/api/projects/${projectId}/change-orders`, body);

  async function portalOrder(client: Actor, id: string) {
    const { changeOrders } = expectStatus(await client.get('/api/portal/change-orders'), 200, List);
    const found = changeOrders.find((o) => o.id === id);
    if (!found) throw new Error('order not listed in the portal');
    return found;
  }

  async function accept(client: Actor, id: string, fullName = 'Bea Kraus') {
    const order = await portalOrder(client, id);
    if (!order.preview) throw new Error('no preview to accept');
    return client.post(
      `/api/portal/change-orders/${id}/accept`,
      { fullName, sha256: order.preview.sha256 },
      { headers: { 'user-agent': UA } },
    );
  }

  test('proposed → accepted: every change at once, contract version N+1 accepted by that act, both told, all in the activity', async () => {
    const { mail } = ready();
    const { freelancer, client, project, milestones } = await acceptedProject();
    const [first, last] = milestones;
    if (!first || !last) throw new Error('two milestones expected');
    const created = expectStatus(
      await propose(freelancer, project.id, {
        reason: 'The client asked for a second logo round',
        changes: [
          { type: 'update', milestoneId: last.id, amountMinor: 420_000, dueDate: '2026-09-30' },
        ],
      }),
      201,
      One,
    ).changeOrder;
    expect(created).toMatchObject({
      number: 1,
      status: 'proposed',
      baseVersion: 1,
      resultVersion: null,
      stale: false,
      totalBeforeMinor: 630_000,
      totalAfterMinor: 660_000,
    });
    expect(created.rows.map((r) => r.changed)).toEqual([[], ['dueDate', 'amountMinor']]);
    // Nothing changes until the client accepts.
    expect((await getProject(freelancer, project.id)).milestones[1]?.amountMinor).toBe(390_000);

    const seen = await portalOrder(client, created.id);
    expect(seen.rows[1]?.before?.amountMinor).toBe(390_000);
    expect(seen.rows[1]?.after?.amountMinor).toBe(420_000);
    expect(seen.preview?.version).toBe(2);
    expect(seen.preview?.text).toContain('€4,200.00');
    expect(seen.preview?.text).toContain('Total: €6,600.00');
    expect(seen.preview?.sha256).toBe(
      createHash('sha256')
        .update(seen.preview?.text ?? '', 'utf8')
        .digest('hex'),
    );

    const accepted = expectStatus(await accept(client, created.id), 200, One).changeOrder;
    expect(accepted).toMatchObject({
      status: 'accepted',
      resultVersion: 2,
      stale: false,
      preview: null,
    });
    const after = await getProject(freelancer, project.id);
    expect(after.milestones.map((m) => [m.amountMinor, m.dueDate])).toEqual([
      [240_000, first.dueDate],
      [420_000, '2026-09-30'],
    ]);
    const contract = expectStatus(await client.get('/api/portal/contract'), 200, Contract);
    expect(contract.current).toMatchObject({
      version: 2,
      reason: 'change_order',
      sha256: seen.preview?.sha256,
    });
    expect(contract.current.text).toBe(seen.preview?.text);
    expect(contract.versions.map((v) => [v.version, v.reason, v.acceptedAt !== null])).toEqual([
      [1, 'initial', true],
      [2, 'change_order', true],
    ]);
    expect(contract.acceptances[1]).toMatchObject({
      version: 2,
      fullName: 'Bea Kraus',
      userAgent: UA,
      sha256: seen.preview?.sha256,
    });
    expect(contract.acceptances[1]?.ip).toMatch(/127\.0\.0\.1|::1/);

    // Accepting again answers the same and adds nothing.
    const again = await client.post(`/api/portal/change-orders/${created.id}/accept`, {
      fullName: 'Someone Else',
      sha256: seen.preview?.sha256,
    });
    expect(expectStatus(again, 200, One).changeOrder).toEqual(accepted);
    expect(
      expectStatus(await client.get('/api/portal/contract'), 200, Contract).versions,
    ).toHaveLength(2);

    const activity = await getActivity(freelancer, project.id);
    expect(activity.chainValid).toBe(true);
    const actions = activity.entries.map((e) => e.action);
    expect(actions).toContain('change_order.proposed');
    expect(actions).toContain('change_order.accepted');
    expect(actions.filter((a) => a === 'contract.accepted')).toHaveLength(2);
    const entry = activity.entries.find((e) => e.action === 'change_order.accepted');
    expect(entry?.actorType).toBe('client');
    expect(entry?.details).toMatchObject({
      number: 1,
      totalBeforeMinor: 630_000,
      totalAfterMinor: 660_000,
    });

    // The milestone's thread has both steps, as system entries.
    const thread = await threadMessages(freelancer, project.id, last.id);
    const events = thread.messages.filter((m) => m.kind === 'system').map((m) => m.event?.type);
    expect(events).toEqual(['change_order.proposed', 'change_order.accepted']);

    // The client was mailed the proposal, the freelancer the acceptance.
    const { app } = ready();
    await app.drainMail();
    await waitFor('the proposal mail', () => mailTo(mail, project.clientEmail).length === 1);
    const toClient = at(mailTo(mail, project.clientEmail), 0).raw;
    expect(decodeWords(mailHeader(toClient, 'subject') ?? '')).toBe(
      'Fiona Freelancer proposes a change to Brand refresh',
    );
    const body = (await simpleParser(toClient)).text ?? '';
    expect(body).toContain('The client asked for a second logo round');
    expect(body).toContain('€3,900.00 → €4,200.00');
    expect(body).toContain('Total: €6,300.00 → €6,600.00');
    const freelancerEmail = freelancer.email ?? '';
    const subjects = () =>
      mailTo(mail, freelancerEmail).map((m) => decodeWords(mailHeader(m.raw, 'subject') ?? ''));
    await waitFor('the acceptance mail', () =>
      subjects().includes('Clara Client accepted change order 1 to Brand refresh'),
    );
  });

  test('an accepted order that changes or removes an invoiced milestone cancels its invoice with a credit note; the changed one is invoiced anew', async () => {
    const { freelancer, client, project, milestones } = await acceptedProject([
      100_000, 200_000, 300_000,
    ]);
    const [first] = milestones;
    if (!first) throw new Error('three milestones expected');
    const Invoices = z.object({
      invoices: z.array(
        z.object({
          id: z.string(),
          kind: z.enum(['invoice', 'credit_note']),
          milestoneId: z.string(),
          grossMinor: z.number(),
          cancelsId: z.string().nullable(),
          cancelledById: z.string().nullable(),
        }),
      ),
    });
    const invoices = async () =>
      expectStatus(await freelancer.get(`/api/projects/${project.id}/invoices`), 200, Invoices)
        .invoices;
    // The open first milestone is invoiced ahead of delivery.
    const billed = expectStatus(
      await freelancer.post(`/api/projects/${project.id}/milestones/${first.id}/invoice`),
      201,
      z.object({ invoice: z.object({ id: z.string(), grossMinor: z.number() }) }),
    ).invoice;
    expect(billed.grossMinor).toBe(100_000);

    // Re-priced by a change order: nothing happens to the invoice until the client accepts.
    const reprice = expectStatus(
      await propose(freelancer, project.id, {
        reason: 'A bigger first phase',
        changes: [{ type: 'update', milestoneId: first.id, amountMinor: 120_000 }],
      }),
      201,
      One,
    ).changeOrder;
    expect((await invoices()).map((i) => i.kind)).toEqual(['invoice']);
    expectStatus(await accept(client, reprice.id), 200, One);
    let list = await invoices();
    const credit = list.find((i) => i.kind === 'credit_note');
    expect(credit).toMatchObject({ cancelsId: billed.id, grossMinor: -100_000 });
    expect(list.find((i) => i.id === billed.id)?.cancelledById).toBe(credit?.id);
    const standing = list.filter((i) => i.kind === 'invoice' && i.cancelledById === null);
    expect(standing.map((i) => [i.milestoneId, i.grossMinor])).toEqual([[first.id, 120_000]]);

    // Removed by a change order: its standing invoice is cancelled, and nothing reissued.
    const remove = expectStatus(
      await propose(freelancer, project.id, {
        reason: 'The first phase is dropped',
        changes: [{ type: 'remove', milestoneId: first.id }],
      }),
      201,
      One,
    ).changeOrder;
    expectStatus(await accept(client, remove.id), 200, One);
    list = await invoices();
    expect(list.filter((i) => i.kind === 'invoice' && i.cancelledById === null)).toEqual([]);
    expect(list.filter((i) => i.kind === 'credit_note').map((i) => i.grossMinor)).toEqual(
      expect.arrayContaining([-100_000, -120_000]),
    );
    // Invoices are never edited: every invoice keeps its amount, each cancelled by one note.
    expect(
      list
        .filter((i) => i.kind === 'invoice')
        .map((i) => i.grossMinor)
        .sort(),
    ).toEqual([100_000, 120_000]);
    expect(list.filter((i) => i.kind === 'credit_note')).toHaveLength(2);
  });

  test('add and remove in one order: positions closed up, the new milestone at the end, total exact', async () => {
    const { freelancer, client, project, milestones } = await acceptedProject([
      100_00, 200_00, 300_00,
    ]);
    const second = at(milestones, 1);
    const created = expectStatus(
      await propose(freelancer, project.id, {
        reason: 'Scope swap',
        changes: [
          { type: 'remove', milestoneId: second.id },
          {
            type: 'add',
            title: 'Print files',
            deliverables: 'PDF/X',
            dueDate: '2026-12-01',
            amountMinor: 123_45,
          },
        ],
      }),
      201,
      One,
    ).changeOrder;
    expect(created.totalAfterMinor).toBe(100_00 + 300_00 + 123_45);
    expectStatus(await accept(client, created.id), 200, One);
    const after = (await getProject(freelancer, project.id)).milestones;
    expect(after.map((m) => [m.position, m.title, m.amountMinor, m.status])).toEqual([
      [1, 'Step 1', 100_00, 'open'],
      [2, 'Step 3', 300_00, 'locked'],
      [3, 'Print files', 123_45, 'locked'],
    ]);
    expect(after.reduce((s, m) => s + m.amountMinor, 0)).toBe(created.totalAfterMinor);
    // Chat: the order touched more than one milestone, so the news is in the general thread.
    const general = await threadMessages(client, project.id, 'general');
    expect(general.messages.map((m) => m.event?.type)).toContain('change_order.accepted');
  });

  test('proposed → declined with a note; then accepting, declining or withdrawing it is refused', async () => {
    const { mail } = ready();
    const { freelancer, client, project, milestones } = await acceptedProject();
    const last = at(milestones, 1);
    const { changeOrder } = expectStatus(
      await propose(freelancer, project.id, {
        reason: 'More work',
        changes: [{ type: 'update', milestoneId: last.id, amountMinor: 500_000 }],
      }),
      201,
      One,
    );
    const { preview } = await portalOrder(client, changeOrder.id);
    const declined = expectStatus(
      await client.post(`/api/portal/change-orders/${changeOrder.id}/decline`, {
        note: 'Too expensive for us',
      }),
      200,
      One,
    ).changeOrder;
    expect(declined).toMatchObject({
      status: 'declined',
      declineNote: 'Too expensive for us',
      preview: null,
    });
    const before = await projectSnapshot(freelancer, project.id);
    expectError(
      await client.post(`/api/portal/change-orders/${changeOrder.id}/accept`, {
        fullName: 'Bea Kraus',
        sha256: preview?.sha256,
      }),
      { status: 409, code: 'CHANGE_ORDER_CLOSED' },
    );
    expectError(await client.post(`/api/portal/change-orders/${changeOrder.id}/decline`, {}), {
      status: 409,
      code: 'CHANGE_ORDER_CLOSED',
    });
    expectError(
      await freelancer.post(`/api/projects/${project.id}/change-orders/${changeOrder.id}/withdraw`),
      { status: 409, code: 'CHANGE_ORDER_CLOSED' },
    );
    expect(await projectSnapshot(freelancer, project.id)).toEqual(before);
    const entry = (await getActivity(freelancer, project.id)).entries.find(
      (e) => e.action === 'change_order.declined',
    );
    expect(entry).toMatchObject({ actorType: 'client', details: { note: 'Too expensive for us' } });
    const { app } = ready();
    await app.drainMail();
    const freelancerEmail = freelancer.email ?? '';
    const declineMail = () =>
      mailTo(mail, freelancerEmail).find((m) =>
        decodeWords(mailHeader(m.raw, 'subject') ?? '').includes('declined change order 1'),
      );
    await waitFor('the decline mail', () => declineMail() !== undefined);
    expect((await simpleParser(declineMail()?.raw ?? '')).text).toContain('Too expensive for us');
  });

  test('proposed → withdrawn; then accepting or declining it is refused', async () => {
    const { freelancer, client, project, milestones } = await acceptedProject();
    const last = at(milestones, 1);
    const { changeOrder } = expectStatus(
      await propose(freelancer, project.id, {
        reason: 'Typo',
        changes: [{ type: 'update', milestoneId: last.id, deliverables: 'Logo, type, colours' }],
      }),
      201,
      One,
    );
    const { preview } = await portalOrder(client, changeOrder.id);
    const withdrawn = expectStatus(
      await freelancer.post(`/api/projects/${project.id}/change-orders/${changeOrder.id}/withdraw`),
      200,
      One,
    ).changeOrder;
    expect(withdrawn.status).toBe('withdrawn');
    expectError(
      await client.post(`/api/portal/change-orders/${changeOrder.id}/accept`, {
        fullName: 'Bea Kraus',
        sha256: preview?.sha256,
      }),
      { status: 409, code: 'CHANGE_ORDER_CLOSED' },
    );
    expectError(await client.post(`/api/portal/change-orders/${changeOrder.id}/decline`, {}), {
      status: 409,
      code: 'CHANGE_ORDER_CLOSED',
    });
    const actions = (await getActivity(freelancer, project.id)).entries.map((e) => e.action);
    expect(actions).toContain('change_order.withdrawn');
    expect((await getProject(freelancer, project.id)).milestones[1]?.deliverables).toBe(
      last.deliverables,
    );
  });

  test('an order made against an outdated contract version is refused as STALE and changes nothing', async () => {
    const { freelancer, client, project, milestones } = await acceptedProject();
    const last = at(milestones, 1);
    const order = async (amountMinor: number) =>
      expectStatus(
        await propose(freelancer, project.id, {
          reason: `Price ${amountMinor}`,
          changes: [{ type: 'update', milestoneId: last.id, amountMinor }],
        }),
        201,
        One,
      ).changeOrder;
    const a = await order(400_000);
    const b = await order(410_000);
    const previewB = (await portalOrder(client, b.id)).preview;
    expectStatus(await accept(client, a.id), 200, One);
    expect((await portalOrder(client, b.id)).stale).toBe(true);
    const before = await projectSnapshot(freelancer, project.id);
    expectError(
      await client.post(`/api/portal/change-orders/${b.id}/accept`, {
        fullName: 'Bea Kraus',
        sha256: previewB?.sha256,
      }),
      { status: 409, code: 'STALE' },
    );
    expect(await projectSnapshot(freelancer, project.id)).toEqual(before);
    expect((await getProject(freelancer, project.id)).milestones[1]?.amountMinor).toBe(400_000);
  });

  test('a hash that is not the previewed text is refused and nothing is written', async () => {
    const { freelancer, client, project, milestones } = await acceptedProject();
    const { changeOrder } = expectStatus(
      await propose(freelancer, project.id, {
        reason: 'x',
        changes: [{ type: 'update', milestoneId: at(milestones, 1).id, amountMinor: 1 }],
      }),
      201,
      One,
    );
    const before = await projectSnapshot(freelancer, project.id);
    const contract = expectStatus(await client.get('/api/portal/contract'), 200, Contract);
    expectError(
      await client.post(`/api/portal/change-orders/${changeOrder.id}/accept`, {
        fullName: 'Bea Kraus',
        sha256: contract.current.sha256,
      }),
      { status: 409, code: 'CONFLICT', field: 'sha256' },
    );
    expectError(
      await client.post(`/api/portal/change-orders/${changeOrder.id}/accept`, {
        fullName: '  ',
        sha256: contract.current.sha256,
      }),
      { status: 400, field: 'fullName' },
    );
    expect(await projectSnapshot(freelancer, project.id)).toEqual(before);
    expect((await portalOrder(client, changeOrder.id)).status).toBe('proposed');
  });

  test('proposals are refused: before acceptance, a paid milestone, over ten, unknown, empty, bad text, another project', async () => {
    const { app } = ready();
    // Before the client accepted the contract, milestones change directly instead.
    const early = await signUp(app);
    const fresh = await setupProject(early, { amounts: [100_00, 200_00] });
    expectError(
      await propose(early, fresh.project.id, {
        reason: 'x',
        changes: [{ type: 'update', milestoneId: at(fresh.milestones, 1).id, amountMinor: 5 }],
      }),
      { status: 409, code: 'CONFLICT' },
    );

    const { freelancer, client, project, milestones } = await acceptedProject([100_00, 200_00]);
    const first = at(milestones, 0);
    await deliver(freelancer, project.id, first.id);
    await recordPayment(freelancer, project.id, first);
    const before = await projectSnapshot(freelancer, project.id);
    expectError(
      await propose(freelancer, project.id, {
        reason: 'x',
        changes: [{ type: 'update', milestoneId: first.id, amountMinor: 5 }],
      }),
      { status: 409, code: 'MILESTONE_FROZEN' },
    );
    expectError(
      await propose(freelancer, project.id, {
        reason: 'x',
        changes: [{ type: 'remove', milestoneId: first.id }],
      }),
      { status: 409, code: 'MILESTONE_FROZEN' },
    );
    const add = {
      type: 'add',
      title: 'More',
      deliverables: '',
      dueDate: '2027-01-01',
      amountMinor: 100,
    };
    expectError(
      await propose(freelancer, project.id, {
        reason: 'x',
        changes: Array.from({ length: 9 }, () => add),
      }),
      { status: 409, code: 'MILESTONE_LIMIT' },
    );
    expectError(
      await propose(freelancer, project.id, {
        reason: 'x',
        changes: [{ type: 'remove', milestoneId: fresh.milestones[0]?.id }],
      }),
      { status: 400, code: 'VALIDATION_FAILED' },
    );
    expectError(await propose(freelancer, project.id, { reason: 'x', changes: [] }), {
      status: 400,
    });
    expectError(
      await propose(freelancer, project.id, {
        reason: 'x',
        changes: [{ type: 'update', milestoneId: at(milestones, 1).id, amountMinor: 200_00 }],
      }),
      { status: 400, code: 'VALIDATION_FAILED' },
    );
    expectError(
      await propose(freelancer, project.id, {
        reason: 'bad\u0000reason',
        changes: [{ type: 'update', milestoneId: at(milestones, 1).id, amountMinor: 5 }],
      }),
      { status: 400, field: 'reason' },
    );
    expectError(
      await propose(freelancer, project.id, {
        reason: '   ',
        changes: [{ type: 'update', milestoneId: at(milestones, 1).id, amountMinor: 5 }],
      }),
      { status: 400, field: 'reason' },
    );
    expect(await projectSnapshot(freelancer, project.id)).toEqual(before);
    expect(
      expectStatus(await client.get('/api/portal/change-orders'), 200, List).changeOrders,
    ).toEqual([]);

    // Another freelancer's project, and another project's order, are not found.
    expectError(
      await propose(early, project.id, {
        reason: 'x',
        changes: [{ type: 'update', milestoneId: at(milestones, 1).id, amountMinor: 5 }],
      }),
      { status: 404 },
    );
    const { changeOrder } = expectStatus(
      await propose(freelancer, project.id, {
        reason: 'x',
        changes: [{ type: 'update', milestoneId: at(milestones, 1).id, amountMinor: 5 }],
      }),
      201,
      One,
    );
    const other = await acceptedProject();
    expectError(
      await other.client.post(`/api/portal/change-orders/${changeOrder.id}/decline`, {}),
      { status: 404 },
    );
    expectError(
      await other.freelancer.post(
        `/api/projects/${project.id}/change-orders/${changeOrder.id}/withdraw`,
      ),
      { status: 404 },
    );
    expectError(await other.freelancer.get(`/api/projects/${project.id}/change-orders`), {
      status: 404,
    });
  });
});
