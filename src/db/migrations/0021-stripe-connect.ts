import type { Kysely } from 'kysely';

// Stripe in one step: when Milepost creates the freelancer's webhook endpoint itself, it keeps
// the endpoint's id (to replace or remove it later) and the account's id and display name (to
// show "Connected: <account>"). Keys entered by hand before leave these empty.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('users').addColumn('stripe_account_id', 'text').execute();
  await db.schema.alterTable('users').addColumn('stripe_account_name', 'text').execute();
  await db.schema.alterTable('users').addColumn('stripe_webhook_endpoint_id', 'text').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('users').dropColumn('stripe_webhook_endpoint_id').execute();
  await db.schema.alterTable('users').dropColumn('stripe_account_name').execute();
  await db.schema.alterTable('users').dropColumn('stripe_account_id').execute();
}
