import { retryMail } from '../db/queries/mail-outbox';
import { notFound } from '../domain/errors';
import { nowOf, type ActionContext } from './context';

/**
 * The freelancer asks for an unsent message to be tried again now, which also starts a new run
 * of retries (a given-up message is retried again). Sent or someone else's: not found.
 */
export async function retryUnsentMail(
  options: Pick<ActionContext, 'db' | 'clock'> & { ownerId: string; mailId: string },
): Promise<void> {
  const row = await retryMail(options.db, {
    ownerId: options.ownerId,
    id: options.mailId,
    now: nowOf(options).toISOString(),
  });
  if (!row) throw notFound('Message');
}
