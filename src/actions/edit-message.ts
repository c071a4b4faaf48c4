import { appendActivity } from '../db/queries/activity';
import { findMessage, updateMessage } from '../db/queries/chat';
import type { ChatMessageRow } from '../db/schema';
import { assertMayDelete, assertMayEdit, messageText, type ChatActor } from '../domain/chat-rules';
import { notFound } from '../domain/errors';
import type { StreamAnnouncer } from '../events/stream-bus';
import { lockConversation, type Participation } from './chat-access';
import { appendStreamEntry } from './chat-stream';
import { nowOf, type ActionContext } from './context';

type Options = Pick<ActionContext, 'db' | 'clock'> & {
  events: StreamAnnouncer;
  actor: ChatActor;
  projectId: string;
  messageId: string;
};

function facts(message: ChatMessageRow) {
  return {
    authorType: message.author_type,
    authorId: message.author_id,
    kind: message.kind,
    createdAt: message.created_at,
    deletedAt: message.deleted_at,
  };
}

function authorOf(conversation: Participation) {
  return { party: conversation.party, authorId: conversation.authorId };
}

/**
 * Its author changes a message within ten minutes of sending it. The message shows as edited;
 * the activity chain keeps the text it had before.
 */
export async function editMessage(options: Options & { text: string }): Promise<ChatMessageRow> {
  const text = messageText(options.text);
  const at = nowOf(options);
  const now = at.toISOString();
  return options.db.transaction().execute(async (trx) => {
    const conversation = await lockConversation(trx, options.actor, options.projectId, now);
    const message = await findMessage(trx, options.messageId);
    if (!message || message.project_id !== conversation.project.id) throw notFound('Message');
    assertMayEdit(facts(message), authorOf(conversation), at);
    if (message.body === text) return message;
    await updateMessage(trx, message.id, { body: text, edited_at: now });
    const edited = { ...message, body: text, edited_at: now };
    const seq = await appendStreamEntry(trx, options.events, {
      projectId: conversation.project.id,
      type: 'message.edited',
      thread: message.thread,
      message: edited,
      at: now,
    });
    await appendActivity(trx, {
      projectId: conversation.project.id,
      actorType: conversation.party,
      actorId: conversation.party === 'freelancer' ? conversation.authorId : null,
      action: 'message.edited',
      details: {
        messageId: message.id,
        thread: message.thread,
        seq,
        previousText: message.body,
        text,
      },
      at: now,
    });
    return edited;
  });
}

/**
 * Its author deletes a message: a tombstone stays in the thread (who and when, not what); the
 * activity chain keeps the text. Deleting a deleted message changes nothing.
 */
export async function deleteMessage(options: Options): Promise<ChatMessageRow> {
  const now = nowOf(options).toISOString();
  return options.db.transaction().execute(async (trx) => {
    const conversation = await lockConversation(trx, options.actor, options.projectId, now);
    const message = await findMessage(trx, options.messageId);
    if (!message || message.project_id !== conversation.project.id) throw notFound('Message');
    assertMayDelete(facts(message), authorOf(conversation));
    if (message.deleted_at !== null) return message;
    await updateMessage(trx, message.id, { body: '', deleted_at: now });
    const deleted = { ...message, body: '', deleted_at: now };
    const seq = await appendStreamEntry(trx, options.events, {
      projectId: conversation.project.id,
      type: 'message.deleted',
      thread: message.thread,
      message: deleted,
      at: now,
    });
    await appendActivity(trx, {
      projectId: conversation.project.id,
      actorType: conversation.party,
      actorId: conversation.party === 'freelancer' ? conversation.authorId : null,
      action: 'message.deleted',
      details: { messageId: message.id, thread: message.thread, seq, text: message.body },
      at: now,
    });
    return deleted;
  });
}
