import type { ChatMessageRow } from '../db/schema';
import type { z } from 'zod';
import type { messageView } from './chat-schemas';

export function presentMessage(m: ChatMessageRow): z.infer<typeof messageView> {
  return {
    id: m.id,
    seq: m.seq,
    thread: m.thread,
    author: m.author_type,
    kind: m.kind,
    text: m.deleted_at === null ? m.body : null,
    event: m.event === null ? null : (JSON.parse(m.event) as Record<string, unknown>),
    replyTo: m.reply_to,
    createdAt: m.created_at,
    editedAt: m.edited_at,
    deletedAt: m.deleted_at,
  };
}
