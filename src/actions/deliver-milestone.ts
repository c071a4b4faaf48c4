import { refreshProjectSums } from '../db/queries/analytics-sums';
import { appendActivity } from '../db/queries/activity';
import { findOwnedClient } from '../db/queries/clients';
import { listFilesOfProject, markFilesSuperseded } from '../db/queries/files';
import { updateMilestone } from '../db/queries/milestones';
import { closeOpenRevision } from '../db/queries/revisions';
import type { FileRow } from '../db/schema';
import { AppError } from '../domain/errors';
import { applyEvent } from '../domain/milestone-sequence';
import { listPaymentsOfMilestone } from '../db/queries/payments';
import { findUserById } from '../db/queries/users';
import type { StreamAnnouncer } from '../events/stream-bus';
import { postSystemEntry } from './chat-stream';
import { balanceOf } from '../domain/payment-balance';
import { nowOf, type ActionContext } from './context';
import { isSubscribed } from '../db/queries/notification-prefs';
import { scheduleReviewReminder } from './review-window';
import { foldUploadNotice, scheduleReminders } from './schedule-notifications';
import { movementsOf } from './credit-payment';
import { invoiceDelivery } from './invoice-documents';
import { queueTemplateMail } from './queue-mail';
import { applyStatuses, findMilestone, lockProjectForChange } from './locked-project';

/**
 * The freelancer declares the open milestone's work delivered: its uploads close, the client is
 * told by email (queued in the mail outbox with the delivery), and the client may now pay.
 */
export async function deliverMilestone(
  options: ActionContext & {
    events: StreamAnnouncer;
    ownerId: string;
    projectId: string;
    milestoneId: string;
  },
): Promise<{ clientNotified: boolean }> {
  const now = nowOf(options).toISOString();
  return options.db.transaction().execute(async (trx) => {
    const locked = await lockProjectForChange(trx, { ...options, now });
    const { milestone, index } = findMilestone(locked, options.milestoneId);
    const next = applyEvent(
      locked.milestones.map((m) => m.status),
      { type: 'deliver', index },
    );
    const all = (await listFilesOfProject(trx, locked.project.id)).filter(
      (f) => f.milestone_id === milestone.id,
    );
    const unfinished = all.filter((f) => f.status !== 'complete');
    if (unfinished.length > 0) {
      throw new AppError(
        'UPLOADS_IN_PROGRESS',
        `${unfinished.length} file(s) are still uploading (${unfinished.map((f) => f.name).join(', ')}): let them finish or remove them first`,
      );
    }
    // Delivering again after a revision request: a file delivered before and uploaded anew
    // under the same name is replaced — kept, marked superseded by the new one.
    const round = milestone.revision_requested_at !== null ? milestone.revisions_used : null;
    const replaced =
      milestone.revision_requested_at === null
        ? []
        : replacedFiles(
            all.filter((f) => f.superseded_at === null),
            milestone.revision_requested_at,
          );
    if (round !== null) {
      await markFilesSuperseded(trx, milestone.id, replaced, now);
      await closeOpenRevision(trx, milestone.id, now);
      await updateMilestone(trx, locked.project.id, milestone.id, {
        revision_note: null,
        revision_requested_at: null,
      });
    }
    const gone = new Set(replaced.map((r) => r.fileId));
    const superseded = all.filter((f) => f.superseded_at !== null || gone.has(f.id));
    const files = all.filter((f) => !superseded.includes(f));
    await appendActivity(trx, {
      projectId: locked.project.id,
      actorType: 'freelancer',
      actorId: options.ownerId,
      action: 'milestone.delivered',
      details: {
        milestoneId: milestone.id,
        position: milestone.position,
        title: milestone.title,
        files: files.map((f) => ({ id: f.id, name: f.name, size: f.size, sha256: f.sha256 })),
        ...(round !== null && {
          round,
          superseded: superseded.map((f) => ({
            id: f.id,
            name: f.name,
            sha256: f.sha256,
            supersededBy: f.superseded_by ?? replaced.find((r) => r.fileId === f.id)?.by ?? null,
          })),
        }),
      },
      at: now,
    });
    await applyStatuses(trx, { locked, milestones: locked.milestones, next, now });
    await refreshProjectSums(trx, locked.project.id);
    await invoiceDelivery(trx, { locked, milestone, now });
    // The delivery mail lists the files: no separate upload mail after it.
    await foldUploadNotice(trx, milestone.id, now);
    await scheduleReminders(trx, {
      project: locked.project,
      milestoneId: milestone.id,
      deliveredAt: now,
      now,
    });
    await scheduleReviewReminder(trx, {
      project: locked.project,
      milestoneId: milestone.id,
      deliveredAt: now,
      now,
    });
    await postSystemEntry(trx, options.events, {
      projectId: locked.project.id,
      milestoneId: milestone.id,
      event: {
        type: 'milestone.delivered',
        milestoneId: milestone.id,
        position: milestone.position,
        title: milestone.title,
        ...(round !== null && { round }),
      },
      at: now,
    });
    const client = await findOwnedClient(trx, options.ownerId, locked.project.client_id);
    if (!client) return { clientNotified: false };
    const subscription = {
      audience: 'client' as const,
      subjectId: locked.project.id,
      kind: 'delivery' as const,
    };
    if (!(await isSubscribed(trx, subscription))) return { clientNotified: false };
    // Queued with the delivery, as a template the mail worker renders and sends after the commit.
    const [freelancer, payments] = await Promise.all([
      findUserById(trx, options.ownerId),
      listPaymentsOfMilestone(trx, milestone.id),
    ]);
    const balance = balanceOf(milestone.amount_minor, movementsOf(payments));
    const queued = await queueTemplateMail(trx, {
      ownerId: options.ownerId,
      kind: 'delivery',
      template: {
        name: 'delivery',
        locale: client.locale,
        input: {
          freelancer: { name: freelancer?.name ?? '', email: freelancer?.email ?? '' },
          client: { name: client.name, email: client.email },
          project: { title: locked.project.title },
          milestone: { id: milestone.id, position: milestone.position, title: milestone.title },
          files: files.map((f) => ({ name: f.name, size: f.size })),
          outstandingMinor: balance.outstandingMinor,
          currency: locked.project.currency,
        },
      },
      unsubscribe: subscription,
      now,
    });
    if (!queued) return { clientNotified: false };
    return { clientNotified: true };
  });
}

/**
 * The files a re-delivery replaces: each file finished before the revision request whose name
 * a file finished after it takes again (the newest such file replaces it).
 */
export function replacedFiles(
  current: readonly FileRow[],
  requestedAt: string,
): { fileId: string; by: string }[] {
  const before = (f: FileRow) => f.completed_at !== null && f.completed_at <= requestedAt;
  const fresh = current.filter((f) => !before(f));
  return current.filter(before).flatMap((old) => {
    const by = fresh.filter((f) => f.name === old.name).at(-1);
    return by ? [{ fileId: old.id, by: by.id }] : [];
  });
}
