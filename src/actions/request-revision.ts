import { refreshProjectSums } from '../db/queries/analytics-sums';
import { appendActivity } from '../db/queries/activity';
import { updateMilestone } from '../db/queries/milestones';
import { insertRevision } from '../db/queries/revisions';
import { newId } from '../db/ids';
import type { Kysely } from 'kysely';
import type { DB, MilestoneRow } from '../db/schema';
import { AppError, notFound } from '../domain/errors';
import { applyEvent } from '../domain/milestone-sequence';
import { assertRoundLeft } from '../domain/revisions';
import type { StreamAnnouncer } from '../events/stream-bus';
import { lockClientProject, mailFreelancer } from './approve-milestone';
import { postLiveEvent, postSystemEntry } from './chat-stream';
import { nowOf, type ActionContext } from './context';
import { findMilestone, type LockedProject } from './locked-project';

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
    const { round, changes } = await reopenForRevision(trx, {
      locked,
      index,
      note,
      now,
      includedRound: label,
    });
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

/**
 * Reopens a delivered milestone for re-delivery (in the caller's transaction, under the project's
 * lock): a new revision round is recorded with its note, the milestone is open again (not
 * payable) with the note shown, and its version moves on so a checkout opened for the delivery
 * before no longer matches. `extra`: further changes written with it (a dispute's settlement
 * sets the new due date and adds the round it grants, src/actions/dispute-resolution.ts).
 * Refuses what is not delivered with the sequence's reason.
 */
export async function reopenForRevision(
  trx: Kysely<DB>,
  options: {
    locked: LockedProject;
    index: number;
    note: string;
    now: string;
    /** Set (the milestone's label): the request uses an included round, refused past them. */
    includedRound?: string;
    extra?: Partial<Pick<MilestoneRow, 'due_date' | 'revision_rounds' | 'approved_at'>>;
  },
): Promise<{ round: number; changes: Partial<MilestoneRow> & { status: 'open' } }> {
  const { locked, index, note, now } = options;
  const milestone = locked.milestones[index];
  if (!milestone) throw notFound('Milestone');
  applyEvent(
    locked.milestones.map((m) => m.status),
    { type: 'revise', index },
  );
  if (options.includedRound !== undefined)
    assertRoundLeft(milestone.revisions_used, milestone.revision_rounds, options.includedRound);
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
    ...options.extra,
    status: 'open' as const,
    revisions_used: round,
    revision_note: note,
    revision_requested_at: now,
    // A new version: a checkout opened for the delivery before no longer matches.
    version: milestone.version + 1,
    updated_at: now,
  };
  await updateMilestone(trx, locked.project.id, milestone.id, changes);
  return { round, changes };
}
