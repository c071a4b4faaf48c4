import { listUnsentMail } from '../db/queries/mail-outbox';
import { mailState, type MailState } from '../domain/mail-retry';
import type { MailOutboxTable } from '../db/schema';
import type { ActionContext } from './context';

export interface UnsentMail {
  id: string;
  kind: MailOutboxTable['kind'];
  to: string;
  subject: string;
  state: Exclude<MailState, 'sent'>;
  attempts: number;
  lastError: string | null;
  nextAttemptAt: string | null;
  createdAt: string;
}

/**
 * The freelancer's mail that has not gone out yet — waiting, being retried, or given up — with
 * recipient, subject, attempts and the last error; never the body.
 */
export async function listUnsentMailOf(
  options: ActionContext & { ownerId: string },
): Promise<UnsentMail[]> {
  const rows = await listUnsentMail(options.db, options.ownerId);
  return rows.map((row) => {
    const state = mailState(
      { status: row.status, attempts: row.attempts, lastError: row.last_error },
      options.config.mail.retry,
    );
    return {
      id: row.id,
      kind: row.kind,
      to: row.to_address,
      subject: row.subject,
      state: state === 'sent' ? 'pending' : state,
      attempts: row.attempts,
      lastError: row.last_error,
      nextAttemptAt: row.status === 'pending' ? row.next_attempt_at : null,
      createdAt: row.created_at,
    };
  });
}
