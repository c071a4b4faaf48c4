/** The read side: what the freelancer's and the client's screens show. */
import { findLogoMeta, type LogoMeta } from '../db/queries/brand-logos';
import { listActivityPage } from '../db/queries/activity';
import { listMilestones, listMilestonesOfProjects } from '../db/queries/milestones';
import { listPayments } from '../db/queries/payments';
import {
  findOwnedProject,
  findProjectById,
  listOwnedProjectSummaries,
  type ProjectSummaryRow,
  type ProjectWithClient,
} from '../db/queries/projects';
import { findClientLocaleOfProject } from '../db/queries/clients';
import { findUserById } from '../db/queries/users';
import { DEFAULT_LOCALE, type Locale } from '../i18n/locales';
import type { MilestoneRow, PaymentRow, ProjectRow, UserRow } from '../db/schema';
import { verifySegment, type ChainedEntry } from '../domain/activity-chain';
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

/**
 * One page of a project's activity record: up to `limit` entries before the sequence number
 * `before` (the newest when absent), oldest first, whether they verify (each intact and linked
 * to the one before, back to the entry preceding the page), and the cursor of the next older
 * page, or null at the start of the record.
 */
export async function getActivity(
  options: Db & { ownerId: string; projectId: string; before?: number; limit: number },
): Promise<{ entries: ChainedEntry[]; chainValid: boolean; nextCursor: number | null }> {
  const project = await findOwnedProject(options.db, options.ownerId, options.projectId);
  if (!project) throw notFound('Project');
  const { entries, previous } = await listActivityPage(options.db, project.id, {
    before: options.before,
    limit: options.limit,
  });
  return {
    entries,
    chainValid: verifySegment(entries, previous),
    nextCursor: previous === undefined ? null : (entries[0]?.seq ?? null),
  };
}

export interface PortalView {
  project: ProjectRow;
  freelancer: UserRow;
  milestones: MilestoneRow[];
  payments: PaymentRow[];
  logo: LogoMeta | undefined;
  /** The language the freelancer chose for the project's client. */
  clientLocale: Locale;
}

export async function getPortalView(options: Db & { projectId: string }): Promise<PortalView> {
  const project = await findProjectById(options.db, options.projectId);
  const freelancer = project && (await findUserById(options.db, project.owner_id));
  if (!project || !freelancer) throw notFound('Project');
  const [milestones, payments, logo, clientLocale] = await Promise.all([
    listMilestones(options.db, project.id),
    listPayments(options.db, project.id),
    findLogoMeta(options.db, freelancer.id),
    findClientLocaleOfProject(options.db, project.id),
  ]);
  return {
    project,
    freelancer,
    milestones,
    payments,
    logo,
    clientLocale: clientLocale ?? DEFAULT_LOCALE,
  };
}
