/**
 * Live updates for one project, over the WebSocket at /api/ws.
 *
 * ```ts
 * // The freelancer's project page:
 * const stream = useProjectStream({ projectId });
 * // The client's portal (their one project; the socket authenticates with the portal cookie):
 * const stream = useProjectStream('portal');
 *
 * stream.status    // 'connecting' | 'live' | 'reconnecting' | 'ended' — show a reconnect banner
 *                  // unless 'live'; 'ended' means the session or access ended (log in again)
 * stream.lastSeq   // the last stream sequence number received (0 before the first entry)
 * await stream.send({ thread: 'general', text, replyTo? , id? })
 *                  // → { id, seq, created }. The id (a UUID, made here when absent) makes a
 *                  // retry idempotent: sends made while offline wait and go out, with the same
 *                  // id, once the socket is back; a refusal rejects with StreamSendError
 *                  // (code, field, retryAfterSeconds).
 * stream.markRead(thread, upTo)   // moves the caller's read marker (fire and forget)
 * useProjectStream(target, { onEntry })   // every stream entry, once each and in order
 * ```
 *
 * What it does by itself: connects, subscribes (from the stream's head the first time, then
 * with the last sequence number seen and that entry's tag after each reconnect, so nothing is
 * missed or repeated), reconnects with backoff (0.5 s doubling to 30 s, with jitter; at once
 * when the browser comes back online), and invalidates the TanStack queries an entry affects:
 * the conversation's queries (keyed under `chatKeys.all(target)` — key the chat's queries there)
 * on messages, edits, deletions and read markers; the project's queries (`invalidateProject`, or
 * the portal's query) on uploads finished, deliveries, payments, receipts, accepted terms and
 * project changes.
 * After (re)subscribing from the head it refreshes them all once, covering anything that happened
 * between the page's own loads and the subscription. It does the same when the server's stream
 * disagrees with what the page holds — behind it (a restored database), or `resync` (the server
 * lost the last entries the page was sent, in a power cut, and reused their numbers: the tag
 * sent with the subscribe does not match) — and goes on from the server's head.
 */
import { useQueryClient, type QueryClient } from '@tanstack/react-query';
import { useEffect, useMemo, useRef, useSyncExternalStore } from 'react';
import type { ServerFrame } from '../http/chat-schemas';
import { invalidateProject, keys } from './queries';

export type StreamTarget = { projectId: string } | 'portal';
export type StreamStatus = 'connecting' | 'live' | 'reconnecting' | 'ended';
export type StreamEntry = Extract<ServerFrame, { type: 'entry' }>;

export interface OutgoingMessage {
  thread: string;
  text: string;
  replyTo?: string;
  /** The message's id (a UUID); made here when absent. */
  id?: string;
}

export interface SentMessage {
  id: string;
  seq: number;
  /** false: the server had it already (a retry). */
  created: boolean;
}

export class StreamSendError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly field?: string,
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
    this.name = 'StreamSendError';
  }
}

/** Query keys of the conversation, so live entries can invalidate them. */
export const chatKeys = {
  all: (target: StreamTarget) =>
    target === 'portal'
      ? (['portal', 'chat'] as const)
      : (['projects', 'one', target.projectId, 'chat'] as const),
  threads: (target: StreamTarget) => [...chatKeys.all(target), 'threads'] as const,
  messages: (target: StreamTarget, thread: string) =>
    [...chatKeys.all(target), 'messages', thread] as const,
};

/** Close codes after which reconnecting cannot help (see ServerFrame in src/http). */
const FINAL_CLOSE_CODES = new Set([4401, 4403]);
/** "From the head": the server answers with the stream's current number. */
const FROM_HEAD = 2 ** 31;

interface Pending {
  frame: { type: 'send'; projectId: string; id: string; thread: string; text: string };
  resolve(sent: SentMessage): void;
  reject(error: Error): void;
}

/** The connection itself, outside React (the hook below wraps it). */
export class ProjectStream {
  status: StreamStatus = 'connecting';
  lastSeq = 0;
  /** The tag of the entry at lastSeq (null: none, or an entry from before tags). */
  private lastTag: string | null = null;
  private socket: WebSocket | undefined;
  private projectId: string | undefined;
  private subscribed = false;
  private fromHead = true;
  private attempt = 0;
  private retry: ReturnType<typeof setTimeout> | undefined;
  private stopped = false;
  private readonly pending = new Map<string, Pending>();
  private readonly statusListeners = new Set<() => void>();

  constructor(
    private readonly target: StreamTarget,
    private readonly onEntry: (entry: StreamEntry) => void,
    private readonly onResync: () => void,
  ) {
    if (target !== 'portal') this.projectId = target.projectId;
  }

  start(): void {
    window.addEventListener('online', this.reconnectNow);
    this.connect();
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.retry);
    window.removeEventListener('online', this.reconnectNow);
    this.socket?.close(1000);
    for (const p of this.pending.values()) p.reject(new StreamSendError('CLOSED', 'Stopped'));
    this.pending.clear();
  }

  onStatus = (listener: () => void): (() => void) => {
    this.statusListeners.add(listener);
    return () => this.statusListeners.delete(listener);
  };

  send(message: OutgoingMessage): Promise<SentMessage> {
    const id = message.id ?? crypto.randomUUID();
    return new Promise((resolve, reject) => {
      if (this.status === 'ended') {
        reject(new StreamSendError('UNAUTHENTICATED', 'The live connection has ended'));
        return;
      }
      const frame = {
        type: 'send' as const,
        projectId: this.projectId ?? '',
        id,
        thread: message.thread,
        text: message.text,
        ...(message.replyTo !== undefined && { replyTo: message.replyTo }),
      };
      this.pending.set(id, { frame, resolve, reject });
      if (this.subscribed) this.write({ ...frame, projectId: this.projectId });
    });
  }

  markRead(thread: string, upTo: number): void {
    if (this.subscribed && this.projectId !== undefined) {
      this.write({ type: 'read', projectId: this.projectId, thread, upTo });
    }
  }

  private connect(): void {
    if (this.stopped) return;
    const scheme = window.location.protocol === 'https:' ? 'wss:' : 'ws:';
    const query = this.target === 'portal' ? '?as=client' : '';
    const socket = new WebSocket(`${scheme}//${window.location.host}/api/ws${query}`);
    this.socket = socket;
    this.subscribed = false;
    socket.onmessage = (event: MessageEvent<string>) => {
      if (this.socket === socket) this.receive(JSON.parse(event.data) as ServerFrame);
    };
    socket.onclose = (event) => {
      if (this.socket !== socket || this.stopped) return;
      this.subscribed = false;
      if (FINAL_CLOSE_CODES.has(event.code)) {
        this.setStatus('ended');
        for (const p of this.pending.values()) {
          p.reject(new StreamSendError('UNAUTHENTICATED', 'The live connection has ended'));
        }
        this.pending.clear();
        return;
      }
      this.setStatus('reconnecting');
      const delay = Math.min(30_000, 500 * 2 ** this.attempt) * (0.75 + Math.random() / 2);
      this.attempt++;
      this.retry = setTimeout(() => this.connect(), delay);
    };
  }

  private reconnectNow = (): void => {
    if (this.status !== 'reconnecting') return;
    clearTimeout(this.retry);
    this.connect();
  };

  private receive(frame: ServerFrame): void {
    switch (frame.type) {
      case 'hello':
        if (frame.projectId !== null) this.projectId ??= frame.projectId;
        if (this.projectId !== undefined) {
          this.write({
            type: 'subscribe',
            projectId: this.projectId,
            since: this.fromHead ? FROM_HEAD : this.lastSeq,
            // The server checks that its entry at lastSeq is the one held here.
            ...(!this.fromHead &&
              this.lastSeq > 0 &&
              this.lastTag !== null && { tag: this.lastTag }),
          });
        }
        return;
      case 'subscribed':
        this.subscribed = true;
        this.attempt = 0;
        if (this.fromHead || frame.resync || frame.since < this.lastSeq) {
          // From the head; or the server's stream is behind ours (a restored database) or not
          // the one we hold (resync: it lost our last entries and reused their numbers).
          this.lastSeq = frame.since;
          this.fromHead = false;
          this.onResync();
        }
        // The entry at since: ours when resuming where we were, the head's otherwise.
        this.lastTag = frame.tag;
        this.setStatus('live');
        for (const p of this.pending.values())
          this.write({ ...p.frame, projectId: frame.projectId });
        return;
      case 'entry':
        if (frame.seq <= this.lastSeq) return;
        this.lastSeq = frame.seq;
        this.lastTag = frame.tag;
        this.onEntry(frame);
        for (const listener of this.statusListeners) listener();
        return;
      case 'sent': {
        const p = this.pending.get(frame.id);
        this.pending.delete(frame.id);
        p?.resolve({ id: frame.id, seq: frame.seq, created: frame.created });
        return;
      }
      case 'error': {
        const p = frame.ref === undefined ? undefined : this.pending.get(frame.ref);
        if (!p) return;
        if (frame.code === 'TOO_MANY_ATTEMPTS') {
          // Kept, and sent again once the limit allows.
          setTimeout(
            () => {
              if (this.subscribed && this.pending.has(p.frame.id)) this.write(p.frame);
            },
            (frame.retryAfterSeconds ?? 1) * 1000,
          );
          return;
        }
        this.pending.delete(p.frame.id);
        p.reject(
          new StreamSendError(frame.code, frame.message, frame.field, frame.retryAfterSeconds),
        );
        return;
      }
      case 'read':
      case 'unsubscribed':
        return;
    }
  }

  private write(frame: object): void {
    if (this.socket?.readyState === WebSocket.OPEN) this.socket.send(JSON.stringify(frame));
  }

  private setStatus(status: StreamStatus): void {
    if (this.status === status) return;
    this.status = status;
    for (const listener of this.statusListeners) listener();
  }
}

const PROJECT_EVENTS = new Set([
  'terms.accepted',
  'project.updated',
  'project.archived',
  'project.unarchived',
  'access.changed',
]);

/** Which queries an entry makes stale. */
function staleKeys(entry: StreamEntry): { chat: boolean; project: boolean } {
  return {
    chat: entry.event.startsWith('message.') || entry.event === 'thread.read',
    // Uploads finished, deliveries, payments and receipts are system messages.
    project: entry.message?.kind === 'system' || PROJECT_EVENTS.has(entry.event),
  };
}

/** Invalidations gathered over a short moment, so a burst of entries refetches once. */
function invalidator(client: QueryClient, target: StreamTarget) {
  let chat = false;
  let project = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const flush = () => {
    timer = undefined;
    if (chat) void client.invalidateQueries({ queryKey: chatKeys.all(target) });
    if (project) {
      if (target === 'portal')
        void client.invalidateQueries({ queryKey: keys.portal(), exact: true });
      else void invalidateProject(client, target.projectId);
    }
    chat = false;
    project = false;
  };
  return (stale: { chat: boolean; project: boolean }) => {
    chat ||= stale.chat;
    project ||= stale.project;
    timer ??= setTimeout(flush, 100);
  };
}

export interface ProjectStreamHandle {
  status: StreamStatus;
  lastSeq: number;
  send(message: OutgoingMessage): Promise<SentMessage>;
  markRead(thread: string, upTo: number): void;
}

export function useProjectStream(
  target: StreamTarget,
  options: { onEntry?: (entry: StreamEntry) => void } = {},
): ProjectStreamHandle {
  const client = useQueryClient();
  const key = target === 'portal' ? 'portal' : target.projectId;
  const onEntry = useRef(options.onEntry);
  onEntry.current = options.onEntry;
  const stream = useMemo(() => {
    const stable: StreamTarget = key === 'portal' ? 'portal' : { projectId: key };
    const stale = invalidator(client, stable);
    return new ProjectStream(
      stable,
      (entry) => {
        stale(staleKeys(entry));
        onEntry.current?.(entry);
      },
      () => stale({ chat: true, project: true }),
    );
  }, [client, key]);
  useEffect(() => {
    stream.start();
    return () => stream.stop();
  }, [stream]);
  const status = useSyncExternalStore(stream.onStatus, () => stream.status);
  const lastSeq = useSyncExternalStore(stream.onStatus, () => stream.lastSeq);
  return {
    status,
    lastSeq,
    send: (message) => stream.send(message),
    markRead: (thread, upTo) => stream.markRead(thread, upTo),
  };
}
