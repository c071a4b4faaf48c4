/** A WebSocket client for the stream's tests: keeps every frame, waits for frames and closes. */
import WebSocket from 'ws';
import type { ServerFrame } from '../../src/http/chat-schemas';
import type { Actor } from './harness';

export type Entry = Extract<ServerFrame, { type: 'entry' }>;

export interface OpenOptions {
  as?: 'freelancer' | 'client';
  /** The Origin header; TEST_ORIGIN when absent, none when null. */
  origin?: string | null;
  /** Answer pings (true, as every browser does). */
  autoPong?: boolean;
  cookie?: string;
}

/** How long a wait may take before the test fails (a guard against hanging, not a timing). */
const GUARD_MS = 20_000;

export class TestSocket {
  readonly frames: ServerFrame[] = [];
  readonly closed: Promise<{ code: number; reason: string }>;
  private waiters: (() => void)[] = [];

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data: Buffer) => {
      this.frames.push(JSON.parse(data.toString('utf8')) as ServerFrame);
      this.wake();
    });
    this.closed = new Promise((resolve) => {
      ws.on('close', (code, reason) => {
        resolve({ code, reason: reason.toString() });
        this.wake();
      });
    });
    ws.on('error', () => undefined);
  }

  /** Opens a socket as the actor (its cookies) and waits for the server's hello. */
  static async open(
    baseUrl: string,
    actor: Actor | null,
    options: OpenOptions = {},
  ): Promise<TestSocket> {
    const url = new URL(baseUrl);
    const origin = options.origin === undefined ? TEST_ORIGIN : options.origin;
    const headers: Record<string, string> = {};
    if (origin !== null) headers.origin = origin;
    const cookie = options.cookie ?? actor?.cookieHeader() ?? '';
    if (cookie !== '') headers.cookie = cookie;
    const ws = new WebSocket(
      `ws://${url.host}/api/ws${options.as === 'client' ? '?as=client' : ''}`,
      { headers, autoPong: options.autoPong ?? true },
    );
    const socket = new TestSocket(ws);
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('unexpected-response', (_request, response) =>
        reject(new RefusedUpgrade(response.statusCode ?? 0)),
      );
      ws.once('error', reject);
    });
    await socket.next((f) => f.type === 'hello');
    return socket;
  }

  /** The HTTP status an upgrade is refused with (fails if it is accepted). */
  static async refusal(baseUrl: string, actor: Actor | null, options: OpenOptions = {}) {
    try {
      const socket = await TestSocket.open(baseUrl, actor, options);
      socket.ws.terminate();
    } catch (error) {
      if (error instanceof RefusedUpgrade) return error.status;
      throw error;
    }
    throw new Error('the upgrade was accepted');
  }

  send(frame: unknown): void {
    this.ws.send(typeof frame === 'string' ? frame : JSON.stringify(frame));
  }

  /** Subscribes after `since`; with `tag`, the tag of the entry at `since` this socket holds. */
  subscribe(projectId: string, since: number, tag?: string): void {
    this.send({ type: 'subscribe', projectId, since, ...(tag !== undefined && { tag }) });
  }

  /** The first frame (from `after` on) that matches, waiting for it. */
  async next<T extends ServerFrame>(
    match: (frame: ServerFrame) => frame is T,
    after?: number,
  ): Promise<T>;
  async next(match: (frame: ServerFrame) => boolean, after?: number): Promise<ServerFrame>;
  async next(match: (frame: ServerFrame) => boolean, after = 0): Promise<ServerFrame> {
    for (;;) {
      const found = this.frames.slice(after).find(match);
      if (found) return found;
      if (this.ws.readyState === WebSocket.CLOSED) {
        throw new Error(`socket closed while waiting; frames: ${summary(this.frames)}`);
      }
      await this.waitForMore();
    }
  }

  entries(projectId: string): Entry[] {
    return this.frames.filter((f): f is Entry => f.type === 'entry' && f.projectId === projectId);
  }

  /** Waits until the project's entries reach `seq` (returns them all). */
  async entriesUpTo(projectId: string, seq: number): Promise<Entry[]> {
    for (;;) {
      const entries = this.entries(projectId);
      if (entries.some((e) => e.seq >= seq)) return entries;
      if (this.ws.readyState === WebSocket.CLOSED) {
        throw new Error(`socket closed at ${entries.at(-1)?.seq ?? 'none'} waiting for ${seq}`);
      }
      await this.waitForMore();
    }
  }

  /** Waits for the socket to close. */
  async closeCode(): Promise<{ code: number; reason: string }> {
    return withGuard(this.closed, 'the socket to close');
  }

  close(): void {
    this.ws.close();
  }

  private waitForMore(): Promise<void> {
    return withGuard(
      new Promise<void>((resolve) => this.waiters.push(resolve)),
      `a frame (have ${summary(this.frames)})`,
    );
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const wake of waiters) wake();
  }
}

export class RefusedUpgrade extends Error {
  constructor(readonly status: number) {
    super(`upgrade refused with ${status}`);
  }
}

/** The PUBLIC_URL the socket suites' apps run with, and so the Origin their pages send. */
export const TEST_ORIGIN = 'http://milepost.test';

function withGuard<T>(promise: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const guard = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`gave up waiting for ${what}`)), GUARD_MS);
  });
  return Promise.race([promise, guard]).finally(() => clearTimeout(timer));
}

function summary(frames: ServerFrame[]): string {
  const text = JSON.stringify(frames.slice(-5));
  return `${frames.length} frames, last: ${text.slice(0, 600)}`;
}

export function seqs(entries: readonly Entry[]): number[] {
  return entries.map((e) => e.seq);
}

/** 1..n after `from`: what a gapless stream must show. */
export function range(from: number, to: number): number[] {
  return Array.from({ length: Math.max(0, to - from) }, (_, i) => from + 1 + i);
}
