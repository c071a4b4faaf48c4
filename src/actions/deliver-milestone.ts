import { appendActivity } from '../db/queries/activity';
import { findOwnedClient } from '../db/queries/clients';
import { listFilesOfProject } from '../db/queries/files';
import { AppError } from '../domain/errors';
import { applyEvent } from '../domain/milestone-sequence';
import { enqueueMail } from '../db/queries/mail-outbox';
import { findUserById } from '../db/queries/users';
import { onBehalfOf } from '../mail/mailer';
import type { StreamAnnouncer } from '../events/stream-bus';
import { postSystemEntry } from './chat-stream';
import type { ActionContext } from './context';
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
  const now = new Date().toISOString();
  return options.db.transaction().execute(async (trx) => {
    const locked = await lockProjectForChange(trx, { ...options, now });
    const { milestone, index } = findMilestone(locked, options.milestoneId);
    const next = applyEvent(
      locked.milestones.map((m) => m.status),
      { type: 'deliver', index },
    );
    const files = (await listFilesOfProject(trx, locked.project.id)).filter(
      (f) => f.milestone_id === milestone.id,
    );
    const unfinished = files.filter((f) => f.status !== 'complete');
    if (unfinished.length > 0) {
      throw new AppError(
        'UPLOADS_IN_PROGRESS',
        `${unfinished.length} file(s) are still uploading (${unfinished.map((f) => f.name).join(', ')}): let them finish or remove them first`,
      );
    }
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
      },
      at: now,
    });
    await applyStatuses(trx, { locked, milestones: locked.milestones, next, now });
    await postSystemEntry(trx, options.events, {
      projectId: locked.project.id,
      milestoneId: milestone.id,
      event: {
        type: 'milestone.delivered',
        milestoneId: milestone.id,
        position: milestone.position,
        title: milestone.title,
      },
      at: now,
    });
    const client = await findOwnedClient(trx, options.ownerId, locked.project.client_id);
    if (!client) return { clientNotified: false };
    const freelancer = await findUserById(trx, options.ownerId);
    // Queued with the delivery: the mail worker sends it (and retries) after the commit.
    const list = files
      .map((f) => `  - ${f.name} (${f.size} bytes, SHA-256 ${f.sha256 ?? '?'})`)
      .join('\n');
    await enqueueMail(trx, {
      ownerId: options.ownerId,
      kind: 'delivery',
      to: client.email,
      subject: `Delivered: ${milestone.title} — ${locked.project.title}`,
      ...(freelancer && { fromName: onBehalfOf(freelancer.name), replyTo: freelancer.email }),
      text: [
        `Hello ${client.name},`,
        '',
        `Milestone ${milestone.position}, "${milestone.title}", of "${locked.project.title}" has been delivered.`,
        files.length > 0
          ? `\nFiles delivered:\n${list}\n\nThey unlock for download once the milestone is paid.`
          : '',
        '',
        `Open your project: ${options.config.publicUrl}/portal (with the access code you were given).`,
      ].join('\n'),
      now,
    });
    return { clientNotified: true };
  });
}
