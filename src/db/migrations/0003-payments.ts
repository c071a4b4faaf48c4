import type { Kysely } from 'kysely';

// Payments grow into money movements (partial payments, refunds, Stripe), receipts get gapless
// numbers per freelancer, and Stripe's checkout sessions and webhook events are remembered so
// each payment is credited exactly once.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('milestones')
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
    .execute();

  await db.schema
    .alterTable('payments')
    .addColumn('kind', 'text', (c) => c.notNull().defaultTo('payment'))
    .execute();
  await db.schema
    .alterTable('payments')
    .addColumn('source', 'text', (c) => c.notNull().defaultTo('offline'))
    .execute();
  await db.schema
    .alterTable('payments')
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('credited'))
    .execute();
  await db.schema.alterTable('payments').addColumn('external_id', 'text').execute();
  await db.schema.alterTable('payments').addColumn('payment_intent', 'text').execute();
  await db.schema.alterTable('payments').addColumn('livemode', 'integer').execute();
  // One row per Stripe checkout session (payments) or Stripe refund (refunds): the
  // exactly-once guarantee rests on this index, whatever the webhooks do.
  await db.schema
    .createIndex('payments_external_id')
    .on('payments')
    .column('external_id')
    .unique()
    .execute();
  await db.schema
    .createIndex('payments_payment_intent')
    .on('payments')
    .column('payment_intent')
    .execute();

  await db.schema
    .alterTable('users')
    .addColumn('receipt_counter', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema.alterTable('users').addColumn('stripe_secret_key_enc', 'text').execute();
  await db.schema.alterTable('users').addColumn('stripe_webhook_secret_enc', 'text').execute();

  await db.schema
    .createTable('receipts')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('owner_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('number', 'integer', (c) => c.notNull())
    .addColumn('project_id', 'text', (c) =>
      c.notNull().references('projects.id').onDelete('cascade'),
    )
    .addColumn('milestone_id', 'text', (c) =>
      c.notNull().references('milestones.id').onDelete('cascade'),
    )
    .addColumn('payment_id', 'text', (c) =>
      c.notNull().unique().references('payments.id').onDelete('cascade'),
    )
    .addColumn('snapshot', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('receipts_owner_number', ['owner_id', 'number'])
    .execute();
  await db.schema.createIndex('receipts_project').on('receipts').column('project_id').execute();

  await db.schema
    .createTable('checkout_sessions')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('owner_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('project_id', 'text', (c) =>
      c.notNull().references('projects.id').onDelete('cascade'),
    )
    .addColumn('milestone_id', 'text', (c) =>
      c.notNull().references('milestones.id').onDelete('cascade'),
    )
    .addColumn('milestone_version', 'integer', (c) => c.notNull())
    .addColumn('amount_minor', 'bigint', (c) => c.notNull())
    .addColumn('currency', 'text', (c) => c.notNull())
    .addColumn('url', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('checkout_sessions_milestone')
    .on('checkout_sessions')
    .column('milestone_id')
    .execute();

  await db.schema
    .createTable('stripe_events')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('owner_id', 'text')
    .addColumn('received_at', 'text', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('stripe_events').execute();
  await db.schema.dropTable('checkout_sessions').execute();
  await db.schema.dropTable('receipts').execute();
}
