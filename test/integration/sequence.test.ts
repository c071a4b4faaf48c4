/**
 * The milestone sequence over HTTP: only the current milestone moves (open → delivered → paid,
 * and paying opens the next), refusals are 409 with a message that says why and change nothing,
 * terms freeze once delivered, a project holds at most MAX_MILESTONES milestones, and milestones
 * can be added and removed while the amounts keep adding up to the total.
 */
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
  getProject,
  milestoneInput,
  milestonesByAmount,
  milestonesByPercent,
  ownerSnapshot,
  paymentBody,
  projectSnapshot,
  recordPayment,
  setupProject,
  signUp,
  useApp,
  type Actor,
  type ApiResponse,
} from './harness';

const sum = (values: readonly number[]) => values.reduce((a, b) => a + b, 0);

/** A 409 whose message explains the refusal (not a bare status text). */
function expectConflict(res: ApiResponse, code: string): void {
  const error = expectError(res, { status: 409, code });
  expect(error.message.length, 'the message says why').toBeGreaterThan(15);
  expect(error.message).not.toMatch(/^conflict$/i);
}

function deliverPath(projectId: string, milestoneId: string): string {
  return `/api/projects/${projectId}/milestones/${milestoneId}/deliver`;
}
function payPath(projectId: string, milestoneId: string): string {
  return `/api/projects/${projectId}/milestones/${milestoneId}/payments`;
}
function milestonePath(projectId: string, milestoneId: string): string {
  return `/api/projects/${projectId}/milestones/${milestoneId}`;
}

function at<T>(items: readonly T[], index: number): T {
  const item = items[index];
  if (item === undefined) throw new Error(`no item at ${index}`);
  return item;
}

async function expectTotalIsSum(a: Actor, projectId: string): Promise<C.ProjectDetail> {
  const detail = await getProject(a, projectId);
  expect(detail.project.totalMinor).toBe(sum(detail.milestones.map((m) => m.amountMinor)));
  expect(detail.milestones.map((m) => m.position)).toEqual(detail.milestones.map((_, i) => i + 1));
  return detail;
}

describe.each(dialects)('milestone sequence on %s', SUITE_TIMEOUT, (dialect) => {
  const app = useApp(dialect);

  test('a locked milestone cannot be delivered or paid, and nothing changes', async () => {
    const a = await signUp(app());
    const { project, milestones } = await setupProject(a);
    const second = at(milestones, 1);
    const before = await projectSnapshot(a, project.id);
    expectConflict(await a.post(deliverPath(project.id, second.id)), 'MILESTONE_LOCKED');
    expectConflict(
      await a.post(payPath(project.id, second.id), paymentBody(second.amountMinor)),
      'MILESTONE_LOCKED',
    );
    expect(await projectSnapshot(a, project.id)).toEqual(before);
  });

  test('delivering twice, paying an open milestone and paying twice are refused with reasons', async () => {
    const a = await signUp(app());
    const { project, milestones } = await setupProject(a);
    const first = at(milestones, 0);

    let before = await projectSnapshot(a, project.id);
    expectConflict(
      await a.post(payPath(project.id, first.id), paymentBody(first.amountMinor)),
      'MILESTONE_NOT_DELIVERED',
    );
    expect(await projectSnapshot(a, project.id)).toEqual(before);

    await deliver(a, project.id, first.id);
    before = await projectSnapshot(a, project.id);
    expectConflict(await a.post(deliverPath(project.id, first.id)), 'MILESTONE_NOT_OPEN');
    expect(await projectSnapshot(a, project.id)).toEqual(before);

    await recordPayment(a, project.id, first);
    before = await projectSnapshot(a, project.id);
    expectConflict(
      await a.post(payPath(project.id, first.id), paymentBody(first.amountMinor)),
      'MILESTONE_ALREADY_PAID',
    );
    expectConflict(await a.post(deliverPath(project.id, first.id)), 'MILESTONE_ALREADY_PAID');
    expect(await projectSnapshot(a, project.id)).toEqual(before);
    const detail = await getProject(a, project.id);
    expect(detail.payments).toHaveLength(1);
    expect(detail.project.paidMinor).toBe(first.amountMinor);
  });

  test('partial payments add up: the milestone is paid once they cover its amount', async () => {
    const a = await signUp(app());
    const { project, milestones } = await setupProject(a, { amounts: [123_45, 500_00] });
    const first = at(milestones, 0);
    await deliver(a, project.id, first.id);
    const part = await a.post(payPath(project.id, first.id), paymentBody(first.amountMinor - 1));
    expect(part.status, JSON.stringify(part.body)).toBe(201);
    let detail = await getProject(a, project.id);
    expect(detail.milestones.map((m) => m.status)).toEqual(['delivered', 'locked']);
    expect(detail.project.paidMinor).toBe(0);
    const rest = await a.post(payPath(project.id, first.id), paymentBody(1));
    expect(rest.status, JSON.stringify(rest.body)).toBe(201);
    detail = await getProject(a, project.id);
    expect(detail.milestones.map((m) => m.status)).toEqual(['paid', 'open']);
    expect(detail.payments.map((p) => p.amountMinor)).toEqual([first.amountMinor - 1, 1]);
    // A paid milestone takes no more payments.
    expectConflict(
      await a.post(payPath(project.id, first.id), paymentBody(1)),
      'MILESTONE_ALREADY_PAID',
    );
  });

  test('concurrent payments for one milestone are credited exactly once', async () => {
    const a = await signUp(app());
    const { project, milestones } = await setupProject(a, { amounts: [250_00, 750_00] });
    const first = at(milestones, 0);
    await deliver(a, project.id, first.id);
    const results = await Promise.all(
      Array.from({ length: 6 }, (_, i) =>
        a.post(
          payPath(project.id, first.id),
          paymentBody(first.amountMinor, { reference: `attempt ${i}` }),
        ),
      ),
    );
    const statuses = results.map((r) => r.status).sort();
    expect(statuses).toEqual([201, 409, 409, 409, 409, 409]);
    const detail = await getProject(a, project.id);
    expect(detail.payments).toHaveLength(1);
    expect(detail.project.paidMinor).toBe(250_00);
    expect(detail.milestones.map((m) => m.status)).toEqual(['paid', 'open']);
    const activity = await getActivity(a, project.id);
    expect(activity.chainValid).toBe(true);
    expect(activity.entries.filter((e) => e.action === 'payment.recorded')).toHaveLength(1);
  });

  test('concurrent deliveries of one milestone succeed exactly once', async () => {
    const a = await signUp(app());
    const { project, milestones } = await setupProject(a);
    const first = at(milestones, 0);
    const results = await Promise.all(
      Array.from({ length: 6 }, () => a.post(deliverPath(project.id, first.id))),
    );
    expect(results.map((r) => r.status).sort()).toEqual([200, 409, 409, 409, 409, 409]);
    const activity = await getActivity(a, project.id);
    expect(activity.chainValid).toBe(true);
    expect(activity.entries.filter((e) => e.action === 'milestone.delivered')).toHaveLength(1);
  });

  test('concurrent appends cannot exceed the milestone limit', async () => {
    const a = await signUp(app());
    const client = await createClient(a);
    const nine = await createProject(a, {
      clientId: client.id,
      milestones: milestonesByAmount(Array.from({ length: 9 }, () => 10_00)),
    });
    const results = await Promise.all(
      Array.from({ length: 4 }, (_, i) =>
        a.post(`/api/projects/${nine.project.id}/milestones`, {
          ...milestoneInput(9 + i),
          amountMinor: 5_00,
        }),
      ),
    );
    expect(results.map((r) => r.status).sort()).toEqual([201, 409, 409, 409]);
    for (const res of results.filter((r) => r.status === 409))
      expectError(res, { status: 409, code: 'MILESTONE_LIMIT' });
    const detail = await expectTotalIsSum(a, nine.project.id);
    expect(detail.milestones).toHaveLength(10);
    expect(detail.project.totalMinor).toBe(95_00);
  });

  test('concurrent edits keep the activity chain whole', async () => {
    const a = await signUp(app());
    const { project, milestones } = await setupProject(a, {
      amounts: [1_00, 2_00, 3_00, 4_00, 5_00],
    });
    const results = await Promise.all(
      milestones.flatMap((m) => [
        a.patch(milestonePath(project.id, m.id), { title: `${m.title} (renamed)` }),
        a.patch(milestonePath(project.id, m.id), { deliverables: `${m.deliverables} (revised)` }),
      ]),
    );
    expect(results.map((r) => r.status)).toEqual(results.map(() => 200));
    const activity = await getActivity(a, project.id);
    expect(activity.chainValid).toBe(true);
    expect(activity.entries.map((e) => e.seq)).toEqual(activity.entries.map((_, i) => i + 1));
    expect(activity.entries.filter((e) => e.action === 'milestone.updated')).toHaveLength(10);
    const detail = await getProject(a, project.id);
    for (const m of detail.milestones) {
      expect(m.title).toMatch(/\(renamed\)$/);
      expect(m.deliverables).toMatch(/\(revised\)$/);
    }
  });

  test('a delivered or paid milestone is frozen: edits and removal are refused and change nothing', async () => {
    const a = await signUp(app());
    const { project, milestones } = await setupProject(a);
    const first = at(milestones, 0);
    const second = at(milestones, 1);
    const edit = {
      title: 'Changed',
      deliverables: 'Changed',
      dueDate: '2027-01-01',
      amountMinor: 1,
    };

    await deliver(a, project.id, first.id);
    let before = await projectSnapshot(a, project.id);
    for (const body of [
      edit,
      { title: 'Changed' },
      { amountMinor: 1 },
      { dueDate: '2027-01-01' },
    ]) {
      expectConflict(await a.patch(milestonePath(project.id, first.id), body), 'MILESTONE_FROZEN');
    }
    expectError(await a.delete(milestonePath(project.id, first.id)), { status: 409 });
    expect(await projectSnapshot(a, project.id)).toEqual(before);

    await recordPayment(a, project.id, first);
    await deliver(a, project.id, second.id);
    before = await projectSnapshot(a, project.id);
    for (const target of [first, second]) {
      expectConflict(await a.patch(milestonePath(project.id, target.id), edit), 'MILESTONE_FROZEN');
      expectError(await a.delete(milestonePath(project.id, target.id)), { status: 409 });
    }
    expect(await projectSnapshot(a, project.id)).toEqual(before);
  });

  test('open and locked milestones can be edited; the total follows the amounts', async () => {
    const a = await signUp(app());
    const { project, milestones } = await setupProject(a, { amounts: [100_00, 200_00, 300_00] });
    const edited = expectStatus(
      await a.patch(milestonePath(project.id, at(milestones, 0).id), {
        title: 'Discovery',
        amountMinor: 150_00,
      }),
      200,
      C.MilestoneEnvelope,
    ).milestone;
    expect(edited).toMatchObject({
      title: 'Discovery',
      amountMinor: 150_00,
      status: 'open',
      position: 1,
    });
    const locked = expectStatus(
      await a.patch(milestonePath(project.id, at(milestones, 2).id), {
        dueDate: '2027-02-28',
        deliverables: 'Launch',
      }),
      200,
      C.MilestoneEnvelope,
    ).milestone;
    expect(locked).toMatchObject({
      dueDate: '2027-02-28',
      deliverables: 'Launch',
      status: 'locked',
    });
    const detail = await expectTotalIsSum(a, project.id);
    expect(detail.project.totalMinor).toBe(650_00);
    const actions = (await getActivity(a, project.id)).entries.map((e) => e.action);
    expect(actions.filter((x) => x === 'milestone.updated')).toHaveLength(2);
  });

  test('the currency can change only while nothing is paid', async () => {
    const a = await signUp(app());
    const { project, milestones } = await setupProject(a);
    const changed = expectStatus(
      await a.patch(`/api/projects/${project.id}`, { currency: 'USD' }),
      200,
      C.ProjectEnvelope,
    );
    expect(changed.project.currency).toBe('USD');
    const first = at(milestones, 0);
    await deliver(a, project.id, first.id);
    const { payment } = await recordPayment(a, project.id, first);
    expect(payment.currency).toBe('USD');
    const before = await projectSnapshot(a, project.id);
    expectConflict(
      await a.patch(`/api/projects/${project.id}`, { currency: 'GBP' }),
      'CURRENCY_LOCKED',
    );
    expect(await projectSnapshot(a, project.id)).toEqual(before);
    // Other fields stay editable.
    const renamed = expectStatus(
      await a.patch(`/api/projects/${project.id}`, { title: 'Still editable' }),
      200,
      C.ProjectEnvelope,
    );
    expect(renamed.project).toMatchObject({ title: 'Still editable', currency: 'USD' });
  });

  test('an 11th milestone is refused with MILESTONE_LIMIT, at creation and when appending', async () => {
    const a = await signUp(app());
    const client = await createClient(a);
    const ten = await createProject(a, {
      clientId: client.id,
      milestones: milestonesByAmount(Array.from({ length: 10 }, () => 10_00)),
    });
    expect(ten.milestones).toHaveLength(10);

    const before = await ownerSnapshot(a);
    expectError(
      await a.post('/api/projects', {
        clientId: client.id,
        title: 'Too long',
        currency: 'EUR',
        milestones: milestonesByAmount(Array.from({ length: 11 }, () => 10_00)),
      }),
      { status: 409, code: 'MILESTONE_LIMIT' },
    );
    expectError(
      await a.post('/api/projects', {
        clientId: client.id,
        title: 'Too long by percent',
        currency: 'EUR',
        totalMinor: 110_00,
        milestones: milestonesByPercent([10, 10, 10, 10, 10, 10, 10, 10, 10, 5, 5]),
      }),
      { status: 409, code: 'MILESTONE_LIMIT' },
    );
    expectError(
      await a.post(`/api/projects/${ten.project.id}/milestones`, {
        ...milestoneInput(10),
        amountMinor: 10_00,
      }),
      { status: 409, code: 'MILESTONE_LIMIT' },
    );
    expect(await ownerSnapshot(a)).toEqual(before);
  });

  test('milestones can be appended and removed; positions, sequence and total stay consistent', async () => {
    const a = await signUp(app());
    const { project, milestones } = await setupProject(a, {
      amounts: [100_00, 200_00, 300_00, 400_00],
    });
    const [m1, m2, m3, m4] = [
      at(milestones, 0),
      at(milestones, 1),
      at(milestones, 2),
      at(milestones, 3),
    ];

    const added = expectStatus(
      await a.post(`/api/projects/${project.id}/milestones`, {
        ...milestoneInput(4),
        amountMinor: 50_00,
      }),
      201,
      C.MilestoneEnvelope,
    ).milestone;
    expect(added).toMatchObject({ position: 5, status: 'locked', amountMinor: 50_00 });
    expect((await expectTotalIsSum(a, project.id)).project.totalMinor).toBe(1_050_00);

    // Removing a locked milestone renumbers the rest.
    expectNoContent(await a.delete(milestonePath(project.id, m3.id)));
    let detail = await expectTotalIsSum(a, project.id);
    expect(detail.milestones.map((m) => m.id)).toEqual([m1.id, m2.id, m4.id, added.id]);
    expect(detail.milestones.map((m) => m.status)).toEqual(['open', 'locked', 'locked', 'locked']);
    expect(detail.project.totalMinor).toBe(750_00);

    // Removing the open milestone opens the next one.
    expectNoContent(await a.delete(milestonePath(project.id, m1.id)));
    detail = await expectTotalIsSum(a, project.id);
    expect(detail.milestones.map((m) => m.id)).toEqual([m2.id, m4.id, added.id]);
    expect(detail.milestones.map((m) => m.status)).toEqual(['open', 'locked', 'locked']);

    // After a payment, removing the open milestone opens the one after it.
    await deliver(a, project.id, m2.id);
    await recordPayment(a, project.id, m2);
    expectNoContent(await a.delete(milestonePath(project.id, m4.id)));
    detail = await expectTotalIsSum(a, project.id);
    expect(detail.milestones.map((m) => m.id)).toEqual([m2.id, added.id]);
    expect(detail.milestones.map((m) => m.status)).toEqual(['paid', 'open']);
    expect(detail.project.paidMinor).toBe(200_00);

    // A removed milestone is gone.
    expectError(await a.delete(milestonePath(project.id, m3.id)), { status: 404 });
    expectError(await a.patch(milestonePath(project.id, m3.id), { title: 'Ghost' }), {
      status: 404,
    });

    const activity = await getActivity(a, project.id);
    expect(activity.chainValid).toBe(true);
    const actions = activity.entries.map((e) => e.action);
    expect(actions.filter((x) => x === 'milestone.removed')).toHaveLength(3);
    expect(actions.filter((x) => x === 'milestone.added')).toHaveLength(1);
  });

  test('the last remaining milestone cannot be removed', async () => {
    const a = await signUp(app());
    const { project, milestones } = await setupProject(a, { amounts: [100_00] });
    const before = await projectSnapshot(a, project.id);
    expectError(await a.delete(milestonePath(project.id, at(milestones, 0).id)), {
      status: 'client',
      code: 'LAST_MILESTONE',
    });
    expect(await projectSnapshot(a, project.id)).toEqual(before);
  });

  test('amounts that do not add up are refused and create nothing', async () => {
    const a = await signUp(app());
    const client = await createClient(a);
    const base = { clientId: client.id, title: 'Bad split', currency: 'EUR' };
    const before = await ownerSnapshot(a);
    const badBodies: Record<string, unknown>[] = [
      { ...base, totalMinor: 100_000, milestones: milestonesByPercent([30, 40, 29.99]) },
      { ...base, totalMinor: 100_000, milestones: milestonesByPercent([30, 40, 30.01]) },
      { ...base, totalMinor: 100_000, milestones: milestonesByPercent([50, 60]) },
      { ...base, totalMinor: 100_000, milestones: milestonesByPercent([100, 0.001]) },
      // Percentages need a total.
      { ...base, milestones: milestonesByPercent([50, 50]) },
      // Explicit amounts must match a given total.
      { ...base, totalMinor: 999, milestones: milestonesByAmount([500, 500]) },
      // One style per project.
      {
        ...base,
        totalMinor: 1_000,
        milestones: [milestoneInput(0, { percent: 50 }), milestoneInput(1, { amountMinor: 500 })],
      },
      // Neither amount nor percent.
      { ...base, totalMinor: 1_000, milestones: [milestoneInput(0)] },
    ];
    for (const body of badBodies) {
      const error = expectError(await a.post('/api/projects', body), { status: 'client' });
      expect(error.field, JSON.stringify(body)).toMatch(/^(milestones|totalMinor)/);
    }
    expect(await ownerSnapshot(a)).toEqual(before);
  });
});

describe.each(dialects)('operator milestone limit on %s', SUITE_TIMEOUT, (dialect) => {
  const app = useApp(dialect, { MAX_MILESTONES: '3' });

  test('MAX_MILESTONES=3 refuses a 4th milestone at creation and when appending', async () => {
    const a = await signUp(app());
    const client = await createClient(a);
    const three = await createProject(a, {
      clientId: client.id,
      milestones: milestonesByAmount([1, 2, 3]),
    });
    const before = await ownerSnapshot(a);
    expectError(
      await a.post('/api/projects', {
        clientId: client.id,
        title: 'Four',
        currency: 'EUR',
        milestones: milestonesByAmount([1, 2, 3, 4]),
      }),
      { status: 409, code: 'MILESTONE_LIMIT' },
    );
    expectError(
      await a.post(`/api/projects/${three.project.id}/milestones`, {
        ...milestoneInput(3),
        amountMinor: 4,
      }),
      { status: 409, code: 'MILESTONE_LIMIT' },
    );
    expect(await ownerSnapshot(a)).toEqual(before);
  });
});
