/**
 * The client side of bench/chat.ts: opens the sockets, subscribes each to its room (project),
 * sends messages at a steady rate round-robin over the rooms and, within a room, over its
 * sockets, and times every delivery in this one process (performance.now(), one clock) from
 * just before the send to the receipt at each other socket of the room. Afterwards it checks
 * that every socket received every message of its room exactly once, in the room's order, with
 * gapless sequence numbers. Milepost's /api/ws and the bare server speak the same frames.
 */
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import WebSocket from 'ws';

export interface SocketSpec {
  /** ws:// URL of the endpoint. */
  url: string;
  headers: Record<string, string>;
  /** Index into the rooms. */
  room: number;
}

export interface LoadPlan {
  sockets: SocketSpec[];
  /** The room (project) ids, as the subscribe and send frames name them. */
  rooms: string[];
  /** Messages per second over all rooms, and for how long. */
  rate: number;
  seconds: number;
}

export interface LoadResult {
  messages: number;
  /** Latencies (ms) of measured deliveries: every message but each room's first, at every socket but its sender's. */
  latencies: Float64Array;
  /** Frames and payload bytes the sockets received (entries only, and all frames). */
  entriesReceived: number;
  framesReceived: number;
  bytesReceived: number;
  bytesSent: number;
  /** Wall time of the sending phase, and until the last delivery. */
  sendSeconds: number;
  drainSeconds: number;
  /** Problems found by the checks (empty when all passed). */
  problems: string[];
}

interface Frame {
  type?: string;
  projectId?: string;
  seq?: number;
  id?: string;
  code?: string;
  message?: string | { id?: string };
}

class BenchSocket {
  readonly seqs: number[] = [];
  readonly got: number[] = [];
  framesReceived = 0;
  bytesReceived = 0;
  subscribed = false;
  readonly errors: string[] = [];
  closed: string | undefined;

  constructor(
    readonly index: number,
    readonly spec: SocketSpec,
    readonly ws: WebSocket,
  ) {}
}

/** A message's text: its index keeps it unique; the rest makes it a realistic chat line. */
const FILLER = ' — the revised wireframes are in the milestone folder, comments welcome';

export class ChatLoad {
  private sockets: BenchSocket[] = [];
  private readonly sentAt: number[] = [];
  private readonly senderOf: number[] = [];
  private readonly roomOf: number[] = [];
  private readonly byId = new Map<string, number>();
  private readonly latencies: number[] = [];
  private acks = 0;
  private bytesSent = 0;
  private wake: (() => void) | undefined;

  constructor(private readonly plan: LoadPlan) {}

  /** Opens and subscribes every socket, `concurrency` at a time. */
  async connect(concurrency = 50): Promise<void> {
    const specs = this.plan.sockets;
    this.sockets = new Array<BenchSocket>(specs.length);
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < specs.length) {
        const index = next++;
        const spec = specs[index];
        if (spec) this.sockets[index] = await this.open(index, spec);
      }
    };
    await Promise.all(Array.from({ length: concurrency }, worker));
  }

  private async open(index: number, spec: SocketSpec): Promise<BenchSocket> {
    const ws = new WebSocket(spec.url, { headers: spec.headers, perMessageDeflate: false });
    const socket = new BenchSocket(index, spec, ws);
    ws.on('message', (data: Buffer) => this.receive(socket, data));
    ws.on('close', (code, reason) => {
      socket.closed = `${code} ${reason.toString()}`;
      this.wake?.();
    });
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('unexpected-response', (_req, res) =>
        reject(new Error(`socket ${index}: upgrade refused with ${res.statusCode ?? '?'}`)),
      );
      ws.once('error', reject);
    });
    ws.on('error', (error) => socket.errors.push(error.message));
    const projectId = this.plan.rooms[spec.room] ?? '';
    this.send(socket, { type: 'subscribe', projectId, since: 2 ** 31 });
    const deadline = Date.now() + 30_000;
    while (!socket.subscribed) {
      if (socket.closed !== undefined || socket.errors.length > 0 || Date.now() > deadline) {
        throw new Error(
          `socket ${index} did not subscribe to ${projectId}: ${socket.closed ?? socket.errors.join('; ') ?? 'timed out'}`,
        );
      }
      await sleep(5);
    }
    return socket;
  }

  private send(socket: BenchSocket, frame: object): void {
    const text = JSON.stringify(frame);
    this.bytesSent += Buffer.byteLength(text);
    socket.ws.send(text);
  }

  private receive(socket: BenchSocket, data: Buffer): void {
    const at = performance.now();
    socket.framesReceived++;
    socket.bytesReceived += data.length;
    const frame = JSON.parse(data.toString('utf8')) as Frame;
    switch (frame.type) {
      case 'entry': {
        const id = typeof frame.message === 'object' ? frame.message.id : undefined;
        const k = id === undefined ? undefined : this.byId.get(id);
        if (k === undefined) {
          socket.errors.push(`unexpected entry seq ${frame.seq ?? '?'} (id ${id ?? 'none'})`);
          return;
        }
        socket.seqs.push(frame.seq ?? -1);
        socket.got.push(k);
        // The first message of each room warms it up (before the timed ones) and is not timed.
        if (k >= this.plan.rooms.length && this.senderOf[k] !== socket.index) {
          this.latencies.push(at - (this.sentAt[k] ?? at));
        }
        this.wake?.();
        return;
      }
      case 'subscribed':
        socket.subscribed = true;
        return;
      case 'sent':
        this.acks++;
        return;
      case 'error':
        socket.errors.push(`${frame.code ?? '?'}: ${String(frame.message)}`);
        return;
      default:
        return;
    }
  }

  /** Sends the plan's messages at its rate, waits for every delivery, and checks them. */
  async run(): Promise<LoadResult> {
    const { rooms, rate, seconds } = this.plan;
    const members: number[][] = rooms.map(() => []);
    for (const socket of this.sockets) members[socket.spec.room]?.push(socket.index);
    // One untimed message per room first, all delivered before the timed ones start.
    const warmup = rooms.length;
    const total = warmup + Math.max(1, Math.round(rate * seconds));
    const expected = new Array<number>(this.sockets.length).fill(0);
    let sent = 0;
    const sendOne = (): void => {
      const k = sent++;
      const room = k % rooms.length;
      const inRoom = members[room] ?? [];
      const senderIndex = inRoom[Math.floor(k / rooms.length) % inRoom.length] ?? 0;
      const sender = this.sockets[senderIndex];
      if (!sender) throw new Error(`no socket ${senderIndex}`);
      const id = randomUUID();
      this.byId.set(id, k);
      this.senderOf[k] = senderIndex;
      this.roomOf[k] = room;
      for (const member of inRoom) expected[member] = (expected[member] ?? 0) + 1;
      this.sentAt[k] = performance.now();
      this.send(sender, {
        type: 'send',
        projectId: rooms[room],
        id,
        thread: 'general',
        text: `bench ${k}${FILLER}`,
      });
    };
    /** Sends up to message `until` at the plan's rate. */
    const pace = async (until: number): Promise<void> => {
      const start = performance.now();
      const first = sent;
      while (sent < until) {
        const due = Math.min(
          until,
          first + Math.floor(((performance.now() - start) * rate) / 1000) + 1,
        );
        while (sent < due) sendOne();
        if (sent < until) await sleep(1);
      }
    };
    const arrived = (): boolean =>
      this.sockets.every((s) => s.got.length >= (expected[s.index] ?? 0) || s.closed !== undefined);
    const settle = async (): Promise<void> => {
      const deadline = performance.now() + 30_000;
      while (!arrived() && performance.now() < deadline) {
        await Promise.race([new Promise<void>((resolve) => (this.wake = resolve)), sleep(200)]);
      }
      this.wake = undefined;
    };

    await pace(warmup);
    await settle();
    await sleep(500);
    const start = performance.now();
    await pace(total);
    const sendSeconds = (performance.now() - start) / 1000;

    await settle();
    const drainSeconds = (performance.now() - start) / 1000;
    // Anything late or duplicated would arrive now.
    await sleep(300);

    const latencies = Float64Array.from(this.latencies).sort();
    return {
      messages: total,
      latencies,
      entriesReceived: this.sockets.reduce((n, s) => n + s.got.length, 0),
      framesReceived: this.sockets.reduce((n, s) => n + s.framesReceived, 0),
      bytesReceived: this.sockets.reduce((n, s) => n + s.bytesReceived, 0),
      bytesSent: this.bytesSent,
      sendSeconds,
      drainSeconds,
      problems: this.check(total, members),
    };
  }

  /** Exactly once, in order, gapless, the same order at every socket of a room. */
  private check(total: number, members: number[][]): string[] {
    const problems: string[] = [];
    const problem = (text: string): void => {
      if (problems.length < 20) problems.push(text);
      else if (problems.length === 20) problems.push('… (more problems not shown)');
    };
    if (this.acks !== total) problem(`${this.acks} of ${total} sends acknowledged`);
    const roomSent: number[][] = members.map(() => []);
    for (let k = 0; k < total; k++) roomSent[this.roomOf[k] ?? 0]?.push(k);
    members.forEach((inRoom, room) => {
      const want = new Set(roomSent[room]);
      const reference = this.sockets[inRoom[0] ?? -1]?.got ?? [];
      for (const index of inRoom) {
        const s = this.sockets[index];
        if (!s) continue;
        const where = `socket ${index} (room ${room})`;
        if (s.closed !== undefined) problem(`${where} closed: ${s.closed}`);
        for (const error of s.errors.slice(0, 3)) problem(`${where}: ${error}`);
        const seen = new Set(s.got);
        if (seen.size !== s.got.length) problem(`${where} received a message twice`);
        const missing = [...want].filter((k) => !seen.has(k)).length;
        if (missing > 0) problem(`${where} missed ${missing} of ${want.size} messages`);
        if (s.got.some((k) => !want.has(k))) problem(`${where} received another room's message`);
        for (let i = 1; i < s.seqs.length; i++) {
          if (s.seqs[i] !== (s.seqs[i - 1] ?? 0) + 1) {
            problem(`${where}: seq ${s.seqs[i] ?? '?'} followed ${s.seqs[i - 1] ?? '?'}`);
            break;
          }
        }
        if (s.got.join() !== reference.join())
          problem(
            `${where} received the room's messages in another order than socket ${inRoom[0] ?? '?'}`,
          );
      }
    });
    return problems;
  }

  /** Closes every socket and waits (briefly) for the closes. */
  async close(): Promise<void> {
    for (const socket of this.sockets) socket.ws.close();
    const deadline = Date.now() + 5_000;
    while (this.sockets.some((s) => s.ws.readyState !== WebSocket.CLOSED) && Date.now() < deadline)
      await sleep(20);
    for (const socket of this.sockets) socket.ws.terminate();
  }
}

/** The p-th percentile (0..100) of sorted values, nearest rank. */
export function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1] ?? NaN;
}
