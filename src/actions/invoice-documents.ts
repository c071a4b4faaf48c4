/**
 * Writing invoices and credit notes inside the caller's transaction (the project already
 * locked): the snapshot of everything the document states, its gapless number, the row and the
 * activity entry — all or nothing. Documents are never updated; a credit note cancels an invoice.
 * The PDF is rendered later, from the snapshot, outside any transaction.
 */
import type { Kysely } from 'kysely';
import { newId } from '../db/ids';
import { appendActivity } from '../db/queries/activity';
import { findOwnedClient } from '../db/queries/clients';
import { findLiveInvoice, insertInvoice, takeDocumentNumber } from '../db/queries/invoices';
import { findUserById } from '../db/queries/users';
import type { DB, InvoiceRow, MilestoneRow } from '../db/schema';
import { todayIn } from '../domain/calendar';
import {
  creditAmounts,
  documentLabel,
  invoiceDueDate,
  invoiceOutcome,
  vatBreakdown,
  type InvoiceChange,
  type InvoicedTerms,
  type InvoiceSnapshot,
} from '../domain/invoice';
import type { LockedProject } from './locked-project';

export function invoiceSnapshotOf(row: InvoiceRow): InvoiceSnapshot {
  return JSON.parse(row.snapshot) as InvoiceSnapshot;
}

export function termsOf(locked: LockedProject, milestone: MilestoneRow): InvoicedTerms {
  return {
    title: milestone.title,
    amountMinor: milestone.amount_minor,
    currency: locked.project.currency,
    vat: { mode: locked.project.vat_mode, rateBp: locked.project.vat_rate_bp },
  };
}

function termsOfSnapshot(snapshot: InvoiceSnapshot): InvoicedTerms {
  return {
    title: snapshot.milestone.title,
    amountMinor: snapshot.amounts.grossMinor,
    currency: snapshot.currency,
    vat: { mode: snapshot.amounts.mode, rateBp: snapshot.amounts.rateBp },
  };
}

async function partiesOf(trx: Kysely<DB>, locked: LockedProject) {
  const ownerId = locked.project.owner_id;
  const [freelancer, client] = await Promise.all([
    findUserById(trx, ownerId),
    findOwnedClient(trx, ownerId, locked.project.client_id),
  ]);
  if (!freelancer) throw new Error(`The project's owner ${ownerId} is gone`);
  return { freelancer, client };
}

/** Issues the milestone's invoice: numbered, snapshotted, recorded in the activity. */
export async function writeInvoice(
  trx: Kysely<DB>,
  options: {
    locked: LockedProject;
    milestone: MilestoneRow;
    /** When the milestone was (or is being) delivered; null before delivery. */
    deliveredAt: string | null;
    actor: { type: 'freelancer' | 'system'; id: string | null };
    now: Date;
  },
): Promise<InvoiceRow> {
  const { locked, milestone, now } = options;
  const { freelancer, client } = await partiesOf(trx, locked);
  const zone = freelancer.time_zone;
  const issuedOn = todayIn(zone, now);
  const deliveredOn = options.deliveredAt ? todayIn(zone, new Date(options.deliveredAt)) : null;
  const year = Number(issuedOn.slice(0, 4));
  const number = await takeDocumentNumber(trx, freelancer.id, 'invoice', year);
  const label = documentLabel('invoice', year, number);
  const amounts = vatBreakdown(milestone.amount_minor, {
    mode: locked.project.vat_mode,
    rateBp: locked.project.vat_rate_bp,
  });
  const snapshot: InvoiceSnapshot = {
    kind: 'invoice',
    label,
    issuedOn,
    cancels: null,
    serviceDate: deliveredOn ?? milestone.due_date,
    dueDate: invoiceDueDate({ issuedOn, deliveredOn, termsDays: freelancer.payment_terms_days }),
    paymentReference: milestone.payment_reference,
    // The project's own instructions, else the freelancer's.
    bankDetails: locked.project.payment_instructions || freelancer.payment_instructions,
    freelancer: {
      name: freelancer.name,
      businessName: freelancer.business_name,
      email: freelancer.email,
      address: freelancer.postal_address,
      taxId: freelancer.tax_id,
    },
    client: {
      name: client?.name ?? '',
      businessName: client?.company ?? '',
      company: client?.company ?? '',
      email: client?.email ?? '',
      address: client?.postal_address ?? '',
      taxId: client?.tax_id ?? '',
    },
    project: { id: locked.project.id, title: locked.project.title },
    milestone: { position: milestone.position, title: milestone.title },
    currency: locked.project.currency,
    amounts,
  };
  const row: InvoiceRow = {
    id: newId(),
    owner_id: freelancer.id,
    project_id: locked.project.id,
    milestone_id: milestone.id,
    kind: 'invoice',
    year,
    number,
    label,
    issued_on: issuedOn,
    due_date: snapshot.dueDate,
    currency: snapshot.currency,
    net_minor: amounts.netMinor,
    tax_minor: amounts.taxMinor,
    gross_minor: amounts.grossMinor,
    cancels_id: null,
    snapshot: JSON.stringify(snapshot),
    created_at: now.toISOString(),
  };
  await insertInvoice(trx, row);
  await appendActivity(trx, {
    projectId: locked.project.id,
    actorType: options.actor.type,
    actorId: options.actor.id,
    action: 'invoice.issued',
    details: {
      invoiceId: row.id,
      label,
      milestoneId: milestone.id,
      position: milestone.position,
      grossMinor: amounts.grossMinor,
      currency: row.currency,
    },
    at: row.created_at,
  });
  return row;
}

/** Cancels an invoice with a credit note of the opposite amounts, numbered in its own series. */
export async function writeCreditNote(
  trx: Kysely<DB>,
  options: {
    locked: LockedProject;
    invoice: InvoiceRow;
    reason: InvoiceChange['type'];
    actor: { type: 'freelancer' | 'system'; id: string | null };
    now: Date;
  },
): Promise<InvoiceRow> {
  const { locked, invoice, now } = options;
  const { freelancer } = await partiesOf(trx, locked);
  const issuedOn = todayIn(freelancer.time_zone, now);
  const year = Number(issuedOn.slice(0, 4));
  const number = await takeDocumentNumber(trx, freelancer.id, 'credit_note', year);
  const label = documentLabel('credit_note', year, number);
  const original = invoiceSnapshotOf(invoice);
  const amounts = creditAmounts(original.amounts);
  const snapshot: InvoiceSnapshot = {
    ...original,
    kind: 'credit_note',
    label,
    issuedOn,
    cancels: { label: original.label, issuedOn: original.issuedOn },
    dueDate: null,
    amounts,
  };
  const row: InvoiceRow = {
    id: newId(),
    owner_id: invoice.owner_id,
    project_id: invoice.project_id,
    milestone_id: invoice.milestone_id,
    currency: invoice.currency,
    kind: 'credit_note',
    year,
    number,
    label,
    issued_on: issuedOn,
    due_date: null,
    net_minor: amounts.netMinor,
    tax_minor: amounts.taxMinor,
    gross_minor: amounts.grossMinor,
    cancels_id: invoice.id,
    snapshot: JSON.stringify(snapshot),
    created_at: now.toISOString(),
  };
  await insertInvoice(trx, row);
  await appendActivity(trx, {
    projectId: locked.project.id,
    actorType: options.actor.type,
    actorId: options.actor.id,
    action: 'credit_note.issued',
    details: {
      creditNoteId: row.id,
      label,
      cancels: { invoiceId: invoice.id, label: invoice.label },
      reason: options.reason,
      milestoneId: invoice.milestone_id,
      grossMinor: amounts.grossMinor,
      currency: row.currency,
    },
    at: row.created_at,
  });
  return row;
}

/**
 * After a change to a milestone (in the same transaction): if it has a live invoice whose
 * terms no longer hold, a credit note cancels it, and a new invoice is issued when the rule says
 * so and the milestone still asks for money.
 */
export async function settleInvoiceAfterChange(
  trx: Kysely<DB>,
  options: {
    locked: LockedProject;
    milestoneId: string;
    /** The milestone as it is now; null once removed. */
    milestone: MilestoneRow | null;
    change: InvoiceChange;
    actor: { type: 'freelancer' | 'system'; id: string | null };
    now: Date;
  },
): Promise<{ creditNote: InvoiceRow | null; invoice: InvoiceRow | null }> {
  const { locked, milestone } = options;
  const live = await findLiveInvoice(trx, locked.project.id, options.milestoneId);
  if (!live) return { creditNote: null, invoice: null };
  const outcome = invoiceOutcome(termsOfSnapshot(invoiceSnapshotOf(live)), options.change);
  if (outcome === 'keep') return { creditNote: null, invoice: live };
  const creditNote = await writeCreditNote(trx, {
    locked,
    invoice: live,
    reason: options.change.type,
    actor: options.actor,
    now: options.now,
  });
  if (outcome === 'cancel' || !milestone || !['open', 'delivered'].includes(milestone.status)) {
    return { creditNote, invoice: null };
  }
  const invoice = await writeInvoice(trx, {
    locked,
    milestone,
    deliveredAt: milestone.delivered_at,
    actor: options.actor,
    now: options.now,
  });
  return { creditNote, invoice };
}

/** Delivering issues the milestone's invoice, unless one issued ahead of delivery still stands. */
export async function invoiceDelivery(
  trx: Kysely<DB>,
  options: { locked: LockedProject; milestone: MilestoneRow; now: string },
): Promise<void> {
  const { locked, milestone, now } = options;
  if (await findLiveInvoice(trx, locked.project.id, milestone.id)) return;
  await writeInvoice(trx, {
    locked,
    milestone,
    deliveredAt: now,
    actor: { type: 'system', id: null },
    now: new Date(now),
  });
}
