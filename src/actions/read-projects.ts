/** The read side: what the freelancer's and the client's screens show. */
import { listActivity } from '../db/queries/activity';
import { listMilestones, listMilestonesOfProjects } from '../db/queries/milestones';
import { listPayments } from '../db/queries/payments';
import {
  findOwnedProject,
  findProjectById,
  listOwnedProjectSummaries,
  type ProjectSummaryRow,
  type ProjectWithClient,
} from '../db/queries/projects';
import { findUserById } from '../db/queries/users';
import type { MilestoneRow, PaymentRow, ProjectRow, UserRow } from '../db/schema';
import { verifyChain, type ChainedEntry } from '../domain/activity-chain';
import { notFound } from '../domain/errors';
import type { ActionContext } from './context';

type Db = Pick<ActionContext, 'db'>;

export async function listProjects(
  options: Db & { ownerId: string; includeArchived: boolean },
): Promise<{ summary: ProjectSummaryRow; current: MilestoneRow | null }[]> {
  const summaries = await listOwnedProjectSummaries(
    options.db,
    options.ownerId,
    options.includeArchived,
  );
  const milestones = await listMilestonesOfProjects(
    options.db,
    summaries.map((s) => s.id),
  );
  return summaries.map((summary) => ({
    summary,
    current:
      milestones.find(
        (m) => m.project_id === summary.id && (m.status === 'open' || m.status === 'delivered'),
      ) ?? null,
  }));
}

export interface ProjectDetail {
  project: ProjectWithClient;
  milestones: MilestoneRow[];
  payments: PaymentRow[];
}

export async function getProject(
  options: Db & { ownerId: string; projectId: string },
): Promise<ProjectDetail> {
  const project = await findOwnedProject(options.db, options.ownerId, options.projectId);
  if (!project) throw notFound('Project');
  const [milestones, payments] = await Promise.all([
    listMilestones(options.db, project.id),
    listPayments(options.db, project.id),
  ]);
  return { project, milestones, payments };
}

export async function getActivity(
  options: Db & { ownerId: string; projectId: string },
): Promise<{ entries: ChainedEntry[]; chainValid: boolean }> {
  const project = await findOwnedProject(options.db, options.ownerId, options.projectId);
  if (!project) throw notFound('Project');
  const entries = await listActivity(options.db, project.id);
  return { entries, chainValid: verifyChain(entries) };
}

export interface PortalView {
  project: ProjectRow;
  freelancer: UserRow;
  milestones: MilestoneRow[];
  payments: PaymentRow[];
}

export async function getPortalView(options: Db & { projectId: string }): Promise<PortalView> {
  const project = await findProjectById(options.db, options.projectId);
  const freelancer = project && (await findUserById(options.db, project.owner_id));
  if (!project || !freelancer) throw notFound('Project');
  const [milestones, payments] = await Promise.all([
    listMilestones(options.db, project.id),
    listPayments(options.db, project.id),
  ]);
  return { project, freelancer, milestones, payments };
}
