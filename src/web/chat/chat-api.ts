/**
 * The conversation's HTTP calls for either side: the freelancer's (under /api/projects/:id, the
 * app's session) and the client's (under /api/portal, their one project). Both answer the same
 * shapes, so the panel works the same for both.
 */
import { app, portal } from '../api';
import type { ResponseOf } from '../types';

export type ChatRealm = 'app' | 'portal';
export type ThreadList = ResponseOf<'/api/portal/threads', 'get'>;
export type ThreadSummary = ThreadList['threads'][number];
export type MessagePage = ResponseOf<'/api/portal/messages', 'get'>;
export type ChatMessage = MessagePage['messages'][number];

export interface OutgoingMessage {
  id: string;
  thread: string;
  text: string;
  replyTo?: string;
}

export interface ChatApi {
  threads(): Promise<ThreadList>;
  messages(thread: string, before?: number): Promise<MessagePage>;
  send(message: OutgoingMessage): Promise<ChatMessage>;
  edit(messageId: string, text: string): Promise<ChatMessage>;
  remove(messageId: string): Promise<ChatMessage>;
  read(thread: string, upTo: number): Promise<unknown>;
}

/** Messages per page of history. */
export const PAGE_SIZE = 50;

function query(thread: string, before: number | undefined) {
  return before === undefined ? { thread, limit: PAGE_SIZE } : { thread, limit: PAGE_SIZE, before };
}

function freelancerChat(projectId: string): ChatApi {
  const path = { projectId };
  return {
    threads: () =>
      app.send((c) => c.GET('/api/projects/{projectId}/threads', { params: { path } })),
    messages: (thread, before) =>
      app.send((c) =>
        c.GET('/api/projects/{projectId}/messages', {
          params: { path, query: query(thread, before) },
        }),
      ),
    send: async (message) =>
      (
        await app.send((c) =>
          c.POST('/api/projects/{projectId}/messages', { params: { path }, body: message }),
        )
      ).message,
    edit: async (messageId, text) =>
      (
        await app.send((c) =>
          c.PATCH('/api/projects/{projectId}/messages/{messageId}', {
            params: { path: { projectId, messageId } },
            body: { text },
          }),
        )
      ).message,
    remove: async (messageId) =>
      (
        await app.send((c) =>
          c.DELETE('/api/projects/{projectId}/messages/{messageId}', {
            params: { path: { projectId, messageId } },
          }),
        )
      ).message,
    read: (thread, upTo) =>
      app.send((c) =>
        c.POST('/api/projects/{projectId}/messages/read', {
          params: { path },
          body: { thread, upTo },
        }),
      ),
  };
}

const clientChat: ChatApi = {
  threads: () => portal.send((c) => c.GET('/api/portal/threads')),
  messages: (thread, before) =>
    portal.send((c) => c.GET('/api/portal/messages', { params: { query: query(thread, before) } })),
  send: async (message) =>
    (await portal.send((c) => c.POST('/api/portal/messages', { body: message }))).message,
  edit: async (messageId, text) =>
    (
      await portal.send((c) =>
        c.PATCH('/api/portal/messages/{messageId}', {
          params: { path: { messageId } },
          body: { text },
        }),
      )
    ).message,
  remove: async (messageId) =>
    (
      await portal.send((c) =>
        c.DELETE('/api/portal/messages/{messageId}', { params: { path: { messageId } } }),
      )
    ).message,
  read: (thread, upTo) =>
    portal.send((c) => c.POST('/api/portal/messages/read', { body: { thread, upTo } })),
};

export function chatApi(realm: ChatRealm, projectId: string): ChatApi {
  return realm === 'app' ? freelancerChat(projectId) : clientChat;
}
