import { appendActivity } from '../db/queries/activity';
import { findMessage, insertMessageIfNew } from '../db/queries/chat';
import type { ChatMessageRow } from '../db/schema';
import { messageText, type ChatActor } from '../domain/chat-rules';
import { AppError } from '../domain/errors';
import type { StreamAnnouncer } from '../events/stream-bus';
import { assertThreadOf, lockConversation, type Participation } from './chat-access';
import { recordNewMessage } from './chat-stream';
import { nowOf, type ActionContext } from './context';
import { scheduleMessageNotice } from './schedule-notifications';

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
 * A retry finds its message stored and rolls the number back.
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
      const message: ChatMessageRow = {
        id,
        project_id: conversation.project.id,
        thread,
        author_type: conversation.party,
        author_id: conversation.authorId,
        kind: 'text',
        body: text,
        event: null,
        reply_to: replyTo ?? null,
        seq: conversation.project.stream_seq,
        created_at: now,
        edited_at: null,
        deleted_at: null,
      };
      // Under the project's lock: a retry racing its original finds it stored.
      if (!(await insertMessageIfNew(trx, message))) {
        const existing = await findMessage(trx, id);
        if (!existing) throw new Error(`message ${id} neither stored nor found`);
        throw new AlreadyStored(existing, conversation);
      }
      await recordNewMessage(trx, options.events, message);
      await scheduleMessageNotice(trx, {
        projectId: conversation.project.id,
        thread,
        to: conversation.party === 'client' ? 'freelancer' : 'client',
        now,
      });
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
    const { message: existing, participation } = error;
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
}
