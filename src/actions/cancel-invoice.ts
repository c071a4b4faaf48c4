import { findInvoice, findLiveInvoice } from '../db/queries/invoices';
import type { InvoiceRow } from '../db/schema';
import { AppError, notFound } from '../domain/errors';
import { nowOf, type ActionContext } from './context';
import { settleInvoiceAfterChange } from './invoice-documents';
import { lockProjectForChange } from './locked-project';

/**
 * The freelancer cancels an invoice (settled some other way, issued in error, or with details
 * that have since changed): a credit note cancels it, and with `reissue` a new invoice is issued
 * from the milestone, the project and both parties as they are now — if it still asks for money.
 */
export async function cancelInvoice(
  options: Pick<ActionContext, 'db' | 'clock'> & {
    ownerId: string;
    invoiceId: string;
    reissue: boolean;
  },
): Promise<{ creditNote: InvoiceRow; invoice: InvoiceRow | null }> {
  const at = nowOf(options);
  const found = await findInvoice(options.db, { ownerId: options.ownerId }, options.invoiceId);
  if (!found) throw notFound('Invoice');
  return options.db.transaction().execute(async (trx) => {
    const locked = await lockProjectForChange(trx, {
      ownerId: options.ownerId,
      projectId: found.project_id,
      now: at.toISOString(),
    });
    // Read again under the lock: a parallel cancellation may have won.
    const live = await findLiveInvoice(trx, locked.project.id, found.milestone_id);
    if (found.kind !== 'invoice' || live?.id !== found.id) {
      throw new AppError(
        'CONFLICT',
        found.kind === 'invoice'
          ? `Invoice ${found.label} is already cancelled`
          : `${found.label} is a credit note; credit notes are not cancelled`,
      );
    }
    const milestone = locked.milestones.find((m) => m.id === found.milestone_id) ?? null;
    const result = await settleInvoiceAfterChange(trx, {
      locked,
      milestoneId: found.milestone_id,
      milestone,
      change: { type: 'cancelled_by_freelancer', reissue: options.reissue },
      actor: { type: 'freelancer', id: options.ownerId },
      now: at,
    });
    if (!result.creditNote) throw new Error('A live invoice was not cancelled');
    return { creditNote: result.creditNote, invoice: result.invoice };
  });
}
