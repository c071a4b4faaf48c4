/**
 * Order and replay under churn: 10 sockets follow one project while both parties send messages
 * in parallel, and sockets are dropped at random moments and reconnect with the last sequence
 * number they saw. Every socket must end with the identical, complete sequence — each entry once,
 * every reconnect resuming exactly after the last entry seen.
 *
 * CI size: 300 messages, 30 disconnects. The size (1,000 messages, 100 disconnects):
 * MILEPOST_STREAM_MESSAGES=1000 MILEPOST_STREAM_DISCONNECTS=100. The seed is printed;
 * MILEPOST_STREAM_SEED replays its choices.
 */
import { randomUUID } from 'node:crypto';
import { describe, expect, test } from 'vitest';
import WebSocket from 'ws';
import type { ServerFrame } from '../../src/http/chat-schemas';
import {
  SUITE_TIMEOUT,
  dialects,
  openPortal,
  setupProject,
  share,
  signUp,
  useApp,
  type Actor,
} from './harness';
import { send, threads } from './chat-support';
import { TEST_ORIGIN, TestSocket, type Entry } from './socket-support';

const MESSAGES = Number(process.env.MILEPOST_STREAM_MESSAGES ?? 300);
const DISCONNECTS = Number(process.env.MILEPOST_STREAM_DISCONNECTS ?? 30);
const SEED = Number(process.env.MILEPOST_STREAM_SEED ?? Math.floor(Math.random() * 2 ** 31));
const SOCKETS = 10;
const IN_FLIGHT = 8;

/** mulberry32: small, seedable, good enough to choose moments and sockets. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** One follower across its successive sockets: the entries it has seen, in arrival order. */
class Follower {
  readonly log: Entry[] = [];
  readonly violations: string[] = [];
  reconnects = 0;
  private current: TestSocket | undefined;

  constructor(
    private readonly url: string,
    private readonly actor: Actor,
    private readonly as: 'freelancer' | 'client',
    private readonly projectId: string,
    private readonly head: number,
  ) {}

  get last(): number {
    return this.log.at(-1)?.seq ?? this.head;
  }

  async connect(): Promise<void> {
    const socket = await TestSocket.open(this.url, this.actor, { as: this.as });
    this.current = socket;
    socket.ws.on('message', (data: Buffer) => {
      if (this.current !== socket) return; // a dropped socket's last frames are not seen
      const frame = JSON.parse(data.toString('utf8')) as ServerFrame;
      if (frame.type !== 'entry' || frame.projectId !== this.projectId) return;
      if (frame.seq !== this.last + 1) {
        this.violations.push(`got ${frame.seq} after ${this.last}`);
      }
      this.log.push(frame);
    });
    socket.subscribe(this.projectId, this.last);
    await socket.next((f) => f.type === 'subscribed');
  }

  /** Dropped without a goodbye (as a lost network does), then back with the last seq seen. */
  async drop(): Promise<void> {
    const dropped = this.current;
    this.current = undefined;
    dropped?.ws.terminate();
    this.reconnects++;
    await this.connect();
  }

  async until(seq: number): Promise<void> {
    const deadline = Date.now() + 60_000;
    while (this.last < seq) {
      if (Date.now() > deadline) throw new Error(`stuck at ${this.last} waiting for ${seq}`);
      await sleep(20);
    }
  }

  close(): void {
    if (this.current?.ws.readyState === WebSocket.OPEN) this.current.close();
  }
}

describe.each(dialects)('order and replay under churn on %s', SUITE_TIMEOUT, (dialect) => {
  const app = useApp(dialect, {
    PUBLIC_URL: TEST_ORIGIN,
    CHAT_MESSAGES_PER_SECOND: '100000',
    CHAT_MESSAGE_BURST: '100000',
  });

  test(
    `${SOCKETS} sockets, ${MESSAGES} messages, ${DISCONNECTS} forced disconnects: identical complete sequences`,
    { timeout: 300_000 },
    async () => {
      console.log(`stream churn seed=${SEED} (MILEPOST_STREAM_SEED replays it)`);
      const rand = random(SEED);
      const freelancer = await signUp(app());
      const { project } = await setupProject(freelancer);
      const client = await openPortal(app(), { code: (await share(freelancer, project.id)).code });
      const head = (await threads(freelancer, project.id)).lastSeq;
      const followers = Array.from({ length: SOCKETS }, (_, i) =>
        i % 2 === 0
          ? new Follower(app().url, freelancer, 'freelancer', project.id, head)
          : new Follower(app().url, client, 'client', project.id, head),
      );
      for (const f of followers) await f.connect();

      // Both parties send, a few messages in flight at a time.
      let next = 0;
      const sentIds: string[] = [];
      const sender = async () => {
        while (next < MESSAGES) {
          const i = next++;
          const id = randomUUID();
          sentIds.push(id);
          await send(i % 3 === 0 ? client : freelancer, project.id, `m${i}`, { id });
        }
      };
      let sending = true;
      const senders = Promise.all(Array.from({ length: IN_FLIGHT }, sender)).finally(() => {
        sending = false;
      });
      // Drops at random moments, spread over the sending (and after it, if it ends first).
      for (let d = 0; d < DISCONNECTS; d++) {
        await sleep(Math.floor(rand() * (sending ? 40 : 10)));
        const follower = followers[Math.floor(rand() * SOCKETS)];
        await follower?.drop();
      }
      await senders;

      const last = (await threads(freelancer, project.id)).lastSeq;
      expect(last).toBe(head + MESSAGES);
      for (const f of followers) await f.until(last);
      const expected = followers[0]?.log.map((e) => [e.seq, e.message?.id]) ?? [];
      expect(expected.map(([seq]) => seq)).toEqual(
        Array.from({ length: MESSAGES }, (_, i) => head + 1 + i),
      );
      expect(new Set(expected.map(([, id]) => id))).toEqual(new Set(sentIds));
      for (const f of followers) {
        expect(f.violations).toEqual([]);
        expect(f.log.map((e) => [e.seq, e.message?.id])).toEqual(expected);
        f.close();
      }
      expect(followers.reduce((n, f) => n + f.reconnects, 0)).toBe(DISCONNECTS);
    },
  );
});
