import { appendActivity } from '../db/queries/activity';
import { applyEvent } from '../domain/milestone-sequence';
import type { ActionContext } from './context';
import { applyStatuses, findMilestone, lockProjectForChange } from './locked-project';

/** The freelancer declares the open milestone's work delivered; the client may now pay. */
export async function deliverMilestone(
  options: Pick<ActionContext, 'db'> & { ownerId: string; projectId: string; milestoneId: string },
): Promise<void> {
  const now = new Date().toISOString();
  await options.db.transaction().execute(async (trx) => {
    const locked = await lockProjectForChange(trx, { ...options, now });
    const { milestone, index } = findMilestone(locked, options.milestoneId);
    const next = applyEvent(
      locked.milestones.map((m) => m.status),
      { type: 'deliver', index },
    );
    await appendActivity(trx, {
      projectId: locked.project.id,
      actorType: 'freelancer',
      actorId: options.ownerId,
      action: 'milestone.delivered',
      details: { milestoneId: milestone.id, position: milestone.position, title: milestone.title },
      at: now,
    });
    await applyStatuses(trx, {
      locked,
      milestones: locked.milestones,
      next,
      now,
    });
  });
}
