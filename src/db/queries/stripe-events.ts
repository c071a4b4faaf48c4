import type { Kysely } from 'kysely';
import type { DB } from '../schema';

/** Remembers a webhook event; a second delivery of the same id fails the unique key. */
export async function insertStripeEvent(
  db: Kysely<DB>,
  event: { id: string; type: string; ownerId: string | null; receivedAt: string },
): Promise<void> {
  await db
    .insertInto('stripe_events')
    .values({
      id: event.id,
      type: event.type,
      owner_id: event.ownerId,
      received_at: event.receivedAt,
    })
    .execute();
}

export async function hasStripeEvent(db: Kysely<DB>, id: string): Promise<boolean> {
  return (
    (await db.selectFrom('stripe_events').select('id').where('id', '=', id).executeTakeFirst()) !==
    undefined
  );
}
