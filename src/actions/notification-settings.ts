/**
 * Each person's choice of notification mail, and the freelancer's reminder schedule: read and
 * changed by the freelancer (Settings), the client (the portal) and the unsubscribe link.
 */
import type { Kysely } from 'kysely';
import { listDisabledKinds, setSubscribed } from '../db/queries/notification-prefs';
import { findOwnedProject, findProjectById, updateProject } from '../db/queries/projects';
import { findUserById } from '../db/queries/users';
import type { DB } from '../db/schema';
import { notFound } from '../domain/errors';
import {
  CLIENT_MAIL_KINDS,
  FREELANCER_MAIL_KINDS,
  formatReminderDays,
  parseReminderDays,
  reminderDays,
  type Audience,
  type ClientMailKind,
  type FreelancerMailKind,
  type Subscription,
} from '../domain/notifications';
import { nowOf, type ActionContext } from './context';
import { rescheduleReminders } from './schedule-notifications';

type Choices<K extends string> = Record<K, boolean>;

async function choicesOf<K extends string>(
  db: Kysely<DB>,
  audience: Audience,
  subjectId: string,
  kinds: readonly K[],
): Promise<Choices<K>> {
  const off = await listDisabledKinds(db, audience, subjectId);
  return Object.fromEntries(kinds.map((k) => [k, !off.has(k)])) as Choices<K>;
}

export interface FreelancerNotifications {
  mail: Choices<FreelancerMailKind>;
  reminders: { days: number[]; paymentTermsDays: number };
}

export async function readFreelancerNotifications(
  options: Pick<ActionContext, 'db'> & { userId: string },
): Promise<FreelancerNotifications> {
  const user = await findUserById(options.db, options.userId);
  if (!user) throw notFound('User');
  return {
    mail: await choicesOf(options.db, 'freelancer', user.id, FREELANCER_MAIL_KINDS),
    reminders: {
      days: parseReminderDays(user.reminder_days),
      paymentTermsDays: user.payment_terms_days,
    },
  };
}

export async function updateFreelancerNotifications(
  options: Pick<ActionContext, 'db' | 'clock'> & {
    userId: string;
    mail?: Partial<Choices<FreelancerMailKind>> | undefined;
    reminders?: { days: number[]; paymentTermsDays: number } | undefined;
  },
): Promise<FreelancerNotifications> {
  const now = nowOf(options).toISOString();
  const days = options.reminders && reminderDays(options.reminders.days, 'reminders.days');
  await options.db.transaction().execute(async (trx) => {
    for (const [kind, enabled] of Object.entries(options.mail ?? {})) {
      if (enabled === undefined) continue;
      const subscription = {
        audience: 'freelancer',
        subjectId: options.userId,
        kind,
      } as Subscription;
      await setSubscribed(trx, subscription, enabled, now);
    }
    if (options.reminders && days) {
      await trx
        .updateTable('users')
        .set({
          reminder_days: formatReminderDays(days),
          payment_terms_days: options.reminders.paymentTermsDays,
          updated_at: now,
        })
        .where('id', '=', options.userId)
        .execute();
      await rescheduleReminders(trx, { ownerId: options.userId, now });
    }
  });
  return readFreelancerNotifications(options);
}

export async function readClientNotifications(
  options: Pick<ActionContext, 'db'> & { projectId: string },
): Promise<{ mail: Choices<ClientMailKind> }> {
  return { mail: await choicesOf(options.db, 'client', options.projectId, CLIENT_MAIL_KINDS) };
}

export async function updateClientNotifications(
  options: Pick<ActionContext, 'db' | 'clock'> & {
    projectId: string;
    mail: Partial<Choices<ClientMailKind>>;
  },
): Promise<{ mail: Choices<ClientMailKind> }> {
  const now = nowOf(options).toISOString();
  await options.db.transaction().execute(async (trx) => {
    for (const [kind, enabled] of Object.entries(options.mail)) {
      if (enabled === undefined) continue;
      const subscription = {
        audience: 'client',
        subjectId: options.projectId,
        kind,
      } as Subscription;
      await setSubscribed(trx, subscription, enabled, now);
    }
  });
  return readClientNotifications(options);
}

export interface ProjectReminders {
  paused: boolean;
  /** The project's own days; null: the freelancer's. */
  days: number[] | null;
  /** The days that apply. */
  effectiveDays: number[];
  paymentTermsDays: number;
}

export async function readProjectReminders(
  options: Pick<ActionContext, 'db'> & { ownerId: string; projectId: string },
): Promise<ProjectReminders> {
  const [project, user] = await Promise.all([
    findOwnedProject(options.db, options.ownerId, options.projectId),
    findUserById(options.db, options.ownerId),
  ]);
  if (!project || !user) throw notFound('Project');
  const own = project.reminder_days === null ? null : parseReminderDays(project.reminder_days);
  return {
    paused: project.reminders_paused === 1,
    days: own,
    effectiveDays: own ?? parseReminderDays(user.reminder_days),
    paymentTermsDays: user.payment_terms_days,
  };
}

export async function updateProjectReminders(
  options: Pick<ActionContext, 'db' | 'clock'> & {
    ownerId: string;
    projectId: string;
    paused: boolean;
    days: number[] | null;
  },
): Promise<ProjectReminders> {
  const days = options.days === null ? null : reminderDays(options.days);
  const now = nowOf(options).toISOString();
  await options.db.transaction().execute(async (trx) => {
    const project = await findOwnedProject(trx, options.ownerId, options.projectId);
    if (!project) throw notFound('Project');
    await updateProject(trx, project.id, {
      reminders_paused: options.paused ? 1 : 0,
      reminder_days: days === null ? null : formatReminderDays(days),
    });
    await rescheduleReminders(trx, { ownerId: options.ownerId, projectId: project.id, now });
  });
  return readProjectReminders(options);
}

/** What an unsubscribe link names, for its page: the kind, and the project for a client. */
export async function describeSubscription(
  db: Kysely<DB>,
  subscription: Subscription,
): Promise<{ projectTitle: string | null; subscribed: boolean } | undefined> {
  if (subscription.audience === 'client') {
    const project = await findProjectById(db, subscription.subjectId);
    if (!project) return undefined;
    const choices = await readClientNotifications({ db, projectId: project.id });
    return { projectTitle: project.title, subscribed: choices.mail[subscription.kind] };
  }
  const user = await findUserById(db, subscription.subjectId);
  if (!user) return undefined;
  const off = await listDisabledKinds(db, 'freelancer', user.id);
  return { projectTitle: null, subscribed: !off.has(subscription.kind) };
}

/** The one-click unsubscribe (and its undo): only that kind of mail for that person. */
export async function setSubscription(
  options: Pick<ActionContext, 'db' | 'clock'> & {
    subscription: Subscription;
    subscribed: boolean;
  },
): Promise<{ projectTitle: string | null; subscribed: boolean }> {
  const found = await describeSubscription(options.db, options.subscription);
  if (!found) throw notFound('Subscription');
  await setSubscribed(
    options.db,
    options.subscription,
    options.subscribed,
    nowOf(options).toISOString(),
  );
  return { projectTitle: found.projectTitle, subscribed: options.subscribed };
}
