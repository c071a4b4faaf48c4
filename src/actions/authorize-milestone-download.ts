import { listFilesOfMilestone } from '../db/queries/files';
import type { FileRow } from '../db/schema';
import { notFound } from '../domain/errors';
import { authorizeDownload, type DownloadCaller } from './authorize-download';
import type { ActionContext } from './context';

/**
 * "Download all": the finished files of one milestone, each passed through the same gate as a
 * single download (authorizeDownload) — the owner always, the client only once it is paid — so
 * a locked milestone is refused exactly as its files are one by one.
 */
export async function authorizeMilestoneDownload(
  options: Pick<ActionContext, 'db'> & { milestoneId: string; caller: DownloadCaller },
): Promise<{ files: FileRow[]; projectTitle: string; milestoneTitle: string; position: number }> {
  const { db, caller } = options;
  let query = db
    .selectFrom('milestones')
    .innerJoin('projects', 'projects.id', 'milestones.project_id')
    .select([
      'milestones.id',
      'milestones.project_id',
      'milestones.title',
      'milestones.position',
      'projects.title as project_title',
    ])
    .where('milestones.id', '=', options.milestoneId);
  query =
    caller.kind === 'freelancer'
      ? query.where('projects.owner_id', '=', caller.userId)
      : query.where('projects.id', '=', caller.projectId);
  const milestone = await query.executeTakeFirst();
  if (!milestone) throw notFound('Milestone');
  // In upload order, so a repeated name gets its " (2)" in the ZIP on the later one.
  const complete = (await listFilesOfMilestone(db, milestone.project_id, milestone.id))
    // The current delivery only: files replaced during a revision stay downloadable one by one.
    .filter((f) => f.status === 'complete' && f.superseded_at === null)
    .sort((a, b) => a.created_at.localeCompare(b.created_at) || a.id.localeCompare(b.id));
  if (complete.length === 0) throw notFound('Files of this milestone');
  const files: FileRow[] = [];
  for (const file of complete) files.push(await authorizeDownload({ db, fileId: file.id, caller }));
  return {
    files,
    projectTitle: milestone.project_title,
    milestoneTitle: milestone.title,
    position: milestone.position,
  };
}
