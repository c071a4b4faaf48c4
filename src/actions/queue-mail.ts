/**
 * Queuing mail in the mail outbox, in the caller's transaction: a template with its data (the
 * worker renders it later, outside any transaction) or a message rendered beforehand.
 */
import type { Kysely } from 'kysely';
import { enqueueMail } from '../db/queries/mail-outbox';
import type { DB, MailOutboxTable } from '../db/schema';
import type { Locale } from '../i18n';
import type { Subscription } from '../domain/notifications';
import { envelopeOf, type ComposedMail, type MailTemplate } from '../mail/compose';

interface Queued {
  ownerId: string;
  kind: MailOutboxTable['kind'];
  /** The receipt's PDF, in the recipient's language. */
  attachment?: { receiptId: string; locale: Locale };
  /** A notification: whose choice it follows (the mail gets a one-click unsubscribe link). */
  unsubscribe?: Subscription;
  now: string;
}

/** Queues a template's mail; nothing when the recipient has no address. */
export async function queueTemplateMail(
  trx: Kysely<DB>,
  options: Queued & { template: MailTemplate },
): Promise<boolean> {
  const envelope = envelopeOf(options.template);
  if (envelope.to === '') return false;
  await enqueueMail(trx, {
    ownerId: options.ownerId,
    kind: options.kind,
    ...envelope,
    template: JSON.stringify(options.template),
    ...(options.attachment && { attachment: options.attachment }),
    ...(options.unsubscribe && { unsubscribe: options.unsubscribe }),
    now: options.now,
  });
  return true;
}

/** Queues a message rendered before the transaction began. */
export async function queueComposedMail(
  trx: Kysely<DB>,
  options: Queued & { mail: ComposedMail },
): Promise<void> {
  const { mail } = options;
  await enqueueMail(trx, {
    ownerId: options.ownerId,
    kind: options.kind,
    to: mail.to,
    subject: mail.subject,
    text: mail.text,
    html: mail.html,
    fromName: mail.fromName,
    replyTo: mail.replyTo,
    ...(options.attachment && { attachment: options.attachment }),
    now: options.now,
  });
}
