/**
 * One pass of the mail worker: every due message in the outbox is leased, built (rendering a
 * receipt's PDF here, outside any transaction), handed to the transport, and then marked sent —
 * its body cleared — or failed with the next attempt set by the retry policy.
 */
import type { Kysely } from 'kysely';
import { z } from 'zod';
import { withoutWaitingForDisk } from '../db/disk-wait';
import { newId } from '../db/ids';
import {
  claimMail,
  listDueMail,
  markMailFailed,
  markMailSent,
  storeRenderedMail,
} from '../db/queries/mail-outbox';
import type { DB, MailRow } from '../db/schema';
import { nextAttemptAfterFailure, type MailRetryPolicy } from '../domain/mail-retry';
import type { Subscription } from '../domain/notifications';
import { clientRecordOf, type MailTemplate } from '../mail/compose';
import { recordHeadOf } from '../db/queries/evidence';
import { mailLinks } from '../mail/links';
import { SEND_LEASE_MS, type Mailer, type MailMessage } from '../mail/mailer';
import type { Renderer } from '../mail/renderer';
import { SUPPORTED_LOCALES } from '../i18n';
import { receiptAttachment } from './send-receipt';

const BATCH = 50;
// Mail queued before PDFs spoke the reader's language names no locale: English, as it was.
const attachmentSpec = z.object({
  receiptId: z.string(),
  locale: z.enum(SUPPORTED_LOCALES).default('en'),
});

export interface MailPassResult {
  sent: number;
  failed: number;
}

export async function sendQueuedMail(options: {
  db: Kysely<DB>;
  mailer: Mailer;
  /** Renders the mail queued as templates and receipt PDFs (the server's: a worker thread). */
  renderer: Renderer;
  policy: MailRetryPolicy;
  /** PUBLIC_URL: the links of templates rendered here. */
  publicUrl: string;
  /** Signs a notification's unsubscribe token (absent: no unsubscribe links). */
  unsubscribeToken?: (subscription: Subscription) => string;
  now?: () => Date;
  onFailure?: (row: MailRow, error: string) => void;
}): Promise<MailPassResult> {
  const { db } = options;
  // The outbox's own bookkeeping (lease, sent, failed): see src/db/disk-wait.ts.
  const bookkeeping = withoutWaitingForDisk(db);
  const clock = options.now ?? (() => new Date());
  const result: MailPassResult = { sent: 0, failed: 0 };
  const started = clock();
  for (const id of await listDueMail(db, started.toISOString(), BATCH)) {
    const now = clock();
    const token = newId();
    const row = await claimMail(bookkeeping, {
      id,
      token,
      now: now.toISOString(),
      leaseUntil: new Date(now.getTime() + SEND_LEASE_MS).toISOString(),
    });
    if (!row) continue; // another worker has it
    let error: string;
    try {
      await options.mailer.send(
        await messageOf(db, row, {
          token,
          renderer: options.renderer,
          publicUrl: options.publicUrl,
          unsubscribeToken: options.unsubscribeToken,
        }),
      );
      await markMailSent(bookkeeping, { id, token, now: clock().toISOString() });
      result.sent++;
      continue;
    } catch (caught) {
      error = caught instanceof Error ? caught.message : String(caught);
    }
    const failedAt = clock();
    const next = nextAttemptAfterFailure(
      { attempts: row.attempts, queuedAt: new Date(row.queued_at), now: failedAt },
      options.policy,
    );
    await markMailFailed(bookkeeping, {
      id,
      token,
      error,
      nextAttemptAt: next?.toISOString() ?? null,
    });
    options.onFailure?.(row, error);
    result.failed++;
  }
  return result;
}

async function messageOf(
  db: Kysely<DB>,
  row: MailRow,
  options: {
    token: string;
    renderer: Renderer;
    publicUrl: string;
    unsubscribeToken: ((subscription: Subscription) => string) | undefined;
  },
): Promise<MailMessage> {
  let text = row.body_text ?? '';
  let html = row.body_html ?? undefined;
  const unsubscribeToken =
    row.unsubscribe !== null && options.unsubscribeToken
      ? options.unsubscribeToken(JSON.parse(row.unsubscribe) as Subscription)
      : undefined;
  if (row.body_text === null && row.template !== null) {
    // Queued inside a transaction as a template: rendered here, outside any, and kept until sent.
    const template = JSON.parse(row.template) as MailTemplate;
    // Mail to the client carries the project's chain head as it stands now (after the commit
    // that queued it), anchoring the record outside the server.
    const record = clientRecordOf(template);
    const rendered = await options.renderer.render({
      mail: template,
      publicUrl: options.publicUrl,
      unsubscribeUrl:
        unsubscribeToken && mailLinks.unsubscribePage(options.publicUrl, unsubscribeToken),
      recordHead: record ? await recordHeadOf(db, record) : undefined,
    });
    ({ text, html } = rendered);
    await storeRenderedMail(withoutWaitingForDisk(db), {
      id: row.id,
      token: options.token,
      ...rendered,
    });
  }
  const message: MailMessage = {
    to: row.to_address,
    subject: row.subject,
    text,
    html,
    fromName: row.from_name,
    replyTo: row.reply_to,
    unsubscribeUrl:
      unsubscribeToken && mailLinks.unsubscribeOneClick(options.publicUrl, unsubscribeToken),
  };
  if (row.attachment === null) return message;
  const { receiptId, locale } = attachmentSpec.parse(JSON.parse(row.attachment));
  const attachment = await receiptAttachment(db, options.renderer, row.owner_id, receiptId, locale);
  if (!attachment) throw new Error('the receipt no longer exists');
  return { ...message, attachments: [attachment] };
}
