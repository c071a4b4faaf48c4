import { updateTaxDetails as writeTaxDetails } from '../db/queries/invoices';
import type { UserRow } from '../db/schema';
import { nowOf, type ActionContext } from './context';

/** The freelancer's tax id and postal address, printed on invoices and receipts from now on. */
export function updateTaxDetails(
  options: Pick<ActionContext, 'db' | 'clock'> & {
    userId: string;
    details: { taxId: string; postalAddress: string };
  },
): Promise<UserRow> {
  return writeTaxDetails(options.db, options.userId, {
    tax_id: options.details.taxId.trim(),
    postal_address: options.details.postalAddress.trim(),
    updated_at: nowOf(options).toISOString(),
  });
}
