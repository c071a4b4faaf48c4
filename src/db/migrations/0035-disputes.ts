import type { Kysely } from 'kysely';
import { sql } from 'kysely';

// Disputes (issue #11; rules in src/domain/dispute.ts). One row per dispute on a milestone:
// who opened it, its status ('open' | 'escalated' | 'resolved' | 'withdrawn'), the opening
// statement, the proposal standing (JSON { by, resolution }, null when none), the resolution
// agreed (JSON, null until resolved), when it went to the mediator and the mediator named then.
// A chargeback opens one too: the Stripe dispute's id and reason are kept as data (the screens
// word the reason). A partial unique index holds "at most one active dispute per milestone" on
// both dialects even under parallel requests. Every step is a row of dispute_entries, numbered
// per dispute, with its party, text, the resolution proposed and the evidence cited (JSON
// { messageIds, fileIds }, ids of the same project's chat messages and files). Text columns and
// ISO timestamps as text, as elsewhere.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('disputes')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('project_id', 'text', (c) =>
      c.notNull().references('projects.id').onDelete('cascade'),
    )
    .addColumn('milestone_id', 'text', (c) =>
      c.notNull().references('milestones.id').onDelete('cascade'),
    )
    .addColumn('opened_by', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('statement', 'text', (c) => c.notNull())
    .addColumn('proposal', 'text')
    .addColumn('resolution', 'text')
    .addColumn('escalated_at', 'text')
    .addColumn('mediator', 'text')
    .addColumn('stripe_dispute_id', 'text')
    .addColumn('chargeback_reason', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('closed_at', 'text')
    .execute();
  await db.schema.createIndex('disputes_project').on('disputes').column('project_id').execute();
  await db.schema
    .createIndex('disputes_one_active')
    .on('disputes')
    .column('milestone_id')
    .unique()
    .where(sql.ref('status'), 'in', ['open', 'escalated'])
    .execute();

  await db.schema
    .createTable('dispute_entries')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('dispute_id', 'text', (c) =>
      c.notNull().references('disputes.id').onDelete('cascade'),
    )
    .addColumn('project_id', 'text', (c) =>
      c.notNull().references('projects.id').onDelete('cascade'),
    )
    // 1, 2, … per dispute.
    .addColumn('seq', 'integer', (c) => c.notNull())
    // 'statement' | 'propose' | 'accept' | 'decline' | 'escalate' | 'withdraw'
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('party', 'text', (c) => c.notNull())
    .addColumn('text', 'text', (c) => c.notNull())
    .addColumn('resolution', 'text')
    .addColumn('evidence', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('dispute_entries_seq', ['dispute_id', 'seq'])
    .execute();
  await db.schema
    .createIndex('dispute_entries_project')
    .on('dispute_entries')
    .column('project_id')
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('dispute_entries').execute();
  await db.schema.dropTable('disputes').execute();
}
