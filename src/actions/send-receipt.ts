/**
 * A receipt by email to both parties, as a PDF attachment. The message is queued in the mail
 * outbox inside the crediting transaction (so a payment never exists without its receipt mail);
 * the PDF is rendered later by the mail worker, outside any transaction, from the receipt row.
 */
import type { Kysely } from 'kysely';
import { enqueueMail } from '../db/queries/mail-outbox';
import { findReceipt } from '../db/queries/receipts';
import type { DB, ReceiptRow } from '../db/schema';
import { receiptLabel, type ReceiptSnapshot } from '../domain/receipt';
import { formatMoney } from '../domain/money';
import type { MailMessage } from '../mail/mailer';
import { renderReceiptPdf } from '../receipts/receipt-pdf';

export function snapshotOf(receipt: ReceiptRow): ReceiptSnapshot {
  return JSON.parse(receipt.snapshot) as ReceiptSnapshot;
}

/** Queues the receipt mail for the freelancer and the client, in the caller's transaction. */
export async function queueReceiptMail(
  trx: Kysely<DB>,
  receipt: ReceiptRow,
  snapshot: ReceiptSnapshot,
): Promise<void> {
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
  const recipients = [snapshot.freelancer.email, snapshot.client.email].filter((to) => to !== '');
  for (const to of recipients) {
    await enqueueMail(trx, {
      ownerId: receipt.owner_id,
      kind: 'receipt',
      to,
      subject,
      text,
      attachment: { receiptId: receipt.id },
      now: receipt.created_at,
    });
  }
}

/** The receipt's PDF as an attachment, rendered now; undefined if the receipt is gone. */
export async function receiptAttachment(
  db: Kysely<DB>,
  ownerId: string,
  receiptId: string,
): Promise<NonNullable<MailMessage['attachments']>[number] | undefined> {
  const receipt = await findReceipt(db, { ownerId }, receiptId);
  if (!receipt) return undefined;
  return {
    filename: `${receiptLabel(receipt.number)}.pdf`,
    content: await renderReceiptPdf(snapshotOf(receipt)),
    contentType: 'application/pdf',
  };
}
