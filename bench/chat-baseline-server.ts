/**
 * The bare `ws` broadcast server bench/chat.ts measures Milepost's /api/ws against: rooms and
 * nothing else — no authentication, no database, no history. It speaks the subset of Milepost's
 * frames the bench uses, so one client drives both:
 *   → { type: 'subscribe', projectId }            ← { type: 'subscribed', projectId, since: 0, lastSeq: 0 }
 *   → { type: 'send', projectId, id, thread, text } ← { type: 'sent', id, seq, created: true }
 *     and to every socket of the room (the sender too, as Milepost does):
 *     { type: 'entry', projectId, seq, event: 'message.created', thread, message: {…}, data: null, at }
 * Each incoming frame is parsed and each outgoing one serialised once per message, as any real
 * broadcast server would. Listens on 127.0.0.1 on a free port and reports it over IPC.
 *
 * With `--durable FILE` it is the plainest durable chat server: each message is appended to FILE
 * and nothing about it (the sender's `sent`, the room's `entry`) goes out before an `fdatasync`
 * of FILE on libuv's thread pool has covered it — one flush at a time, the next one covering every
 * message written meanwhile (a group commit), as Milepost flushes SQLite's log before it tells
 * anyone of a commit. It shows what waiting for this disk costs any server that keeps messages.
 *
 * With `--relay PG_URL [--channel NAME]` it is one of several such servers on one PostgreSQL,
 * each with its own sockets, relaying every message through LISTEN/NOTIFY and storing nothing:
 * the plainest way two processes can share rooms, as Milepost's instances do. A `send` becomes a
 * NOTIFY on the channel (default `bench_relay`) and nothing more; each server numbers a room's
 * messages as it hears them (its own too), and as PostgreSQL delivers the notifications to every
 * listener in the same order, every server numbers them alike. On hearing one, a server sends the
 * `entry` to its sockets of the room and, if one of them sent it, that socket its `sent` (only
 * then is the seq known).
 */
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import pg from 'pg';
import { WebSocketServer, type WebSocket } from 'ws';
import type { ServerReady } from './lib/protocol';

interface Room {
  sockets: Set<WebSocket>;
  seq: number;
}

const rooms = new Map<string, Room>();

function roomOf(projectId: string): Room {
  let room = rooms.get(projectId);
  if (!room) {
    room = { sockets: new Set(), seq: 0 };
    rooms.set(projectId, room);
  }
  return room;
}

/** What a `send` frame says, as every server of the room needs it. */
interface Message {
  id?: string;
  thread?: string;
  text?: string;
}

/** The room's `entry` frame for a message, serialised (once, for all its sockets). */
function entryFrame(projectId: string, seq: number, message: Message, at: string): string {
  return JSON.stringify({
    type: 'entry',
    projectId,
    seq,
    event: 'message.created',
    thread: message.thread,
    message: {
      id: message.id,
      seq,
      thread: message.thread,
      author: 'client',
      kind: 'text',
      text: message.text,
      event: null,
      replyTo: null,
      createdAt: at,
      editedAt: null,
      deletedAt: null,
    },
    data: null,
    at,
  });
}

function option(name: string): string | undefined {
  const at = process.argv.indexOf(name);
  return at >= 0 ? process.argv[at + 1] : undefined;
}

const durableFile = option('--durable');
const log = durableFile === undefined ? undefined : fs.openSync(durableFile, 'a');
/** Sends waiting for a flush; the flush running, if any. */
let waiting: (() => void)[] = [];
let flushing = false;

/** Runs `send` once everything written so far is on disk (at once when not durable). */
function afterFlush(send: () => void): void {
  if (log === undefined) return send();
  waiting.push(send);
  if (!flushing) flush(log);
}

function flush(fd: number): void {
  flushing = true;
  const covered = waiting;
  waiting = [];
  fs.fdatasync(fd, (error) => {
    if (error) throw error;
    for (const send of covered) send();
    if (waiting.length > 0) flush(fd);
    else flushing = false;
  });
}

/** A message as relayed through NOTIFY: the room, the message, and which socket sent it where. */
interface Relayed extends Message {
  projectId: string;
  /** When the sender's server took it, so every server's entry says the same. */
  at: string;
  /** The sending server (SERVER_ID) and its number for the sending socket (in `awaitingSeq`). */
  server: string;
  ref: number;
}

const SERVER_ID = randomUUID();
/** This server's sockets whose message was relayed but not yet heard back (so not numbered). */
const awaitingSeq = new Map<number, WebSocket>();
let lastRef = 0;

/** Takes a message heard on the channel: numbers it in its room and tells this server's sockets. */
function hear(relayed: Relayed): void {
  const room = roomOf(relayed.projectId);
  const seq = ++room.seq;
  const entry = entryFrame(relayed.projectId, seq, relayed, relayed.at);
  if (relayed.server === SERVER_ID) {
    const sender = awaitingSeq.get(relayed.ref);
    awaitingSeq.delete(relayed.ref);
    sender?.send(JSON.stringify({ type: 'sent', id: relayed.id, seq, created: true }));
  }
  for (const peer of room.sockets) peer.send(entry);
}

/** A connection that ends the server when it fails: a relay that cannot hear cannot deliver. */
function fatal(what: string): (error: Error) => void {
  return (error) => {
    console.error(`${what}: ${error.message}`);
    process.exit(1);
  };
}

/**
 * LISTENs on `channel` (one connection, hearing every server's messages in PostgreSQL's order)
 * and returns how to NOTIFY it (a small pool, so one slow NOTIFY does not hold up the next).
 */
async function openRelay(
  url: string,
  channel: string,
): Promise<(relayed: Relayed) => Promise<unknown>> {
  const listener = new pg.Client({ connectionString: url });
  listener.on('error', fatal('relay listener'));
  await listener.connect();
  listener.on('notification', ({ channel: heardOn, payload }) => {
    if (heardOn === channel && payload !== undefined) hear(JSON.parse(payload) as Relayed);
  });
  await listener.query(`LISTEN ${listener.escapeIdentifier(channel)}`);
  const notifier = new pg.Pool({ connectionString: url, max: 4 });
  notifier.on('error', fatal('relay notifier'));
  return (relayed) =>
    notifier.query('select pg_notify($1, $2)', [channel, JSON.stringify(relayed)]);
}

const relayUrl = option('--relay');
if (relayUrl !== undefined && log !== undefined)
  throw new Error('--relay stores nothing: no --durable');
const notify =
  relayUrl === undefined
    ? undefined
    : await openRelay(relayUrl, option('--channel') ?? 'bench_relay');

/** Numbers the message here and sends it out once durable (when asked to be). */
function sendLocally(socket: WebSocket, projectId: string, room: Room, message: Message): void {
  const seq = ++room.seq;
  const at = new Date().toISOString();
  const entry = entryFrame(projectId, seq, message, at);
  if (log !== undefined) fs.writeSync(log, entry + '\n');
  const members = room.sockets;
  afterFlush(() => {
    socket.send(JSON.stringify({ type: 'sent', id: message.id, seq, created: true }));
    for (const peer of members) peer.send(entry);
  });
}

/** Hands the message to every server (this one too); `hear` numbers and delivers it. */
function sendRelayed(
  relay: (relayed: Relayed) => Promise<unknown>,
  socket: WebSocket,
  projectId: string,
  message: Message,
): void {
  const ref = ++lastRef;
  awaitingSeq.set(ref, socket);
  const { id, thread, text } = message;
  const at = new Date().toISOString();
  relay({ projectId, id, thread, text, at, server: SERVER_ID, ref }).catch((error: unknown) => {
    awaitingSeq.delete(ref);
    const reason = error instanceof Error ? error.message : String(error);
    socket.send(JSON.stringify({ type: 'error', code: 'relay_failed', message: reason }));
  });
}

const server = http.createServer((_req, res) => {
  res.writeHead(404);
  res.end();
});
const wss = new WebSocketServer({ server, maxPayload: 64 * 1024 });

wss.on('connection', (socket) => {
  const joined = new Set<Room>();
  socket.on('message', (data, isBinary) => {
    if (isBinary) return;
    const frame = JSON.parse(data.toString()) as Message & { type?: string; projectId?: string };
    const projectId = frame.projectId ?? '';
    if (frame.type === 'subscribe') {
      const room = roomOf(projectId);
      room.sockets.add(socket);
      joined.add(room);
      socket.send(
        JSON.stringify({ type: 'subscribed', projectId, since: room.seq, lastSeq: room.seq }),
      );
      return;
    }
    const room = rooms.get(projectId);
    if (frame.type !== 'send' || !room) return;
    if (notify === undefined) sendLocally(socket, projectId, room, frame);
    else sendRelayed(notify, socket, projectId, frame);
  });
  socket.on('close', () => {
    for (const room of joined) room.sockets.delete(socket);
  });
});

server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  const port = address !== null && typeof address !== 'string' ? address.port : 0;
  const ready: ServerReady = { port };
  process.send?.(ready);
});
process.on('SIGTERM', () => process.exit(0));
