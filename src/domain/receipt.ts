/**
 * A receipt is a frozen snapshot of everything it states, taken in the transaction that credits
 * the payment, so it renders identically forever and can be re-sent at any time.
 */
export interface ReceiptSnapshot {
  number: number;
  issuedAt: string;
  /** address, taxId: absent on receipts issued before receipts carried them. */
  freelancer: {
    name: string;
    businessName: string;
    email: string;
    address?: string;
    taxId?: string;
  };
  client: { name: string; company: string; email: string; address?: string; taxId?: string };
  project: { id: string; title: string };
  /** paymentReference: absent on receipts issued before references existed. */
  milestone: { position: number; title: string; amountMinor: number; paymentReference?: string };
  payment: {
    amountMinor: number;
    currency: string;
    method: string;
    reference: string;
    receivedOn: string;
  };
  balance: { receivedMinor: number; outstandingMinor: number; overpaidMinor: number };
  files: { name: string; size: number; sha256: string }[];
}

/** "R-000042": numbers are gapless per freelancer; the padding only keeps them sortable. */
export function receiptLabel(number: number): string {
  return `R-${String(number).padStart(6, '0')}`;
}
