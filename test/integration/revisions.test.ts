/**
 * Deposits, approval and revisions (issue #11) over HTTP: the contract's numbers (deposit flag,
 * included revision rounds, review window) are set and validated on create and edit.
 */
import { describe, expect, test } from 'vitest';
import { z } from 'zod';
import * as C from './contract';
import {
  SUITE_TIMEOUT,
  createClient,
  dialects,
  expectError,
  expectStatus,
  milestoneInput,
  signUp,
  useApp,
  type Actor,
} from './harness';

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
