import type { Kysely } from 'kysely';
import type { DB, ReceiptRow } from '../db/schema';
import { receiptLabel, type ReceiptSnapshot } from '../domain/receipt';
import { formatMoney } from '../domain/money';
import type { Mailer } from '../mail/mailer';
import { renderReceiptPdf } from '../receipts/receipt-pdf';

export function snapshotOf(receipt: ReceiptRow): ReceiptSnapshot {
  return JSON.parse(receipt.snapshot) as ReceiptSnapshot;
}

/**
 * Emails the receipt, as a PDF attachment, to both parties. Called after the crediting
 * transaction has committed; a mail failure leaves the receipt in the app for both to download.
 */
export async function sendReceipt(options: {
  db: Kysely<DB>;
  mailer: Mailer;
  receipt: ReceiptRow;
}): Promise<boolean> {
  const snapshot = snapshotOf(options.receipt);
  const pdf = await renderReceiptPdf(snapshot);
  const label = receiptLabel(snapshot.number);
  const amount = formatMoney(snapshot.payment.amountMinor, snapshot.payment.currency);
  const subject = `Receipt ${label}: ${amount} for ${snapshot.project.title}`;
  const text = [
    `Receipt ${label}`,
    '',
    `${amount} received on ${snapshot.payment.receivedOn} for milestone ${snapshot.milestone.position}, "${snapshot.milestone.title}", of "${snapshot.project.title}".`,
    snapshot.balance.outstandingMinor > 0
      ? `Still outstanding for this milestone: ${formatMoney(snapshot.balance.outstandingMinor, snapshot.payment.currency)}.`
      : 'The milestone is paid in full; its files are unlocked.',
    '',
    'The receipt is attached as a PDF and lists the SHA-256 of every file delivered.',
  ].join('\n');
  const attachments = [{ filename: `${label}.pdf`, content: pdf, contentType: 'application/pdf' }];
  const recipients = [snapshot.freelancer.email, snapshot.client.email].filter((to) => to !== '');
  const results = await Promise.allSettled(
    recipients.map((to) => options.mailer.send({ to, subject, text, attachments })),
  );
  return results.every((r) => r.status === 'fulfilled');
}
