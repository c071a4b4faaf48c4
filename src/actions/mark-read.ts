import { raiseReadMarker } from '../db/queries/chat';
import type { ChatActor } from '../domain/chat-rules';
import { AppError } from '../domain/errors';
import type { StreamAnnouncer } from '../events/stream-bus';
import { assertThreadOf, lockConversation } from './chat-access';
import { appendStreamEntry } from './chat-stream';
import { nowOf, type ActionContext } from './context';

/**
 * A party has read a thread up to a sequence number. The marker only moves forward; when it
 * moves, the other party sees it live ("seen").
 */
export async function markRead(
  options: Pick<ActionContext, 'db' | 'clock'> & {
    events: StreamAnnouncer;
    actor: ChatActor;
    projectId: string;
    thread: string;
    upTo: number;
  },
): Promise<{ upTo: number }> {
  const now = nowOf(options).toISOString();
  return options.db.transaction().execute(async (trx) => {
    const conversation = await lockConversation(
      trx,
      options.actor,
      options.projectId,
      now,
      'read-marker',
    );
    await assertThreadOf(trx, conversation, options.thread);
    if (options.upTo > conversation.project.stream_seq) {
      throw new AppError(
        'VALIDATION_FAILED',
        `upTo must be at most ${conversation.project.stream_seq}, the project's last sequence number`,
        { field: 'upTo' },
      );
    }
    const marker = await raiseReadMarker(trx, {
      projectId: conversation.project.id,
      thread: options.thread,
      party: conversation.party,
      upTo: options.upTo,
      at: now,
    });
    if (marker.moved) {
      await appendStreamEntry(trx, options.events, {
        projectId: conversation.project.id,
        type: 'thread.read',
        thread: options.thread,
        message: null,
        data: { party: conversation.party, upTo: marker.upTo },
        at: now,
      });
    }
    return { upTo: marker.upTo };
  });
}
