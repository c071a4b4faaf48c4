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
 */
import fs from 'node:fs';
import http from 'node:http';
import { WebSocketServer, type WebSocket } from 'ws';
import type { ServerReady } from './lib/protocol';

interface Room {
  sockets: Set<WebSocket>;
  seq: number;
}

const rooms = new Map<string, Room>();

const durableAt = process.argv.indexOf('--durable');
const durableFile = durableAt >= 0 ? process.argv[durableAt + 1] : undefined;
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
const server = http.createServer((_req, res) => {
  res.writeHead(404);
  res.end();
});
const wss = new WebSocketServer({ server, maxPayload: 64 * 1024 });

wss.on('connection', (socket) => {
  const joined = new Set<Room>();
  socket.on('message', (data, isBinary) => {
    if (isBinary) return;
    const frame = JSON.parse(data.toString()) as {
      type?: string;
      projectId?: string;
      id?: string;
      thread?: string;
      text?: string;
    };
    const projectId = frame.projectId ?? '';
    let room = rooms.get(projectId);
    if (frame.type === 'subscribe') {
      if (!room) {
        room = { sockets: new Set(), seq: 0 };
        rooms.set(projectId, room);
      }
      room.sockets.add(socket);
      joined.add(room);
      socket.send(
        JSON.stringify({ type: 'subscribed', projectId, since: room.seq, lastSeq: room.seq }),
      );
      return;
    }
    if (frame.type !== 'send' || !room) return;
    const seq = ++room.seq;
    const at = new Date().toISOString();
    const entry = JSON.stringify({
      type: 'entry',
      projectId,
      seq,
      event: 'message.created',
      thread: frame.thread,
      message: {
        id: frame.id,
        seq,
        thread: frame.thread,
        author: 'client',
        kind: 'text',
        text: frame.text,
        event: null,
        replyTo: null,
        createdAt: at,
        editedAt: null,
        deletedAt: null,
      },
      data: null,
      at,
    });
    if (log !== undefined) fs.writeSync(log, entry + '\n');
    const members = room.sockets;
    afterFlush(() => {
      socket.send(JSON.stringify({ type: 'sent', id: frame.id, seq, created: true }));
      for (const peer of members) peer.send(entry);
    });
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
