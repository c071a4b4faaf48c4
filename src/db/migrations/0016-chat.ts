import type { Kysely } from 'kysely';

// The project's conversation and live stream. Every entry of a project's stream — a message, an
// edit, a deletion, a read marker moving, a system entry — takes the next number of the
// project's one sequence (projects.stream_seq, raised under the project's row lock in the
// transaction that writes the entry), so a reader that saw up to N asks for "after N" and gets
// exactly what it missed. Messages are kept forever: a deleted one stays as a tombstone.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('projects')
    .addColumn('stream_seq', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema
    .createTable('chat_messages')
    // The sender's own id (a UUID made by the client), so a retried send stores nothing twice.
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('project_id', 'text', (c) =>
      c.notNull().references('projects.id').onDelete('cascade'),
    )
    // 'general', or the id of the milestone whose thread it is.
    .addColumn('thread', 'text', (c) => c.notNull())
    .addColumn('seq', 'integer', (c) => c.notNull())
    .addColumn('author_type', 'text', (c) => c.notNull())
    .addColumn('author_id', 'text')
    // 'text' (written by a person) or 'system' (file uploaded, delivered, paid, receipt).
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('body', 'text', (c) => c.notNull())
    // JSON for system entries: { type, ...ids }.
    .addColumn('event', 'text')
    .addColumn('reply_to', 'text', (c) => c.references('chat_messages.id'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('edited_at', 'text')
    .addColumn('deleted_at', 'text')
    .addUniqueConstraint('chat_messages_project_seq', ['project_id', 'seq'])
    .execute();
  await db.schema
    .createIndex('chat_messages_thread')
    .on('chat_messages')
    .columns(['project_id', 'thread', 'seq'])
    .execute();
  await db.schema
    .createTable('stream_events')
    .addColumn('project_id', 'text', (c) =>
      c.notNull().references('projects.id').onDelete('cascade'),
    )
    .addColumn('seq', 'integer', (c) => c.notNull())
    // message.created, message.edited, message.deleted, thread.read
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('thread', 'text')
    .addColumn('message_id', 'text', (c) => c.references('chat_messages.id'))
    // JSON: what the event carries besides the message (a read marker's party and position).
    .addColumn('data', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('stream_events_pk', ['project_id', 'seq'])
    .execute();
  await db.schema
    .createTable('chat_reads')
    .addColumn('project_id', 'text', (c) =>
      c.notNull().references('projects.id').onDelete('cascade'),
    )
    .addColumn('thread', 'text', (c) => c.notNull())
    // 'freelancer' or 'client': each project has one of each.
    .addColumn('party', 'text', (c) => c.notNull())
    .addColumn('up_to_seq', 'integer', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('chat_reads_pk', ['project_id', 'thread', 'party'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('chat_reads').execute();
  await db.schema.dropTable('stream_events').execute();
  await db.schema.dropTable('chat_messages').execute();
  await db.schema.alterTable('projects').dropColumn('stream_seq').execute();
}
