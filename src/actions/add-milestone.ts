import { refreshProjectSums } from '../db/queries/analytics-sums';
import { newId } from '../db/ids';
import { appendActivity } from '../db/queries/activity';
import { insertMilestone } from '../db/queries/milestones';
import type { MilestoneRow } from '../db/schema';
import type { NewMilestoneRow } from '../db/queries/milestones';
import { DEFAULT_REVISION_ROUNDS } from '../domain/revisions';
import { assertCount, normalizeSequence } from '../domain/milestone-sequence';
import type { StreamAnnouncer } from '../events/stream-bus';
import { postLiveEvent } from './chat-stream';
import type { ActionContext } from './context';
import { assertContractOpen } from './contract-lock';
import { applyStatuses, lockProjectForChange } from './locked-project';

/** Appends a milestone at the end of the sequence (locked, or open if all before it are paid). */
export async function addMilestone(
  options: ActionContext & {
    events: StreamAnnouncer;
    ownerId: string;
    projectId: string;
    milestone: {
      title: string;
      deliverables: string;
      dueDate: string;
      amountMinor: number;
      isDeposit?: boolean | undefined;
      revisionRounds?: number | undefined;
    };
  },
): Promise<MilestoneRow> {
  const now = new Date().toISOString();
  return options.db.transaction().execute(async (trx) => {
    const locked = await lockProjectForChange(trx, { ...options, now });
    await assertContractOpen(trx, locked.project.id, 'a new milestone');
    // Counted under the project's lock, so parallel requests cannot slip past the limit.
    assertCount(locked.milestones.length + 1, options.config.limits.maxMilestones);
    const draft: NewMilestoneRow = {
      id: newId(),
      project_id: locked.project.id,
      position: locked.milestones.length + 1,
      title: options.milestone.title.trim(),
      deliverables: options.milestone.deliverables,
      due_date: options.milestone.dueDate,
      amount_minor: options.milestone.amountMinor,
      status: 'locked',
      delivered_at: null,
      paid_at: null,
      is_deposit: options.milestone.isDeposit === true ? 1 : 0,
      revision_rounds: options.milestone.revisionRounds ?? DEFAULT_REVISION_ROUNDS,
      version: 1,
      created_at: now,
      updated_at: now,
    };
    const row = await insertMilestone(trx, draft);
    await appendActivity(trx, {
      projectId: locked.project.id,
      actorType: 'freelancer',
      actorId: options.ownerId,
      action: 'milestone.added',
      details: {
        milestoneId: row.id,
        position: row.position,
        title: row.title,
        amountMinor: row.amount_minor,
        dueDate: row.due_date,
        isDeposit: row.is_deposit === 1,
        revisionRounds: row.revision_rounds,
      },
      at: now,
    });
    await postLiveEvent(trx, options.events, {
      projectId: locked.project.id,
      event: { type: 'project.updated', what: 'milestones' },
      at: now,
    });
    const milestones = [...locked.milestones, row];
    const next = normalizeSequence(milestones.map((m) => m.status));
    await applyStatuses(trx, { locked, milestones, next, now });
    await refreshProjectSums(trx, locked.project.id);
    return { ...row, status: next[next.length - 1] ?? row.status };
  });
}
