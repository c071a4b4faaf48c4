/**
 * A realistic, reproducible data set for one demo freelancer, written through the actions (so
 * every row is one the app could have made): clients, projects of 1–10 milestones over the last
 * two years, deliveries early and late, payments by card and by transfer with delays, partial
 * payments, refunds, archived projects and chat. Every event runs at its own moment on an
 * injected clock, in time order across all projects, so activity chains, receipts and chat
 * sequences read as they would have happened.
 */
import { rebuildOwnerSums } from '../db/queries/analytics-sums';
import { Faker, de, en, base } from '@faker-js/faker';
import { randomUUID } from 'node:crypto';
import type { Config } from '../config';
import { createClient } from '../actions/manage-clients';
import { createProject } from '../actions/create-project';
import { creditPayment } from '../actions/credit-payment';
import { deliverMilestone } from '../actions/deliver-milestone';
import { findMilestone, lockProjectForChange } from '../actions/locked-project';
import { recordOfflinePayment, type OfflineMethod } from '../actions/record-offline-payment';
import { recordRefund } from '../actions/record-refund';
import { sendMessage } from '../actions/send-message';
import { signUp } from '../actions/sign-up';
import { addCost } from '../actions/manage-project-costs';
import { updateProject } from '../actions/update-project';
import type { PasswordHasher } from '../auth/passwords';
import { newId } from '../db/ids';
import { listMilestones } from '../db/queries/milestones';
import { findUserByEmail } from '../db/queries/users';
import { COST_CATEGORIES, type DB, type PaymentRow } from '../db/schema';
import type { Kysely } from 'kysely';
import { todayIn } from '../domain/calendar';
import type { Clock } from '../domain/clock';
import { AppError } from '../domain/errors';
import type { StreamAnnouncer } from '../events/stream-bus';

export interface DemoOptions {
  db: Kysely<DB>;
  config: Config;
  passwords: PasswordHasher;
  events: StreamAnnouncer;
  projects: number;
  seed: number;
  email: string;
  password: string;
  name: string;
  timeZone: string;
  /** The present of the data set: history runs up to it, open work beyond it. */
  now: Date;
}

export interface DemoSummary {
  userId: string;
  clients: number;
  projects: number;
  milestones: number;
  deliveries: number;
  payments: number;
  refunds: number;
  messages: number;
  archived: number;
  /** Cost entries, and projects with their hours recorded. */
  costs: number;
  hours: number;
}

const DAY = 86_400_000;

export const PROJECT_TYPES = [
  'Website',
  'Branding',
  'Mobile app',
  'Copywriting',
  'SEO audit',
  'Illustration',
] as const;

/** Typical rate per project type (major units), so profit by type differs as it would. */
export const TYPE_BUDGET: Record<(typeof PROJECT_TYPES)[number], [number, number]> = {
  Website: [2_000, 18_000],
  Branding: [1_500, 9_000],
  'Mobile app': [8_000, 40_000],
  Copywriting: [300, 3_000],
  'SEO audit': [800, 4_000],
  Illustration: [400, 5_000],
};

/** What a freelancer pays for on a project, by category. */
const COST_NOTES: Record<(typeof COST_CATEGORIES)[number], readonly string[]> = {
  subcontractor: ['Developer for the back end', 'Copy editing', 'Photographer', 'Translation'],
  software: ['Font licence', 'Stock photos', 'Design tool seat', 'Hosting for the staging site'],
  travel: ['Train to the kick-off', 'Workshop travel', 'Hotel for the on-site day'],
  equipment: ['Test phone', 'Drawing tablet pen'],
  other: ['Printing', 'Courier'],
};

const MILESTONE_NAMES = [
  'Discovery and brief',
  'Deposit',
  'Wireframes',
  'First design round',
  'Design revisions',
  'Content',
  'Build',
  'Testing',
  'Launch',
  'Handover and training',
  'Final files',
];

const FREELANCER_LINES = [
  'Here is the first draft, let me know what you think.',
  'I uploaded the files for this milestone.',
  'Quick reminder: the invoice for this milestone is due next week.',
  'Thanks for the payment, starting on the next step now.',
  'Could you send me the logo in a vector format?',
  'I moved the launch by two days, the hosting was not ready.',
];

const CLIENT_LINES = [
  'Looks great, thank you!',
  'Can we make the headline a bit larger?',
  'Payment is on its way.',
  'We love it. The team has a few small notes, sending them tomorrow.',
  'Is Thursday still realistic for the delivery?',
  'Paid by transfer this morning.',
];

interface DemoEvent {
  at: number;
  order: number;
  run: () => Promise<void>;
}

interface PlannedMilestone {
  dueDate: string;
  deliveredAt: number | undefined;
  payments: { at: number; share: number; card: boolean }[];
}

function isoDate(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/** Writes the data set; returns what it made. Refuses an email that already has an account. */
export async function seedDemo(options: DemoOptions): Promise<DemoSummary> {
  const { db, config, events } = options;
  const faker = new Faker({ locale: [en, base] });
  const fakerDe = new Faker({ locale: [de, en, base] });
  faker.seed(options.seed);
  fakerDe.seed(options.seed + 1);
  const pick = <T>(items: readonly T[]): T => faker.helpers.arrayElement(items);
  const chance = (p: number) => faker.number.float({ min: 0, max: 1 }) < p;
  const now = options.now.getTime();
  const start = now - 730 * DAY;

  if (await findUserByEmail(db, options.email.trim().toLowerCase())) {
    throw new AppError(
      'CONFLICT',
      `${options.email} already has an account: choose another with --email`,
      { field: 'email' },
    );
  }

  let current = start - 30 * DAY;
  const clock: Clock = { now: () => new Date(current) };
  const context = { db, config, clock };
  const { user } = await signUp({
    ...context,
    passwords: options.passwords,
    email: options.email,
    password: options.password,
    name: options.name,
    ip: '127.0.0.1',
    timeZone: options.timeZone,
    locale: 'en',
  });
  const ownerId = user.id;
  const today = (at: number) => todayIn(options.timeZone, new Date(at));

  const summary: DemoSummary = {
    userId: ownerId,
    clients: 0,
    projects: 0,
    milestones: 0,
    deliveries: 0,
    payments: 0,
    refunds: 0,
    messages: 0,
    archived: 0,
    costs: 0,
    hours: 0,
  };

  // Clients: a few regulars who come back, and many who come once.
  const clientCount = Math.max(2, Math.round(options.projects * 0.45));
  const clients = Array.from({ length: clientCount }, () => {
    const german = chance(0.3);
    const f = german ? fakerDe : faker;
    const first = f.person.firstName();
    const last = f.person.lastName();
    return {
      id: undefined as string | undefined,
      fields: {
        name: `${first} ${last}`,
        email: f.internet.email({ firstName: first, lastName: last, provider: 'example.com' }),
        company: f.company.name(),
        locale: german ? ('de' as const) : ('en' as const),
      },
    };
  });
  const regulars = Math.max(1, Math.round(clientCount * 0.25));

  const queue: DemoEvent[] = [];
  let order = 0;
  const at = (ms: number, run: () => Promise<void>) => queue.push({ at: ms, order: order++, run });

  for (let p = 0; p < options.projects; p++) {
    const client = chance(0.5)
      ? clients[faker.number.int({ min: 0, max: regulars - 1 })]
      : pick(clients);
    if (!client) continue;
    const type = pick(PROJECT_TYPES);
    const [low, high] = TYPE_BUDGET[type];
    const currency = faker.helpers.weightedArrayElement([
      { weight: 7, value: 'EUR' },
      { weight: 2, value: 'USD' },
      { weight: 1, value: 'GBP' },
    ]);
    const totalMajor = Math.round(faker.number.int({ min: low, max: high }) / 50) * 50;
    const count = faker.helpers.weightedArrayElement([
      { weight: 1, value: 1 },
      { weight: 3, value: 2 },
      { weight: 5, value: 3 },
      { weight: 5, value: 4 },
      { weight: 4, value: 5 },
      { weight: 2, value: 6 },
      { weight: 1, value: 7 },
      { weight: 1, value: 8 },
      { weight: 1, value: 9 },
      { weight: 1, value: 10 },
    ]);
    const percents = splitHundred(count, (max) => faker.number.int({ min: 0, max }));
    const created = faker.number.int({ min: start, max: now - 3 * DAY });
    const titles = faker.helpers.arrayElements(MILESTONE_NAMES, count);
    const punctual = faker.number.float({ min: 0.6, max: 0.98 });
    const slowPayer = chance(0.2);

    // The plan and what happened to it, decided up front; only the past is played.
    let cursor = created + faker.number.int({ min: 1, max: 5 }) * DAY;
    const planned: PlannedMilestone[] = [];
    let time = created;
    for (let i = 0; i < count; i++) {
      cursor += faker.number.int({ min: 7, max: 35 }) * DAY;
      const dueDate = isoDate(cursor);
      const dueEnd = Date.parse(`${dueDate}T17:00:00Z`);
      const late = !chance(punctual);
      const deliveredAt = Math.max(
        time + DAY,
        late
          ? dueEnd + faker.number.int({ min: 1, max: 14 }) * DAY
          : dueEnd - faker.number.int({ min: 0, max: 5 }) * DAY - 3 * 3_600_000,
      );
      if (deliveredAt >= now) {
        planned.push({ dueDate, deliveredAt: undefined, payments: [] });
        // The rest stay locked behind the open one.
        for (let j = i + 1; j < count; j++) {
          cursor += faker.number.int({ min: 7, max: 35 }) * DAY;
          planned.push({ dueDate: isoDate(cursor), deliveredAt: undefined, payments: [] });
        }
        break;
      }
      const delayDays = slowPayer
        ? faker.number.int({ min: 10, max: 60 })
        : faker.helpers.weightedArrayElement([
            { weight: 3, value: faker.number.int({ min: 0, max: 3 }) },
            { weight: 5, value: faker.number.int({ min: 4, max: 14 }) },
            { weight: 2, value: faker.number.int({ min: 15, max: 40 }) },
          ]);
      const paidAt =
        deliveredAt + delayDays * DAY + faker.number.int({ min: 1, max: 8 }) * 3_600_000;
      const card = chance(0.4);
      const payments = chance(0.12)
        ? [
            { at: paidAt, share: 0.5, card },
            {
              at: paidAt + faker.number.int({ min: 5, max: 25 }) * DAY,
              share: 1,
              card,
            },
          ]
        : [{ at: paidAt, share: 1, card }];
      planned.push({ dueDate, deliveredAt, payments });
      const paidInFull = payments.at(-1)?.at ?? now;
      if (paidInFull >= now) {
        for (let j = i + 1; j < count; j++) {
          cursor += faker.number.int({ min: 7, max: 35 }) * DAY;
          planned.push({ dueDate: isoDate(cursor), deliveredAt: undefined, payments: [] });
        }
        break;
      }
      // The next milestone opens on payment: its work cannot be delivered before.
      time = paidInFull;
      cursor = Math.max(cursor, paidInFull);
    }

    const state = { projectId: '', milestoneIds: [] as string[], amounts: [] as number[] };
    const project = {
      title: `${faker.company.buzzAdjective().replace(/^./, (c) => c.toUpperCase())} ${type.toLowerCase()} for ${client.fields.company}`,
      type,
      currency,
    };
    at(created, async () => {
      if (client.id === undefined) {
        const row = await createClient({
          ...context,
          clock: { now: () => new Date(current - DAY) },
          ownerId,
          fields: client.fields,
        });
        client.id = row.id;
        summary.clients++;
      }
      state.projectId = await createProject({
        ...context,
        ownerId,
        project: {
          clientId: client.id,
          title: project.title,
          currency: project.currency,
          projectType: project.type,
          tags: [],
          description: '',
          totalMinor: totalMajor * 100,
          milestones: planned.map((m, i) => ({
            title: titles[i] ?? `Milestone ${i + 1}`,
            deliverables: '',
            dueDate: m.dueDate,
            percent: percents[i] ?? 0,
          })),
        },
      });
      const rows = await listMilestones(db, state.projectId);
      state.milestoneIds = rows.map((r) => r.id);
      state.amounts = rows.map((r) => r.amount_minor);
      summary.projects++;
      summary.milestones += rows.length;
    });

    let last = created;
    const paidIndexes: number[] = [];
    planned.forEach((m, i) => {
      if (m.deliveredAt === undefined) return;
      at(m.deliveredAt, async () => {
        await deliverMilestone({
          ...context,
          events,
          ownerId,
          projectId: state.projectId,
          milestoneId: state.milestoneIds[i] ?? '',
        });
        summary.deliveries++;
      });
      last = m.deliveredAt;
      let paidSoFar = 0;
      for (const payment of m.payments) {
        if (payment.at >= now) break;
        last = payment.at;
        at(payment.at, async () => {
          const amount = state.amounts[i] ?? 0;
          const part = Math.round(amount * payment.share) - paidSoFar;
          paidSoFar += part;
          const milestoneId = state.milestoneIds[i] ?? '';
          if (payment.card) await payByCard(state.projectId, milestoneId, part);
          else {
            await recordOfflinePayment({
              ...context,
              events,
              ownerId,
              timeZone: options.timeZone,
              projectId: state.projectId,
              milestoneId,
              payment: {
                amountMinor: part,
                method: pick<OfflineMethod>(['bank_transfer', 'bank_transfer', 'cash', 'other']),
                reference: `Transfer ${faker.string.numeric(6)}`,
                receivedOn: today(current),
              },
            });
          }
          summary.payments++;
        });
        if (payment.share === 1) paidIndexes.push(i);
      }
    });

    // Some conversation along the way.
    const messageCount = faker.number.int({ min: 0, max: 6 });
    const span = Math.max(DAY, Math.min(now, last + 10 * DAY) - created);
    const times = Array.from({ length: messageCount }, () =>
      faker.number.int({ min: created + 3_600_000, max: created + span }),
    ).sort((a, b) => a - b);
    for (const [k, when] of times.entries()) {
      if (when >= now) continue;
      const fromClient = k % 2 === 1;
      const text = pick(fromClient ? CLIENT_LINES : FREELANCER_LINES);
      at(when, async () => {
        await sendMessage({
          ...context,
          events,
          actor: fromClient
            ? { type: 'client', projectId: state.projectId }
            : { type: 'freelancer', userId: ownerId },
          projectId: state.projectId,
          message: { id: randomUUID(), thread: 'general', text },
        });
        summary.messages++;
      });
    }

    // A few refunds after payment: part of a milestone, or all of the last one.
    const refunded = paidIndexes.at(-1);
    if (refunded !== undefined && chance(0.08)) {
      const when = last + faker.number.int({ min: 2, max: 20 }) * DAY;
      if (when < now) {
        last = when;
        const full = refunded === count - 1 && chance(0.3);
        at(when, async () => {
          const amount = state.amounts[refunded] ?? 0;
          const part = full ? amount : Math.max(1, Math.round(amount * 0.2));
          await recordRefund({
            ...context,
            ownerId,
            timeZone: options.timeZone,
            projectId: state.projectId,
            milestoneId: state.milestoneIds[refunded] ?? '',
            refund: {
              amountMinor: part,
              reference: full ? 'Refund: project cancelled' : 'Goodwill refund',
              refundedOn: today(current),
            },
          });
          summary.refunds++;
        });
      }
    }

    // Costs along the way (the freelancer's bookkeeping), and the hours, once the work is done.
    if (chance(0.6)) {
      const costCount = faker.number.int({ min: 1, max: 3 });
      for (let k = 0; k < costCount; k++) {
        const when = faker.number.int({
          min: created + 3_600_000,
          max: Math.max(created + 3_600_000, last),
        });
        if (when >= now) continue;
        const category = pick(COST_CATEGORIES);
        const amountMinor =
          Math.round(totalMajor * faker.number.float({ min: 0.02, max: 0.2 })) * 100;
        const note = pick(COST_NOTES[category]);
        at(when, async () => {
          await addCost({
            ...context,
            ownerId,
            projectId: state.projectId,
            cost: { amountMinor, spentOn: today(current), note, category },
          });
          summary.costs++;
        });
      }
    }
    const hoursAt = last + DAY;
    if (last > created && hoursAt < now && chance(0.65)) {
      // An hourly rate a freelancer of that field might reach: 45–110 a hour, in quarter hours.
      const rate = faker.number.int({ min: 45, max: 110 });
      const hoursMinutes = Math.max(15, Math.round((totalMajor / rate) * 4) * 15);
      at(hoursAt, async () => {
        await updateProject({
          ...context,
          events,
          ownerId,
          projectId: state.projectId,
          changes: { hoursMinutes },
        });
        summary.hours++;
      });
    }

    // Finished work is archived now and then.
    const finished = paidIndexes.length === count && count > 0;
    const archiveAt = last + 30 * DAY;
    if (finished && archiveAt < now && chance(0.3)) {
      at(archiveAt, async () => {
        await updateProject({
          ...context,
          events,
          ownerId,
          projectId: state.projectId,
          changes: { archived: true },
        });
        summary.archived++;
      });
    }
  }

  /** A card payment as a Stripe webhook credits it, without Stripe. */
  async function payByCard(projectId: string, milestoneId: string, amountMinor: number) {
    const nowIso = new Date(current).toISOString();
    await db.transaction().execute(async (trx) => {
      const locked = await lockProjectForChange(trx, { ownerId, projectId, now: nowIso });
      const { milestone } = findMilestone(locked, milestoneId);
      const payment: PaymentRow = {
        id: newId(),
        project_id: projectId,
        milestone_id: milestoneId,
        amount_minor: amountMinor,
        currency: locked.project.currency,
        method: 'card',
        reference: 'Card',
        received_on: today(current),
        recorded_by: ownerId,
        kind: 'payment',
        source: 'stripe',
        status: 'credited',
        external_id: `cs_demo_${newId()}`,
        payment_intent: `pi_demo_${newId()}`,
        livemode: 0,
        created_at: nowIso,
      };
      await creditPayment(trx, {
        locked,
        milestone,
        payment,
        actor: { type: 'system', id: null },
        now: nowIso,
        events,
      });
    });
  }
  queue.sort((a, b) => a.at - b.at || a.order - b.order);
  for (const event of queue) {
    current = event.at;
    await event.run();
  }

  // The clients' addresses are made up: nothing is mailed to them, no reminder is scheduled.
  const projectIds = db.selectFrom('projects').select('id').where('owner_id', '=', ownerId);
  await db.deleteFrom('mail_outbox').where('owner_id', '=', ownerId).execute();
  await db.deleteFrom('scheduled_jobs').where('project_id', 'in', projectIds).execute();
  // Some of the history above is written around the actions (back-dated rows): sum it anew.
  await db.transaction().execute((trx) => rebuildOwnerSums(trx, ownerId));
  return summary;
}

/** `count` whole percentages of at least 5 that add up to 100. */
export function splitHundred(count: number, random: (max: number) => number): number[] {
  const parts = Array.from({ length: count }, () => 5);
  let left = 100 - 5 * count;
  for (let i = 0; i < count - 1 && left > 0; i++) {
    const take = random(Math.min(left, 40));
    parts[i] = (parts[i] ?? 0) + take;
    left -= take;
  }
  parts[count - 1] = (parts[count - 1] ?? 0) + left;
  return parts;
}
