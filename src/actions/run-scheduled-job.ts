/**
 * Runs one claimed job in one transaction: it checks that the mail is still wanted (the milestone
 * still unpaid, the message still unread, the person still subscribed), queues it in the outbox,
 * posts what the conversation should show, and marks the job done — guarded by the claim, so if
 * another instance took it over the whole transaction is rolled back and nothing happens twice.
 */
import type { Kysely } from 'kysely';
import { rebuildOwnerSumsStep } from '../db/queries/analytics-sums';
import { findOwnedClient } from '../db/queries/clients';
import { listFilesOfMilestone } from '../db/queries/files';
import { isSubscribed } from '../db/queries/notification-prefs';
import { listPaymentsOfMilestone } from '../db/queries/payments';
import { findProjectById } from '../db/queries/projects';
import { finishJob, holdProject } from '../db/queries/scheduled-jobs';
import { findUserById } from '../db/queries/users';
import type { ChatParty, DB, MilestoneRow, ProjectRow, ScheduledJobRow } from '../db/schema';
import { paymentDueAt } from '../domain/notifications';
import { balanceOf } from '../domain/payment-balance';
import type { StreamAnnouncer } from '../events/stream-bus';
import { postSystemEntry } from './chat-stream';
import { movementsOf } from './credit-payment';
import { queueTemplateMail } from './queue-mail';
import { runReviewReminder } from './review-window';
import { reminderDaysOf } from './schedule-notifications';

class LostClaim extends Error {}

/** What became of the job ('sent', or why nothing was). */
export async function runScheduledJob(options: {
  db: Kysely<DB>;
  events: StreamAnnouncer;
  job: ScheduledJobRow;
  token: string;
  now: string;
}): Promise<string | undefined> {
  const { job, now } = options;
  try {
    return await options.db.transaction().execute(async (trx) => {
      await holdProject(trx, job.project_id);
      const project = await findProjectById(trx, job.project_id);
      const outcome = project
        ? await handle(trx, options.events, project, job, now)
        : 'project gone';
      if (!(await finishJob(trx, { id: job.id, token: options.token, outcome, now }))) {
        throw new LostClaim();
      }
      return outcome;
    });
  } catch (error) {
    if (error instanceof LostClaim) return undefined;
    throw error;
  }
}

const payloadOf = (job: ScheduledJobRow) => JSON.parse(job.payload) as Record<string, unknown>;
const str = (value: unknown) => (typeof value === 'string' ? value : '');

async function milestoneOf(trx: Kysely<DB>, projectId: string, id: string) {
  return trx
    .selectFrom('milestones')
    .selectAll()
    .where('project_id', '=', projectId)
    .where('id', '=', id)
    .executeTakeFirst();
}

function handle(
  trx: Kysely<DB>,
  events: StreamAnnouncer,
  project: ProjectRow,
  job: ScheduledJobRow,
  now: string,
): Promise<string> {
  switch (job.kind) {
    case 'uploads':
      return uploads(trx, project, str(payloadOf(job).milestoneId), now);
    case 'messages': {
      const payload = payloadOf(job);
      const to: ChatParty = payload.to === 'client' ? 'client' : 'freelancer';
      return messages(trx, project, str(payload.thread), to, now);
    }
    case 'downloads':
      return downloads(trx, project, payloadOf(job), now);
    case 'reminder':
    case 'overdue':
      return reminder(trx, events, project, job, now);
    case 'review':
      return runReviewReminder(trx, events, project, job, now);
    case 'analytics': {
      const payload = payloadOf(job);
      return rebuildOwnerSumsStep(trx, {
        ownerId: project.owner_id,
        projectId: project.id,
        generation: Number(payload.generation),
        step: Number(payload.step),
        batch: typeof payload.batch === 'number' && payload.batch > 0 ? payload.batch : undefined,
        now,
      });
    }
  }
}

const hasAccess = (project: ProjectRow) =>
  project.access_code_hash !== null || project.access_token_hash !== null;

async function uploads(
  trx: Kysely<DB>,
  project: ProjectRow,
  milestoneId: string,
  now: string,
): Promise<string> {
  const milestone = await milestoneOf(trx, project.id, milestoneId);
  if (!milestone) return 'milestone gone';
  if (milestone.status !== 'open') return 'folded into the delivery mail';
  if (project.archived_at !== null) return 'archived';
  if (!hasAccess(project)) return 'client has no access';
  const subscription = {
    audience: 'client' as const,
    subjectId: project.id,
    kind: 'uploads' as const,
  };
  if (!(await isSubscribed(trx, subscription))) return 'unsubscribed';
  const files = (await listFilesOfMilestone(trx, project.id, milestone.id))
    .filter((f) => f.status === 'complete')
    .sort((a, b) => (a.completed_at ?? '').localeCompare(b.completed_at ?? ''));
  if (files.length === 0) return 'no files';
  const people = await peopleOf(trx, project);
  if (!people) return 'no client';
  const queued = await queueTemplateMail(trx, {
    ownerId: project.owner_id,
    kind: 'uploads',
    template: {
      name: 'uploads',
      locale: people.client.locale,
      input: {
        freelancer: people.freelancerInput,
        client: { name: people.client.name, email: people.client.email },
        project: { title: project.title },
        milestone: { id: milestone.id, position: milestone.position, title: milestone.title },
        files: files.map((f) => ({ name: f.name, size: f.size })),
      },
    },
    unsubscribe: subscription,
    now,
  });
  return queued ? 'sent' : 'no address';
}

async function peopleOf(trx: Kysely<DB>, project: ProjectRow) {
  const [freelancer, client] = await Promise.all([
    findUserById(trx, project.owner_id),
    findOwnedClient(trx, project.owner_id, project.client_id),
  ]);
  if (!freelancer || !client) return undefined;
  return {
    freelancer,
    client,
    freelancerInput: { name: freelancer.name, email: freelancer.email },
  };
}

const SHOWN_MESSAGES = 5;

async function messages(
  trx: Kysely<DB>,
  project: ProjectRow,
  thread: string,
  to: ChatParty,
  now: string,
): Promise<string> {
  const read = await trx
    .selectFrom('chat_reads')
    .select('up_to_seq')
    .where('project_id', '=', project.id)
    .where('thread', '=', thread)
    .where('party', '=', to)
    .executeTakeFirst();
  const unread = await trx
    .selectFrom('chat_messages')
    .select(['body', 'created_at'])
    .where('project_id', '=', project.id)
    .where('thread', '=', thread)
    .where('kind', '=', 'text')
    .where('author_type', '=', to === 'client' ? 'freelancer' : 'client')
    .where('deleted_at', 'is', null)
    .where('seq', '>', read?.up_to_seq ?? 0)
    .orderBy('seq')
    .execute();
  if (unread.length === 0) return 'read';
  if (to === 'client' && (!hasAccess(project) || project.archived_at !== null)) {
    return 'client has no access';
  }
  const subscription =
    to === 'client'
      ? { audience: 'client' as const, subjectId: project.id, kind: 'messages' as const }
      : { audience: 'freelancer' as const, subjectId: project.owner_id, kind: 'messages' as const };
  if (!(await isSubscribed(trx, subscription))) return 'unsubscribed';
  const people = await peopleOf(trx, project);
  if (!people) return 'no client';
  const milestone = thread === 'general' ? undefined : await milestoneOf(trx, project.id, thread);
  const recipient = to === 'client' ? people.client : people.freelancer;
  const queued = await queueTemplateMail(trx, {
    ownerId: project.owner_id,
    kind: 'messages',
    template: {
      name: 'messages',
      locale: recipient.locale,
      input: {
        audience: to,
        to: { name: recipient.name, email: recipient.email },
        freelancer: people.freelancerInput,
        sender: to === 'client' ? people.freelancer.name : people.client.name,
        project: { id: project.id, title: project.title },
        milestone: milestone
          ? { id: milestone.id, position: milestone.position, title: milestone.title }
          : null,
        messages: unread
          .slice(-SHOWN_MESSAGES)
          .map((m) => ({ text: m.body.slice(0, 1000), at: m.created_at })),
        unread: unread.length,
      },
    },
    unsubscribe: subscription,
    now,
  });
  return queued ? 'sent' : 'no address';
}

async function downloads(
  trx: Kysely<DB>,
  project: ProjectRow,
  payload: Record<string, unknown>,
  now: string,
): Promise<string> {
  const subscription = {
    audience: 'freelancer' as const,
    subjectId: project.owner_id,
    kind: 'downloads' as const,
  };
  if (!(await isSubscribed(trx, subscription))) return 'unsubscribed';
  const rows = await trx
    .selectFrom('download_log')
    .innerJoin('files', 'files.id', 'download_log.file_id')
    .select(['files.id', 'files.name', 'download_log.requests', 'files.created_at'])
    .where('download_log.project_id', '=', project.id)
    .where('download_log.actor_type', '=', 'client')
    .where('download_log.last_at', '>=', str(payload.from))
    .where('download_log.first_at', '<', str(payload.until))
    .orderBy('files.created_at')
    .orderBy('files.id')
    .execute();
  if (rows.length === 0) return 'no downloads';
  const perFile = new Map<string, { name: string; downloads: number }>();
  for (const row of rows) {
    const entry = perFile.get(row.id) ?? { name: row.name, downloads: 0 };
    entry.downloads += Number(row.requests);
    perFile.set(row.id, entry);
  }
  const people = await peopleOf(trx, project);
  if (!people) return 'no client';
  const queued = await queueTemplateMail(trx, {
    ownerId: project.owner_id,
    kind: 'downloads',
    template: {
      name: 'freelancer-notice',
      locale: people.freelancer.locale,
      input: {
        notice: 'downloads',
        freelancer: people.freelancerInput,
        client: { name: people.client.name },
        project: { id: project.id, title: project.title },
        files: [...perFile.values()],
      },
    },
    unsubscribe: subscription,
    now,
  });
  return queued ? 'sent' : 'no address';
}

async function reminder(
  trx: Kysely<DB>,
  events: StreamAnnouncer,
  project: ProjectRow,
  job: ScheduledJobRow,
  now: string,
): Promise<string> {
  const payload = payloadOf(job);
  const milestone: MilestoneRow | undefined = await milestoneOf(
    trx,
    project.id,
    str(payload.milestoneId),
  );
  if (!milestone) return 'milestone gone';
  if (milestone.status !== 'delivered' || milestone.delivered_at !== str(payload.deliveredAt)) {
    return 'no longer waiting for payment';
  }
  if (project.archived_at !== null) return 'archived';
  if (project.reminders_paused === 1) return 'paused';
  const people = await peopleOf(trx, project);
  if (!people) return 'no client';
  const day = Number(payload.day);
  if (job.kind === 'reminder' && !reminderDaysOf(project, people.freelancer).includes(day)) {
    return 'day no longer chosen';
  }
  const balance = balanceOf(
    milestone.amount_minor,
    movementsOf(await listPaymentsOfMilestone(trx, milestone.id)),
  );
  if (balance.outstandingMinor <= 0) return 'paid';
  const subscription = {
    audience: 'client' as const,
    subjectId: project.id,
    kind: 'reminders' as const,
  };
  if (!(await isSubscribed(trx, subscription))) return 'unsubscribed';
  const type = job.kind === 'overdue' ? 'overdue' : 'reminder';
  const dueAt = paymentDueAt(milestone.delivered_at, Number(payload.termsDays)).toISOString();
  const queued = await queueTemplateMail(trx, {
    ownerId: project.owner_id,
    kind: type,
    template: {
      name: 'payment-reminder',
      locale: people.client.locale,
      input: {
        type,
        freelancer: people.freelancerInput,
        client: { name: people.client.name, email: people.client.email },
        project: { title: project.title },
        milestone: { id: milestone.id, position: milestone.position, title: milestone.title },
        outstandingMinor: balance.outstandingMinor,
        currency: project.currency,
        deliveredAt: milestone.delivered_at,
        dueAt,
      },
    },
    unsubscribe: subscription,
    now,
  });
  if (!queued) return 'no address';
  await postSystemEntry(trx, events, {
    projectId: project.id,
    milestoneId: milestone.id,
    event:
      type === 'reminder'
        ? {
            type: 'payment.reminder',
            milestoneId: milestone.id,
            day,
            amountMinor: balance.outstandingMinor,
            currency: project.currency,
            dueAt,
          }
        : {
            type: 'payment.overdue',
            milestoneId: milestone.id,
            amountMinor: balance.outstandingMinor,
            currency: project.currency,
            dueAt,
          },
    at: now,
  });
  return 'sent';
}
