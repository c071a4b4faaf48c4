import { refreshProjectSums } from '../db/queries/analytics-sums';
import { appendActivity } from '../db/queries/activity';
import { queueFileRemovals } from '../db/queries/file-removals';
import { listFilesOfMilestone } from '../db/queries/files';
import { deleteMilestone, updateMilestone } from '../db/queries/milestones';
import { AppError } from '../domain/errors';
import { isEditable, normalizeSequence } from '../domain/milestone-sequence';
import { processFileRemovals } from '../files/file-removals';
import type { FileStorage } from '../files/storage';
import type { StreamAnnouncer } from '../events/stream-bus';
import { postLiveEvent } from './chat-stream';
import { nowOf, type ActionContext } from './context';
import { assertContractOpen } from './contract-lock';
import { settleInvoiceAfterChange } from './invoice-documents';
import { applyStatuses, findMilestone, lockProjectForChange } from './locked-project';

/**
 * Removes a milestone not yet delivered and closes the gap in the positions after it. Its files'
 * rows go with it (cascade); their stored bytes are queued in the same transaction and deleted
 * after the commit (a failure there is retried by the file sweep).
 */
export async function removeMilestone(
  options: Pick<ActionContext, 'db' | 'clock'> & {
    storage: FileStorage;
    events: StreamAnnouncer;
    ownerId: string;
    projectId: string;
    milestoneId: string;
  },
): Promise<void> {
  const now = nowOf(options).toISOString();
  const fileIds = await options.db.transaction().execute(async (trx) => {
    const locked = await lockProjectForChange(trx, { ...options, now });
    const { milestone, index } = findMilestone(locked, options.milestoneId);
    if (!isEditable(milestone.status)) {
      throw new AppError(
        'MILESTONE_FROZEN',
        `Milestone ${milestone.position} is ${milestone.status}; delivered and paid milestones never change`,
      );
    }
    await assertContractOpen(trx, locked.project.id, `removing milestone ${milestone.position}`);
    if (locked.milestones.length === 1) {
      throw new AppError('LAST_MILESTONE', 'A project keeps at least one milestone');
    }
    const files = await listFilesOfMilestone(trx, locked.project.id, milestone.id);
    await queueFileRemovals(
      trx,
      files.map((f) => f.id),
      now,
    );
    await deleteMilestone(trx, locked.project.id, milestone.id);
    const remaining = locked.milestones.filter((m) => m.id !== milestone.id);
    // Ascending, so each position moves into a slot already vacated.
    for (const later of remaining.slice(index)) {
      await updateMilestone(trx, locked.project.id, later.id, {
        position: later.position - 1,
        updated_at: now,
      });
    }
    await appendActivity(trx, {
      projectId: locked.project.id,
      actorType: 'freelancer',
      actorId: options.ownerId,
      action: 'milestone.removed',
      details: {
        milestoneId: milestone.id,
        position: milestone.position,
        title: milestone.title,
        amountMinor: milestone.amount_minor,
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
      milestone: null,
      change: { type: 'milestone_removed' },
      actor: { type: 'freelancer', id: options.ownerId },
      now: new Date(now),
    });
    const renumbered = remaining.map((m, i) => ({ ...m, position: i + 1 }));
    await applyStatuses(trx, {
      locked,
      milestones: renumbered,
      next: normalizeSequence(renumbered.map((m) => m.status)),
      now,
    });
    await refreshProjectSums(trx, locked.project.id);
    return files.map((f) => f.id);
  });
  await processFileRemovals({ db: options.db, storage: options.storage, only: fileIds }).catch(
    () => undefined, // queued: the sweep retries
  );
}
