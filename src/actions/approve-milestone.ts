import type { Kysely } from 'kysely';
import { appendActivity } from '../db/queries/activity';
import { findOwnedClient } from '../db/queries/clients';
import { listMilestones, updateMilestone } from '../db/queries/milestones';
import { lockProjectById } from '../db/queries/projects';
import { findUserById } from '../db/queries/users';
import type { DB, MilestoneRow, ProjectRow } from '../db/schema';
import { assertArchiveAllows } from '../domain/archive-rule';
import { AppError, notFound } from '../domain/errors';
import type { StreamAnnouncer } from '../events/stream-bus';
import type { MilestoneReviewInput } from '../mail/templates/milestone-review';
import { postLiveEvent, postSystemEntry } from './chat-stream';
import { nowOf, type ActionContext } from './context';
import { findMilestone, type LockedProject } from './locked-project';
import { queueTemplateMail } from './queue-mail';

/** The client's project under its lock, for the client's own steps (approve, revise). */
export async function lockClientProject(
  trx: Kysely<DB>,
  projectId: string,
  now: string,
): Promise<LockedProject> {
  const project = await lockProjectById(trx, projectId, now);
  if (!project) throw notFound('Project');
  assertArchiveAllows(project, 'client-change');
  return { project, milestones: await listMilestones(trx, project.id) };
}

/**
 * The client approves a delivered milestone: the work is accepted as delivered, and payment is
 * what remains. Approving again answers as before; an undelivered milestone cannot be approved.
 */
export async function approveMilestone(
  options: Pick<ActionContext, 'db' | 'clock'> & {
    events: StreamAnnouncer;
    projectId: string;
    milestoneId: string;
  },
): Promise<MilestoneRow> {
  const now = nowOf(options).toISOString();
  return options.db.transaction().execute(async (trx) => {
    const locked = await lockClientProject(trx, options.projectId, now);
    const { milestone } = findMilestone(locked, options.milestoneId);
    const label = `Milestone ${milestone.position}`;
    if (milestone.status === 'paid')
      throw new AppError('MILESTONE_ALREADY_PAID', `${label} is already paid, which approved it`);
    if (milestone.status !== 'delivered')
      throw new AppError(
        'MILESTONE_NOT_DELIVERED',
        milestone.revision_requested_at !== null
          ? `${label} is being revised: it can be approved once it is delivered again`
          : `${label} cannot be approved yet: it has not been delivered`,
      );
    if (milestone.approved_at !== null) return milestone;
    await updateMilestone(trx, locked.project.id, milestone.id, {
      approved_at: now,
      updated_at: now,
    });
    await appendActivity(trx, {
      projectId: locked.project.id,
      actorType: 'client',
      actorId: null,
      action: 'milestone.approved',
      details: { milestoneId: milestone.id, position: milestone.position, title: milestone.title },
      at: now,
    });
    await postSystemEntry(trx, options.events, {
      projectId: locked.project.id,
      milestoneId: milestone.id,
      event: {
        type: 'milestone.approved',
        milestoneId: milestone.id,
        position: milestone.position,
        title: milestone.title,
      },
      at: now,
    });
    await postLiveEvent(trx, options.events, {
      projectId: locked.project.id,
      event: { type: 'project.updated', what: 'milestones' },
      at: now,
    });
    await mailFreelancer(trx, {
      project: locked.project,
      milestone,
      review: { outcome: 'approved' },
      kind: 'milestone_approved',
      now,
    });
    return { ...milestone, approved_at: now, updated_at: now };
  });
}

/** Paying a delivery approves it, when the client had not approved it before. */
export async function approveByPayment(
  trx: Kysely<DB>,
  options: { locked: LockedProject; milestone: MilestoneRow; now: string },
): Promise<void> {
  const { locked, milestone, now } = options;
  await updateMilestone(trx, locked.project.id, milestone.id, { approved_at: now });
  await appendActivity(trx, {
    projectId: locked.project.id,
    actorType: 'system',
    actorId: null,
    action: 'milestone.approved',
    details: {
      milestoneId: milestone.id,
      position: milestone.position,
      title: milestone.title,
      by: 'payment',
    },
    at: now,
  });
}

/** Mail to the freelancer about the client's review, in the freelancer's language. */
export async function mailFreelancer(
  trx: Kysely<DB>,
  options: {
    project: ProjectRow;
    milestone: MilestoneRow;
    review:
      | { outcome: 'approved' }
      | { outcome: 'revision_requested'; note: string; round: number; rounds: number };
    kind: 'milestone_approved' | 'revision_requested';
    now: string;
  },
): Promise<void> {
  const { project, milestone } = options;
  const [freelancer, client] = await Promise.all([
    findUserById(trx, project.owner_id),
    findOwnedClient(trx, project.owner_id, project.client_id),
  ]);
  if (!freelancer) return;
  const input: MilestoneReviewInput = {
    freelancer: { name: freelancer.name, email: freelancer.email },
    client: { name: client?.name ?? '' },
    project: { id: project.id, title: project.title },
    milestone: { position: milestone.position, title: milestone.title },
    ...options.review,
  };
  await queueTemplateMail(trx, {
    ownerId: project.owner_id,
    kind: options.kind,
    template: { name: 'milestone-review', locale: freelancer.locale, input },
    now: options.now,
  });
}
