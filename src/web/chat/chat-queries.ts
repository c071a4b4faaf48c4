/** The chat's query keys: one project's threads, and each thread's pages of messages. */
import type { ChatRealm } from './chat-api';

export const chatKeys = {
  all: (realm: ChatRealm, projectId: string) => ['chat', realm, projectId] as const,
  threads: (realm: ChatRealm, projectId: string) => ['chat', realm, projectId, 'threads'] as const,
  messages: (realm: ChatRealm, projectId: string) =>
    ['chat', realm, projectId, 'messages'] as const,
  thread: (realm: ChatRealm, projectId: string, thread: string) =>
    ['chat', realm, projectId, 'messages', thread] as const,
};
