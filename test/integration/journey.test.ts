/**
 * The product's journey end to end over HTTP: a freelancer creates a client and a project,
 * shares it, the client opens it and accepts the terms, and milestones run in sequence —
 * delivered, paid offline, next one opened — until the project is complete. Also the money
 * allocation by percentages, and revoking/regenerating access.
 */
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import * as C from './contract';
import {
  SUITE_TIMEOUT,
  createClient,
  createProject,
  deliver,
  dialects,
  expectError,
  expectNoContent,
  expectStatus,
  getActivity,
  getPortal,
  getProject,
  milestonesByAmount,
  milestonesByPercent,
  openPortal,
  recordPayment,
  setupProject,
  share,
  signUp,
  useApp,
} from './harness';

const CODE_FORMAT = /^[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}$/;

/**
 * What largest-remainder allocation must satisfy, independent of how ties are broken: the parts
 * sum to the total, each part is its exact share rounded down or up, and no part rounded down
 * has a larger remainder than a part rounded up. Exact shares are kept as integers
 * (total × basis points, over 10 000) so nothing passes through floating point.
 */
function assertLargestRemainder(
  total: number,
  percents: readonly number[],
  parts: readonly number[],
): void {
  expect(parts).toHaveLength(percents.length);
  expect(parts.reduce((a, b) => a + b, 0)).toBe(total);
  const scale = 10_000n;
  const shares = percents.map((p) => BigInt(total) * BigInt(Math.round(p * 100)));
  const roundedUp: bigint[] = [];
  const roundedDown: bigint[] = [];
  shares.forEach((share, i) => {
    const floor = share / scale;
    const remainder = share % scale;
    const part = BigInt(parts[i] ?? -1);
    if (part === floor) roundedDown.push(remainder);
    else if (part === floor + 1n && remainder > 0n) roundedUp.push(remainder);
    else
      throw new Error(
        `part ${i} = ${part} is not ${floor} or ${floor + 1n} (${percents[i]}% of ${total})`,
      );
  });
  const smallestUp = roundedUp.reduce((a, b) => (a < b ? a : b), scale);
  const largestDown = roundedDown.reduce((a, b) => (a > b ? a : b), -1n);
  expect(
    largestDown <= smallestUp,
    `parts ${parts.join('/')} for ${percents.join('/')}% of ${total}`,
  ).toBe(true);
}

/** 1..10 percentages with at most two decimals (as basis points) that sum to exactly 100. */
const percentTemplate = fc
  .array(fc.integer({ min: 1, max: 10_000 }), { minLength: 0, maxLength: 9 })
  .map((cuts) => {
    const points = [...new Set(cuts.filter((c) => c < 10_000))].sort((a, b) => a - b);
    const bounds = [0, ...points, 10_000];
    return bounds.slice(1).map((b, i) => (b - (bounds[i] ?? 0)) / 100);
  });

describe.each(dialects)('journey on %s', SUITE_TIMEOUT, (dialect) => {
  const app = useApp(dialect);

  test('percentages 30/40/30 of 100001 cents are allocated exactly, by largest remainder', async () => {
    const a = await signUp(app());
    const client = await createClient(a);
    const created = await createProject(a, {
      clientId: client.id,
      totalMinor: 100_001,
      milestones: milestonesByPercent([30, 40, 30]),
    });
    expect(created.project.totalMinor).toBe(100_001);
    expect(created.milestones.map((m) => m.amountMinor)).toEqual([30_000, 40_001, 30_000]);
    expect(created.milestones.map((m) => m.position)).toEqual([1, 2, 3]);
    expect(created.milestones.map((m) => m.status)).toEqual(['open', 'locked', 'locked']);
    const detail = await getProject(a, created.project.id);
    expect(detail.milestones.map((m) => m.amountMinor)).toEqual([30_000, 40_001, 30_000]);
    expect(detail.project.totalMinor).toBe(100_001);
    expect(detail.project.paidMinor).toBe(0);
    expect(detail.project.status).toBe('active');
  });

  test('any percentage template splits any total exactly (property, over HTTP)', async () => {
    const a = await signUp(app());
    const client = await createClient(a);
    await fc.assert(
      fc.asyncProperty(
        percentTemplate,
        fc.integer({ min: 10_000, max: 10_000_000_000 }),
        async (percents, total) => {
          const created = await createProject(a, {
            clientId: client.id,
            totalMinor: total,
            milestones: milestonesByPercent(percents),
          });
          expect(created.project.totalMinor).toBe(total);
          assertLargestRemainder(
            total,
            percents,
            created.milestones.map((m) => m.amountMinor),
          );
        },
      ),
      { numRuns: 25 },
    );
  });

  test('explicit amounts are stored as given and the total is their sum', async () => {
    const a = await signUp(app());
    const client = await createClient(a);
    const amounts = [12_345, 67_890, 1];
    const withoutTotal = await createProject(a, {
      clientId: client.id,
      milestones: milestonesByAmount(amounts),
    });
    expect(withoutTotal.milestones.map((m) => m.amountMinor)).toEqual(amounts);
    expect(withoutTotal.project.totalMinor).toBe(80_236);
    const withTotal = await createProject(a, {
      clientId: client.id,
      totalMinor: 80_236,
      milestones: milestonesByAmount(amounts),
    });
    expect(withTotal.milestones.map((m) => m.amountMinor)).toEqual(amounts);
    expect(withTotal.project.totalMinor).toBe(80_236);
  });

  test('a JPY project (no minor decimals) is allocated in whole yen and paid in yen', async () => {
    const a = await signUp(app());
    const client = await createClient(a);
    const yen = await createProject(a, {
      clientId: client.id,
      currency: 'JPY',
      totalMinor: 1_000,
      milestones: milestonesByPercent([33.33, 33.33, 33.34]),
    });
    expect(yen.project.currency).toBe('JPY');
    expect(yen.milestones.map((m) => m.amountMinor)).toEqual([333, 333, 334]);

    const single = await createProject(a, {
      clientId: client.id,
      currency: 'JPY',
      totalMinor: 150_000,
      milestones: milestonesByPercent([100]),
    });
    const [only] = single.milestones;
    if (only === undefined) throw new Error('no milestone');
    expect(only.amountMinor).toBe(150_000);
    await deliver(a, single.project.id, only.id);
    const paid = await recordPayment(a, single.project.id, only);
    expect(paid.payment.currency).toBe('JPY');
    expect(paid.payment.amountMinor).toBe(150_000);
    const detail = await getProject(a, single.project.id);
    expect(detail.project.status).toBe('complete');
    expect(detail.project.paidMinor).toBe(150_000);
  });

  test('the whole journey: share, open, accept terms, deliver, pay, to completion', async () => {
    const a = await signUp(app());
    const instructions = 'IBAN DE89 3704 0044 0532 0130 00, reference your project title';
    const settings = {
      name: 'Fiona Freelancer',
      businessName: 'Fiona Design',
      paymentInstructions: instructions,
    };
    expect(expectStatus(await a.put('/api/settings', settings), 200, C.Settings)).toEqual(settings);

    const client = await createClient(a, { name: 'Clara Client', company: 'Clara & Co' });
    const { project, milestones } = await createProject(a, {
      clientId: client.id,
      title: 'Brand identity',
      totalMinor: 100_001,
      milestones: milestonesByPercent([30, 40, 30]),
    });
    expect(project.clientId).toBe(client.id);
    expect(project.clientName).toBe('Clara Client');
    expect(project.access.active).toBe(false);
    expect(project.termsAcceptedAt).toBeNull();

    // Share: a code to read aloud and a link carrying a token.
    const secrets = await share(a, project.id);
    expect(secrets.code).toMatch(CODE_FORMAT);
    expect(new URL(secrets.link).pathname).toBe('/portal');
    const shared = await getProject(a, project.id);
    expect(shared.project.access.active).toBe(true);
    expect(shared.project.access.createdAt).not.toBeNull();

    // The client opens the project with the code and, separately, with the link's token.
    const byCode = await openPortal(app(), { code: secrets.code }, 'client (code)');
    const byLink = await openPortal(app(), { token: secrets.token }, 'client (link)');
    for (const client of [byCode, byLink]) {
      const view = await getPortal(client);
      expect(view.project.id).toBe(project.id);
      expect(view.project.title).toBe('Brand identity');
      expect(view.project.totalMinor).toBe(100_001);
      expect(view.project.freelancer).toEqual({
        name: 'Fiona Freelancer',
        businessName: 'Fiona Design',
      });
      expect(view.milestones.map((m) => m.status)).toEqual(['open', 'locked', 'locked']);
      expect(view.milestones.map((m) => m.amountMinor)).toEqual([30_000, 40_001, 30_000]);
      expect(view.paymentInstructions).toBeNull();
    }

    // The client accepts the terms.
    const accepted = expectStatus(
      await byCode.post('/api/portal/terms', { accept: true }),
      200,
      C.TermsAccepted,
    );
    expect((await getProject(a, project.id)).project.termsAcceptedAt).toBe(
      accepted.termsAcceptedAt,
    );
    expect((await getPortal(byLink)).project.termsAcceptedAt).toBe(accepted.termsAcceptedAt);

    // Milestones run in sequence: deliver, the client sees it, the freelancer records payment.
    let paidSoFar = 0;
    for (const [index, milestone] of milestones.entries()) {
      const delivered = await deliver(a, project.id, milestone.id);
      expect(delivered.status).toBe('delivered');
      expect(delivered.deliveredAt).not.toBeNull();

      const awaiting = await getPortal(byCode);
      expect(awaiting.milestones[index]?.status).toBe('delivered');
      expect(awaiting.paymentInstructions).toBe(instructions);
      const summary = expectStatus(await a.get('/api/projects'), 200, C.ProjectList).projects.find(
        (p) => p.id === project.id,
      );
      expect(summary?.awaitingPaymentMinor).toBe(milestone.amountMinor);
      expect(summary?.currentMilestone?.position).toBe(index + 1);
      expect(summary?.currentMilestone?.status).toBe('delivered');

      const { payment, milestone: paid } = await recordPayment(a, project.id, milestone);
      paidSoFar += milestone.amountMinor;
      expect(payment.amountMinor).toBe(milestone.amountMinor);
      expect(payment.currency).toBe('EUR');
      expect(payment.milestoneId).toBe(milestone.id);
      expect(paid.status).toBe('paid');
      expect(paid.paidAt).not.toBeNull();

      const detail = await getProject(a, project.id);
      const expected = milestones.map((_, i) =>
        i <= index ? 'paid' : i === index + 1 ? 'open' : 'locked',
      );
      expect(detail.milestones.map((m) => m.status)).toEqual(expected);
      expect(detail.project.paidMinor).toBe(paidSoFar);
      const view = await getPortal(byLink);
      expect(view.milestones.map((m) => m.status)).toEqual(expected);
      expect(view.paymentInstructions).toBeNull();
      expect(view.project.paidMinor).toBe(paidSoFar);
    }

    const done = await getProject(a, project.id);
    expect(done.project.status).toBe('complete');
    expect(done.project.paidMinor).toBe(100_001);
    expect(done.payments.map((p) => [p.milestoneId, p.amountMinor])).toEqual(
      milestones.map((m) => [m.id, m.amountMinor]),
    );
    const summary = expectStatus(await a.get('/api/projects'), 200, C.ProjectList).projects.find(
      (p) => p.id === project.id,
    );
    expect(summary?.status).toBe('complete');
    expect(summary?.paidMinor).toBe(100_001);
    expect(summary?.awaitingPaymentMinor).toBe(0);
    expect(summary?.currentMilestone).toBeNull();
    expect((await getPortal(byCode)).project.status).toBe('complete');

    // The activity record: every step, in order, hash-chained.
    const activity = await getActivity(a, project.id);
    expect(activity.chainValid).toBe(true);
    const entries = activity.entries;
    expect(entries.map((e) => e.seq)).toEqual(entries.map((_, i) => i + 1));
    expect(new Set(entries.map((e) => e.hash)).size).toBe(entries.length);
    const actions = entries.map((e) => e.action);
    expect(actions[0]).toBe('project.created');
    // milestone.opened may or may not be logged for the first milestone at creation; it must
    // follow each payment except the last.
    expect(actions.filter((x) => x !== 'milestone.opened')).toEqual([
      'project.created',
      'access.issued',
      'client.opened',
      'client.opened',
      'terms.accepted',
      'milestone.delivered',
      'invoice.issued',
      'payment.recorded',
      'milestone.approved',
      'milestone.paid',
      'files.unlocked',
      'receipt.issued',
      'milestone.delivered',
      'invoice.issued',
      'payment.recorded',
      'milestone.approved',
      'milestone.paid',
      'files.unlocked',
      'receipt.issued',
      'milestone.delivered',
      'invoice.issued',
      'payment.recorded',
      'milestone.approved',
      'milestone.paid',
      'files.unlocked',
      'project.completed',
      'receipt.issued',
    ]);
    const afterFirstPayment = actions.slice(actions.indexOf('milestone.paid'));
    expect(
      afterFirstPayment.filter((x) =>
        ['milestone.paid', 'milestone.opened', 'project.completed'].includes(x),
      ),
    ).toEqual([
      'milestone.paid',
      'milestone.opened',
      'milestone.paid',
      'milestone.opened',
      'milestone.paid',
      'project.completed',
    ]);
    const actorOf = (action: string) => [
      ...new Set(entries.filter((e) => e.action === action).map((e) => e.actorType)),
    ];
    expect(actorOf('client.opened')).toEqual(['client']);
    expect(actorOf('terms.accepted')).toEqual(['client']);
    expect(actorOf('milestone.delivered')).toEqual(['freelancer']);
    expect(actorOf('payment.recorded')).toEqual(['freelancer']);
    // Paying counts as the client's approval of the delivered milestone.
    expect(actorOf('milestone.approved')).toEqual(['system']);
    expect(actorOf('access.issued')).toEqual(['freelancer']);
  });

  test('clients and projects can be edited, archived and unarchived; lists follow', async () => {
    const a = await signUp(app());
    const { client, project } = await setupProject(a);

    const renamed = expectStatus(
      await a.patch(`/api/clients/${client.id}`, { name: 'Clara Renamed', company: 'New Co' }),
      200,
      C.ClientEnvelope,
    ).client;
    expect(renamed).toMatchObject({
      id: client.id,
      name: 'Clara Renamed',
      company: 'New Co',
      email: client.email,
    });
    expect((await getProject(a, project.id)).project.clientName).toBe('Clara Renamed');

    const edit = {
      title: 'Renamed project',
      projectType: 'branding',
      tags: ['logo', 'print'],
      description: 'All of it',
    };
    const edited = expectStatus(
      await a.patch(`/api/projects/${project.id}`, edit),
      200,
      C.ProjectEnvelope,
    ).project;
    expect(edited).toMatchObject(edit);
    expect((await getProject(a, project.id)).project).toMatchObject(edit);

    const listIds = async (query: string) =>
      expectStatus(await a.get(`/api/projects${query}`), 200, C.ProjectList).projects.map(
        (p) => p.id,
      );
    const clientIds = async (query: string) =>
      expectStatus(await a.get(`/api/clients${query}`), 200, C.ClientList).clients.map((c) => c.id);

    const archived = expectStatus(
      await a.post(`/api/projects/${project.id}/archive`),
      200,
      C.ProjectEnvelope,
    ).project;
    expect(archived.archivedAt).not.toBeNull();
    expect(await listIds('')).not.toContain(project.id);
    expect(await listIds('?includeArchived=true')).toContain(project.id);
    const restored = expectStatus(
      await a.post(`/api/projects/${project.id}/unarchive`),
      200,
      C.ProjectEnvelope,
    ).project;
    expect(restored.archivedAt).toBeNull();
    expect(await listIds('')).toContain(project.id);

    const archivedClient = expectStatus(
      await a.post(`/api/clients/${client.id}/archive`),
      200,
      C.ClientEnvelope,
    ).client;
    expect(archivedClient.archivedAt).not.toBeNull();
    expect(await clientIds('')).not.toContain(client.id);
    expect(await clientIds('?includeArchived=true')).toContain(client.id);
    expectStatus(await a.post(`/api/clients/${client.id}/unarchive`), 200, C.ClientEnvelope);
    expect(await clientIds('')).toContain(client.id);

    const activity = await getActivity(a, project.id);
    expect(activity.chainValid).toBe(true);
    expect(activity.entries.map((e) => e.action)).toEqual([
      'project.created',
      'project.updated',
      'project.archived',
      'project.unarchived',
    ]);
  });

  test('revoking access ends the client session and the old code; regenerating issues a working new one', async () => {
    const a = await signUp(app());
    const { project } = await setupProject(a);
    const first = await share(a, project.id);
    const client = await openPortal(app(), { code: first.code });
    expect((await getPortal(client)).project.id).toBe(project.id);

    // Revoke: no replacement.
    expectNoContent(await a.delete(`/api/projects/${project.id}/access`));
    expectError(await client.get('/api/portal/project'), { status: 401 });
    expectError(await client.post('/api/portal/session', { code: first.code }), {
      status: 401,
      code: 'INVALID_ACCESS',
    });
    expectError(await client.post('/api/portal/session', { token: first.token }), {
      status: 401,
      code: 'INVALID_ACCESS',
    });
    expect((await getProject(a, project.id)).project.access.active).toBe(false);

    // Issue again: a different code that works.
    const second = await share(a, project.id);
    expect(second.code).not.toBe(first.code);
    expect(second.token).not.toBe(first.token);
    expectError(await client.post('/api/portal/session', { code: first.code }), {
      status: 401,
      code: 'INVALID_ACCESS',
    });
    const secondClient = await openPortal(app(), { code: second.code });
    expect((await getPortal(secondClient)).project.id).toBe(project.id);

    // Regenerate while a session is open: it ends, the old code and link stop working.
    const third = await share(a, project.id);
    expectError(await secondClient.get('/api/portal/project'), { status: 401 });
    expectError(await secondClient.post('/api/portal/session', { code: second.code }), {
      status: 401,
      code: 'INVALID_ACCESS',
    });
    expectError(await secondClient.post('/api/portal/session', { token: second.token }), {
      status: 401,
      code: 'INVALID_ACCESS',
    });
    const thirdClient = await openPortal(app(), { token: third.token });
    expect((await getPortal(thirdClient)).project.id).toBe(project.id);

    const activity = await getActivity(a, project.id);
    expect(activity.chainValid).toBe(true);
    expect(
      activity.entries
        .map((e) => e.action)
        .filter((x) => x === 'access.issued' || x === 'access.revoked'),
    ).toEqual(['access.issued', 'access.revoked', 'access.issued', 'access.issued']);
  });
});
