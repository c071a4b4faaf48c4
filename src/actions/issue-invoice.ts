import { findLiveInvoice } from '../db/queries/invoices';
import type { InvoiceRow } from '../db/schema';
import { AppError } from '../domain/errors';
import { nowOf, type ActionContext } from './context';
import { writeInvoice } from './invoice-documents';
import { findMilestone, lockProjectForChange } from './locked-project';

/**
 * The freelancer asks for a milestone's invoice: an open milestone (billed ahead of delivery) or
 * a delivered, unpaid one without a standing invoice (delivered before invoices existed, or
 * after its invoice was cancelled). Delivering issues one by itself.
 */
export async function issueInvoice(
  options: Pick<ActionContext, 'db' | 'clock'> & {
    ownerId: string;
    projectId: string;
    milestoneId: string;
  },
): Promise<InvoiceRow> {
  const at = nowOf(options);
  return options.db.transaction().execute(async (trx) => {
    const locked = await lockProjectForChange(trx, { ...options, now: at.toISOString() });
    const { milestone } = findMilestone(locked, options.milestoneId);
    if (milestone.status !== 'open' && milestone.status !== 'delivered') {
      throw new AppError(
        'CONFLICT',
        `Milestone ${milestone.position} is ${milestone.status}: only an open or delivered, unpaid milestone is invoiced`,
      );
    }
    const live = await findLiveInvoice(trx, locked.project.id, milestone.id);
    if (live) {
      throw new AppError(
        'CONFLICT',
        `Milestone ${milestone.position} already has invoice ${live.label}; cancel it with a credit note first`,
      );
    }
    return writeInvoice(trx, {
      locked,
      milestone,
      deliveredAt: milestone.delivered_at,
      actor: { type: 'freelancer', id: options.ownerId },
      now: at,
    });
  });
}
