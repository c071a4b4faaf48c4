/**
 * Notifications, as the actions that cause them see it: called inside their transactions, these
 * put the mail that is due later into scheduled_jobs (the scheduler sends it when due, if still
 * wanted), or queue the mail due now straight into the outbox — each only when its recipient
 * has not switched that kind of mail off.
 */
import type { Kysely } from 'kysely';
import { findOwnedClient } from '../db/queries/clients';
import { isSubscribed } from '../db/queries/notification-prefs';
import {
  cancelJob,
  scheduleOnce,
  scheduleOrPostpone,
  scheduleUnlessWaiting,
  type NewJob,
} from '../db/queries/scheduled-jobs';
import { findUserById } from '../db/queries/users';
import type { ChatParty, DB, ProjectRow } from '../db/schema';
import {
  CHAT_MAIL_MS,
  DOWNLOAD_BATCH_MS,
  parseReminderDays,
  reminderSchedule,
  UPLOAD_QUIET_MS,
} from '../domain/notifications';
import { queueTemplateMail } from './queue-mail';

const later = (now: string, ms: number) => new Date(new Date(now).getTime() + ms).toISOString();

export const uploadJobKey = (milestoneId: string) => `uploads:${milestoneId}`;

/** An upload finished: the client hears of the milestone's uploads 10 minutes after the last. */
export async function scheduleUploadNotice(
  trx: Kysely<DB>,
  upload: { projectId: string; milestoneId: string; now: string },
): Promise<void> {
  const key = uploadJobKey(upload.milestoneId);
  await scheduleOrPostpone(trx, {
    key,
    topic: key,
    kind: 'uploads',
    projectId: upload.projectId,
    dueAt: later(upload.now, UPLOAD_QUIET_MS),
    payload: { milestoneId: upload.milestoneId },
    now: upload.now,
  });
}

/** Delivered before the upload mail went: the delivery mail lists the files instead. */
export async function foldUploadNotice(
  trx: Kysely<DB>,
  milestoneId: string,
  now: string,
): Promise<void> {
  await cancelJob(trx, uploadJobKey(milestoneId), 'folded into the delivery mail', now);
}

/**
 * The notice of a message for `to`: mailed 10 minutes later if they have not read it by then.
 * While a mail of the thread is waiting for them (its topic), later messages join it, so they get
 * at most one per 10 minutes. The one-statement send (src/db/queries/chat-send.ts) inserts the
 * same job.
 */
export function messageNotice(message: {
  projectId: string;
  thread: string;
  to: ChatParty;
  now: string;
}): NewJob {
  const topic = `messages:${message.projectId}:${message.thread}:${message.to}`;
  const dueAt = later(message.now, CHAT_MAIL_MS);
  return {
    key: `${topic}:${dueAt}`,
    topic,
    kind: 'messages',
    projectId: message.projectId,
    dueAt,
    payload: { thread: message.thread, to: message.to },
    now: message.now,
  };
}

/** Schedules the message's notice unless one of its topic is waiting (see `messageNotice`). */
export async function scheduleMessageNotice(
  trx: Kysely<DB>,
  message: { projectId: string; thread: string; to: ChatParty; now: string },
): Promise<void> {
  await scheduleUnlessWaiting(trx, messageNotice(message));
}

/** The client downloaded: the freelancer gets one mail for the downloads of each 10 minutes. */
export async function scheduleDownloadNotice(
  db: Kysely<DB>,
  download: { projectId: string; now: string },
): Promise<void> {
  const window = Math.floor(new Date(download.now).getTime() / DOWNLOAD_BATCH_MS);
  const from = new Date(window * DOWNLOAD_BATCH_MS).toISOString();
  const until = new Date((window + 1) * DOWNLOAD_BATCH_MS).toISOString();
  await scheduleOnce(db, {
    key: `downloads:${download.projectId}:${window}`,
    topic: `downloads:${download.projectId}`,
    kind: 'downloads',
    projectId: download.projectId,
    dueAt: until,
    payload: { from, until },
    now: download.now,
  });
}

/** The reminder days that apply to a project: its own, else its freelancer's. */
export function reminderDaysOf(project: ProjectRow, freelancer: { reminder_days: string }) {
  return parseReminderDays(project.reminder_days ?? freelancer.reminder_days);
}

/** A milestone was delivered: its reminders and overdue notice, each due once. */
export async function scheduleReminders(
  trx: Kysely<DB>,
  delivery: { project: ProjectRow; milestoneId: string; deliveredAt: string; now: string },
): Promise<void> {
  const freelancer = await findUserById(trx, delivery.project.owner_id);
  if (!freelancer) return;
  const steps = reminderSchedule({
    milestoneId: delivery.milestoneId,
    deliveredAt: delivery.deliveredAt,
    days: reminderDaysOf(delivery.project, freelancer),
    termsDays: freelancer.payment_terms_days,
  });
  for (const step of steps) {
    if (step.dueAt <= delivery.now) continue; // only days still ahead (a changed schedule)
    await scheduleOnce(trx, {
      key: step.key,
      topic: `reminders:${delivery.milestoneId}`,
      kind: step.type,
      projectId: delivery.project.id,
      dueAt: step.dueAt,
      payload: {
        milestoneId: delivery.milestoneId,
        deliveredAt: delivery.deliveredAt,
        day: step.day,
        termsDays: freelancer.payment_terms_days,
      },
      now: delivery.now,
    });
  }
}

/**
 * The reminder days changed (the freelancer's, or a project's own): days still ahead of each
 * delivered milestone are scheduled; days no longer chosen are skipped when they come.
 */
export async function rescheduleReminders(
  trx: Kysely<DB>,
  scope: { ownerId: string; projectId?: string; now: string },
): Promise<void> {
  let query = trx
    .selectFrom('milestones')
    .innerJoin('projects', 'projects.id', 'milestones.project_id')
    .select(['milestones.id as milestoneId', 'milestones.delivered_at', 'projects.id as projectId'])
    .where('projects.owner_id', '=', scope.ownerId)
    .where('milestones.status', '=', 'delivered');
  if (scope.projectId !== undefined) query = query.where('projects.id', '=', scope.projectId);
  for (const row of await query.execute()) {
    if (row.delivered_at === null) continue;
    const project = await trx
      .selectFrom('projects')
      .selectAll()
      .where('id', '=', row.projectId)
      .executeTakeFirst();
    if (!project) continue;
    await scheduleReminders(trx, {
      project,
      milestoneId: row.milestoneId,
      deliveredAt: row.delivered_at,
      now: scope.now,
    });
  }
}

/** Mail to the freelancer now (first visit, terms accepted), unless they switched it off. */
export async function notifyFreelancer(
  trx: Kysely<DB>,
  event: { project: ProjectRow; notice: 'client_visit' | 'terms_accepted'; now: string },
): Promise<void> {
  const { project } = event;
  const subscription = {
    audience: 'freelancer' as const,
    subjectId: project.owner_id,
    kind: event.notice,
  };
  if (!(await isSubscribed(trx, subscription))) return;
  const [freelancer, client] = await Promise.all([
    findUserById(trx, project.owner_id),
    findOwnedClient(trx, project.owner_id, project.client_id),
  ]);
  if (!freelancer) return;
  await queueTemplateMail(trx, {
    ownerId: project.owner_id,
    kind: event.notice,
    template: {
      name: 'freelancer-notice',
      locale: freelancer.locale,
      input: {
        notice: event.notice,
        freelancer: { name: freelancer.name, email: freelancer.email },
        client: { name: client?.name ?? '' },
        project: { id: project.id, title: project.title },
      },
    },
    unsubscribe: subscription,
    now: event.now,
  });
}
