import { findOwnedFile, findProjectFile } from '../db/queries/files';
import type { FileRow, PaymentRow } from '../db/schema';
import { AppError, notFound } from '../domain/errors';
import { balanceOf } from '../domain/payment-balance';
import { clientMayDownload } from '../domain/uploads';
import { listPaymentsOfMilestone } from '../db/queries/payments';
import { movementsOf } from './credit-payment';
import type { ActionContext } from './context';

export type DownloadCaller =
  { kind: 'freelancer'; userId: string } | { kind: 'client'; projectId: string };

/**
 * Whether a milestone's files are open to its client: paid, and not refunded in full. The one
 * rule behind every download path and the portal's `downloadable` flag.
 */
export function unlockedForClient(
  milestoneStatus: string,
  payments: readonly PaymentRow[],
): { unlocked: boolean; refundedInFull: boolean } {
  const { refundedInFull } = balanceOf(0, movementsOf(payments));
  return { unlocked: clientMayDownload(milestoneStatus, refundedInFull), refundedInFull };
}

/**
 * The one gate for a deliverable's bytes, whatever the path (stream, range, presigned URL): the
 * owner always; the client of the project only once the file's milestone is paid.
 */
export async function authorizeDownload(
  options: Pick<ActionContext, 'db'> & { fileId: string; caller: DownloadCaller },
): Promise<FileRow> {
  const { db, caller } = options;
  const file =
    caller.kind === 'freelancer'
      ? await findOwnedFile(db, caller.userId, options.fileId)
      : await findProjectFile(db, caller.projectId, options.fileId);
  if (!file || file.status !== 'complete') throw notFound('File');
  if (caller.kind === 'client') {
    const milestone = await db
      .selectFrom('milestones')
      .select(['status', 'position'])
      .where('id', '=', file.milestone_id)
      .where('project_id', '=', caller.projectId)
      .executeTakeFirst();
    const { unlocked, refundedInFull } = unlockedForClient(
      milestone?.status ?? '',
      await listPaymentsOfMilestone(db, file.milestone_id),
    );
    if (!milestone || !unlocked) {
      throw new AppError(
        'PAYMENT_REQUIRED',
        refundedInFull
          ? 'This milestone was refunded; its files are no longer available'
          : milestone
            ? `This file unlocks when milestone ${milestone.position} is paid`
            : 'This file unlocks once paid',
      );
    }
  }
  return file;
}
