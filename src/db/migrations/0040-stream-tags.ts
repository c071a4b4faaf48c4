import type { Kysely } from 'kysely';

// A random tag on every stream entry, so a reconnecting socket can prove that the entry it last
// saw (`since`) is the one the server holds under that number. An entry may reach this instance's
// sockets once its commit is written but before the disk flush ends: a power cut can then lose
// the last few entries some clients already hold, and new entries take their numbers again. A
// client that subscribes with the tag of its last entry is told to resync when the server's entry
// of that number has another tag (or none). Rows from before have none (null): a client never
// holds a tag for them.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('stream_events').addColumn('tag', 'text').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('stream_events').dropColumn('tag').execute();
}
