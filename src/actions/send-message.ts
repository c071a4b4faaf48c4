import type { Kysely } from 'kysely';
import { isProgramLimit } from '../db/errors';
import { newStreamTag } from '../db/ids';
import { appendActivity } from '../db/queries/activity';
import { findMessage, insertMessageIfNew } from '../db/queries/chat';
import { sendInOneStatement, sendsInOneStatement, untilFlushed } from '../db/queries/chat-send';
import type { ChatMessageRow, ChatParty, DB } from '../db/schema';
import { messageText, type ChatActor } from '../domain/chat-rules';
import { allowedWhenArchived } from '../domain/archive-rule';
import { AppError } from '../domain/errors';
import type { CommitNotice, StreamAnnouncer } from '../events/stream-bus';
import {
  assertThreadOf,
  badThread,
  lockConversation,
  lockScopeOf,
  writeActOf,
  writerOf,
  type Participation,
} from './chat-access';
import { newMessageEntry, recordNewMessage } from './chat-stream';
import { nowOf, type ActionContext } from './context';
import { messageNotice, scheduleMessageNotice } from './schedule-notifications';

/** Thrown inside the transaction to undo the number it took: the message was stored before. */
class AlreadyStored {
  constructor(
    readonly message: ChatMessageRow,
    readonly participation: Participation,
  ) {}
}

/**
 * A party writes in one of the project's threads. The message's id is the sender's own: sending
 * the same id again (a retry after a lost answer) returns the stored message and adds nothing.
 * A reply names a message of the same thread and is recorded in the activity chain.
 *
 * The common case is four statements: the project's lock and the message's number are one
 * UPDATE, the message is inserted unless its id exists, its stream entry, the unread-mail notice.
 * A retry finds its message stored and rolls the number back, as does any refusal. On
 * PostgreSQL, where each statement is a round trip, a message that is no reply is one statement
 * that commits by itself and writes only when the same checks allow it (src/db/queries/chat-send.ts),
 * its commit also telling the other instances (NOTIFY); only when another writer came between its
 * snapshot and its lock does it take this transaction.
 */
export async function sendMessage(
  options: Pick<ActionContext, 'db' | 'clock'> & {
    events: StreamAnnouncer;
    actor: ChatActor;
    projectId: string;
    message: { id: string; thread: string; text: string; replyTo?: string | undefined };
  },
): Promise<{ message: ChatMessageRow; created: boolean }> {
  const text = messageText(options.message.text);
  const now = nowOf(options).toISOString();
  const { id, thread, replyTo } = options.message;
  if (replyTo === undefined && sendsInOneStatement(options.db)) {
    const sent = await sendInOne(options.db, { ...options, text, now });
    if (sent !== undefined) return sent;
    // Another writer came between the statement's snapshot and its lock: nothing was written.
  }
  try {
    return await options.db.transaction().execute(async (trx) => {
      const conversation = await lockConversation(
        trx,
        options.actor,
        options.projectId,
        now,
        'write',
        { takeSeq: true },
      );
      await assertThreadOf(trx, conversation, thread);
      if (replyTo !== undefined) {
        const original = await findMessage(trx, replyTo);
        if (
          !original ||
          original.project_id !== conversation.project.id ||
          original.thread !== thread
        ) {
          throw new AppError('VALIDATION_FAILED', 'replyTo must be a message of the same thread', {
            field: 'replyTo',
          });
        }
      }
      const message = textMessage(conversation, { id, thread, text, replyTo, now });
      // Under the project's lock: a retry racing its original finds it stored.
      if (!(await insertMessageIfNew(trx, message))) {
        throw await alreadyStored(trx, conversation, id);
      }
      await recordNewMessage(trx, options.events, message);
      await scheduleMessageNotice(trx, noticeOf(conversation, thread, now));
      if (replyTo !== undefined) {
        await appendActivity(trx, {
          projectId: conversation.project.id,
          actorType: conversation.party,
          actorId: conversation.party === 'freelancer' ? conversation.authorId : null,
          action: 'message.replied',
          details: { messageId: id, thread, replyTo, seq: message.seq, text },
          at: now,
        });
      }
      return { message, created: true };
    });
  } catch (error) {
    if (!(error instanceof AlreadyStored)) throw error;
    return storedBefore(error.message, error.participation, thread);
  }
}

/** A retry's answer: the message stored before with its id, unless it is another's (CONFLICT). */
function storedBefore(
  existing: ChatMessageRow,
  participation: Participation,
  thread: string,
): { message: ChatMessageRow; created: false } {
  const same =
    existing.project_id === participation.project.id &&
    existing.author_type === participation.party &&
    existing.author_id === participation.authorId &&
    existing.thread === thread;
  if (!same) {
    throw new AppError('CONFLICT', 'A different message already has this id', { field: 'id' });
  }
  return { message: existing, created: false };
}

/**
 * A message that is no reply, on PostgreSQL: one statement that commits by itself
 * (src/db/queries/chat-send.ts) and writes only what the checks of the path above allow; they
 * are then applied to what it returns, in the same order, for their answers. Undefined when
 * another writer came between (nothing written): the caller sends in a transaction instead.
 */
async function sendInOne(
  db: Kysely<DB>,
  send: {
    events: StreamAnnouncer;
    actor: ChatActor;
    projectId: string;
    message: { id: string; thread: string };
    text: string;
    now: string;
  },
): Promise<{ message: ChatMessageRow; created: boolean } | undefined> {
  const { actor, projectId, now } = send;
  const { id, thread } = send.message;
  const scope = lockScopeOf(actor, projectId);
  const tag = newStreamTag();
  const statement = (notify: CommitNotice | undefined) =>
    scope === undefined
      ? Promise.resolve(undefined)
      : sendInOneStatement(db, {
          projectId,
          ownerId: scope.ownerId,
          now,
          message: {
            id,
            thread,
            party: actor.type,
            authorId: actor.type === 'freelancer' ? actor.userId : null,
            body: send.text,
          },
          tag,
          notice: messageNotice({ projectId, thread, to: recipientOf(actor.type), now }),
          archivedAllowed: allowedWhenArchived(writeActOf(actor)),
          notify,
        });
  const sent = await statement(send.events.inCommit).catch((error: unknown) => {
    // PostgreSQL refuses a commit with a NOTIFY when its notify queue is full (a listener has
    // stopped reading): nothing was written. The message is then stored without it, and the
    // separate NOTIFY after it fails alone (logged; the hubs' periodic checks catch up).
    if (send.events.inCommit !== undefined && isProgramLimit(error)) return statement(undefined);
    throw error;
  });
  const writer = writerOf(sent?.project, actor); // not found, or archived
  if (sent === undefined) throw new Error('writerOf refuses a missing project');
  if (!sent.fresh) return undefined;
  if (!sent.threadFound) throw badThread();
  if (!sent.inserted) {
    const existing = await findMessage(db, id);
    if (!existing) throw new Error(`message ${id} neither stored nor found`);
    return storedBefore(existing, writer, thread);
  }
  // As the statement stored it.
  const message = textMessage(writer, { id, thread, text: send.text, replyTo: undefined, now });
  const entry = newMessageEntry(message, tag);
  if (sent.notified && send.events.inCommit) send.events.inCommit.handOver(entry);
  else await send.events.announce(db, entry);
  await untilFlushed(db);
  return { message, created: true };
}

/** A party's message under the number its lock took (`project.stream_seq`). */
function textMessage(
  writer: Participation,
  message: { id: string; thread: string; text: string; replyTo: string | undefined; now: string },
): ChatMessageRow {
  return {
    id: message.id,
    project_id: writer.project.id,
    thread: message.thread,
    author_type: writer.party,
    author_id: writer.authorId,
    kind: 'text',
    body: message.text,
    event: null,
    reply_to: message.replyTo ?? null,
    seq: writer.project.stream_seq,
    created_at: message.now,
    edited_at: null,
    deleted_at: null,
  };
}

const recipientOf = (party: ChatParty): ChatParty => (party === 'client' ? 'freelancer' : 'client');

const noticeOf = (writer: Participation, thread: string, now: string) => ({
  projectId: writer.project.id,
  thread,
  to: recipientOf(writer.party),
  now,
});

/** The message with this id, stored before: thrown to roll back, answered after. */
async function alreadyStored(
  trx: Kysely<DB>,
  participation: Participation,
  id: string,
): Promise<AlreadyStored> {
  const existing = await findMessage(trx, id);
  if (!existing) throw new Error(`message ${id} neither stored nor found`);
  return new AlreadyStored(existing, participation);
}
