/**
 * A small fixed data set for the analytics suite, written straight into the database with fixed
 * timestamps (the HTTP flow stamps deliveries and payments with the present). The expected
 * figures in analytics.test.ts are computed by hand from this file: change one, change both.
 * Like data from before the pre-summed analytics, the owner's sums are rebuilt after it.
 */
import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import { rebuildOwnerSums } from '../../src/db/queries/analytics-sums';
import type { CostCategory, DB } from '../../src/db/schema';
import type { MilestoneStatus } from '../../src/domain/milestone-sequence';

export interface FixtureMilestone {
  amount: number;
  due: string;
  status: MilestoneStatus;
  deliveredAt?: string;
  paidAt?: string;
  money?: {
    kind?: 'payment' | 'refund';
    amount: number;
    receivedOn: string;
    source?: 'offline' | 'stripe';
    createdAt?: string;
    flagged?: boolean;
  }[];
}

export interface FixtureProject {
  key: string;
  client: string;
  type: string;
  currency?: string;
  createdAt: string;
  archivedAt?: string;
  hoursMinutes?: number;
  milestones: FixtureMilestone[];
  costs?: { amount: number; on: string; category: CostCategory }[];
}

let references = 0;

/** Writes clients (by name) and projects for `ownerId`; returns project ids by key. */
export async function insertFixture(
  db: Kysely<DB>,
  ownerId: string,
  projects: readonly FixtureProject[],
): Promise<Map<string, string>> {
  const clients = new Map<string, string>();
  const ids = new Map<string, string>();
  const at = '2023-01-01T00:00:00.000Z';
  for (const p of projects) {
    let clientId = clients.get(p.client);
    if (clientId === undefined) {
      clientId = randomUUID();
      clients.set(p.client, clientId);
      await db
        .insertInto('clients')
        .values({
          id: clientId,
          owner_id: ownerId,
          name: p.client,
          email: `${p.client.toLowerCase()}-${clientId.slice(0, 8)}@example.test`,
          company: '',
          archived_at: null,
          created_at: at,
          updated_at: at,
        })
        .execute();
    }
    const projectId = randomUUID();
    ids.set(p.key, projectId);
    const complete = p.milestones.every((m) => m.status === 'paid');
    await db
      .insertInto('projects')
      .values({
        id: projectId,
        owner_id: ownerId,
        client_id: clientId,
        title: `Project ${p.key}`,
        currency: p.currency ?? 'EUR',
        project_type: p.type,
        tags: '[]',
        description: '',
        status: complete ? 'complete' : 'active',
        archived_at: p.archivedAt ?? null,
        terms_accepted_at: null,
        access_code_hash: null,
        access_token_hash: null,
        access_created_at: null,
        hours_minutes: p.hoursMinutes ?? null,
        created_at: p.createdAt,
        updated_at: p.createdAt,
      })
      .execute();
    for (const [i, m] of p.milestones.entries()) {
      const milestoneId = randomUUID();
      references += 1;
      await db
        .insertInto('milestones')
        .values({
          id: milestoneId,
          project_id: projectId,
          position: i + 1,
          title: `Milestone ${i + 1}`,
          deliverables: '',
          due_date: m.due,
          amount_minor: m.amount,
          status: m.status,
          delivered_at: m.deliveredAt ?? null,
          paid_at: m.paidAt ?? null,
          payment_reference: `MP-T${String(references).padStart(5, '0')}${randomUUID().slice(0, 4)}`,
          created_at: p.createdAt,
          updated_at: p.createdAt,
        })
        .execute();
      for (const money of m.money ?? []) {
        await db
          .insertInto('payments')
          .values({
            id: randomUUID(),
            project_id: projectId,
            milestone_id: milestoneId,
            amount_minor: money.amount,
            currency: p.currency ?? 'EUR',
            method: money.source === 'stripe' ? 'card' : 'bank_transfer',
            reference: 'FIXTURE',
            received_on: money.receivedOn,
            recorded_by: ownerId,
            kind: money.kind ?? 'payment',
            source: money.source ?? 'offline',
            status: money.flagged === true ? 'flagged' : 'credited',
            external_id: null,
            payment_intent: null,
            livemode: null,
            created_at: money.createdAt ?? `${money.receivedOn}T12:00:00.000Z`,
          })
          .execute();
      }
    }
    for (const c of p.costs ?? []) {
      await db
        .insertInto('project_costs')
        .values({
          id: randomUUID(),
          project_id: projectId,
          amount_minor: c.amount,
          currency: p.currency ?? 'EUR',
          spent_on: c.on,
          note: '',
          category: c.category,
          created_at: at,
          updated_at: at,
        })
        .execute();
    }
  }
  // Written around the actions, like data from before the sums: sum the owner anew.
  await db.transaction().execute((trx) => rebuildOwnerSums(trx, ownerId));
  return ids;
}

/** The suite's data set (see the hand computation in analytics.test.ts). */
export const FIXTURE: FixtureProject[] = [
  {
    key: 'P1',
    client: 'Acme',
    type: 'web',
    createdAt: '2023-12-10T10:00:00.000Z',
    hoursMinutes: 600,
    milestones: [
      {
        amount: 100000,
        due: '2024-01-31',
        status: 'paid',
        // 00:30 on 1 February in Berlin: late there, on time in UTC.
        deliveredAt: '2024-01-31T23:30:00.000Z',
        paidAt: '2024-02-05T09:00:00.000Z',
        money: [{ amount: 100000, receivedOn: '2024-02-05' }],
      },
      {
        amount: 50000,
        due: '2024-02-29',
        status: 'paid',
        deliveredAt: '2024-02-29T22:59:00.000Z',
        // A Stripe payment at 00:30 on 1 March in Berlin (Stripe's rows carry the UTC date).
        paidAt: '2024-02-29T23:30:00.000Z',
        money: [
          {
            amount: 50000,
            receivedOn: '2024-02-29',
            source: 'stripe',
            createdAt: '2024-02-29T23:30:00.000Z',
          },
        ],
      },
    ],
    costs: [{ amount: 20000, on: '2024-02-10', category: 'software' }],
  },
  {
    key: 'P2',
    client: 'Acme',
    type: 'web',
    createdAt: '2024-02-15T12:00:00.000Z',
    milestones: [
      {
        amount: 80000,
        due: '2024-03-31',
        status: 'paid',
        deliveredAt: '2024-03-10T10:00:00.000Z',
        // Paid in two parts, in full before its due date, then 100.00 given back.
        paidAt: '2024-03-20T10:00:00.000Z',
        money: [
          { amount: 30000, receivedOn: '2024-03-12' },
          { amount: 50000, receivedOn: '2024-03-20' },
          { kind: 'refund', amount: 10000, receivedOn: '2024-03-25' },
        ],
      },
      {
        amount: 40000,
        due: '2024-04-15',
        status: 'open',
        money: [
          {
            amount: 12345,
            receivedOn: '2024-03-15',
            source: 'stripe',
            createdAt: '2024-03-15T10:00:00.000Z',
            flagged: true,
          },
        ],
      },
    ],
    costs: [
      { amount: 5000, on: '2024-03-05', category: 'travel' },
      { amount: 3000, on: '2024-04-02', category: 'other' },
    ],
  },
  {
    key: 'P3',
    client: 'Bolt',
    type: 'design',
    createdAt: '2024-01-20T09:00:00.000Z',
    archivedAt: '2024-03-30T00:00:00.000Z',
    hoursMinutes: 120,
    milestones: [
      {
        amount: 30000,
        due: '2024-01-25',
        status: 'delivered',
        deliveredAt: '2024-01-28T12:00:00.000Z',
        money: [{ amount: 10000, receivedOn: '2024-02-01' }],
      },
    ],
  },
  {
    key: 'P6',
    client: 'Bolt',
    type: 'design',
    createdAt: '2024-03-05T10:00:00.000Z',
    milestones: [
      {
        amount: 25000,
        due: '2024-03-20',
        status: 'delivered',
        deliveredAt: '2024-03-18T10:00:00.000Z',
      },
      { amount: 15000, due: '2024-04-30', status: 'locked' },
    ],
  },
  {
    key: 'P7',
    client: 'Dune',
    type: 'design',
    createdAt: '2024-02-20T10:00:00.000Z',
    hoursMinutes: 300,
    milestones: [
      {
        amount: 60000,
        due: '2024-02-21',
        status: 'paid',
        deliveredAt: '2024-02-22T10:00:00.000Z',
        paidAt: '2024-02-23T08:00:00.000Z',
        money: [{ amount: 60000, receivedOn: '2024-02-23' }],
      },
    ],
    costs: [{ amount: 7000, on: '2024-02-25', category: 'subcontractor' }],
  },
  {
    key: 'P8',
    client: 'Echo',
    type: 'web',
    // 00:30 on 1 April in Berlin: after a period ending in March there, inside it in UTC.
    createdAt: '2024-03-31T22:30:00.000Z',
    milestones: [{ amount: 10000, due: '2024-05-31', status: 'open' }],
  },
  {
    key: 'P4',
    client: 'Cove',
    type: '',
    currency: 'USD',
    createdAt: '2024-01-05T10:00:00.000Z',
    milestones: [
      {
        amount: 99900,
        due: '2024-01-09',
        status: 'paid',
        deliveredAt: '2024-01-10T10:00:00.000Z',
        paidAt: '2024-01-15T10:00:00.000Z',
        money: [{ amount: 99900, receivedOn: '2024-01-15' }],
      },
    ],
  },
  {
    key: 'P5',
    client: 'Cove',
    type: 'web',
    currency: 'GBP',
    createdAt: '2024-03-01T10:00:00.000Z',
    milestones: [{ amount: 5000, due: '2024-04-01', status: 'open' }],
  },
];

/** Another freelancer's project: none of it may show in the first one's figures. */
export const OTHER_FREELANCER: FixtureProject[] = [
  {
    key: 'G1',
    client: 'Acme',
    type: 'web',
    createdAt: '2024-02-01T10:00:00.000Z',
    hoursMinutes: 60,
    milestones: [
      {
        amount: 777700,
        due: '2024-02-10',
        status: 'paid',
        deliveredAt: '2024-02-02T10:00:00.000Z',
        paidAt: '2024-02-03T10:00:00.000Z',
        money: [{ amount: 777700, receivedOn: '2024-02-03' }],
      },
    ],
    costs: [{ amount: 1000, on: '2024-02-04', category: 'equipment' }],
  },
];
