import { sql, type Kysely } from 'kysely';

// Invoices and credit notes (src/domain/invoice.ts). Both parties get a postal address and a tax
// id (printed on invoices and receipts), each project a VAT mode and rate in basis points, and
// each freelancer payment terms in days (the invoice's due date is the delivery plus them).
// Invoices and credit notes share one table: a credit note points at the invoice it cancels
// (`cancels_id`, unique, so an invoice is cancelled at most once), and neither is ever updated.
// Their numbers come from `document_counters`, one gapless series per freelancer, kind and year,
// raised in the transaction that writes the document.
export async function up(db: Kysely<unknown>): Promise<void> {
  for (const table of ['users', 'clients'] as const) {
    await db.schema
      .alterTable(table)
      .addColumn('tax_id', 'text', (c) => c.notNull().defaultTo(sql`''`))
      .execute();
    await db.schema
      .alterTable(table)
      .addColumn('postal_address', 'text', (c) => c.notNull().defaultTo(sql`''`))
      .execute();
  }
  // The notifications migration (0017) may have added the same setting already.
  const users = (await db.introspection.getTables()).find((t) => t.name === 'users');
  if (!users?.columns.some((c) => c.name === 'payment_terms_days')) {
    await db.schema
      .alterTable('users')
      .addColumn('payment_terms_days', 'integer', (c) => c.notNull().defaultTo(14))
      .execute();
  }
  await db.schema
    .alterTable('projects')
    .addColumn('vat_mode', 'text', (c) => c.notNull().defaultTo(sql`'standard'`))
    .execute();
  await db.schema
    .alterTable('projects')
    .addColumn('vat_rate_bp', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();

  await db.schema
    .createTable('document_counters')
    .addColumn('owner_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
    // 'invoice' or 'credit_note'
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('year', 'integer', (c) => c.notNull())
    .addColumn('last', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('document_counters_pk', ['owner_id', 'kind', 'year'])
    .execute();

  await db.schema
    .createTable('invoices')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('owner_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('project_id', 'text', (c) =>
      c.notNull().references('projects.id').onDelete('cascade'),
    )
    // No foreign key: an invoice outlives the removal of its milestone (a credit note cancels it).
    .addColumn('milestone_id', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('year', 'integer', (c) => c.notNull())
    .addColumn('number', 'integer', (c) => c.notNull())
    .addColumn('label', 'text', (c) => c.notNull())
    .addColumn('issued_on', 'text', (c) => c.notNull())
    .addColumn('due_date', 'text')
    .addColumn('currency', 'text', (c) => c.notNull())
    .addColumn('net_minor', 'bigint', (c) => c.notNull())
    .addColumn('tax_minor', 'bigint', (c) => c.notNull())
    .addColumn('gross_minor', 'bigint', (c) => c.notNull())
    .addColumn('cancels_id', 'text', (c) => c.unique().references('invoices.id'))
    // JSON of everything the PDF shows, so it renders the same forever.
    .addColumn('snapshot', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('invoices_owner_kind_year_number', ['owner_id', 'kind', 'year', 'number'])
    .execute();
  await db.schema.createIndex('invoices_project').on('invoices').column('project_id').execute();
  await db.schema.createIndex('invoices_milestone').on('invoices').column('milestone_id').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('invoices').execute();
  await db.schema.dropTable('document_counters').execute();
  await db.schema.alterTable('projects').dropColumn('vat_rate_bp').execute();
  await db.schema.alterTable('projects').dropColumn('vat_mode').execute();
  for (const table of ['clients', 'users'] as const) {
    await db.schema.alterTable(table).dropColumn('postal_address').execute();
    await db.schema.alterTable(table).dropColumn('tax_id').execute();
  }
}
