/**
 * Shared steps of the actions that change a project: take its lock, read its milestones, and
 * write back a new sequence of statuses with the activity entries that the change implies.
 */
import type { Kysely } from 'kysely';
import { appendActivity } from '../db/queries/activity';
import { listMilestones, updateMilestone } from '../db/queries/milestones';
import { lockOwnedProject, updateProject } from '../db/queries/projects';
import type { DB, MilestoneRow, ProjectRow } from '../db/schema';
import { assertArchiveAllows, type ProjectAct } from '../domain/archive-rule';
import { notFound } from '../domain/errors';
import { progressOf, type MilestoneStatus } from '../domain/milestone-sequence';

export interface LockedProject {
  project: ProjectRow;
  milestones: MilestoneRow[];
}

export async function lockProjectForChange(
  trx: Kysely<DB>,
  options: {
    ownerId: string;
    projectId: string;
    now: string;
    /** What the change is, for the archive rule; a plain change by default. */
    act?: ProjectAct;
  },
): Promise<LockedProject> {
  const project = await lockOwnedProject(trx, options.ownerId, options.projectId, options.now);
  if (!project) throw notFound('Project');
  assertArchiveAllows(project, options.act ?? 'change');
  return { project, milestones: await listMilestones(trx, project.id) };
}

export function findMilestone(
  locked: LockedProject,
  milestoneId: string,
): { milestone: MilestoneRow; index: number } {
  const index = locked.milestones.findIndex((m) => m.id === milestoneId);
  const milestone = locked.milestones[index];
  if (!milestone) throw notFound('Milestone');
  return { milestone, index };
}

/**
 * Writes the statuses that changed, stamps delivery and payment times, records milestones that
 * opened, and marks the project complete (or active again) as the sequence says.
 */
export async function applyStatuses(
  trx: Kysely<DB>,
  options: {
    locked: LockedProject;
    milestones: readonly MilestoneRow[];
    next: readonly MilestoneStatus[];
    now: string;
  },
): Promise<void> {
  const { locked, milestones, next, now } = options;
  for (const [i, milestone] of milestones.entries()) {
    const status = next[i];
    if (status === undefined || status === milestone.status) continue;
    await updateMilestone(trx, locked.project.id, milestone.id, {
      status,
      updated_at: now,
      // Back to delivered after a full refund: still delivered when it was, no longer paid.
      ...(status === 'delivered' && milestone.status !== 'paid' && { delivered_at: now }),
      ...(status === 'delivered' && milestone.status === 'paid' && { paid_at: null }),
      ...(status === 'paid' && { paid_at: now }),
    });
    if (status === 'open') {
      await appendActivity(trx, {
        projectId: locked.project.id,
        actorType: 'system',
        actorId: null,
        action: 'milestone.opened',
        details: {
          milestoneId: milestone.id,
          position: milestone.position,
          title: milestone.title,
        },
        at: now,
      });
    }
  }
  const progress = progressOf(next);
  if (progress !== locked.project.status) {
    await updateProject(trx, locked.project.id, { status: progress, updated_at: now });
    await appendActivity(trx, {
      projectId: locked.project.id,
      actorType: 'system',
      actorId: null,
      action: progress === 'complete' ? 'project.completed' : 'project.reopened',
      details: {},
      at: now,
    });
  }
}
