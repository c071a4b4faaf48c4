/**
 * The live side of a project's stream on this instance: the open sockets of /api/ws, what each
 * follows, and the one reader per project that turns announcements into frames.
 *
 * Order and exactly-once come from the rows, never from the announcements: each socket keeps a
 * cursor per project (the last sequence number it was sent), and a project's feed reads the
 * entries after the lowest cursor of its sockets — one read serves them all — and gives each
 * socket only the entries right after its own cursor. A socket that subscribes with the last
 * number it saw therefore gets exactly what it missed, then live entries, with no gap and no
 * repeat, whatever the announcements' timing (they only say "read again"). With that entry's tag,
 * it is also told when the server no longer has that entry (lost in a power cut, its number
 * reused): it resumes from the head with `resync` (src/domain/stream-resume.ts). One read per
 * project runs at a time; announcements arriving meanwhile fold into one more read. An entry
 * written on this instance arrives with its announcement, just committed: it goes at once to
 * every socket whose cursor it directly follows, with no read (the frame serialised once for all
 * of them); a socket further behind gets it from the next read. Every few seconds the projects'
 * heads are compared with the sockets' cursors, so a lost announcement (another instance that
 * crashed between its commit and its NOTIFY) delays entries by seconds, never drops them.
 *
 * Also here: heartbeats (a socket that has not answered the previous ping is terminated), the
 * per-socket guard against bad frames and floods, and the re-check of sessions every
 * WS_SESSION_CHECK_SECONDS (logout, expiry, a revoked or reissued code, an archived project close
 * the socket; a logout on this instance closes its sockets at once).
 */
import { setImmediate } from 'node:timers/promises';
import type { Kysely } from 'kysely';
import type { RawData, WebSocket } from 'ws';
import { markRead } from '../actions/mark-read';
import {
  liveSocketSessions,
  openStream,
  readStreamAfter,
  readStreamHeads,
  type StreamEntry,
} from '../actions/read-stream';
import { sendMessage } from '../actions/send-message';
import type { DB } from '../db/schema';
import { TokenBucket, type ChatActor } from '../domain/chat-rules';
import type { Clock } from '../domain/clock';
import { AppError } from '../domain/errors';
import type { SessionScope, StreamBus } from '../events/stream-bus';
import type { SenderLimits } from './chat-limits';
import { presentMessage } from './chat-presenters';
import { clientFrame, type ClientFrame, type ServerFrame } from './chat-schemas';

/** Who a socket speaks for, fixed at the upgrade; the session is re-checked by its hash. */
export type SocketIdentity =
  | { party: 'freelancer'; userId: string; tokenHash: string }
  | { party: 'client'; projectId: string; tokenHash: string };

export const CLOSE = {
  /** The session ended: log in (or open the project) again before reconnecting. */
  SESSION_ENDED: 4401,
  /** No live updates for this project for this caller (archived). */
  NOT_ALLOWED: 4403,
  /** Repeated bad frames, or more frames than it waits for. */
  POLICY: 1008,
  /** Fell too far behind: reconnect with the last seq. */
  TOO_SLOW: 1013,
} as const;

/** Entries read per query. */
const PAGE = 200;
/** How often the followed projects' heads are compared with what their sockets were sent. */
const SWEEP_SECONDS = 5;
/** A socket whose unsent frames exceed this is closed; it reconnects with its last seq. */
const MAX_BUFFERED_BYTES = 8 * 1024 * 1024;
/** Frames of one socket waiting to be handled before it is closed as a flood. */
const MAX_PENDING_FRAMES = 64;
/** Projects one socket may follow at once. */
const MAX_SUBSCRIPTIONS = 200;
/** Sockets pinged, or session hashes checked, before other work gets a turn. */
const SLICE = 100;
/** Bad frames (or refused sends) tolerated: a burst of 10, then one per 5 s; then closed. */
const STRIKE_BURST = 10;
const STRIKES_PER_SECOND = 0.2;

interface Peer {
  socket: WebSocket;
  identity: SocketIdentity;
  actor: ChatActor;
  /** Per followed project: the last sequence number sent to this socket. */
  cursors: Map<string, number>;
  /** Projects whose entries wait until this socket's session is confirmed (step 2). */
  held: Set<string>;
  alive: boolean;
  closed: boolean;
  queue: Promise<void>;
  pending: number;
  strikes: TokenBucket;
}

interface Feed {
  peers: Set<Peer>;
  running: boolean;
  again: boolean;
}

interface Log {
  warn(object: object, message: string): void;
  error(object: object, message: string): void;
}

export interface StreamHubOptions {
  db: Kysely<DB>;
  clock: Clock;
  events: StreamBus;
  chatLimits: SenderLimits;
  heartbeatSeconds: number;
  sessionCheckSeconds: number;
  log: Log;
}

export class StreamHub {
  private readonly peers = new Set<Peer>();
  private readonly feeds = new Map<string, Feed>();
  private readonly timers: NodeJS.Timeout[] = [];
  private readonly unlisten: () => void;
  private readonly unlistenSessions: () => void;
  private checking = false;
  /** Sockets waiting for the next session check (a check runs one at a time). */
  private readonly toCheck = new Set<Peer>();

  constructor(private readonly options: StreamHubOptions) {
    this.unlisten = options.events.listen((projectId, seq, entry) => {
      if (entry) this.offer(entry);
      else if (projectId === null) for (const id of this.feeds.keys()) this.pump(id);
      else this.pump(projectId, seq ?? undefined);
    });
    // A logout, a revoked code or an archived project on any instance: check those sockets now.
    this.unlistenSessions = options.events.listenSessions((scope) =>
      this.recheck([...this.peers].filter((peer) => inScope(peer.identity, scope))),
    );
    this.timers.push(
      setInterval(() => this.heartbeat(), options.heartbeatSeconds * 1000),
      setInterval(() => void this.recheck([...this.peers]), options.sessionCheckSeconds * 1000),
      setInterval(() => void this.sweep(), SWEEP_SECONDS * 1000),
    );
    for (const timer of this.timers) timer.unref();
  }

  /** Number of open sockets (for health and the bench). */
  get size(): number {
    return this.peers.size;
  }

  attach(socket: WebSocket, identity: SocketIdentity): void {
    const peer: Peer = {
      socket,
      identity,
      actor:
        identity.party === 'freelancer'
          ? { type: 'freelancer', userId: identity.userId }
          : { type: 'client', projectId: identity.projectId },
      cursors: new Map(),
      held: new Set(),
      alive: true,
      closed: false,
      queue: Promise.resolve(),
      pending: 0,
      strikes: new TokenBucket(STRIKES_PER_SECOND, STRIKE_BURST, this.now()),
    };
    this.peers.add(peer);
    socket.on('pong', () => {
      peer.alive = true;
    });
    socket.on('close', () => this.forget(peer));
    socket.on('message', (data, isBinary) => {
      if (peer.closed) return;
      if (peer.pending >= MAX_PENDING_FRAMES) {
        this.closePeer(peer, CLOSE.POLICY, 'too many frames');
        return;
      }
      peer.pending++;
      peer.queue = peer.queue
        .then(() => this.handle(peer, data, isBinary))
        .catch((error: unknown) => this.options.log.error({ err: error }, 'socket frame failed'))
        .finally(() => {
          peer.pending--;
        });
    });
    this.send(peer, {
      type: 'hello',
      party: identity.party,
      projectId: identity.party === 'client' ? identity.projectId : null,
    });
  }

  /** A session ended on this instance (logout): its sockets close now. */
  endSession(tokenHash: string): void {
    for (const peer of this.peers) {
      if (peer.identity.tokenHash === tokenHash) {
        this.closePeer(peer, CLOSE.SESSION_ENDED, 'session ended');
      }
    }
  }

  /** Re-checks every socket's session now (tests; the timer does it every few seconds). */
  checkSessions(): Promise<void> {
    return this.recheck([...this.peers]);
  }

  stop(): void {
    for (const timer of this.timers) clearInterval(timer);
    this.unlisten();
    this.unlistenSessions();
  }

  // -------------------------------------------------------------------------------------------
  // Frames in.

  private async handle(peer: Peer, data: RawData, isBinary: boolean): Promise<void> {
    if (peer.closed) return;
    const frame = this.parse(peer, data, isBinary);
    if (frame === undefined) return;
    const ref = frame.type === 'send' ? frame.id : frame.projectId;
    try {
      switch (frame.type) {
        case 'subscribe':
          return await this.subscribe(peer, frame);
        case 'unsubscribe':
          this.unsubscribe(peer, frame.projectId);
          return this.send(peer, { type: 'unsubscribed', projectId: frame.projectId });
        case 'send':
          return await this.sendMessage(peer, frame);
        case 'read': {
          const { upTo } = await markRead({
            db: this.options.db,
            clock: this.options.clock,
            events: this.options.events,
            actor: peer.actor,
            projectId: frame.projectId,
            thread: frame.thread,
            upTo: frame.upTo,
          });
          return this.send(peer, {
            type: 'read',
            projectId: frame.projectId,
            thread: frame.thread,
            upTo,
          });
        }
      }
    } catch (error) {
      if (!(error instanceof AppError)) {
        this.options.log.error({ err: error }, 'socket frame failed');
        return this.send(peer, {
          type: 'error',
          code: 'INTERNAL',
          message: 'Something went wrong',
          ref,
        });
      }
      if (error.code === 'NOT_FOUND') this.strike(peer);
      this.send(peer, {
        type: 'error',
        code: error.code,
        message: error.message,
        ref,
        ...(error.field !== undefined && { field: error.field }),
        ...(error.retryAfterSeconds !== undefined && {
          retryAfterSeconds: error.retryAfterSeconds,
        }),
      });
      if (error.code === 'ARCHIVED' && peer.identity.party === 'client') {
        this.closePeer(peer, CLOSE.NOT_ALLOWED, 'archived');
      }
    }
  }

  private parse(peer: Peer, data: RawData, isBinary: boolean): ClientFrame | undefined {
    const refuse = (code: 'BAD_REQUEST' | 'VALIDATION_FAILED', message: string, field = '') => {
      this.send(peer, { type: 'error', code, message, ...(field !== '' && { field }) });
      this.strike(peer);
      return undefined;
    };
    if (isBinary) return refuse('BAD_REQUEST', 'Frames must be text (JSON)');
    let json: unknown;
    try {
      json = JSON.parse(rawText(data));
    } catch {
      return refuse('BAD_REQUEST', 'Frames must be JSON');
    }
    const parsed = clientFrame.safeParse(json);
    if (parsed.success) return parsed.data;
    const issue = parsed.error.issues[0];
    const field = issue?.path.map(String).join('.') ?? '';
    return refuse(
      'VALIDATION_FAILED',
      `${field === '' ? 'frame' : field}: ${issue?.message ?? 'is not valid'}`,
      field,
    );
  }

  private strike(peer: Peer): void {
    if (!peer.strikes.take(this.now()).ok)
      this.closePeer(peer, CLOSE.POLICY, 'too many bad frames');
  }

  private async subscribe(
    peer: Peer,
    frame: Extract<ClientFrame, { type: 'subscribe' }>,
  ): Promise<void> {
    const { projectId } = frame;
    if (!peer.cursors.has(projectId) && peer.cursors.size >= MAX_SUBSCRIPTIONS) {
      throw new AppError('CONFLICT', `A socket follows at most ${MAX_SUBSCRIPTIONS} projects`);
    }
    const opened = await openStream({
      db: this.options.db,
      actor: peer.actor,
      projectId,
      since: frame.since,
      tag: frame.tag,
    });
    if (peer.closed) return;
    const from = opened.since;
    peer.cursors.set(projectId, from);
    let feed = this.feeds.get(projectId);
    if (!feed) {
      feed = { peers: new Set(), running: false, again: false };
      this.feeds.set(projectId, feed);
    }
    feed.peers.add(peer);
    this.send(peer, {
      type: 'subscribed',
      projectId,
      since: from,
      lastSeq: opened.lastSeq,
      resync: opened.resync,
      tag: opened.tag,
    });
    this.pump(projectId);
  }

  private unsubscribe(peer: Peer, projectId: string): void {
    peer.cursors.delete(projectId);
    peer.held.delete(projectId);
    const feed = this.feeds.get(projectId);
    if (!feed) return;
    feed.peers.delete(peer);
    if (feed.peers.size === 0 && !feed.running) this.feeds.delete(projectId);
  }

  private async sendMessage(
    peer: Peer,
    frame: Extract<ClientFrame, { type: 'send' }>,
  ): Promise<void> {
    const allowed = this.options.chatLimits.take(peer.actor);
    if (!allowed.ok) {
      this.strike(peer);
      throw new AppError('TOO_MANY_ATTEMPTS', 'Too many messages; wait a moment', {
        retryAfterSeconds: Math.ceil(allowed.retryAfterMs / 1000),
      });
    }
    const { message, created } = await sendMessage({
      db: this.options.db,
      clock: this.options.clock,
      events: this.options.events,
      actor: peer.actor,
      projectId: frame.projectId,
      message: {
        id: frame.id,
        thread: frame.thread,
        text: frame.text,
        ...(frame.replyTo !== undefined && { replyTo: frame.replyTo }),
      },
    });
    this.send(peer, { type: 'sent', id: message.id, seq: message.seq, created });
  }

  // -------------------------------------------------------------------------------------------
  // Entries out.

  /** An entry just committed on this instance: to the sockets it directly follows, no read. */
  private offer(entry: StreamEntry): void {
    const feed = this.feeds.get(entry.projectId);
    if (!feed) return;
    let behind = false;
    let frame: string | undefined;
    for (const peer of feed.peers) {
      if (peer.closed || peer.held.has(entry.projectId)) continue;
      const cursor = peer.cursors.get(entry.projectId);
      if (cursor === undefined || entry.seq <= cursor) continue;
      if (entry.seq !== cursor + 1) {
        behind = true;
        continue;
      }
      frame ??= entryFrame(entry);
      peer.socket.send(frame);
      peer.cursors.set(entry.projectId, entry.seq);
      this.closeIfTooSlow(peer);
    }
    if (behind) this.pump(entry.projectId, entry.seq);
  }

  /** Reads again for every followed project whose head is past a socket's cursor. */
  private async sweep(): Promise<void> {
    try {
      const heads = await readStreamHeads({
        db: this.options.db,
        projectIds: [...this.feeds.keys()],
      });
      for (const [projectId, head] of heads) this.pump(projectId, head);
    } catch (error) {
      this.options.log.warn({ err: error }, 'comparing the streams’ heads failed');
    }
  }

  /** Reads the project's new entries for its sockets (unless all have seen up to `seq`). */
  private pump(projectId: string, seq?: number): void {
    const feed = this.feeds.get(projectId);
    if (!feed) return;
    if (feed.running) {
      feed.again = true;
      return;
    }
    if (seq !== undefined && [...feed.peers].every((p) => (p.cursors.get(projectId) ?? 0) >= seq)) {
      return;
    }
    feed.running = true;
    this.drain(projectId, feed)
      .catch((error: unknown) =>
        this.options.log.error({ err: error, projectId }, 'reading the stream failed'),
      )
      .finally(() => {
        feed.running = false;
        if (feed.peers.size === 0) this.feeds.delete(projectId);
        else if (feed.again) this.pump(projectId);
      });
  }

  private async drain(projectId: string, feed: Feed): Promise<void> {
    do {
      feed.again = false;
      for (;;) {
        const readers = [...feed.peers].filter((p) => !p.closed && !p.held.has(projectId));
        if (readers.length === 0) return;
        const from = Math.min(...readers.map((p) => p.cursors.get(projectId) ?? Infinity));
        const entries = await readStreamAfter({
          db: this.options.db,
          projectId,
          afterSeq: from,
          limit: PAGE,
        });
        for (const entry of entries) this.deliver(feed, entry, from);
        for (const peer of feed.peers) this.closeIfTooSlow(peer);
        if (entries.length < PAGE) break;
      }
    } while (feed.again);
  }

  /** One entry to every socket whose cursor it directly follows. */
  private deliver(feed: Feed, entry: StreamEntry, readFrom: number): void {
    let frame: string | undefined;
    for (const peer of feed.peers) {
      if (peer.closed || peer.held.has(entry.projectId)) continue;
      const cursor = peer.cursors.get(entry.projectId);
      if (cursor === undefined || entry.seq <= cursor) continue;
      // A socket that (re)subscribed below this read's start waits for the next read, so its
      // entries are never skipped.
      if (entry.seq !== cursor + 1 && cursor < readFrom) continue;
      frame ??= entryFrame(entry);
      peer.socket.send(frame);
      peer.cursors.set(entry.projectId, entry.seq);
    }
  }

  private closeIfTooSlow(peer: Peer): void {
    if (!peer.closed && peer.socket.bufferedAmount > MAX_BUFFERED_BYTES) {
      this.closePeer(peer, CLOSE.TOO_SLOW, 'too far behind; reconnect');
    }
  }

  // -------------------------------------------------------------------------------------------
  // Liveness and sessions.

  /**
   * Pings every socket, a slice at a time: each ping is a write to the kernel, and a thousand in
   * one go held the event loop for tens of milliseconds, delaying every message meanwhile.
   */
  private heartbeat(): void {
    void inSlices([...this.peers], SLICE, (peer) => {
      if (peer.closed) return;
      if (!peer.alive) {
        peer.closed = true;
        peer.socket.terminate();
        this.forget(peer);
        return;
      }
      peer.alive = false;
      peer.socket.ping();
    });
  }

  /** Checks these sockets' sessions, after the check already running (if any). */
  private async recheck(peers: Peer[]): Promise<void> {
    for (const peer of peers) this.toCheck.add(peer);
    if (this.checking) return;
    this.checking = true;
    try {
      while (this.toCheck.size > 0) {
        const batch = [...this.toCheck].filter((peer) => !peer.closed);
        this.toCheck.clear();
        if (batch.length > 0) await this.checkNow(batch);
      }
    } finally {
      this.checking = false;
    }
  }

  private async checkNow(peers: Peer[]): Promise<void> {
    try {
      const live = await liveSocketSessions({
        db: this.options.db,
        clock: this.options.clock,
        freelancers: peers.flatMap((p) =>
          p.identity.party === 'freelancer' ? [p.identity.tokenHash] : [],
        ),
        clients: peers.flatMap((p) =>
          p.identity.party === 'client' ? [p.identity.tokenHash] : [],
        ),
      });
      for (const peer of peers) {
        if (peer.closed) continue;
        if (peer.identity.party === 'freelancer') {
          if (!live.freelancers.has(peer.identity.tokenHash)) {
            this.closePeer(peer, CLOSE.SESSION_ENDED, 'session ended');
          }
          continue;
        }
        const session = live.clients.get(peer.identity.tokenHash);
        if (!session) this.closePeer(peer, CLOSE.SESSION_ENDED, 'session ended');
        else if (session.archived) this.closePeer(peer, CLOSE.NOT_ALLOWED, 'archived');
      }
    } catch (error) {
      this.options.log.warn({ err: error }, 'checking sockets’ sessions failed');
    }
  }

  private send(peer: Peer, frame: ServerFrame): void {
    if (!peer.closed) peer.socket.send(JSON.stringify(frame));
  }

  private closePeer(peer: Peer, code: number, reason: string): void {
    if (peer.closed) return;
    peer.closed = true;
    this.forget(peer);
    peer.socket.close(code, reason);
  }

  private forget(peer: Peer): void {
    peer.closed = true;
    if (!this.peers.delete(peer)) return;
    for (const projectId of [...peer.cursors.keys()]) this.unsubscribe(peer, projectId);
  }

  private now(): number {
    return this.options.clock.now().getTime();
  }
}

/**
 * Runs `each` over the items, `size` at a time, letting the event loop serve other work (sockets,
 * requests) between the slices.
 */
export async function inSlices<T>(
  items: readonly T[],
  size: number,
  each: (item: T) => void,
): Promise<void> {
  for (let i = 0; i < items.length; i += size) {
    if (i > 0) await setImmediate();
    for (const item of items.slice(i, i + size)) each(item);
  }
}

function inScope(identity: SocketIdentity, scope: SessionScope | null): boolean {
  if (scope === null) return true;
  if ('userId' in scope) return identity.party === 'freelancer' && identity.userId === scope.userId;
  return identity.party === 'client' && identity.projectId === scope.projectId;
}

function rawText(data: RawData): string {
  if (Buffer.isBuffer(data)) return data.toString('utf8');
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return Buffer.from(data).toString('utf8');
}

function entryFrame(entry: StreamEntry): string {
  const frame: ServerFrame = {
    type: 'entry',
    projectId: entry.projectId,
    seq: entry.seq,
    event: entry.type,
    thread: entry.thread,
    message: entry.message === null ? null : presentMessage(entry.message),
    data: entry.data,
    at: entry.at,
    tag: entry.tag,
  };
  return JSON.stringify(frame);
}
