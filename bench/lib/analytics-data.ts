/**
 * Fast, realistic analytics data for bench/analytics.ts (and its smoke test): one freelancer's
 * clients, projects (1–10 milestones, types and budgets as in seed:demo), deliveries early and
 * late, payments by card and transfer with delays, partial payments, refunds, archived projects,
 * costs and hours — written as multi-row inserts in transactions, not through the actions (which
 * take minutes per ten thousand projects). Values come from a seeded generator, so a seed and a
 * day give the same figures; ids are random. The owner's pre-summed analytics are rebuilt at the
 * end (rebuildOwnerSums), as for any data written around the actions.
 */
import { randomUUID } from 'node:crypto';
import type { Insertable, Kysely } from 'kysely';
import { PROJECT_TYPES, TYPE_BUDGET, splitHundred } from '../../src/cli/demo-data';
import { readAnalytics, type Analytics } from '../../src/actions/read-analytics';
import { rebuildOwnerSums } from '../../src/db/queries/analytics-sums';
import type { Clock } from '../../src/domain/clock';
import { COST_CATEGORIES, type DB } from '../../src/db/schema';

const DAY = 86_400_000;
/** Rows per INSERT: well under both dialects' bound-parameter limits (milestones: 15 columns). */
const BATCH = 1_000;

export interface OwnerCounts {
  clients: number;
  projects: number;
  milestones: number;
  payments: number;
  refunds: number;
  costs: number;
}

/** mulberry32: small, fast and good enough to make varied data reproducibly. */
export function seededRandom(seed: number): (max: number) => number {
  let a = seed >>> 0;
  return (max: number) => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    const unit = ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
    return Math.floor(unit * max);
  };
}

/** A freelancer account for the bench (no one logs in as it: the password hash is a dummy). */
export async function createBenchOwner(
  db: Kysely<DB>,
  email: string,
  timeZone: string,
): Promise<string> {
  const id = randomUUID();
  const at = new Date().toISOString();
  await db
    .insertInto('users')
    .values({
      id,
      email,
      password_hash: 'bench-no-login',
      name: 'Bench Freelancer',
      business_name: '',
      payment_instructions: '',
      time_zone: timeZone,
      created_at: at,
      updated_at: at,
    })
    .execute();
  return id;
}

const iso = (ms: number): string => new Date(ms).toISOString();
const date = (ms: number): string => iso(ms).slice(0, 10);

type Rows = {
  clients: Insertable<DB['clients']>[];
  projects: Insertable<DB['projects']>[];
  milestones: Insertable<DB['milestones']>[];
  payments: Insertable<DB['payments']>[];
  project_costs: Insertable<DB['project_costs']>[];
};

let referenceCounter = 0;

/**
 * Adds `projects` projects of two years' history up to `now` to the owner, with a client for
 * every three projects (so some clients come back).
 */
export async function fillOwner(
  db: Kysely<DB>,
  options: { ownerId: string; projects: number; seed: number; now: Date },
): Promise<OwnerCounts> {
  const random = seededRandom(options.seed);
  const chance = (percent: number) => random(100) < percent;
  const nowMs = options.now.getTime();
  const counts: OwnerCounts = {
    clients: 0,
    projects: 0,
    milestones: 0,
    payments: 0,
    refunds: 0,
    costs: 0,
  };
  const clientIds: string[] = [];
  const clientCount = Math.max(1, Math.round(options.projects / 3));
  const tag = randomUUID().slice(0, 8);
  let rows: Rows = emptyRows();

  for (let k = 0; k < clientCount; k++) {
    const id = randomUUID();
    clientIds.push(id);
    const at = iso(nowMs - 800 * DAY);
    rows.clients.push({
      id,
      owner_id: options.ownerId,
      name: `Client ${k + 1}`,
      email: `client-${tag}-${k + 1}@bench.example`,
      company: '',
      archived_at: null,
      created_at: at,
      updated_at: at,
    });
    counts.clients += 1;
  }

  for (let i = 0; i < options.projects; i++) {
    const projectId = randomUUID();
    const type = PROJECT_TYPES[random(PROJECT_TYPES.length)] ?? 'Website';
    const roll = random(100);
    const currency = roll < 85 ? 'EUR' : roll < 95 ? 'USD' : 'GBP';
    const [low, high] = TYPE_BUDGET[type];
    const totalMinor = (low + random(high - low + 1)) * 100;
    const createdMs = nowMs - random(730 * DAY);
    const count = 1 + random(10);
    const parts = splitHundred(count, random);
    let dueMs = createdMs;
    let allDelivered = true;
    let allPaid = true;
    let lastMs = createdMs;
    let opened = false;
    let projectPaidMinor = 0;
    let allotted = 0;
    for (let j = 0; j < count; j++) {
      const amountMinor =
        j === count - 1
          ? totalMinor - allotted
          : Math.round((totalMinor * (parts[j] ?? 0)) / 100 / 100) * 100;
      allotted += amountMinor;
      dueMs += (7 + random(35)) * DAY;
      const deliveredMs: number = allDelivered
        ? dueMs + (random(26) - 10) * DAY + random(DAY)
        : Infinity;
      const delivered: boolean = deliveredMs <= nowMs;
      allDelivered &&= delivered;
      let status: 'locked' | 'open' | 'delivered' | 'paid' = 'locked';
      let paidAt: string | null = null;
      const milestoneId = randomUUID();
      if (delivered) {
        lastMs = Math.max(lastMs, deliveredMs);
        status = 'delivered';
        const paidMs = deliveredMs + random(46) * DAY + random(DAY);
        if (chance(85) && paidMs <= nowMs) {
          status = 'paid';
          paidAt = iso(paidMs);
          const card = chance(40);
          rows.payments.push(
            payment(projectId, milestoneId, currency, amountMinor, paidMs, card, 'payment'),
          );
          projectPaidMinor += amountMinor;
          counts.payments += 1;
          const refundMs = paidMs + (1 + random(20)) * DAY;
          if (chance(3) && refundMs <= nowMs) {
            const refund = Math.round((amountMinor * (10 + random(40))) / 100);
            rows.payments.push(
              payment(projectId, milestoneId, currency, refund, refundMs, card, 'refund'),
            );
            projectPaidMinor -= refund;
            counts.refunds += 1;
          }
        } else if (chance(50)) {
          // Part of it arrived by transfer; the rest is outstanding.
          const partMs = Math.min(nowMs, deliveredMs + random(20) * DAY);
          const part = Math.round((amountMinor * (30 + random(41))) / 100);
          rows.payments.push(
            payment(projectId, milestoneId, currency, part, partMs, false, 'payment'),
          );
          projectPaidMinor += part;
          counts.payments += 1;
        }
      } else if (!opened) {
        status = 'open';
        opened = true;
      }
      if (status !== 'paid') allPaid = false;
      rows.milestones.push({
        id: milestoneId,
        project_id: projectId,
        position: j + 1,
        title: `Milestone ${j + 1}`,
        deliverables: '',
        due_date: date(dueMs),
        amount_minor: amountMinor,
        status,
        delivered_at: delivered ? iso(deliveredMs) : null,
        paid_at: paidAt,
        approved_at: paidAt,
        payment_reference: `BN-${(referenceCounter++).toString(36).toUpperCase()}`,
        created_at: iso(createdMs),
        updated_at: iso(createdMs),
      });
      counts.milestones += 1;
    }
    if (chance(45)) {
      for (let c = 0, n = 1 + random(3); c < n; c++) {
        const spentMs = Math.min(nowMs, createdMs + random(Math.max(1, lastMs - createdMs)));
        rows.project_costs.push({
          id: randomUUID(),
          project_id: projectId,
          amount_minor: Math.round((totalMinor * (2 + random(20))) / 100),
          currency,
          spent_on: date(spentMs),
          note: '',
          category: COST_CATEGORIES[random(COST_CATEGORIES.length)] ?? 'other',
          created_at: iso(spentMs),
          updated_at: iso(spentMs),
        });
        counts.costs += 1;
      }
    }
    const hourlyMajor = 40 + random(81);
    rows.projects.push({
      id: projectId,
      owner_id: options.ownerId,
      // Every client has a first project; later ones go to any client (some come back).
      client_id: clientIds[i < clientIds.length ? i : random(clientIds.length)] ?? '',
      title: `${type} ${i + 1}`,
      currency,
      project_type: type,
      tags: '[]',
      description: '',
      status: allPaid ? 'complete' : 'active',
      archived_at: createdMs < nowMs - 400 * DAY && chance(10) ? iso(lastMs + DAY) : null,
      terms_accepted_at: iso(createdMs),
      hours_minutes: chance(55) ? Math.round((projectPaidMinor / 100 / hourlyMajor) * 60) : null,
      created_at: iso(createdMs),
      updated_at: iso(lastMs),
    });
    counts.projects += 1;
    if (rows.milestones.length >= 20 * BATCH) {
      await write(db, rows);
      rows = emptyRows();
    }
  }
  await write(db, rows);
  // Written around the actions, like data from before the pre-summed analytics: sum the owner
  // from scratch at once (the bench measures the dashboard, not the rebuild).
  await db.transaction().execute((trx) => rebuildOwnerSums(trx, options.ownerId));
  return counts;
}

function payment(
  projectId: string,
  milestoneId: string,
  currency: string,
  amountMinor: number,
  atMs: number,
  card: boolean,
  kind: 'payment' | 'refund',
): Insertable<DB['payments']> {
  // A person types the day a transfer arrived, after it arrived; Stripe's money is stamped.
  const recordedMs = card ? atMs : atMs + random8h(atMs);
  return {
    id: randomUUID(),
    project_id: projectId,
    milestone_id: milestoneId,
    amount_minor: amountMinor,
    currency,
    method: card ? 'card' : 'bank_transfer',
    reference: '',
    received_on: date(atMs),
    recorded_by: card ? 'stripe' : 'owner',
    kind,
    source: card ? 'stripe' : 'offline',
    status: 'credited',
    external_id: card ? `bench_${randomUUID()}` : null,
    payment_intent: null,
    livemode: card ? 0 : null,
    created_at: iso(recordedMs),
  };
}

const random8h = (ms: number) => (ms % 8) * 3_600_000;

const emptyRows = (): Rows => ({
  clients: [],
  projects: [],
  milestones: [],
  payments: [],
  project_costs: [],
});

async function write(db: Kysely<DB>, rows: Rows): Promise<void> {
  await db.transaction().execute(async (trx) => {
    for (const table of [
      'clients',
      'projects',
      'milestones',
      'payments',
      'project_costs',
    ] as const) {
      const all = rows[table];
      for (let i = 0; i < all.length; i += BATCH) {
        // The union of the five row types: each batch goes to its own table.
        await trx
          .insertInto(table)
          .values(all.slice(i, i + BATCH) as never)
          .execute();
      }
    }
  });
}

/** The dashboard's figures, as GET /api/analytics computes them (default period, top currency). */
export function dashboard(db: Kysely<DB>, ownerId: string, clock: Clock): Promise<Analytics> {
  return readAnalytics({ db, clock, ownerId });
}
