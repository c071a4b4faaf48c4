import type { Kysely } from 'kysely';

// Deposits, approval and revisions (issue #11). A milestone may be a deposit (is_deposit = 1:
// payable as soon as it opens, nothing to deliver); it includes revision_rounds rounds of
// revision (default 2: the common "two rounds of changes" of design and writing contracts; 0–10)
// and remembers when the client approved its delivery (approved_at; paying also counts as
// approval). A project has a review window in days after a delivery (default 14, 1–90) after
// which the client is reminded. Each revision request is a row of milestone_revisions, numbered
// per milestone (round), with the client's note, closed when the freelancer re-delivers; the
// milestone keeps the count and the open request's note too, so every view shows them. A file
// replaced during a revision is kept and marked superseded (superseded_at, and the file that
// replaced it when there is one), because receipts, disputes and the evidence bundle may cite it.
// Booleans as integers, timestamps as ISO text, as elsewhere, so both dialects run one list.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('milestones')
    .addColumn('is_deposit', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema
    .alterTable('milestones')
    .addColumn('revision_rounds', 'integer', (c) => c.notNull().defaultTo(2))
    .execute();
  await db.schema.alterTable('milestones').addColumn('approved_at', 'text').execute();
  // Kept on the milestone so every view presents it without a join: rounds requested so far,
  // and the open request's note and time (null when none is open).
  await db.schema
    .alterTable('milestones')
    .addColumn('revisions_used', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema.alterTable('milestones').addColumn('revision_note', 'text').execute();
  await db.schema.alterTable('milestones').addColumn('revision_requested_at', 'text').execute();
  await db.schema
    .alterTable('projects')
    .addColumn('review_window_days', 'integer', (c) => c.notNull().defaultTo(14))
    .execute();
  await db.schema.alterTable('files').addColumn('superseded_at', 'text').execute();
  await db.schema.alterTable('files').addColumn('superseded_by', 'text').execute();

  await db.schema
    .createTable('milestone_revisions')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('project_id', 'text', (c) =>
      c.notNull().references('projects.id').onDelete('cascade'),
    )
    .addColumn('milestone_id', 'text', (c) =>
      c.notNull().references('milestones.id').onDelete('cascade'),
    )
    // 1, 2, … per milestone: the round this request uses.
    .addColumn('round', 'integer', (c) => c.notNull())
    .addColumn('note', 'text', (c) => c.notNull())
    .addColumn('requested_at', 'text', (c) => c.notNull())
    // Set when the freelancer delivers again; null while the revision is being worked on.
    .addColumn('redelivered_at', 'text')
    .addUniqueConstraint('milestone_revisions_round', ['milestone_id', 'round'])
    .execute();
  await db.schema
    .createIndex('milestone_revisions_project')
    .on('milestone_revisions')
    .column('project_id')
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('milestone_revisions').execute();
  await db.schema.alterTable('files').dropColumn('superseded_by').execute();
  await db.schema.alterTable('files').dropColumn('superseded_at').execute();
  await db.schema.alterTable('projects').dropColumn('review_window_days').execute();
  await db.schema.alterTable('milestones').dropColumn('revision_requested_at').execute();
  await db.schema.alterTable('milestones').dropColumn('revision_note').execute();
  await db.schema.alterTable('milestones').dropColumn('revisions_used').execute();
  await db.schema.alterTable('milestones').dropColumn('approved_at').execute();
  await db.schema.alterTable('milestones').dropColumn('revision_rounds').execute();
  await db.schema.alterTable('milestones').dropColumn('is_deposit').execute();
}
