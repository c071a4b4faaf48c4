/**
 * The chat's query keys: one project's threads, and each thread's pages of messages. They sit
 * under the stream's conversation key (src/web/stream.ts `chatKeys.all`), so a live entry over
 * the socket invalidates exactly the conversation it belongs to.
 */
import { chatKeys as streamChatKeys } from '../stream';
import type { ChatRealm } from './chat-api';

export const chatKeys = {
  all: (realm: ChatRealm, projectId: string) =>
    streamChatKeys.all(realm === 'portal' ? 'portal' : { projectId }),
  threads: (realm: ChatRealm, projectId: string) =>
    [...chatKeys.all(realm, projectId), 'threads'] as const,
  messages: (realm: ChatRealm, projectId: string) =>
    [...chatKeys.all(realm, projectId), 'messages'] as const,
  thread: (realm: ChatRealm, projectId: string, thread: string) =>
    [...chatKeys.messages(realm, projectId), thread] as const,
};
