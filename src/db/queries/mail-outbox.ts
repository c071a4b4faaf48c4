/**
 * The mail outbox: rows written in the transaction that caused them, claimed by a worker under a
 * lease (an atomic compare-and-set, so two app instances never send the same row at once), then
 * marked sent — body and attachment cleared — or failed with the time of the next attempt.
 */
import type { Kysely } from 'kysely';
import { newId } from '../ids';
import type { Subscription } from '../../domain/notifications';
import type { DB, MailOutboxTable, MailRow } from '../schema';

export interface NewMail {
  ownerId: string;
  kind: MailOutboxTable['kind'];
  to: string;
  subject: string;
  /** The rendered message; or, for mail queued inside a transaction, `template` instead. */
  text?: string;
  html?: string;
  /** JSON of the template and its data, rendered by the worker outside any transaction. */
  template?: string;
  /** The sender's display name ("Ann Lee via Milepost"); MAIL_FROM's own when absent. */
  fromName?: string | null;
  replyTo?: string | null;
  /** What the worker needs to build an attachment, e.g. `{ receiptId }`; never the bytes. */
  attachment?: { receiptId: string };
  /** Whose choice this notification follows: the worker adds its unsubscribe link. */
  unsubscribe?: Subscription;
  now: string;
}

export async function enqueueMail(trx: Kysely<DB>, mail: NewMail): Promise<string> {
  const id = newId();
  await trx
    .insertInto('mail_outbox')
    .values({
      id,
      owner_id: mail.ownerId,
      kind: mail.kind,
      to_address: mail.to,
      subject: mail.subject,
      body_text: mail.text ?? null,
      body_html: mail.html ?? null,
      from_name: mail.fromName ?? null,
      reply_to: mail.replyTo ?? null,
      template: mail.template ?? null,
      attachment: mail.attachment ? JSON.stringify(mail.attachment) : null,
      unsubscribe: mail.unsubscribe ? JSON.stringify(mail.unsubscribe) : null,
      status: 'pending',
      attempts: 0,
      last_error: null,
      next_attempt_at: mail.now,
      lease_token: null,
      lease_until: null,
      queued_at: mail.now,
      created_at: mail.now,
      sent_at: null,
    })
    .execute();
  return id;
}

/** Ids of messages due at `now` and not leased by a live worker, oldest first. */
export async function listDueMail(db: Kysely<DB>, now: string, limit: number): Promise<string[]> {
  const rows = await db
    .selectFrom('mail_outbox')
    .select('id')
    .where('status', '=', 'pending')
    .where('next_attempt_at', '<=', now)
    .where((eb) => eb.or([eb('lease_until', 'is', null), eb('lease_until', '<', now)]))
    .orderBy('next_attempt_at')
    .orderBy('id')
    .limit(limit)
    .execute();
  return rows.map((r) => r.id);
}

/**
 * Takes the lease on one due message and counts the attempt; undefined when another worker got
 * there first. One UPDATE whose WHERE re-checks the lease: on PostgreSQL a concurrent claim waits
 * for the first to commit and then finds the lease taken.
 */
export async function claimMail(
  db: Kysely<DB>,
  options: { id: string; token: string; now: string; leaseUntil: string },
): Promise<MailRow | undefined> {
  const result = await db
    .updateTable('mail_outbox')
    .set((eb) => ({
      lease_token: options.token,
      lease_until: options.leaseUntil,
      attempts: eb('attempts', '+', 1),
    }))
    .where('id', '=', options.id)
    .where('status', '=', 'pending')
    .where('next_attempt_at', '<=', options.now)
    .where((eb) => eb.or([eb('lease_until', 'is', null), eb('lease_until', '<', options.now)]))
    .executeTakeFirst();
  if (Number(result.numUpdatedRows) !== 1) return undefined;
  return db
    .selectFrom('mail_outbox')
    .selectAll()
    .where('id', '=', options.id)
    .where('lease_token', '=', options.token)
    .executeTakeFirst();
}

/** Sent: the body and attachment go (access links and other secrets must not linger). */
export async function markMailSent(
  db: Kysely<DB>,
  options: { id: string; token: string; now: string },
): Promise<void> {
  await db
    .updateTable('mail_outbox')
    .set({
      status: 'sent',
      sent_at: options.now,
      body_text: null,
      body_html: null,
      template: null,
      attachment: null,
      last_error: null,
      lease_token: null,
      lease_until: null,
    })
    .where('id', '=', options.id)
    .where('lease_token', '=', options.token)
    .execute();
}

/** The worker rendered a template: kept until sent, so a retry sends the same message. */
export async function storeRenderedMail(
  db: Kysely<DB>,
  options: { id: string; token: string; text: string; html: string },
): Promise<void> {
  await db
    .updateTable('mail_outbox')
    .set({ body_text: options.text, body_html: options.html })
    .where('id', '=', options.id)
    .where('lease_token', '=', options.token)
    .execute();
}

/** A failed attempt: when to try again, or (nextAttemptAt null) given up. */
export async function markMailFailed(
  db: Kysely<DB>,
  options: { id: string; token: string; error: string; nextAttemptAt: string | null },
): Promise<void> {
  await db
    .updateTable('mail_outbox')
    .set({
      ...(options.nextAttemptAt === null
        ? { status: 'failed' as const }
        : { next_attempt_at: options.nextAttemptAt }),
      last_error: options.error.slice(0, 1000),
      lease_token: null,
      lease_until: null,
    })
    .where('id', '=', options.id)
    .where('lease_token', '=', options.token)
    .execute();
}

/** The freelancer's messages not yet sent (waiting, being retried, or given up). */
export function listUnsentMail(db: Kysely<DB>, ownerId: string): Promise<MailRow[]> {
  return db
    .selectFrom('mail_outbox')
    .selectAll()
    .where('owner_id', '=', ownerId)
    .where('status', 'in', ['pending', 'failed'])
    .orderBy('created_at')
    .orderBy('id')
    .execute();
}

/** The freelancer asks for another try now; a new run of retries begins. */
export async function retryMail(
  db: Kysely<DB>,
  options: { ownerId: string; id: string; now: string },
): Promise<MailRow | undefined> {
  const result = await db
    .updateTable('mail_outbox')
    .set({ status: 'pending', next_attempt_at: options.now, queued_at: options.now })
    .where('id', '=', options.id)
    .where('owner_id', '=', options.ownerId)
    .where('status', 'in', ['pending', 'failed'])
    .executeTakeFirst();
  if (Number(result.numUpdatedRows) !== 1) return undefined;
  return db
    .selectFrom('mail_outbox')
    .selectAll()
    .where('id', '=', options.id)
    .where('owner_id', '=', options.ownerId)
    .executeTakeFirst();
}
