/**
 * The conversation's state for one project and one party: threads with unread counts, the
 * chosen thread's messages (newest page first, older pages by cursor), the queue of messages
 * not yet accepted by the server, and the connection as the panel should describe it.
 *
 * Live over the project's stream (useProjectStream, one socket per page): each entry invalidates
 * the conversation's queries (and the project's, for uploads, deliveries, payments and other live
 * events), so nothing is polled while the stream is live. While it is not (reconnecting, or ended),
 * the thread list is asked for every few seconds instead, and a change in the project's stream
 * number refetches the messages. Messages are posted over REST with their client-made id from the
 * outbox, which is flushed again whenever the browser is back online or the stream is live again.
 */
import {
  useInfiniteQuery,
  useQuery,
  useQueryClient,
  type InfiniteData,
} from '@tanstack/react-query';
import { useCallback, useEffect, useMemo, useRef, useState, useSyncExternalStore } from 'react';
import { ApiError } from '../api';
import {
  chatApi,
  type ChatMessage,
  type ChatRealm,
  type MessagePage,
  type OutgoingMessage,
} from './chat-api';
import { useProjectStream, type StreamStatus } from '../stream';
import { chatKeys } from './chat-queries';
import { loadQueue, saveQueue, type QueuedMessage } from './outbox';

/** How often the thread list is asked for while the live stream is not connected. */
const POLL_MS = 5_000;

export type SendState =
  { status: 'sending' } | { status: 'queued' } | { status: 'failed'; reason: string };

function subscribeOnline(onChange: () => void): () => void {
  window.addEventListener('online', onChange);
  window.addEventListener('offline', onChange);
  return () => {
    window.removeEventListener('online', onChange);
    window.removeEventListener('offline', onChange);
  };
}

export function useOnline(): boolean {
  return useSyncExternalStore(
    subscribeOnline,
    () => navigator.onLine,
    () => true,
  );
}

function newId(): string {
  return crypto.randomUUID();
}

export function useChat(realm: ChatRealm, projectId: string) {
  const api = useMemo(() => chatApi(realm, projectId), [realm, projectId]);
  const queryClient = useQueryClient();
  const online = useOnline();
  const [thread, setThread] = useState('general');
  const stream = useProjectStream(realm === 'portal' ? 'portal' : { projectId });

  const threads = useQuery({
    queryKey: chatKeys.threads(realm, projectId),
    queryFn: () => api.threads(),
    refetchInterval: stream.status === 'live' ? false : POLL_MS,
    refetchIntervalInBackground: false,
  });

  const messages = useInfiniteQuery({
    queryKey: chatKeys.thread(realm, projectId, thread),
    queryFn: ({ pageParam }) => api.messages(thread, pageParam),
    initialPageParam: undefined as number | undefined,
    getNextPageParam: (page: MessagePage) => page.nextCursor ?? undefined,
  });

  // The stream moved (a message, an edit, a deletion, a read marker): refetch the messages.
  const streamSeq = threads.data?.lastSeq;
  const seenSeq = useRef<number | undefined>(undefined);
  useEffect(() => {
    if (streamSeq === undefined) return;
    if (seenSeq.current !== undefined && seenSeq.current !== streamSeq) {
      void queryClient.invalidateQueries({ queryKey: chatKeys.messages(realm, projectId) });
    }
    seenSeq.current = streamSeq;
  }, [streamSeq, queryClient, realm, projectId]);

  const refresh = useCallback(
    () =>
      Promise.all([
        queryClient.invalidateQueries({ queryKey: chatKeys.threads(realm, projectId) }),
        queryClient.invalidateQueries({ queryKey: chatKeys.messages(realm, projectId) }),
      ]).then(() => undefined),
    [queryClient, realm, projectId],
  );

  // The oldest first, each message once, whatever pages overlap after a refetch.
  const list = useMemo(() => flatten(messages.data), [messages.data]);

  const outbox = useOutbox(realm, projectId, api.send, refresh, online, stream.status);

  const send = useCallback(
    (message: Omit<OutgoingMessage, 'id'>) => outbox.enqueue({ ...message, id: newId() }),
    [outbox],
  );

  const edit = useCallback(
    async (messageId: string, text: string) => {
      await api.edit(messageId, text);
      await refresh();
    },
    [api, refresh],
  );
  const remove = useCallback(
    async (messageId: string) => {
      await api.remove(messageId);
      await refresh();
    },
    [api, refresh],
  );

  // Read markers only move forward; each is sent once.
  const sentRead = useRef(new Map<string, number>());
  const markRead = useCallback(
    (threadId: string, upTo: number) => {
      const summary = threads.data?.threads.find((t) => t.id === threadId);
      if (summary === undefined || summary.readUpTo >= upTo) return;
      if ((sentRead.current.get(threadId) ?? 0) >= upTo) return;
      sentRead.current.set(threadId, upTo);
      api.read(threadId, upTo).then(
        () => queryClient.invalidateQueries({ queryKey: chatKeys.threads(realm, projectId) }),
        () => sentRead.current.delete(threadId),
      );
    },
    [api, threads.data, queryClient, realm, projectId],
  );

  const unreachable = threads.error?.code === 'NETWORK';
  const connection: 'online' | 'offline' | 'reconnecting' = !online
    ? 'offline'
    : unreachable || stream.status === 'reconnecting'
      ? 'reconnecting'
      : 'online';

  return {
    realm,
    projectId,
    thread,
    setThread,
    threads,
    messages,
    list,
    outbox,
    send,
    edit,
    remove,
    markRead,
    connection,
    /** The live stream's own state ('ended': the session or access ended). */
    streamStatus: stream.status,
  };
}

export type Chat = ReturnType<typeof useChat>;

function flatten(data: InfiniteData<MessagePage> | undefined): ChatMessage[] {
  if (data === undefined) return [];
  const byId = new Map<string, ChatMessage>();
  for (const page of data.pages) for (const m of page.messages) byId.set(m.id, m);
  return [...byId.values()].sort((a, b) => a.seq - b.seq);
}

/**
 * Messages written but not yet stored by the server, kept in localStorage. They are sent one at
 * a time in the order written; a network failure leaves them queued until the browser is back
 * online (or the next attempt), a refusal marks the one refused so the writer can decide.
 */
function useOutbox(
  realm: ChatRealm,
  projectId: string,
  post: (message: OutgoingMessage) => Promise<ChatMessage>,
  refresh: () => Promise<void>,
  online: boolean,
  streamStatus: StreamStatus,
) {
  const [queue, setQueue] = useState<QueuedMessage[]>(() => loadQueue(realm, projectId));
  const [states, setStates] = useState<Record<string, SendState>>({});
  const queueRef = useRef(queue);
  const flushing = useRef(false);
  /** Refused by the server: left in the queue until the writer retries or discards them. */
  const failedIds = useRef(new Set<string>());
  const retryTimer = useRef<ReturnType<typeof setTimeout> | null>(null);

  const update = useCallback(
    (next: QueuedMessage[]) => {
      queueRef.current = next;
      saveQueue(realm, projectId, next);
      setQueue(next);
    },
    [realm, projectId],
  );
  const setState = useCallback((id: string, state: SendState | null) => {
    setStates((prev) => {
      const next = { ...prev };
      if (state === null) delete next[id];
      else next[id] = state;
      return next;
    });
  }, []);

  const flush = useCallback(async () => {
    if (flushing.current) return;
    flushing.current = true;
    try {
      for (;;) {
        const next = queueRef.current.find((m) => !failedIds.current.has(m.id));
        if (next === undefined) break;
        setState(next.id, { status: 'sending' });
        try {
          await post({
            id: next.id,
            thread: next.thread,
            text: next.text,
            ...(next.replyTo === undefined ? {} : { replyTo: next.replyTo }),
          });
          update(queueRef.current.filter((m) => m.id !== next.id));
          setState(next.id, null);
          await refresh();
        } catch (err) {
          const error = err instanceof ApiError ? err : new ApiError(0, 'NETWORK', 'Network error');
          if (error.status === 0 || error.status === 429 || error.status >= 500) {
            setState(next.id, { status: 'queued' });
            const wait = error.status === 429 ? (error.retryAfterSeconds ?? 2) * 1000 : 5_000;
            if (retryTimer.current !== null) clearTimeout(retryTimer.current);
            retryTimer.current = setTimeout(() => void flush(), wait);
          } else {
            failedIds.current.add(next.id);
            setState(next.id, { status: 'failed', reason: error.message });
            continue;
          }
          break;
        }
      }
    } finally {
      flushing.current = false;
    }
  }, [post, refresh, update, setState]);

  // Back online, the stream live again (or first shown with messages left from an earlier
  // visit): send what waits. Each keeps its id, so one the server already has is not doubled.
  useEffect(() => {
    if (online) void flush();
  }, [online, streamStatus, flush]);
  useEffect(
    () => () => {
      if (retryTimer.current !== null) clearTimeout(retryTimer.current);
    },
    [],
  );

  const enqueue = useCallback(
    (message: OutgoingMessage) => {
      update([...queueRef.current, { ...message, writtenAt: new Date().toISOString() }]);
      setState(message.id, { status: navigator.onLine ? 'sending' : 'queued' });
      void flush();
    },
    [update, setState, flush],
  );
  const retry = useCallback(
    (id: string) => {
      failedIds.current.delete(id);
      void flush();
    },
    [flush],
  );
  const discard = useCallback(
    (id: string) => {
      failedIds.current.delete(id);
      update(queueRef.current.filter((m) => m.id !== id));
      setState(id, null);
    },
    [update, setState],
  );

  return useMemo(
    () => ({ queue, states, enqueue, retry, discard }),
    [queue, states, enqueue, retry, discard],
  );
}
