/**
 * The project conversation and its stream. Every write here runs inside a transaction that holds
 * the project's row lock (taken by `takeStreamSeq` if not before), so sequence numbers are
 * handed out one at a time and become visible in their order, on SQLite and PostgreSQL alike.
 */
import type { Kysely } from 'kysely';
import { prepared } from '../prepared';
import type {
  ChatMessageRow,
  ChatParty,
  DB,
  ProjectRow,
  StreamEventRow,
  StreamEventType,
} from '../schema';

/**
 * The next number of the project's stream. The UPDATE takes (or keeps) the project's row lock
 * until the transaction ends, so no other writer can take a number in between or commit first.
 */
export async function takeStreamSeq(trx: Kysely<DB>, projectId: string): Promise<number> {
  const row = await trx
    .updateTable('projects')
    .set((eb) => ({ stream_seq: eb('stream_seq', '+', 1) }))
    .where('id', '=', projectId)
    .returning('stream_seq')
    .executeTakeFirstOrThrow();
  return row.stream_seq;
}

/**
 * Locks the project for a change by `actor` (its owner, or — no owner given — whoever holds its
 * access) and takes its stream's next number, in one statement: the row as updated, with
 * `stream_seq` the number taken; undefined when there is no such project (for that owner).
 */
export function lockProjectTakingSeq(
  trx: Kysely<DB>,
  projectId: string,
  now: string,
  ownerId: string | null,
): Promise<ProjectRow | undefined> {
  let query = trx
    .updateTable('projects')
    .set((eb) => ({ updated_at: now, stream_seq: eb('stream_seq', '+', 1) }))
    .where('id', '=', projectId);
  if (ownerId !== null) query = query.where('owner_id', '=', ownerId);
  return query.returningAll().executeTakeFirst();
}

export async function insertStreamEvent(
  trx: Kysely<DB>,
  event: {
    projectId: string;
    seq: number;
    type: StreamEventType;
    thread: string | null;
    messageId: string | null;
    data: Record<string, unknown>;
    at: string;
    /** Random (newStreamTag): names this entry for sockets that resubscribe after it. */
    tag: string;
  },
): Promise<void> {
  await trx
    .insertInto('stream_events')
    .values({
      project_id: event.projectId,
      seq: event.seq,
      type: event.type,
      thread: event.thread,
      message_id: event.messageId,
      data: JSON.stringify(event.data),
      created_at: event.at,
      tag: event.tag,
    })
    .execute();
}

export async function insertMessage(trx: Kysely<DB>, message: ChatMessageRow): Promise<void> {
  await trx.insertInto('chat_messages').values(message).execute();
}

/** Stores the message unless one with its id exists; whether it was stored. */
export async function insertMessageIfNew(
  trx: Kysely<DB>,
  message: ChatMessageRow,
): Promise<boolean> {
  const rows = await trx
    .insertInto('chat_messages')
    .values(message)
    .onConflict((oc) => oc.column('id').doNothing())
    .returning('id')
    .execute();
  return rows.length > 0;
}

export function findMessage(
  db: Kysely<DB>,
  messageId: string,
): Promise<ChatMessageRow | undefined> {
  return db.selectFrom('chat_messages').selectAll().where('id', '=', messageId).executeTakeFirst();
}

export async function updateMessage(
  trx: Kysely<DB>,
  messageId: string,
  changes: Partial<Pick<ChatMessageRow, 'body' | 'edited_at' | 'deleted_at'>>,
): Promise<void> {
  await trx.updateTable('chat_messages').set(changes).where('id', '=', messageId).execute();
}

/** Up to `limit` messages of a thread before `before` (the newest when absent), oldest first. */
export async function listThreadMessages(
  db: Kysely<DB>,
  projectId: string,
  thread: string,
  page: { before: number | undefined; limit: number },
): Promise<{ messages: ChatMessageRow[]; more: boolean }> {
  let query = db
    .selectFrom('chat_messages')
    .selectAll()
    .where('project_id', '=', projectId)
    .where('thread', '=', thread)
    .orderBy('seq', 'desc')
    .limit(page.limit + 1);
  if (page.before !== undefined) query = query.where('seq', '<', page.before);
  const rows = await query.execute();
  const more = rows.length > page.limit;
  return { messages: rows.slice(0, page.limit).reverse(), more };
}

/** One entry of a project's stream with the message it names, as the message stands now. */
export interface StreamEntryRow {
  event: StreamEventRow;
  message: ChatMessageRow | null;
}

/**
 * The stream's entries after `afterSeq`, in order, at most `limit`, each with its message — one
 * query, since another instance's sockets wait on it for every message it did not write.
 */
export async function listStreamAfter(
  db: Kysely<DB>,
  projectId: string,
  afterSeq: number,
  limit: number,
): Promise<StreamEntryRow[]> {
  const query = db
    .selectFrom('stream_events as e')
    .leftJoin('chat_messages as m', (join) =>
      join.onRef('m.id', '=', 'e.message_id').onRef('m.project_id', '=', 'e.project_id'),
    )
    .select([
      'e.project_id',
      'e.seq',
      'e.type',
      'e.thread',
      'e.message_id',
      'e.data',
      'e.created_at',
      'e.tag',
      'm.id as m_id',
      'm.thread as m_thread',
      'm.seq as m_seq',
      'm.author_type as m_author_type',
      'm.author_id as m_author_id',
      'm.kind as m_kind',
      'm.body as m_body',
      'm.event as m_event',
      'm.reply_to as m_reply_to',
      'm.created_at as m_created_at',
      'm.edited_at as m_edited_at',
      'm.deleted_at as m_deleted_at',
    ])
    .where('e.project_id', '=', projectId)
    .where('e.seq', '>', afterSeq)
    .orderBy('e.seq')
    .limit(limit)
    .compile();
  const { rows } = await db.executeQuery(prepared(query));
  return rows.map((r) => ({
    event: {
      project_id: r.project_id,
      seq: r.seq,
      type: r.type,
      thread: r.thread,
      message_id: r.message_id,
      data: r.data,
      created_at: r.created_at,
      tag: r.tag,
    },
    message:
      r.m_id === null ||
      r.m_thread === null ||
      r.m_seq === null ||
      r.m_author_type === null ||
      r.m_kind === null ||
      r.m_body === null ||
      r.m_created_at === null
        ? null
        : {
            id: r.m_id,
            project_id: r.project_id,
            thread: r.m_thread,
            seq: r.m_seq,
            author_type: r.m_author_type,
            author_id: r.m_author_id,
            kind: r.m_kind,
            body: r.m_body,
            event: r.m_event,
            reply_to: r.m_reply_to,
            created_at: r.m_created_at,
            edited_at: r.m_edited_at,
            deleted_at: r.m_deleted_at,
          },
  }));
}

/** The projects' stream heads (the last sequence number each has handed out). */
export function streamHeads(
  db: Kysely<DB>,
  projectIds: readonly string[],
): Promise<{ id: string; stream_seq: number }[]> {
  if (projectIds.length === 0) return Promise.resolve([]);
  return db
    .selectFrom('projects')
    .select(['id', 'stream_seq'])
    .where('id', 'in', projectIds)
    .execute();
}

/** The tags of these entries of the project's stream that exist (null: an untagged older row). */
export async function streamTags(
  db: Kysely<DB>,
  projectId: string,
  seqs: readonly number[],
): Promise<Map<number, string | null>> {
  const tags = new Map<number, string | null>();
  if (seqs.length === 0) return tags;
  const rows = await db
    .selectFrom('stream_events')
    .select(['seq', 'tag'])
    .where('project_id', '=', projectId)
    .where('seq', 'in', seqs)
    .execute();
  for (const row of rows) tags.set(Number(row.seq), row.tag);
  return tags;
}

/** Moves a read marker forward (never back); returns the marker as it now stands. */
export async function raiseReadMarker(
  trx: Kysely<DB>,
  marker: { projectId: string; thread: string; party: ChatParty; upTo: number; at: string },
): Promise<{ upTo: number; moved: boolean }> {
  const current = await trx
    .selectFrom('chat_reads')
    .select('up_to_seq')
    .where('project_id', '=', marker.projectId)
    .where('thread', '=', marker.thread)
    .where('party', '=', marker.party)
    .executeTakeFirst();
  if (current !== undefined && current.up_to_seq >= marker.upTo) {
    return { upTo: current.up_to_seq, moved: false };
  }
  if (current === undefined) {
    await trx
      .insertInto('chat_reads')
      .values({
        project_id: marker.projectId,
        thread: marker.thread,
        party: marker.party,
        up_to_seq: marker.upTo,
        updated_at: marker.at,
      })
      .execute();
  } else {
    await trx
      .updateTable('chat_reads')
      .set({ up_to_seq: marker.upTo, updated_at: marker.at })
      .where('project_id', '=', marker.projectId)
      .where('thread', '=', marker.thread)
      .where('party', '=', marker.party)
      .execute();
  }
  return { upTo: marker.upTo, moved: true };
}

export function listReadMarkers(
  db: Kysely<DB>,
  projectId: string,
): Promise<{ thread: string; party: ChatParty; up_to_seq: number }[]> {
  return db
    .selectFrom('chat_reads')
    .select(['thread', 'party', 'up_to_seq'])
    .where('project_id', '=', projectId)
    .execute();
}

/**
 * Per thread: the newest message's number, and how many messages (system entries included, not
 * deleted) the party has not written and not yet read.
 */
export async function threadCounts(
  db: Kysely<DB>,
  projectId: string,
  party: ChatParty,
): Promise<Map<string, { lastSeq: number; unread: number }>> {
  const last = await db
    .selectFrom('chat_messages')
    .select(['thread', (eb) => eb.fn.max('seq').as('last_seq')])
    .where('project_id', '=', projectId)
    .groupBy('thread')
    .execute();
  const unread = await db
    .selectFrom('chat_messages as m')
    .leftJoin('chat_reads as r', (join) =>
      join
        .onRef('r.project_id', '=', 'm.project_id')
        .onRef('r.thread', '=', 'm.thread')
        .on('r.party', '=', party),
    )
    .select(['m.thread', (eb) => eb.fn.countAll<number>().as('unread')])
    .where('m.project_id', '=', projectId)
    .where('m.deleted_at', 'is', null)
    .where('m.author_type', '<>', party)
    .where((eb) => eb('m.seq', '>', eb.fn.coalesce('r.up_to_seq', eb.lit(0))))
    .groupBy('m.thread')
    .execute();
  const result = new Map<string, { lastSeq: number; unread: number }>();
  for (const row of last) {
    result.set(row.thread, { lastSeq: Number(row.last_seq), unread: 0 });
  }
  for (const row of unread) {
    const entry = result.get(row.thread);
    if (entry) entry.unread = Number(row.unread);
  }
  return result;
}
