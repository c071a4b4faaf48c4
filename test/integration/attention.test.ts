/**
 * The dashboard's "needs attention" list (GET /api/attention) on a fixed clock: overdue
 * milestones by the freelancer's own calendar date, delivered milestones waiting for payment,
 * and live projects never shared — never archived or finished projects, never anyone else's.
 */
import { afterEach, describe, expect, test } from 'vitest';
import { z } from 'zod';
import {
  SUITE_TIMEOUT,
  dialects,
  deliver,
  expectError,
  expectStatus,
  recordPayment,
  createClient,
  createProject,
  milestoneInput,
  share,
  signUp,
  useApp,
  Actor,
} from './harness';

const Item = z.object({
  projectId: z.string(),
  projectTitle: z.string(),
  clientName: z.string(),
  currency: z.string(),
  milestoneId: z.string(),
  position: z.number(),
  title: z.string(),
  dueDate: z.string(),
  amountMinor: z.number(),
  deliveredAt: z.string().nullable(),
});
const Attention = z.object({
  today: z.string(),
  overdue: z.array(Item),
  awaitingPayment: z.array(Item),
  neverShared: z.array(
    z.object({
      projectId: z.string(),
      projectTitle: z.string(),
      clientName: z.string(),
      createdAt: z.string(),
    }),
  ),
});

async function attention(actor: Actor) {
  return expectStatus(await actor.get('/api/attention'), 200, Attention);
}

/** A project whose milestones (100, 200, 300 EUR) are due 2031-07-01, 07-15 and 07-29. */
async function lateProject(actor: Actor, title: string) {
  const client = await createClient(actor);
  const created = await createProject(actor, {
    clientId: client.id,
    title,
    milestones: ['2031-07-01', '2031-07-15', '2031-07-29'].map((due, i) =>
      milestoneInput(i, { dueDate: due, amountMinor: (i + 1) * 100_00 }),
    ),
  });
  return { client, project: created.project, milestones: created.milestones };
}

const ids = (items: { milestoneId: string }[]) => items.map((i) => i.milestoneId);

describe.each(dialects)('what needs attention on %s', SUITE_TIMEOUT, (dialect) => {
  const app = useApp(dialect);
  afterEach(() => app().clock.unfreeze());

  test('overdue, waiting for payment and never shared, on the freelancer’s calendar', async () => {
    // The projects' milestones are due 2031-07-01, 07-15 and 07-29.
    app().clock.freeze();
    app().clock.set('2031-07-20T10:00:00.000Z');
    const owner = await signUp(app());
    const other = await signUp(app());

    const empty = await attention(owner);
    expect(empty).toEqual({
      today: '2031-07-20',
      overdue: [],
      awaitingPayment: [],
      neverShared: [],
    });

    // Shared; the first milestone delivered (waiting for payment, not overdue), the second
    // (locked behind it) due on the 15th: overdue.
    const shared = await lateProject(owner, 'Shared');
    const [s1, s2, s3] = shared.milestones;
    if (!s1 || !s2 || !s3) throw new Error('three milestones');
    await share(owner, shared.project.id);
    await deliver(owner, shared.project.id, s1.id);

    // Never shared: both of its past milestones are overdue too.
    const draft = await lateProject(owner, 'Draft');
    const [d1, d2] = draft.milestones;
    if (!d1 || !d2) throw new Error('three milestones');

    // Shared then revoked: it was shared, so it is not a draft any more.
    const revoked = await lateProject(owner, 'Revoked');
    await share(owner, revoked.project.id);
    expect((await owner.delete(`/api/projects/${revoked.project.id}/access`)).status).toBe(204);

    // Archived: out of every list.
    const archived = await lateProject(owner, 'Archived');
    expectStatus(
      await owner.post(`/api/projects/${archived.project.id}/archive`),
      200,
      z.object({}),
    );

    // Someone else's late draft never shows.
    await lateProject(other, 'Not yours');

    const seen = await attention(owner);
    expect(seen.today).toBe('2031-07-20');
    expect(seen.awaitingPayment).toEqual([
      {
        projectId: shared.project.id,
        projectTitle: 'Shared',
        clientName: shared.client.name,
        currency: 'EUR',
        milestoneId: s1.id,
        position: 1,
        title: s1.title,
        dueDate: '2031-07-01',
        amountMinor: 100_00,
        deliveredAt: expect.any(String),
      },
    ]);
    // Earliest due first; the revoked project's are overdue as well.
    const revokedIds = revoked.milestones.slice(0, 2).map((m) => m.id);
    expect(new Set(ids(seen.overdue))).toEqual(new Set([s2.id, d1.id, d2.id, ...revokedIds]));
    expect(seen.overdue.map((i) => i.dueDate)).toEqual([
      '2031-07-01',
      '2031-07-01',
      '2031-07-15',
      '2031-07-15',
      '2031-07-15',
    ]);
    expect(seen.overdue.every((i) => i.dueDate < seen.today)).toBe(true);
    expect(seen.neverShared.map((p) => p.projectTitle)).toEqual(['Draft']);
    expect(seen.neverShared[0]?.clientName).toBe(draft.client.name);

    // Paid: off the waiting list; the next milestone opens, due 07-15, still overdue.
    await recordPayment(owner, shared.project.id, s1);
    const afterPaying = await attention(owner);
    expect(ids(afterPaying.awaitingPayment)).toEqual([]);
    expect(ids(afterPaying.overdue)).toContain(s2.id);

    // Delivered late: waiting for payment rather than overdue.
    await deliver(owner, shared.project.id, s2.id);
    const afterDelivering = await attention(owner);
    expect(ids(afterDelivering.awaitingPayment)).toEqual([s2.id]);
    expect(ids(afterDelivering.overdue)).not.toContain(s2.id);

    // Sharing the draft takes it off the never-shared list.
    await share(owner, draft.project.id);
    expect((await attention(owner)).neverShared).toEqual([]);

    // The other freelancer sees only their own draft.
    const theirs = await attention(other);
    expect(theirs.neverShared.map((p) => p.projectTitle)).toEqual(['Not yours']);
    expect(theirs.overdue).toHaveLength(2);
  });

  test('a due date is overdue from the day after it, where the freelancer is', async () => {
    // Noon UTC on 07-15: still the 15th in UTC, already the 16th in Kiritimati (UTC+14).
    app().clock.freeze();
    app().clock.set('2031-07-15T12:00:00.000Z');
    const owner = await signUp(app());
    const { milestones } = await lateProject(owner, 'Website redesign');
    const [, second] = milestones;
    if (!second) throw new Error('three milestones');

    const utc = await attention(owner);
    expect(utc.today).toBe('2031-07-15');
    expect(ids(utc.overdue)).not.toContain(second.id);

    const zoned = await owner.put('/api/settings', {
      name: 'Fiona Freelancer',
      businessName: '',
      paymentInstructions: '',
      timeZone: 'Pacific/Kiritimati',
    });
    expect(zoned.status).toBe(200);
    const east = await attention(owner);
    expect(east.today).toBe('2031-07-16');
    expect(ids(east.overdue)).toContain(second.id);
  });

  test('needs a freelancer’s session', async () => {
    const anonymous = new Actor(app().url, 'anonymous');
    expectError(await anonymous.get('/api/attention'), { status: 401, code: 'UNAUTHENTICATED' });
  });
});
