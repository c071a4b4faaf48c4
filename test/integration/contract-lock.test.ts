/**
 * After acceptance, nothing changes silently (issue #11): once the client accepted a version of
 * the contract, a direct change to anything the contract says — a milestone's title, amount, due
 * date or deliverables, adding or removing a milestone, the project's title or currency — is
 * refused with 409 CHANGE_ORDER_REQUIRED and changes nothing; text the contract does not contain
 * (description, tags, type) still changes directly and lands in the activity. Paid milestones
 * never change, accepted contract or not.
 */
import { describe, expect, test } from 'vitest';
import { z } from 'zod';
import { acceptCurrentContract } from './change-order-support';
import {
  SUITE_TIMEOUT,
  deliver,
  dialects,
  expectError,
  expectStatus,
  getActivity,
  openPortal,
  projectSnapshot,
  recordPayment,
  setupProject,
  share,
  signUp,
  useApp,
} from './harness';

describe.each(dialects)('the contract lock on %s', SUITE_TIMEOUT, (dialect) => {
  const app = useApp(dialect);

  async function acceptedProject() {
    const freelancer = await signUp(app());
    const fixture = await setupProject(freelancer, { amounts: [240_000, 390_000] });
    const access = await share(freelancer, fixture.project.id);
    const client = await openPortal(app(), { code: access.code });
    return { ...fixture, freelancer, client };
  }

  test('before acceptance milestones change directly; after it every contractual change is refused and nothing changes', async () => {
    const { freelancer, client, project, milestones } = await acceptedProject();
    const [, second] = milestones;
    if (!second) throw new Error('two milestones expected');
    const base = `/api/projects/${project.id}/milestones`;
    expectStatus(
      await freelancer.patch(`${base}/${second.id}`, { amountMinor: 400_000 }),
      200,
      z.unknown(),
    );
    await acceptCurrentContract(client);

    const before = await projectSnapshot(freelancer, project.id);
    const refusals = [
      await freelancer.patch(`${base}/${second.id}`, { amountMinor: 390_000 }),
      await freelancer.patch(`${base}/${second.id}`, { dueDate: '2027-01-31' }),
      await freelancer.patch(`${base}/${second.id}`, { deliverables: 'More, for free' }),
      await freelancer.patch(`${base}/${second.id}`, { title: 'Another thing' }),
      await freelancer.post(base, {
        title: 'Extra',
        deliverables: '',
        dueDate: '2027-02-01',
        amountMinor: 10_000,
      }),
      await freelancer.delete(`${base}/${second.id}`),
      await freelancer.patch(`/api/projects/${project.id}`, { title: 'Renamed' }),
      await freelancer.patch(`/api/projects/${project.id}`, { currency: 'USD' }),
      await freelancer.patch(`${base}/${second.id}`, { revisionRounds: 5 }),
      await freelancer.patch(`${base}/${second.id}`, { isDeposit: true }),
      await freelancer.patch(`/api/projects/${project.id}`, { reviewWindowDays: 30 }),
    ];
    for (const res of refusals) {
      const error = expectError(res, { status: 409, code: 'CHANGE_ORDER_REQUIRED' });
      expect(error.message).toMatch(/change order/);
    }
    expect(await projectSnapshot(freelancer, project.id)).toEqual(before);

    // Sending the values as they stand is no change, and is answered as before.
    expectStatus(
      await freelancer.patch(`${base}/${second.id}`, {
        amountMinor: 400_000,
        title: second.title,
        deliverables: second.deliverables,
        dueDate: second.dueDate,
      }),
      200,
      z.unknown(),
    );
  });

  test('text outside the contract still changes directly and lands in the activity', async () => {
    const { freelancer, client, project } = await acceptedProject();
    await acceptCurrentContract(client);
    expectStatus(
      await freelancer.patch(`/api/projects/${project.id}`, {
        description: 'Internal: the client prefers calls on Fridays',
        tags: ['branding', 'priority'],
        projectType: 'Design',
      }),
      200,
      z.unknown(),
    );
    const updated = (await getActivity(freelancer, project.id)).entries.find(
      (e) => e.action === 'project.updated',
    );
    expect(updated?.details).toMatchObject({
      changes: {
        description: 'Internal: the client prefers calls on Fridays',
        tags: JSON.stringify(['branding', 'priority']),
      },
    });
  });

  test('a paid milestone never changes (MILESTONE_FROZEN before any contract rule)', async () => {
    const freelancer = await signUp(app());
    const { project, milestones } = await setupProject(freelancer, { amounts: [100_00, 200_00] });
    const [first] = milestones;
    if (!first) throw new Error('a milestone expected');
    await deliver(freelancer, project.id, first.id);
    await recordPayment(freelancer, project.id, first);
    const base = `/api/projects/${project.id}/milestones/${first.id}`;
    const before = await projectSnapshot(freelancer, project.id);
    expectError(await freelancer.patch(base, { amountMinor: 1 }), {
      status: 409,
      code: 'MILESTONE_FROZEN',
    });
    expectError(await freelancer.patch(base, { title: 'Renamed' }), {
      status: 409,
      code: 'MILESTONE_FROZEN',
    });
    expectError(await freelancer.delete(base), { status: 409, code: 'MILESTONE_FROZEN' });
    expect(await projectSnapshot(freelancer, project.id)).toEqual(before);
  });
});
