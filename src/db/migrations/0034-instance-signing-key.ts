import type { Kysely } from 'kysely';

// The instance's Ed25519 signing key (issue #11, evidence bundle): one row, made by whichever
// instance first needs it (an insert that does nothing when another instance got there first),
// so every instance on one PostgreSQL database signs with the same key. The public key is the
// raw 32 bytes in base64 (published at GET /api/instance-key); the private key is its PKCS#8 DER,
// sealed with the instance's SECRET_KEY like the Stripe keys, so a copy of the database alone
// cannot sign. Text columns and ISO timestamps, as elsewhere.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('instance_keys')
    // 'evidence-signing': one purpose, one row.
    .addColumn('purpose', 'text', (c) => c.primaryKey())
    .addColumn('algorithm', 'text', (c) => c.notNull())
    .addColumn('public_key', 'text', (c) => c.notNull())
    .addColumn('private_key_sealed', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('instance_keys').execute();
}
