import type { Kysely } from 'kysely';

// Change orders (src/domain/change-order.ts): the freelancer's proposed changes to the
// milestones after the contract was accepted, numbered per project. `changes` and `before` are
// JSON (the changes as proposed; the milestones as they stood when proposed); `base_version_id`
// is the contract version the order was made against — accepting it once the contract moved on
// is refused. An accepted order names the contract version it created and the acceptance that
// accepted it. Text columns and ISO timestamps as text, as elsewhere.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('change_orders')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('project_id', 'text', (c) =>
      c.notNull().references('projects.id').onDelete('cascade'),
    )
    .addColumn('number', 'integer', (c) => c.notNull())
    // 'proposed' | 'accepted' | 'declined' | 'withdrawn'
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('changes', 'text', (c) => c.notNull())
    .addColumn('before', 'text', (c) => c.notNull())
    .addColumn('base_version_id', 'text', (c) =>
      c.notNull().references('contract_versions.id').onDelete('cascade'),
    )
    .addColumn('result_version_id', 'text', (c) =>
      c.references('contract_versions.id').onDelete('cascade'),
    )
    .addColumn('acceptance_id', 'text', (c) =>
      c.references('contract_acceptances.id').onDelete('cascade'),
    )
    .addColumn('decline_note', 'text')
    .addColumn('proposed_at', 'text', (c) => c.notNull())
    .addColumn('decided_at', 'text')
    .addUniqueConstraint('change_orders_project_number', ['project_id', 'number'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('change_orders').execute();
}
