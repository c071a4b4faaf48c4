import { refreshProjectSums } from '../db/queries/analytics-sums';
import { appendActivity } from '../db/queries/activity';
import { updateMilestone as writeMilestone } from '../db/queries/milestones';
import type { MilestoneRow } from '../db/schema';
import { AppError } from '../domain/errors';
import { isEditable } from '../domain/milestone-sequence';
import type { StreamAnnouncer } from '../events/stream-bus';
import { postLiveEvent } from './chat-stream';
import type { ActionContext } from './context';
import { assertContractOpen } from './contract-lock';
import { settleInvoiceAfterChange, termsOf } from './invoice-documents';
import { findMilestone, lockProjectForChange } from './locked-project';

export interface MilestoneChanges {
  title?: string | undefined;
  deliverables?: string | undefined;
  dueDate?: string | undefined;
  amountMinor?: number | undefined;
  isDeposit?: boolean | undefined;
  revisionRounds?: number | undefined;
}

/** Edits a milestone not yet delivered; delivered and paid milestones never change. */
export async function updateMilestone(
  options: Pick<ActionContext, 'db'> & {
    events: StreamAnnouncer;
    ownerId: string;
    projectId: string;
    milestoneId: string;
    changes: MilestoneChanges;
  },
): Promise<MilestoneRow> {
  const now = new Date().toISOString();
  return options.db.transaction().execute(async (trx) => {
    const locked = await lockProjectForChange(trx, { ...options, now });
    const { milestone } = findMilestone(locked, options.milestoneId);
    if (!isEditable(milestone.status)) {
      throw new AppError(
        'MILESTONE_FROZEN',
        `Milestone ${milestone.position} is ${milestone.status}; delivered and paid milestones never change`,
      );
    }
    const { changes } = options;
    const contractual = [
      changes.title !== undefined && changes.title.trim() !== milestone.title && 'title',
      changes.deliverables !== undefined &&
        changes.deliverables !== milestone.deliverables &&
        'deliverables',
      changes.dueDate !== undefined && changes.dueDate !== milestone.due_date && 'due date',
      changes.amountMinor !== undefined &&
        changes.amountMinor !== milestone.amount_minor &&
        'amount',
      changes.isDeposit !== undefined &&
        (changes.isDeposit ? 1 : 0) !== milestone.is_deposit &&
        'deposit',
      changes.revisionRounds !== undefined &&
        changes.revisionRounds !== milestone.revision_rounds &&
        'revision rounds',
    ].filter((f): f is string => typeof f === 'string');
    if (contractual.length > 0) {
      await assertContractOpen(
        trx,
        locked.project.id,
        `milestone ${milestone.position}'s ${contractual.join(', ')}`,
      );
    }
    const updated: MilestoneRow = {
      ...milestone,
      ...(changes.title !== undefined && { title: changes.title.trim() }),
      ...(changes.deliverables !== undefined && { deliverables: changes.deliverables }),
      ...(changes.dueDate !== undefined && { due_date: changes.dueDate }),
      ...(changes.amountMinor !== undefined && { amount_minor: changes.amountMinor }),
      ...(changes.isDeposit !== undefined && { is_deposit: changes.isDeposit ? 1 : 0 }),
      ...(changes.revisionRounds !== undefined && { revision_rounds: changes.revisionRounds }),
      // A new version: a checkout session opened for the old terms no longer matches.
      version: milestone.version + 1,
      updated_at: now,
    };
    await writeMilestone(trx, locked.project.id, milestone.id, {
      title: updated.title,
      deliverables: updated.deliverables,
      due_date: updated.due_date,
      amount_minor: updated.amount_minor,
      is_deposit: updated.is_deposit,
      revision_rounds: updated.revision_rounds,
      version: updated.version,
      updated_at: now,
    });
    await appendActivity(trx, {
      projectId: locked.project.id,
      actorType: 'freelancer',
      actorId: options.ownerId,
      action: 'milestone.updated',
      details: {
        milestoneId: milestone.id,
        position: milestone.position,
        before: {
          title: milestone.title,
          deliverables: milestone.deliverables,
          dueDate: milestone.due_date,
          amountMinor: milestone.amount_minor,
          isDeposit: milestone.is_deposit === 1,
          revisionRounds: milestone.revision_rounds,
        },
        after: {
          title: updated.title,
          deliverables: updated.deliverables,
          dueDate: updated.due_date,
          amountMinor: updated.amount_minor,
          isDeposit: updated.is_deposit === 1,
          revisionRounds: updated.revision_rounds,
        },
      },
      at: now,
    });
    await postLiveEvent(trx, options.events, {
      projectId: locked.project.id,
      event: { type: 'project.updated', what: 'milestones' },
      at: now,
    });
    await settleInvoiceAfterChange(trx, {
      locked,
      milestoneId: milestone.id,
      milestone: updated,
      change: { type: 'milestone_changed', now: termsOf(locked, updated) },
      actor: { type: 'freelancer', id: options.ownerId },
      now: new Date(now),
    });
    await refreshProjectSums(trx, locked.project.id);
    return updated;
  });
}
