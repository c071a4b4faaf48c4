import { refreshProjectSums } from '../db/queries/analytics-sums';
import { appendActivity } from '../db/queries/activity';
import { updateMilestone } from '../db/queries/milestones';
import { insertRevision } from '../db/queries/revisions';
import { newId } from '../db/ids';
import type { MilestoneRow } from '../db/schema';
import { AppError } from '../domain/errors';
import { applyEvent } from '../domain/milestone-sequence';
import { assertRoundLeft } from '../domain/revisions';
import type { StreamAnnouncer } from '../events/stream-bus';
import { lockClientProject, mailFreelancer } from './approve-milestone';
import { postLiveEvent, postSystemEntry } from './chat-stream';
import { nowOf, type ActionContext } from './context';
import { findMilestone } from './locked-project';

/**
 * The client asks for a revision of a delivered milestone, with a note: it is open again (not
 * payable) until the freelancer delivers it again. Each request uses one of the rounds the
 * contract includes; past them a revision is a change order (409 REVISION_ROUNDS_USED).
 */
export async function requestRevision(
  options: Pick<ActionContext, 'db' | 'clock'> & {
    events: StreamAnnouncer;
    projectId: string;
    milestoneId: string;
    note: string;
  },
): Promise<MilestoneRow> {
  const now = nowOf(options).toISOString();
  const note = options.note.trim();
  return options.db.transaction().execute(async (trx) => {
    const locked = await lockClientProject(trx, options.projectId, now);
    const { milestone, index } = findMilestone(locked, options.milestoneId);
    const label = `Milestone ${milestone.position}`;
    if (milestone.status === 'delivered' && milestone.approved_at !== null)
      throw new AppError(
        'CONFLICT',
        `${label} is approved already: further changes need a change order`,
      );
    // Refuses what is not delivered (open, locked, paid) with the sequence's reason.
    applyEvent(
      locked.milestones.map((m) => m.status),
      { type: 'revise', index },
    );
    assertRoundLeft(milestone.revisions_used, milestone.revision_rounds, label);
    const round = milestone.revisions_used + 1;
    await insertRevision(trx, {
      id: newId(),
      project_id: locked.project.id,
      milestone_id: milestone.id,
      round,
      note,
      requested_at: now,
      redelivered_at: null,
    });
    const changes = {
      status: 'open' as const,
      revisions_used: round,
      revision_note: note,
      revision_requested_at: now,
      // A new version: a checkout opened for the delivery before no longer matches.
      version: milestone.version + 1,
      updated_at: now,
    };
    await updateMilestone(trx, locked.project.id, milestone.id, changes);
    const details = {
      milestoneId: milestone.id,
      position: milestone.position,
      title: milestone.title,
      round,
      rounds: milestone.revision_rounds,
      note,
    };
    await appendActivity(trx, {
      projectId: locked.project.id,
      actorType: 'client',
      actorId: null,
      action: 'milestone.revision_requested',
      details,
      at: now,
    });
    await postSystemEntry(trx, options.events, {
      projectId: locked.project.id,
      milestoneId: milestone.id,
      event: { type: 'revision.requested', ...details },
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
      review: { outcome: 'revision_requested', note, round, rounds: milestone.revision_rounds },
      kind: 'revision_requested',
      now,
    });
    await refreshProjectSums(trx, locked.project.id);
    return { ...milestone, ...changes };
  });
}
