import { appendActivity } from '../db/queries/activity';
import { findFileById, markFileComplete } from '../db/queries/files';
import { lockProjectById } from '../db/queries/projects';
import type { StreamAnnouncer } from '../events/stream-bus';
import { postSystemEntry } from './chat-stream';
import { nowOf, type ActionContext } from './context';
import { scheduleUploadNotice } from './schedule-notifications';

/** Records a finished upload's size and SHA-256, which both parties see and receipts name. */
export async function completeUpload(
  options: Pick<ActionContext, 'db' | 'clock'> & {
    events: StreamAnnouncer;
    fileId: string;
    size: number;
    sha256: string;
  },
): Promise<void> {
  const at = nowOf(options).toISOString();
  await options.db.transaction().execute(async (trx) => {
    const unlocked = await findFileById(trx, options.fileId);
    if (!unlocked || unlocked.status === 'complete') return;
    await lockProjectById(trx, unlocked.project_id, at);
    // Read again under the lock: the PATCH that stored the last byte and a HEAD after a restart
    // (routes/uploads.ts) may finish the same upload at once, and only the first may record it.
    const file = await findFileById(trx, options.fileId);
    if (!file || file.status === 'complete') return;
    await markFileComplete(trx, file.id, {
      sha256: options.sha256,
      size: options.size,
      completedAt: at,
    });
    await appendActivity(trx, {
      projectId: file.project_id,
      actorType: 'freelancer',
      actorId: file.owner_id,
      action: 'file.uploaded',
      details: {
        fileId: file.id,
        milestoneId: file.milestone_id,
        name: file.name,
        size: options.size,
        sha256: options.sha256,
      },
      at,
    });
    await postSystemEntry(trx, options.events, {
      projectId: file.project_id,
      milestoneId: file.milestone_id,
      event: { type: 'file.uploaded', fileId: file.id, name: file.name, size: options.size },
      at,
    });
    await scheduleUploadNotice(trx, {
      projectId: file.project_id,
      milestoneId: file.milestone_id,
      now: at,
    });
  });
}
