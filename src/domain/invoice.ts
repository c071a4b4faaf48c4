/**
 * Invoices and credit notes: the VAT arithmetic, the document numbers, the due date and the rule
 * for what happens to an invoice when its milestone changes. Pure, no I/O.
 *
 * The milestone's amount is the GROSS the client pays — what the client has always seen stays
 * what they pay — and the net and the tax are derived from it with one rounding rule:
 *   net = gross × 10000 / (10000 + rate in basis points), rounded to the nearest minor unit,
 *         halves up (exact integer arithmetic, no floats);
 *   tax = gross − net.
 * So net + tax = gross always, and the tax is within one minor unit of net × rate.
 * Reverse charge and small business invoices carry no VAT: net = gross, tax = 0, with a note.
 */
import { AppError } from './errors';

export const VAT_MODES = ['standard', 'reverse_charge', 'small_business'] as const;
export type VatMode = (typeof VAT_MODES)[number];

/** 100 % in basis points: the highest rate a project may have. */
export const MAX_VAT_BASIS_POINTS = 10_000;

export interface Vat {
  mode: VatMode;
  /** The standard rate in basis points (1900 = 19 %); ignored by the other modes. */
  rateBp: number;
}

export interface VatBreakdown {
  mode: VatMode;
  /** The rate actually applied: the project's in standard mode, 0 otherwise. */
  rateBp: number;
  netMinor: number;
  taxMinor: number;
  grossMinor: number;
}

export function isVatMode(value: string): value is VatMode {
  return (VAT_MODES as readonly string[]).includes(value);
}

export function assertVatRate(rateBp: number): void {
  if (!Number.isInteger(rateBp) || rateBp < 0 || rateBp > MAX_VAT_BASIS_POINTS) {
    throw new AppError(
      'VALIDATION_FAILED',
      'The VAT rate must be a whole number of basis points from 0 to 10000 (0 % to 100 %)',
      { field: 'vatRateBp' },
    );
  }
}

/** Net, tax and gross of a gross amount in minor units (see the module's rounding rule). */
export function vatBreakdown(grossMinor: number, vat: Vat): VatBreakdown {
  if (!Number.isSafeInteger(grossMinor) || grossMinor < 0) {
    throw new AppError(
      'VALIDATION_FAILED',
      'An amount is a whole, non-negative number of minor units',
    );
  }
  assertVatRate(vat.rateBp);
  const rateBp = vat.mode === 'standard' ? vat.rateBp : 0;
  const divisor = BigInt(MAX_VAT_BASIS_POINTS + rateBp);
  // round(g·10000/d) halves up = floor((2·g·10000 + d) / 2d), in BigInt: g·10000 may pass 2^53.
  const net = Number(
    (2n * BigInt(grossMinor) * BigInt(MAX_VAT_BASIS_POINTS) + divisor) / (2n * divisor),
  );
  return { mode: vat.mode, rateBp, netMinor: net, taxMinor: grossMinor - net, grossMinor };
}

/** The two numbered series: invoices and credit notes, each gapless per freelancer and year. */
export type DocumentSeries = 'invoice' | 'credit_note';

const PREFIX: Record<DocumentSeries, string> = { invoice: 'INV', credit_note: 'CN' };

/** "INV-2026-0001", "CN-2026-0012": the padding only keeps them sortable (10000 prints whole). */
export function documentLabel(series: DocumentSeries, year: number, number: number): string {
  return `${PREFIX[series]}-${String(year).padStart(4, '0')}-${String(number).padStart(4, '0')}`;
}

/** The calendar date `days` after `date` (both YYYY-MM-DD). */
export function addDays(date: string, days: number): string {
  const at = new Date(`${date}T00:00:00Z`);
  at.setUTCDate(at.getUTCDate() + days);
  return at.toISOString().slice(0, 10);
}

/** Default payment terms when the freelancer has set none. */
export const DEFAULT_PAYMENT_TERMS_DAYS = 14;

/**
 * The invoice's due date: the delivery (or, for an invoice issued before delivery, the day of
 * issue) plus the payment terms.
 */
export function invoiceDueDate(options: {
  issuedOn: string;
  deliveredOn: string | null;
  termsDays: number;
}): string {
  const from =
    options.deliveredOn !== null && options.deliveredOn > options.issuedOn
      ? options.deliveredOn
      : options.issuedOn;
  return addDays(from, options.termsDays);
}

/** What the invoice says about the milestone; compared to decide whether it still stands. */
export interface InvoicedTerms {
  title: string;
  amountMinor: number;
  currency: string;
  vat: Vat;
}

export type InvoiceChange =
  | { type: 'milestone_changed'; now: InvoicedTerms }
  | { type: 'milestone_removed' }
  | { type: 'cancelled_by_freelancer'; reissue: boolean };

export type InvoiceOutcome = 'keep' | 'cancel' | 'cancel_and_reissue';

function sameTerms(a: InvoicedTerms, b: InvoicedTerms): boolean {
  const vatA = vatBreakdown(a.amountMinor, a.vat);
  const vatB = vatBreakdown(b.amountMinor, b.vat);
  return (
    a.title === b.title &&
    a.currency === b.currency &&
    vatA.mode === vatB.mode &&
    vatA.rateBp === vatB.rateBp &&
    vatA.grossMinor === vatB.grossMinor
  );
}

/**
 * Invoices are never edited. When what an unpaid invoice states no longer holds, a credit note
 * cancels it, and a new invoice is issued if the milestone still asks for money.
 */
export function invoiceOutcome(invoiced: InvoicedTerms, change: InvoiceChange): InvoiceOutcome {
  switch (change.type) {
    case 'milestone_removed':
      return 'cancel';
    case 'milestone_changed':
      return sameTerms(invoiced, change.now) ? 'keep' : 'cancel_and_reissue';
    case 'cancelled_by_freelancer':
      return change.reissue ? 'cancel_and_reissue' : 'cancel';
  }
}

export interface PartyOnInvoice {
  name: string;
  businessName: string;
  email: string;
  address: string;
  taxId: string;
}

/**
 * A frozen snapshot of everything an invoice or credit note states, taken in the transaction
 * that numbers it, so it renders identically forever.
 */
export interface InvoiceSnapshot {
  kind: DocumentSeries;
  label: string;
  issuedOn: string;
  /** Credit notes: the invoice they cancel. */
  cancels: { label: string; issuedOn: string } | null;
  serviceDate: string;
  dueDate: string | null;
  paymentReference: string;
  bankDetails: string;
  freelancer: PartyOnInvoice;
  client: PartyOnInvoice & { company: string };
  project: { id: string; title: string };
  milestone: { position: number; title: string };
  currency: string;
  /** Credit notes carry the cancelled amounts as negatives. */
  amounts: VatBreakdown;
}

/** The credit note's amounts: the invoice's, negated. */
export function creditAmounts(invoice: VatBreakdown): VatBreakdown {
  return {
    ...invoice,
    // 0 − x, not −x: a zero amount stays 0 rather than −0.
    netMinor: 0 - invoice.netMinor,
    taxMinor: 0 - invoice.taxMinor,
    grossMinor: 0 - invoice.grossMinor,
  };
}
