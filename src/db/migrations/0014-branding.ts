import { sql, type Kysely } from 'kysely';

/**
 * The freelancer's branding in the client's portal: a display name (empty: the business name or
 * the person's), an accent colour (#rrggbb, null: Milepost's), and a logo kept in its own table
 * — PNG, JPEG or WebP as checked by its first bytes, at most 512 KB, base64 text so both
 * dialects store it alike — served back only with the type that was recognised.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('users')
    .addColumn('brand_name', 'text', (c) => c.notNull().defaultTo(sql`''`))
    .execute();
  await db.schema.alterTable('users').addColumn('brand_accent', 'text').execute();
  await db.schema
    .createTable('brand_logos')
    .addColumn('owner_id', 'text', (c) => c.primaryKey().references('users.id').onDelete('cascade'))
    .addColumn('content_type', 'text', (c) => c.notNull())
    .addColumn('size', 'integer', (c) => c.notNull())
    .addColumn('sha256', 'text', (c) => c.notNull())
    .addColumn('data_base64', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('brand_logos').execute();
  await db.schema.alterTable('users').dropColumn('brand_accent').execute();
  await db.schema.alterTable('users').dropColumn('brand_name').execute();
}
