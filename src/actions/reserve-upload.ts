import { randomBytes } from 'node:crypto';
import { countFilesOfMilestone, insertFile } from '../db/queries/files';
import type { FileRow } from '../db/schema';
import { AppError } from '../domain/errors';
import { assertFileSize, assertRoomForFile, cleanFileName } from '../domain/uploads';
import { nowOf, type ActionContext } from './context';
import { findMilestone, lockProjectForChange } from './locked-project';

/**
 * Reserves a place for a new deliverable before the upload store sees a byte: only the project's
 * freelancer, only into the open milestone, within the file-count and size limits. Counted under
 * the project's lock, so twenty parallel creates into a milestone holding four files admit one.
 */
export async function reserveUpload(
  options: ActionContext & {
    ownerId: string;
    milestoneId: string;
    file: { name: string; type: string; size: number };
  },
): Promise<FileRow> {
  const { db, config } = options;
  assertFileSize(options.file.size, config.limits.maxFileBytes);
  const milestoneRef = await db
    .selectFrom('milestones')
    .innerJoin('projects', 'projects.id', 'milestones.project_id')
    .select(['milestones.project_id'])
    .where('milestones.id', '=', options.milestoneId)
    .where('projects.owner_id', '=', options.ownerId)
    .executeTakeFirst();
  if (!milestoneRef)
    throw new AppError('NOT_FOUND', 'Milestone not found', { field: 'milestoneId' });
  const now = nowOf(options);
  const at = now.toISOString();
  return db.transaction().execute(async (trx) => {
    const locked = await lockProjectForChange(trx, {
      ownerId: options.ownerId,
      projectId: milestoneRef.project_id,
      now: at,
    });
    const { milestone } = findMilestone(locked, options.milestoneId);
    if (milestone.status !== 'open') {
      throw new AppError(
        'UPLOAD_CLOSED',
        `Milestone ${milestone.position} is ${milestone.status}: files can be added only to the open milestone before it is delivered`,
      );
    }
    assertRoomForFile(
      await countFilesOfMilestone(trx, milestone.id),
      config.limits.maxFilesPerMilestone,
    );
    const file: FileRow = {
      id: randomBytes(16).toString('hex'),
      project_id: locked.project.id,
      milestone_id: milestone.id,
      owner_id: options.ownerId,
      name: cleanFileName(options.file.name),
      type: options.file.type.slice(0, 200) || 'application/octet-stream',
      size: options.file.size,
      sha256: null,
      status: 'uploading',
      created_at: at,
      completed_at: null,
      expires_at: new Date(now.getTime() + config.uploadExpiryHours * 3600 * 1000).toISOString(),
      superseded_at: null,
      superseded_by: null,
    };
    await insertFile(trx, file);
    return file;
  });
}
