import { appendActivity } from '../db/queries/activity';
import { queueFileRemovals } from '../db/queries/file-removals';
import { deleteFileRow, findOwnedFile, markFilesSuperseded } from '../db/queries/files';
import { AppError, notFound } from '../domain/errors';
import { processFileRemovals } from '../files/file-removals';
import type { FileStorage } from '../files/storage';
import { nowOf, type ActionContext } from './context';
import { findMilestone, lockProjectForChange } from './locked-project';

/**
 * The freelancer removes a file (finished or not) from the open milestone before delivery; a
 * file delivered before a revision request is kept and marked superseded instead.
 */
export async function removeFile(
  options: Pick<ActionContext, 'db' | 'clock'> & {
    storage: FileStorage;
    ownerId: string;
    fileId: string;
  },
): Promise<void> {
  const at = nowOf(options).toISOString();
  let superseded = false;
  await options.db.transaction().execute(async (trx) => {
    const file = await findOwnedFile(trx, options.ownerId, options.fileId);
    if (!file) throw notFound('File');
    const locked = await lockProjectForChange(trx, {
      ownerId: options.ownerId,
      projectId: file.project_id,
      now: at,
    });
    const { milestone } = findMilestone(locked, file.milestone_id);
    if (milestone.status !== 'open') {
      throw new AppError(
        'UPLOAD_CLOSED',
        `Milestone ${milestone.position} is ${milestone.status}: its files no longer change`,
      );
    }
    if (file.superseded_at !== null) {
      throw new AppError(
        'CONFLICT',
        `${file.name} was replaced during a revision and is kept as evidence of what was delivered`,
      );
    }
    // A file the client already received in a delivery is kept (receipts, disputes and the
    // evidence bundle may cite it) and marked superseded instead of deleted.
    if (
      milestone.delivered_at !== null &&
      file.completed_at !== null &&
      file.completed_at <= milestone.delivered_at
    ) {
      await markFilesSuperseded(trx, milestone.id, [{ fileId: file.id, by: null }], at);
      await appendActivity(trx, {
        projectId: file.project_id,
        actorType: 'freelancer',
        actorId: options.ownerId,
        action: 'file.superseded',
        details: { fileId: file.id, milestoneId: file.milestone_id, name: file.name },
        at,
      });
      superseded = true;
      return;
    }
    await deleteFileRow(trx, file.id);
    await queueFileRemovals(trx, [file.id], at);
    await appendActivity(trx, {
      projectId: file.project_id,
      actorType: 'freelancer',
      actorId: options.ownerId,
      action: 'file.removed',
      details: { fileId: file.id, milestoneId: file.milestone_id, name: file.name },
      at,
    });
  });
  if (superseded) return;
  // After the commit; a failed delete stays queued and the file sweep retries it.
  await processFileRemovals({
    db: options.db,
    storage: options.storage,
    only: [options.fileId],
  }).catch(() => undefined);
}
