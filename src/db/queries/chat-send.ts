/**
 * A chat message sent in one statement, on PostgreSQL: the project's lock and the stream's next
 * number (UPDATE), the message (INSERT unless its id exists), its stream entry and its unread-mail
 * notice, as data-modifying CTEs. Each statement there is a round trip to the server, and these
 * four were most of a send's time; on SQLite statements run in-process and the send keeps its
 * four (src/actions/send-message.ts). Nothing is checked here: the statement returns what the
 * action needs to apply its rules, and a refusal rolls the transaction back.
 *
 * All CTEs read one snapshot, taken when the statement starts. The UPDATE may wait for another
 * writer's row lock and then updates the newest row version (READ COMMITTED), so the entry takes
 * the number the UPDATE returned, never one read. But the snapshot may then predate that writer's
 * commit: what the statement read of milestones and waiting jobs is trusted only when no number
 * was taken in between (`fresh`: the snapshot's stream_seq is the one the UPDATE replaced). Every
 * send takes a number, and so does every change of a project's milestones (a live event), so a
 * fresh snapshot misses none of them; when it is not fresh, the notice is not inserted and the
 * action re-reads and schedules it with the statements of the SQLite path.
 */
import { PostgresAdapter, type Kysely } from 'kysely';
import { GENERAL_THREAD } from '../../domain/chat-rules';
import type { ChatParty, DB, ProjectRow } from '../schema';
import { unlessWaiting, type NewJob } from './scheduled-jobs';

/**
 * Whether sends take the one statement: PostgreSQL's. Inspected on the handle, like
 * src/auth/attempt-limits.ts, since the actions get the handle and not the configuration.
 */
export function sendsInOneStatement(db: Kysely<DB>): boolean {
  return db.getExecutor().adapter instanceof PostgresAdapter;
}

export interface OneStatementSend {
  projectId: string;
  /** The freelancer's lock (their own project only); null: the client's, by the project's id. */
  ownerId: string | null;
  now: string;
  message: {
    id: string;
    thread: string;
    party: ChatParty;
    /** The freelancer's user id; null: the client, whose messages carry the project's client id. */
    authorId: string | null;
    body: string;
  };
  /** The stream entry's tag (`newStreamTag()`), so the announced entry is the stored one. */
  tag: string;
  /** The unread-mail notice, added unless one of its topic is waiting. */
  notice: NewJob;
}

export interface OneStatementResult {
  /** The project as updated, `stream_seq` the number taken. */
  project: ProjectRow;
  /** The thread is 'general' or one of the project's milestones, as the snapshot saw them. */
  threadFound: boolean;
  /** Stored now; false: a message with this id exists (and nothing else was written). */
  inserted: boolean;
  /**
   * Nothing took a number between the snapshot and the lock: `threadFound` and the notice (added
   * or found waiting) stand. False: check the thread and schedule the notice again.
   */
  fresh: boolean;
}

/** Runs the send's statement; undefined when there is no such project (for that owner). */
export async function sendInOneStatement(
  trx: Kysely<DB>,
  send: OneStatementSend,
): Promise<OneStatementResult | undefined> {
  const { message, notice } = send;
  const job = unlessWaiting(notice);
  // The stream number as the snapshot saw it; `p` returns it plus one unless a writer came between.
  const seen = trx.selectFrom('projects').select('stream_seq').where('id', '=', send.projectId);
  const row = await trx
    .with('p', (db) => {
      let update = db
        .updateTable('projects')
        .set((eb) => ({ updated_at: send.now, stream_seq: eb('stream_seq', '+', 1) }))
        .where('id', '=', send.projectId);
      if (send.ownerId !== null) update = update.where('owner_id', '=', send.ownerId);
      return update.returningAll();
    })
    .with('m', (db) =>
      db
        .insertInto('chat_messages')
        .columns([
          'id',
          'project_id',
          'thread',
          'seq',
          'author_type',
          'author_id',
          'kind',
          'body',
          'created_at',
        ])
        .expression(
          db
            .selectFrom('p')
            .select((eb) => [
              eb.cast<string>(eb.val(message.id), 'text').as('id'),
              'p.id as project_id',
              eb.cast<string>(eb.val(message.thread), 'text').as('thread'),
              'p.stream_seq as seq',
              eb.cast<ChatParty>(eb.val(message.party), 'text').as('author_type'),
              message.authorId === null
                ? eb.ref('p.client_id').as('author_id')
                : eb.cast<string>(eb.val(message.authorId), 'text').as('author_id'),
              eb.cast<'text'>(eb.val('text'), 'text').as('kind'),
              eb.cast<string>(eb.val(message.body), 'text').as('body'),
              eb.cast<string>(eb.val(send.now), 'text').as('created_at'),
            ]),
        )
        .onConflict((oc) => oc.column('id').doNothing())
        .returning(['id', 'project_id', 'seq', 'thread', 'created_at']),
    )
    .with('e', (db) =>
      db
        .insertInto('stream_events')
        .columns(['project_id', 'seq', 'type', 'thread', 'message_id', 'data', 'created_at', 'tag'])
        .expression(
          db.selectFrom('m').select((eb) => [
            'm.project_id',
            'm.seq',
            eb.cast<'message.created'>(eb.val('message.created'), 'text').as('type'),
            'm.thread',
            'm.id as message_id',
            // A new message's entry carries nothing besides it (insertStreamEvent's '{}').
            eb.cast<string>(eb.val(JSON.stringify({})), 'text').as('data'),
            'm.created_at',
            eb.cast<string>(eb.val(send.tag), 'text').as('tag'),
          ]),
        ),
    )
    .with('n', (db) =>
      db
        .insertInto('scheduled_jobs')
        .columns(job.columns)
        .expression(
          db
            .selectFrom('m')
            .select(job.values)
            .where((eb) => eb('m.seq', '=', eb(seen, '+', 1)))
            .where(job.noneWaiting),
        )
        .onConflict((oc) => oc.column('key').doNothing()),
    )
    .selectFrom('p')
    .selectAll('p')
    .select((eb) => [
      eb('p.stream_seq', '=', eb(seen, '+', 1)).as('fresh'),
      (message.thread === GENERAL_THREAD
        ? eb.lit(true)
        : eb.exists(
            eb
              .selectFrom('milestones')
              .select('milestones.id')
              .whereRef('milestones.project_id', '=', 'p.id')
              .where('milestones.id', '=', message.thread),
          )
      ).as('thread_found'),
      eb.exists(eb.selectFrom('m').select('m.id')).as('inserted'),
    ])
    .executeTakeFirst();
  if (row === undefined) return undefined;
  const { fresh, thread_found, inserted, ...project } = row;
  return {
    project,
    fresh: Boolean(fresh),
    threadFound: Boolean(thread_found),
    inserted: Boolean(inserted),
  };
}
