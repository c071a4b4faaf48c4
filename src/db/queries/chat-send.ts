/**
 * A chat message sent in one statement that commits by itself, on PostgreSQL: the project's lock,
 * the message (INSERT unless its id exists), the stream's next number, its stream entry and its
 * unread-mail notice, as data-modifying CTEs, run outside any transaction. Each statement there
 * is a round trip to the server, and BEGIN, the four statements and COMMIT were most of a send's
 * time; on SQLite statements run in-process and the send keeps its transaction of four
 * (src/actions/send-message.ts).
 *
 * Since nothing can be rolled back afterwards, the statement writes only when the send is
 * allowed, and then all of it: the message is inserted only if the project exists for this
 * writer, the archive rule allows it, the thread is 'general' or one of the project's milestones,
 * and no other writer took a number between the statement's snapshot and its lock (`fresh`); the
 * project's number moves and the entry and the notice are written only if the message was
 * inserted (they read its RETURNING), so a refusal or a retry (its id stored already) leaves no
 * gap in the stream. The rules stay in the action: it passes whether the archive allows the act,
 * and reads the reason for a refusal from what the statement returns.
 *
 * All CTEs read one snapshot, taken when the statement starts; FOR UPDATE waits for another
 * writer's lock and then returns the newest row. What the snapshot says of milestones and waiting
 * notices is trusted only when it is fresh (the locked row's number is the snapshot's): every
 * send takes a number, and so does every change of a project's milestones (a live event). When
 * it is not fresh the statement writes nothing and the action sends in a transaction instead.
 *
 * The commit does not wait for its WAL flush (`synchronous_commit` off for this statement's
 * implicit transaction): the caller announces the entry and then waits for the flush
 * (`untilFlushed`), as a transaction with stream entries does (src/db/after-commit.ts). Given the
 * bus's `notify`, the statement also NOTIFYs the other instances when it stored the message, so
 * PostgreSQL sends the notification with this very commit: the other instances hear of it without
 * waiting for this process to answer the statement and send a NOTIFY of its own. (In a commit
 * that waits for its flush, the notify queue's lock would be held through the flush and serialise
 * every such commit; this one does not wait.)
 *
 * The statement and the fence run as named statements, parsed and planned once per connection
 * (src/db/prepared.ts); so the statement names the project's columns rather than `*`.
 */
import { PostgresAdapter, sql, type Kysely } from 'kysely';
import { POSTGRES_EARLY_COMMIT } from '../postgres';
import { GENERAL_THREAD } from '../../domain/chat-rules';
import { prepared } from '../prepared';
import type { ChatParty, DB, ProjectRow } from '../schema';
import { unlessWaiting, type NewJob } from './scheduled-jobs';

/**
 * Every column of a project, by name: the statement is prepared (src/db/prepared.ts), and a
 * prepared `*` fails once a migration adds a column while instances run. The check below fails
 * to compile when ProjectsTable gains a column that is not listed here.
 */
const PROJECT_COLUMNS = [
  'id',
  'owner_id',
  'client_id',
  'title',
  'currency',
  'project_type',
  'tags',
  'description',
  'status',
  'archived_at',
  'terms_accepted_at',
  'access_code_hash',
  'access_token_hash',
  'access_generation',
  'access_created_at',
  'stream_seq',
  'payment_instructions',
  'vat_mode',
  'vat_rate_bp',
  'reminder_days',
  'reminders_paused',
  'review_window_days',
  'hours_minutes',
  'mediator',
  'contract_template',
  'created_at',
  'updated_at',
] as const satisfies readonly (keyof ProjectRow)[];
const everyProjectColumn: [Exclude<keyof ProjectRow, (typeof PROJECT_COLUMNS)[number]>] extends [
  never,
]
  ? true
  : never = true;
void everyProjectColumn;

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
  /**
   * When set, the statement also NOTIFYs `channel` with `projectId seq origin` if it stored the
   * message, so its own commit tells the other instances (src/events/stream-bus.ts, `inCommit`).
   */
  notify?: { channel: string; origin: string } | undefined;
}

export interface OneStatementResult {
  /** The project as locked; when the message was stored, as updated (`stream_seq` its number). */
  project: ProjectRow;
  /** Nothing took a number between the snapshot and the lock (else nothing was written). */
  fresh: boolean;
  /** The thread is 'general' or one of the project's milestones, as the snapshot saw them. */
  threadFound: boolean;
  /**
   * Stored now, with its entry (and its notice, unless one of its topic waits); false: nothing
   * was written.
   */
  inserted: boolean;
  /** Its commit sent the NOTIFY asked for (`notify`): inserted, and a notice was asked for. */
  notified: boolean;
}

/**
 * Runs the send's statement, outside a transaction; undefined when there is no such project (for
 * that owner). `archivedAllowed`: whether the archive rule allows the act on an archived project.
 */
export async function sendInOneStatement(
  db: Kysely<DB>,
  send: OneStatementSend & { archivedAllowed: boolean },
): Promise<OneStatementResult | undefined> {
  const { message, notice } = send;
  const job = unlessWaiting(notice);
  // A scalar subquery, evaluated once for l's one row (EXISTS would skip its select list): no row
  // in m, no NOTIFY (null). PostgreSQL delivers the notification when the statement commits.
  const notifyOnCommit =
    send.notify === undefined
      ? sql<boolean | null>`false`
      : sql<boolean | null>`(select pg_notify(${send.notify.channel},
          m.project_id || ' ' || m.seq::text || ' ' || ${send.notify.origin}) is not null from m)`;
  // The stream number as the snapshot saw it; the lock may return a newer one.
  const seen = db.selectFrom('projects').select('stream_seq').where('id', '=', send.projectId);
  const query = db
    .with('l', (db) => {
      let lock = db
        .selectFrom('projects')
        .select(PROJECT_COLUMNS.map((column) => `projects.${column}` as const))
        .select((eb) => [
          eb('projects.stream_seq', '=', seen).as('fresh'),
          (message.thread === GENERAL_THREAD
            ? eb.lit(true)
            : eb.exists(
                eb
                  .selectFrom('milestones')
                  .select('milestones.id')
                  .whereRef('milestones.project_id', '=', 'projects.id')
                  .where('milestones.id', '=', message.thread),
              )
          ).as('thread_found'),
        ])
        .where('projects.id', '=', send.projectId);
      if (send.ownerId !== null) lock = lock.where('projects.owner_id', '=', send.ownerId);
      return lock.forUpdate();
    })
    .with('ok', (db) =>
      db
        .selectFrom('l')
        .select(['l.id', 'l.stream_seq', 'l.client_id'])
        .where('l.fresh', '=', true)
        .where('l.thread_found', '=', true)
        .where((eb) => (send.archivedAllowed ? eb.lit(true) : eb('l.archived_at', 'is', null))),
    )
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
            .selectFrom('ok')
            .select((eb) => [
              eb.cast<string>(eb.val(message.id), 'text').as('id'),
              'ok.id as project_id',
              eb.cast<string>(eb.val(message.thread), 'text').as('thread'),
              eb('ok.stream_seq', '+', 1).as('seq'),
              eb.cast<ChatParty>(eb.val(message.party), 'text').as('author_type'),
              message.authorId === null
                ? eb.ref('ok.client_id').as('author_id')
                : eb.cast<string>(eb.val(message.authorId), 'text').as('author_id'),
              eb.cast<'text'>(eb.val('text'), 'text').as('kind'),
              eb.cast<string>(eb.val(message.body), 'text').as('body'),
              eb.cast<string>(eb.val(send.now), 'text').as('created_at'),
            ]),
        )
        .onConflict((oc) => oc.column('id').doNothing())
        .returning(['id', 'project_id', 'seq', 'thread', 'created_at']),
    )
    .with('p', (db) =>
      db
        .updateTable('projects')
        .from('m')
        .set((eb) => ({ updated_at: send.now, stream_seq: eb.ref('m.seq') }))
        .whereRef('projects.id', '=', 'm.project_id')
        .returning('projects.id'),
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
        .expression(db.selectFrom('m').select(job.values).where(job.noneWaiting))
        .onConflict((oc) => oc.column('key').doNothing()),
    )
    .selectFrom('l')
    .select(PROJECT_COLUMNS.map((column) => `l.${column}` as const))
    .select(['l.fresh', 'l.thread_found'])
    .select((eb) => eb.exists(eb.selectFrom('p').select('p.id')).as('inserted'))
    .select(notifyOnCommit.as('notified'))
    // This statement's own transaction commits without waiting for its flush (see above).
    .where((eb) =>
      eb(
        eb.fn('set_config', [eb.val('synchronous_commit'), eb.val('off'), eb.lit(true)]),
        'is not',
        null,
      ),
    )
    .compile();
  const [row] = (await db.executeQuery(prepared(query))).rows;
  if (row === undefined) return undefined;
  const { fresh, thread_found, inserted, notified, ...locked } = row;
  const project = inserted
    ? { ...locked, updated_at: send.now, stream_seq: locked.stream_seq + 1 }
    : locked;
  return {
    project,
    fresh: Boolean(fresh),
    threadFound: Boolean(thread_found),
    inserted: Boolean(inserted),
    notified: notified === true,
  };
}

/** After `sendInOneStatement` stored a message and it was announced: waits until it is on disk. */
export async function untilFlushed(db: Kysely<DB>): Promise<void> {
  await db.executeQuery(prepared(POSTGRES_EARLY_COMMIT.fence));
}
