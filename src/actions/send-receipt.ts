/**
 * A receipt by email to both parties, as a PDF attachment. The message is queued in the mail
 * outbox inside the crediting transaction (so a payment never exists without its receipt mail);
 * the PDF is rendered later by the mail worker, outside any transaction, from the receipt row.
 */
import type { Kysely } from 'kysely';
import { findReceipt } from '../db/queries/receipts';
import { findLogo } from '../db/queries/brand-logos';
import type { DB, ReceiptRow } from '../db/schema';
import { receiptLabel, type ReceiptSnapshot } from '../domain/receipt';
import type { Locale } from '../i18n';
import type { MailMessage } from '../mail/mailer';
import type { PdfRenderer } from '../mail/renderer';
import { queueTemplateMail } from './queue-mail';
import { isSubscribed } from '../db/queries/notification-prefs';

export function snapshotOf(receipt: ReceiptRow): ReceiptSnapshot {
  return JSON.parse(receipt.snapshot) as ReceiptSnapshot;
}

/**
 * Queues the receipt mail for the freelancer and the client, in the caller's transaction, each
 * in their own language (rendered later by the mail worker, outside the transaction).
 */
export async function queueReceiptMail(
  trx: Kysely<DB>,
  receipt: ReceiptRow,
  snapshot: ReceiptSnapshot,
  locales: { freelancer: Locale; client: Locale },
): Promise<void> {
  // The client's copy is their record and always goes; the freelancer's is their "payment
  // received" notice, which they may switch off (the receipt stays in the app).
  const payment = {
    audience: 'freelancer' as const,
    subjectId: receipt.owner_id,
    kind: 'payment' as const,
  };
  const freelancerWantsIt = await isSubscribed(trx, payment);
  for (const audience of ['freelancer', 'client'] as const) {
    if (audience === 'freelancer' && !freelancerWantsIt) continue;
    await queueTemplateMail(trx, {
      ownerId: receipt.owner_id,
      kind: 'receipt',
      template: {
        name: 'receipt',
        locale: locales[audience],
        input: {
          audience,
          snapshot,
          projectId: receipt.project_id,
          milestoneId: receipt.milestone_id,
        },
      },
      attachment: { receiptId: receipt.id, locale: locales[audience] },
      ...(audience === 'freelancer' && { unsubscribe: payment }),
      now: receipt.created_at,
    });
  }
}

/**
 * The receipt's PDF in `locale`, with the freelancer's logo as it is now, rendered by `renderer`
 * (the server's: in its render worker). Called outside transactions: the logo is read, then the
 * PDF rendered with no transaction held.
 */
export async function receiptPdf(
  db: Kysely<DB>,
  renderer: PdfRenderer,
  receipt: ReceiptRow,
  locale: Locale,
): Promise<Buffer> {
  const logo = await findLogo(db, receipt.owner_id);
  return renderer.pdf({
    kind: 'receipt',
    receipt: snapshotOf(receipt),
    locale,
    logo: logo && { type: logo.content_type, bytes: Buffer.from(logo.data_base64, 'base64') },
  });
}

/** The receipt's PDF as an attachment, rendered now; undefined if the receipt is gone. */
export async function receiptAttachment(
  db: Kysely<DB>,
  renderer: PdfRenderer,
  ownerId: string,
  receiptId: string,
  locale: Locale,
): Promise<NonNullable<MailMessage['attachments']>[number] | undefined> {
  const receipt = await findReceipt(db, { ownerId }, receiptId);
  if (!receipt) return undefined;
  return {
    filename: `${receiptLabel(receipt.number)}.pdf`,
    content: await receiptPdf(db, renderer, receipt, locale),
    contentType: 'application/pdf',
  };
}
