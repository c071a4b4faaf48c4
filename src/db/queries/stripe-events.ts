import type { Kysely } from 'kysely';
import type { DB } from '../schema';

/** Remembers a webhook event; a second delivery of the same id to one endpoint fails the key. */
export async function insertStripeEvent(
  db: Kysely<DB>,
  event: { endpoint: string; id: string; type: string; ownerId: string | null; receivedAt: string },
): Promise<void> {
  await db
    .insertInto('stripe_events')
    .values({
      endpoint: event.endpoint,
      id: event.id,
      type: event.type,
      owner_id: event.ownerId,
      received_at: event.receivedAt,
    })
    .execute();
}

export async function hasStripeEvent(
  db: Kysely<DB>,
  event: { endpoint: string; id: string },
): Promise<boolean> {
  const row = await db
    .selectFrom('stripe_events')
    .select('id')
    .where('endpoint', '=', event.endpoint)
    .where('id', '=', event.id)
    .executeTakeFirst();
  return row !== undefined;
}
