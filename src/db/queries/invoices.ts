import type { Kysely } from 'kysely';
import type { DocumentSeries } from '../../domain/invoice';
import type { DB, InvoiceRow, UserRow } from '../schema';

/**
 * The freelancer's next number in a series and year, raised in the caller's transaction: the
 * upsert's row lock holds until it commits (with the document) or rolls back (giving the number
 * back), so numbers are gapless and never reused on both databases.
 */
export async function takeDocumentNumber(
  db: Kysely<DB>,
  ownerId: string,
  kind: DocumentSeries,
  year: number,
): Promise<number> {
  const row = await db
    .insertInto('document_counters')
    .values({ owner_id: ownerId, kind, year, last: 1 })
    .onConflict((oc) =>
      oc
        .columns(['owner_id', 'kind', 'year'])
        .doUpdateSet((eb) => ({ last: eb('document_counters.last', '+', 1) })),
    )
    .returning('last')
    .executeTakeFirstOrThrow();
  return row.last;
}

export async function insertInvoice(db: Kysely<DB>, invoice: InvoiceRow): Promise<void> {
  await db.insertInto('invoices').values(invoice).execute();
}

/** An invoice with the credit note that cancelled it, if any. */
export type InvoiceWithStatus = InvoiceRow & { cancelled_by: string | null };

function withStatus(db: Kysely<DB>) {
  return db
    .selectFrom('invoices')
    .leftJoin('invoices as cn', 'cn.cancels_id', 'invoices.id')
    .selectAll('invoices')
    .select('cn.id as cancelled_by');
}

export function listInvoicesOfProject(
  db: Kysely<DB>,
  projectId: string,
): Promise<InvoiceWithStatus[]> {
  return withStatus(db)
    .where('invoices.project_id', '=', projectId)
    .orderBy('invoices.created_at', 'desc')
    .orderBy('invoices.kind', 'desc')
    .orderBy('invoices.number', 'desc')
    .execute();
}

export function findInvoice(
  db: Kysely<DB>,
  scope: { ownerId: string } | { projectId: string },
  invoiceId: string,
): Promise<InvoiceWithStatus | undefined> {
  let query = withStatus(db).where('invoices.id', '=', invoiceId);
  query =
    'ownerId' in scope
      ? query.where('invoices.owner_id', '=', scope.ownerId)
      : query.where('invoices.project_id', '=', scope.projectId);
  return query.executeTakeFirst();
}

/** The milestone's invoice that no credit note has cancelled, if any. */
export function findLiveInvoice(
  db: Kysely<DB>,
  projectId: string,
  milestoneId: string,
): Promise<InvoiceWithStatus | undefined> {
  return withStatus(db)
    .where('invoices.project_id', '=', projectId)
    .where('invoices.milestone_id', '=', milestoneId)
    .where('invoices.kind', '=', 'invoice')
    .where('cn.id', 'is', null)
    .executeTakeFirst();
}

/** The freelancer's details printed on invoices and receipts. */
export function updateTaxDetails(
  db: Kysely<DB>,
  userId: string,
  details: { tax_id: string; postal_address: string; updated_at: string },
): Promise<UserRow> {
  return db
    .updateTable('users')
    .set(details)
    .where('id', '=', userId)
    .returningAll()
    .executeTakeFirstOrThrow();
}
