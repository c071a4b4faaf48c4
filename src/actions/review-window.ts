/**
 * The review window (issue #11): when a delivered milestone has been neither approved, paid nor
 * sent back for a revision for the project's review-window days, the client gets one reminder
 * mail (durable outbox, unless they switched reminders off) and the milestone's chat thread and
 * the activity record say so. No money moves. A scheduled job per delivery, under a unique key,
 * so it runs once even across restarts (src/actions/scheduler.ts claims it); a delivery made
 * again after a revision has a window of its own.
 */
import type { Kysely } from 'kysely';
import { appendActivity } from '../db/queries/activity';
import { findOwnedClient } from '../db/queries/clients';
import { isSubscribed } from '../db/queries/notification-prefs';
import { scheduleOnce } from '../db/queries/scheduled-jobs';
import { findUserById } from '../db/queries/users';
import type { DB, ProjectRow, ScheduledJobRow } from '../db/schema';
import type { StreamAnnouncer } from '../events/stream-bus';
import { postSystemEntry } from './chat-stream';
import { queueTemplateMail } from './queue-mail';

const DAY_MS = 86_400_000;

export const reviewJobKey = (milestoneId: string, deliveredAt: string) =>
  `review:${milestoneId}:${deliveredAt}`;

/** When the window of a delivery ends. */
export function reviewDueAt(deliveredAt: string, days: number): string {
  return new Date(new Date(deliveredAt).getTime() + days * DAY_MS).toISOString();
}

/**
 * A milestone was delivered: its review reminder, due when the project's window (as it stands at
 * delivery — a contract term, locked once the client accepted) has passed.
 */
export async function scheduleReviewReminder(
  trx: Kysely<DB>,
  delivery: { project: ProjectRow; milestoneId: string; deliveredAt: string; now: string },
): Promise<void> {
  const days = delivery.project.review_window_days;
  await scheduleOnce(trx, {
    key: reviewJobKey(delivery.milestoneId, delivery.deliveredAt),
    topic: `review:${delivery.milestoneId}`,
    kind: 'review',
    projectId: delivery.project.id,
    dueAt: reviewDueAt(delivery.deliveredAt, days),
    payload: { milestoneId: delivery.milestoneId, deliveredAt: delivery.deliveredAt, days },
    now: delivery.now,
  });
}

/** Runs the due review reminder inside the scheduler's transaction; returns what became of it. */
export async function runReviewReminder(
  trx: Kysely<DB>,
  events: StreamAnnouncer,
  project: ProjectRow,
  job: ScheduledJobRow,
  now: string,
): Promise<string> {
  const payload = JSON.parse(job.payload) as Record<string, unknown>;
  const milestoneId = typeof payload.milestoneId === 'string' ? payload.milestoneId : '';
  const deliveredAt = typeof payload.deliveredAt === 'string' ? payload.deliveredAt : '';
  const days = typeof payload.days === 'number' ? payload.days : project.review_window_days;
  const milestone = await trx
    .selectFrom('milestones')
    .selectAll()
    .where('project_id', '=', project.id)
    .where('id', '=', milestoneId)
    .executeTakeFirst();
  if (!milestone) return 'milestone gone';
  // Paid, or sent back for a revision (status open again), or delivered again since.
  if (milestone.status !== 'delivered' || milestone.delivered_at !== deliveredAt) {
    return 'no longer waiting for review';
  }
  if (milestone.approved_at !== null) return 'approved';
  if (project.archived_at !== null) return 'archived';
  const [freelancer, client] = await Promise.all([
    findUserById(trx, project.owner_id),
    findOwnedClient(trx, project.owner_id, project.client_id),
  ]);
  if (!freelancer || !client) return 'no client';

  await postSystemEntry(trx, events, {
    projectId: project.id,
    milestoneId: milestone.id,
    event: {
      type: 'review.reminder',
      milestoneId: milestone.id,
      position: milestone.position,
      title: milestone.title,
      days,
    },
    at: now,
  });
  await appendActivity(trx, {
    projectId: project.id,
    actorType: 'system',
    actorId: null,
    action: 'milestone.review_reminded',
    details: { milestoneId: milestone.id, position: milestone.position, deliveredAt, days },
    at: now,
  });

  const hasAccess = project.access_code_hash !== null || project.access_token_hash !== null;
  if (!hasAccess) return 'client has no access';
  const subscription = {
    audience: 'client' as const,
    subjectId: project.id,
    kind: 'reminders' as const,
  };
  if (!(await isSubscribed(trx, subscription))) return 'unsubscribed';
  const queued = await queueTemplateMail(trx, {
    ownerId: project.owner_id,
    kind: 'reminder',
    template: {
      name: 'review-reminder',
      locale: client.locale,
      input: {
        freelancer: { name: freelancer.name, email: freelancer.email },
        client: { name: client.name, email: client.email },
        project: { title: project.title },
        milestone: { id: milestone.id, position: milestone.position, title: milestone.title },
        deliveredAt,
        days,
      },
    },
    unsubscribe: subscription,
    now,
  });
  return queued ? 'sent' : 'no address';
}
