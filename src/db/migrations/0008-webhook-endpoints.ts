import { sql, type Kysely } from 'kysely';

// Each Stripe webhook endpoint (the operator's, or one freelancer's own account) speaks only for
// what Milepost created through it. A checkout session remembers the endpoint that will report
// on it ('operator' or the freelancer's user id), and webhook event ids are unique per endpoint,
// so an event signed on one endpoint can never use up an id or a session of another.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('checkout_sessions')
    .addColumn('endpoint', 'text', (c) => c.notNull().defaultTo('operator'))
    .execute();
  // Sessions opened before: on the freelancer's own account if they have keys of their own now.
  await sql`UPDATE checkout_sessions SET endpoint = owner_id
    WHERE owner_id IN (SELECT id FROM users WHERE stripe_secret_key_enc IS NOT NULL)`.execute(db);
  await db.schema
    .createIndex('checkout_sessions_endpoint')
    .on('checkout_sessions')
    .columns(['endpoint', 'owner_id'])
    .execute();

  await db.schema
    .createTable('stripe_events_by_endpoint')
    .addColumn('endpoint', 'text', (c) => c.notNull())
    .addColumn('id', 'text', (c) => c.notNull())
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('owner_id', 'text')
    .addColumn('received_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('stripe_events_endpoint_id', ['endpoint', 'id'])
    .execute();
  await sql`INSERT INTO stripe_events_by_endpoint (endpoint, id, type, owner_id, received_at)
    SELECT COALESCE(owner_id, 'operator'), id, type, owner_id, received_at FROM stripe_events`.execute(
    db,
  );
  await db.schema.dropTable('stripe_events').execute();
  await db.schema.alterTable('stripe_events_by_endpoint').renameTo('stripe_events').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('checkout_sessions_endpoint').execute();
  await db.schema.alterTable('checkout_sessions').dropColumn('endpoint').execute();
}
