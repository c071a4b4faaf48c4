import { appendActivity } from '../db/queries/activity';
import { listMilestones } from '../db/queries/milestones';
import { lockProjectById, updateProject } from '../db/queries/projects';
import { assertArchiveAllows } from '../domain/archive-rule';
import { notFound } from '../domain/errors';
import type { StreamAnnouncer } from '../events/stream-bus';
import { postLiveEvent } from './chat-stream';
import type { ActionContext } from './context';
import { notifyFreelancer } from './schedule-notifications';

/** The client accepts the terms as they stand; the activity record keeps what they accepted. */
export async function acceptTerms(
  options: Pick<ActionContext, 'db'> & { events: StreamAnnouncer; projectId: string },
): Promise<string> {
  const now = new Date().toISOString();
  return options.db.transaction().execute(async (trx) => {
    const project = await lockProjectById(trx, options.projectId, now);
    if (!project) throw notFound('Project');
    assertArchiveAllows(project, 'client-change');
    if (project.terms_accepted_at) return project.terms_accepted_at;
    const milestones = await listMilestones(trx, project.id);
    await updateProject(trx, project.id, { terms_accepted_at: now });
    await appendActivity(trx, {
      projectId: project.id,
      actorType: 'client',
      actorId: null,
      action: 'terms.accepted',
      details: {
        currency: project.currency,
        milestones: milestones.map((m) => ({
          position: m.position,
          title: m.title,
          deliverables: m.deliverables,
          dueDate: m.due_date,
          amountMinor: m.amount_minor,
        })),
      },
      at: now,
    });
    await postLiveEvent(trx, options.events, {
      projectId: project.id,
      event: { type: 'terms.accepted' },
      at: now,
    });
    await notifyFreelancer(trx, { project, notice: 'terms_accepted', now });
    return now;
  });
}
