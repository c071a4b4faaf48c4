import { updateProject } from '../db/queries/projects';
import { appendActivity } from '../db/queries/activity';
import type { ProjectRow } from '../db/schema';
import { assertVatRate, type Vat } from '../domain/invoice';
import { nowOf, type ActionContext } from './context';
import { settleInvoiceAfterChange, termsOf } from './invoice-documents';
import { lockProjectForChange } from './locked-project';

/**
 * Sets the VAT the project's invoices apply. Unpaid invoices that stated another VAT are
 * cancelled by credit notes and issued anew; paid ones stand.
 */
export async function setProjectVat(
  options: Pick<ActionContext, 'db' | 'clock'> & { ownerId: string; projectId: string; vat: Vat },
): Promise<ProjectRow> {
  assertVatRate(options.vat.rateBp);
  const at = nowOf(options);
  const now = at.toISOString();
  return options.db.transaction().execute(async (trx) => {
    const locked = await lockProjectForChange(trx, { ...options, now });
    const project: ProjectRow = {
      ...locked.project,
      vat_mode: options.vat.mode,
      vat_rate_bp: options.vat.rateBp,
    };
    await updateProject(trx, project.id, {
      vat_mode: project.vat_mode,
      vat_rate_bp: project.vat_rate_bp,
      updated_at: now,
    });
    await appendActivity(trx, {
      projectId: project.id,
      actorType: 'freelancer',
      actorId: options.ownerId,
      action: 'project.vat_set',
      details: { mode: project.vat_mode, rateBp: project.vat_rate_bp },
      at: now,
    });
    const changed = { ...locked, project };
    for (const milestone of locked.milestones) {
      if (milestone.status !== 'open' && milestone.status !== 'delivered') continue;
      await settleInvoiceAfterChange(trx, {
        locked: changed,
        milestoneId: milestone.id,
        milestone,
        change: { type: 'milestone_changed', now: termsOf(changed, milestone) },
        actor: { type: 'freelancer', id: options.ownerId },
        now: at,
      });
    }
    return project;
  });
}
