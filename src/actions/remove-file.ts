import { appendActivity } from '../db/queries/activity';
import { queueFileRemovals } from '../db/queries/file-removals';
import { deleteFileRow, findOwnedFile } from '../db/queries/files';
import { AppError, notFound } from '../domain/errors';
import { processFileRemovals } from '../files/file-removals';
import type { FileStorage } from '../files/storage';
import { nowOf, type ActionContext } from './context';
import { findMilestone, lockProjectForChange } from './locked-project';

/** The freelancer removes a file (finished or not) from the open milestone before delivery. */
export async function removeFile(
  options: Pick<ActionContext, 'db' | 'clock'> & {
    storage: FileStorage;
    ownerId: string;
    fileId: string;
  },
): Promise<void> {
  const at = nowOf(options).toISOString();
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
  // After the commit; a failed delete stays queued and the file sweep retries it.
  await processFileRemovals({
    db: options.db,
    storage: options.storage,
    only: [options.fileId],
  }).catch(() => undefined);
}
