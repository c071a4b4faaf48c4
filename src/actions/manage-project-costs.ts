/**
 * A project's costs (subcontractors, software, travel …): what profit is measured against. They
 * are the freelancer's own bookkeeping — the client never sees them — in the project's currency,
 * and follow the archive rule like every change to a project (unarchive to add a late bill).
 */
import { refreshProjectSums } from '../db/queries/analytics-sums';
import { findOwnedProject } from '../db/queries/projects';
import {
  deleteProjectCost,
  findProjectCost,
  insertProjectCost,
  listProjectCosts,
  updateProjectCost,
} from '../db/queries/project-costs';
import { newId } from '../db/ids';
import type { CostCategory, ProjectCostRow } from '../db/schema';
import { notFound } from '../domain/errors';
import { nowOf, type ActionContext } from './context';
import { lockProjectForChange } from './locked-project';

export interface CostInput {
  amountMinor: number;
  spentOn: string;
  note: string;
  category: CostCategory;
}

type Options = Pick<ActionContext, 'db' | 'clock'> & { ownerId: string; projectId: string };

export async function listCosts(options: Options): Promise<ProjectCostRow[]> {
  const project = await findOwnedProject(options.db, options.ownerId, options.projectId);
  if (!project) throw notFound('Project');
  return listProjectCosts(options.db, project.id);
}

export async function addCost(options: Options & { cost: CostInput }): Promise<ProjectCostRow> {
  const now = nowOf(options).toISOString();
  return options.db.transaction().execute(async (trx) => {
    const { project } = await lockProjectForChange(trx, { ...options, now });
    const row: ProjectCostRow = {
      id: newId(),
      project_id: project.id,
      amount_minor: options.cost.amountMinor,
      currency: project.currency,
      spent_on: options.cost.spentOn,
      note: options.cost.note.trim(),
      category: options.cost.category,
      created_at: now,
      updated_at: now,
    };
    await insertProjectCost(trx, row);
    await refreshProjectSums(trx, project.id);
    return row;
  });
}

export async function updateCost(
  options: Options & { costId: string; changes: Partial<CostInput> },
): Promise<ProjectCostRow> {
  const now = nowOf(options).toISOString();
  return options.db.transaction().execute(async (trx) => {
    const { project } = await lockProjectForChange(trx, { ...options, now });
    const cost = await findProjectCost(trx, project.id, options.costId);
    if (!cost) throw notFound('Cost');
    const { changes } = options;
    const fields = {
      ...(changes.amountMinor !== undefined && { amount_minor: changes.amountMinor }),
      ...(changes.spentOn !== undefined && { spent_on: changes.spentOn }),
      ...(changes.note !== undefined && { note: changes.note.trim() }),
      ...(changes.category !== undefined && { category: changes.category }),
      updated_at: now,
    };
    await updateProjectCost(trx, project.id, cost.id, fields);
    await refreshProjectSums(trx, project.id);
    return { ...cost, ...fields };
  });
}

export async function removeCost(options: Options & { costId: string }): Promise<void> {
  const now = nowOf(options).toISOString();
  await options.db.transaction().execute(async (trx) => {
    const { project } = await lockProjectForChange(trx, { ...options, now });
    if (!(await deleteProjectCost(trx, project.id, options.costId))) throw notFound('Cost');
    await refreshProjectSums(trx, project.id);
  });
}
