import { appendActivity } from '../db/queries/activity';
import { refreshProjectSums } from '../db/queries/analytics-sums';
import { updateProject as writeProject } from '../db/queries/projects';
import { AppError } from '../domain/errors';
import type { StreamAnnouncer } from '../events/stream-bus';
import { postLiveEvent } from './chat-stream';
import { nowOf, type ActionContext } from './context';
import { assertContractOpen } from './contract-lock';
import { lockProjectForChange } from './locked-project';

export interface ProjectChanges {
  title?: string | undefined;
  projectType?: string | undefined;
  tags?: string[] | undefined;
  description?: string | undefined;
  currency?: string | undefined;
  archived?: boolean | undefined;
  /** Empty: the freelancer's own instructions apply. */
  paymentInstructions?: string | undefined;
  /** Days after a delivery before the client is reminded to review it. */
  reviewWindowDays?: number | undefined;
  /** The project's own mediator; null or empty: the freelancer's (a contract term). */
  mediator?: string | null | undefined;
  /** Minutes spent on the project, for its effective hourly rate; null: not recorded. */
  hoursMinutes?: number | null | undefined;
}

/** Edits a project's own fields; its currency only while nothing has been delivered or paid. */
export async function updateProject(
  options: Pick<ActionContext, 'db' | 'clock'> & {
    events: StreamAnnouncer;
    ownerId: string;
    projectId: string;
    changes: ProjectChanges;
  },
): Promise<void> {
  const { changes } = options;
  const now = nowOf(options).toISOString();
  await options.db.transaction().execute(async (trx) => {
    const onlyArchiving = Object.keys(changes).every((k) => k === 'archived');
    const locked = await lockProjectForChange(trx, {
      ...options,
      now,
      act: onlyArchiving ? 'archive' : 'change',
    });
    const { project } = locked;
    if (
      changes.currency !== undefined &&
      changes.currency !== project.currency &&
      locked.milestones.some((m) => m.status === 'delivered' || m.status === 'paid')
    ) {
      throw new AppError(
        'CURRENCY_LOCKED',
        'The currency cannot change once a milestone is delivered or paid',
        {
          field: 'currency',
        },
      );
    }
    const mediatorChange =
      changes.mediator === undefined ? undefined : changes.mediator?.trim() || null;
    const contractual = [
      changes.title !== undefined && changes.title.trim() !== project.title && 'title',
      changes.currency !== undefined && changes.currency !== project.currency && 'currency',
      changes.reviewWindowDays !== undefined &&
        changes.reviewWindowDays !== project.review_window_days &&
        'review window',
      mediatorChange !== undefined && mediatorChange !== project.mediator && 'mediator',
    ].filter((f): f is string => typeof f === 'string');
    if (contractual.length > 0) {
      await assertContractOpen(trx, project.id, `the project's ${contractual.join(', ')}`);
    }
    const fields = {
      ...(changes.title !== undefined && { title: changes.title.trim() }),
      ...(changes.projectType !== undefined && { project_type: changes.projectType.trim() }),
      ...(changes.tags !== undefined && { tags: JSON.stringify(changes.tags) }),
      ...(changes.description !== undefined && { description: changes.description }),
      ...(changes.currency !== undefined && { currency: changes.currency }),
      ...(changes.paymentInstructions !== undefined && {
        payment_instructions: changes.paymentInstructions,
      }),
      ...(changes.reviewWindowDays !== undefined && {
        review_window_days: changes.reviewWindowDays,
      }),
      ...(mediatorChange !== undefined && { mediator: mediatorChange }),
      ...(changes.hoursMinutes !== undefined && { hours_minutes: changes.hoursMinutes }),
    };
    if (Object.keys(fields).length > 0) {
      await writeProject(trx, project.id, { ...fields, updated_at: now });
      await appendActivity(trx, {
        projectId: project.id,
        actorType: 'freelancer',
        actorId: options.ownerId,
        action: 'project.updated',
        details: { changes: fields },
        at: now,
      });
      await postLiveEvent(trx, options.events, {
        projectId: project.id,
        event: { type: 'project.updated', what: 'project' },
        at: now,
      });
    }
    if (changes.archived !== undefined && changes.archived !== (project.archived_at !== null)) {
      await writeProject(trx, project.id, {
        archived_at: changes.archived ? now : null,
        updated_at: now,
      });
      await appendActivity(trx, {
        projectId: project.id,
        actorType: 'freelancer',
        actorId: options.ownerId,
        action: changes.archived ? 'project.archived' : 'project.unarchived',
        at: now,
      });
      await postLiveEvent(trx, options.events, {
        projectId: project.id,
        event: { type: changes.archived ? 'project.archived' : 'project.unarchived' },
        at: now,
      });
      // The client's sockets close: an archived project has no live updates for them.
      if (changes.archived) await options.events.sessionsChanged(trx, { projectId: project.id });
    }
    await refreshProjectSums(trx, project.id);
  });
}
