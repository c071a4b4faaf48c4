import { newId } from '../db/ids';
import { refreshClientSums } from '../db/queries/analytics-sums';
import { appendActivity } from '../db/queries/activity';
import { findOwnedClient } from '../db/queries/clients';
import { insertMilestones } from '../db/queries/milestones';
import { insertProject } from '../db/queries/projects';
import { findUserById } from '../db/queries/users';
import type { NewMilestoneRow } from '../db/queries/milestones';
import { AppError } from '../domain/errors';
import { assertCount, initialStatuses } from '../domain/milestone-sequence';
import { DEFAULT_REVIEW_WINDOW_DAYS, DEFAULT_REVISION_ROUNDS } from '../domain/revisions';
import { resolveAmounts, type PlannedAmount } from '../domain/project-plan';
import { nowOf, type ActionContext } from './context';

export interface NewMilestone extends PlannedAmount {
  title: string;
  deliverables: string;
  dueDate: string;
  isDeposit?: boolean | undefined;
  revisionRounds?: number | undefined;
}

export interface NewProject {
  clientId: string;
  title: string;
  currency: string;
  projectType: string;
  tags: string[];
  description: string;
  totalMinor?: number | undefined;
  milestones: NewMilestone[];
  /** Left out: the freelancer's default. */
  reviewWindowDays?: number | undefined;
  /** Null or left out: the freelancer's mediator. */
  mediator?: string | null | undefined;
}

/** Creates the project and its milestones (the first one open) in one transaction. */
export async function createProject(
  options: ActionContext & { ownerId: string; project: NewProject },
): Promise<string> {
  const { db, config, ownerId, project } = options;
  assertCount(project.milestones.length, config.limits.maxMilestones);
  const amounts = resolveAmounts(project.milestones, project.totalMinor);
  const statuses = initialStatuses(project.milestones.length);
  const now = nowOf(options).toISOString();
  const projectId = newId();
  await db.transaction().execute(async (trx) => {
    const client = await findOwnedClient(trx, ownerId, project.clientId);
    if (!client) throw new AppError('NOT_FOUND', 'Client not found', { field: 'clientId' });
    if (client.archived_at) {
      throw new AppError('ARCHIVED', 'This client is archived', { field: 'clientId' });
    }
    const reviewWindowDays =
      project.reviewWindowDays ??
      (await findUserById(trx, ownerId))?.review_window_days ??
      DEFAULT_REVIEW_WINDOW_DAYS;
    const mediator = project.mediator?.trim() ? project.mediator.trim() : null;
    await insertProject(trx, {
      id: projectId,
      owner_id: ownerId,
      client_id: client.id,
      title: project.title.trim(),
      currency: project.currency,
      project_type: project.projectType.trim(),
      tags: JSON.stringify(project.tags),
      description: project.description,
      status: 'active',
      archived_at: null,
      terms_accepted_at: null,
      access_code_hash: null,
      access_token_hash: null,
      access_created_at: null,
      payment_instructions: '',
      review_window_days: reviewWindowDays,
      mediator,
      created_at: now,
      updated_at: now,
    });
    const drafts: NewMilestoneRow[] = project.milestones.map((m, i) => ({
      id: newId(),
      project_id: projectId,
      position: i + 1,
      title: m.title.trim(),
      deliverables: m.deliverables,
      due_date: m.dueDate,
      amount_minor: amounts[i] ?? 0,
      status: statuses[i] ?? 'locked',
      delivered_at: null,
      paid_at: null,
      is_deposit: m.isDeposit === true ? 1 : 0,
      revision_rounds: m.revisionRounds ?? DEFAULT_REVISION_ROUNDS,
      version: 1,
      created_at: now,
      updated_at: now,
    }));
    const rows = await insertMilestones(trx, drafts);
    await appendActivity(trx, {
      projectId,
      actorType: 'freelancer',
      actorId: ownerId,
      action: 'project.created',
      details: {
        title: project.title,
        currency: project.currency,
        milestones: rows.map((r) => ({
          position: r.position,
          title: r.title,
          amountMinor: r.amount_minor,
          dueDate: r.due_date,
          isDeposit: r.is_deposit === 1,
          revisionRounds: r.revision_rounds,
        })),
        reviewWindowDays,
        ...(mediator !== null && { mediator }),
      },
      at: now,
    });
    // The client's cell (a second project makes a repeat client) and the new project's.
    await refreshClientSums(trx, ownerId, client.id);
  });
  return projectId;
}
