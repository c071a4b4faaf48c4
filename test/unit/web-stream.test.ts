/**
 * The web app's live connection (src/web/stream.ts, ProjectStream) without a browser: a fake
 * WebSocket and window stand in for the browser's. What it must do: subscribe from the head the
 * first time and with the last sequence number seen (and its entry's tag) after each reconnect,
 * refresh everything when the server says to resync, pass each entry once
 * and in order, back off between reconnects (at once when the browser is back online), stop for
 * good on the closes that mean "log in again", and keep sends made while disconnected to send
 * them — with the same id — once subscribed again.
 */
import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import type { ServerFrame } from '../../src/http/chat-schemas';
import { ProjectStream, StreamSendError, type StreamEntry } from '../../src/web/stream';

class FakeSocket {
  static readonly OPEN = 1;
  static all: FakeSocket[] = [];
  readyState = 0;
  sent: Record<string, unknown>[] = [];
  onmessage: ((event: { data: string }) => void) | null = null;
  onclose: ((event: { code: number }) => void) | null = null;
  constructor(readonly url: string) {
    FakeSocket.all.push(this);
  }
  send(data: string) {
    this.sent.push(JSON.parse(data) as Record<string, unknown>);
  }
  close() {
    this.readyState = 3;
  }
  /** The server's side. */
  open() {
    this.readyState = FakeSocket.OPEN;
  }
  receive(frame: ServerFrame) {
    this.onmessage?.({ data: JSON.stringify(frame) });
  }
  drop(code = 1006) {
    this.readyState = 3;
    this.onclose?.({ code });
  }
  /** Frames of one type this socket sent. */
  of(type: string) {
    return this.sent.filter((f) => f.type === type);
  }
}

const listeners = new Map<string, () => void>();

beforeEach(() => {
  vi.useFakeTimers();
  FakeSocket.all = [];
  listeners.clear();
  vi.stubGlobal('WebSocket', FakeSocket);
  vi.stubGlobal('window', {
    location: { protocol: 'https:', host: 'milepost.example' },
    addEventListener: (name: string, fn: () => void) => listeners.set(name, fn),
    removeEventListener: (name: string) => listeners.delete(name),
  });
});
afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllGlobals();
});

const PROJECT = 'p1';

/** The tag the fake server gives entry `seq` (another `epoch`: another entry of that number). */
function tagOf(seq: number, epoch = 'a'): string | null {
  return seq === 0 ? null : `${epoch}${seq}`;
}

function entry(seq: number, event = 'message.created', tag = tagOf(seq)): ServerFrame {
  return {
    type: 'entry',
    projectId: PROJECT,
    seq,
    event,
    thread: 'general',
    message: null,
    data: {},
    at: '2026-12-02T17:00:00.000Z',
    tag,
  };
}

function latest(): FakeSocket {
  const socket = FakeSocket.all.at(-1);
  if (!socket) throw new Error('no socket');
  return socket;
}

/**
 * Opens the newest socket and answers like the server: hello, then subscribed (its entries'
 * tags from `epoch`; `resync` as the server's check would decide).
 */
function connect(
  since: number | 'asked',
  lastSeq: number,
  answer: { resync?: boolean; epoch?: string } = {},
) {
  const socket = latest();
  socket.open();
  socket.receive({ type: 'hello', party: 'freelancer', projectId: null });
  const subscribe = socket.of('subscribe').at(-1);
  const resync = answer.resync ?? false;
  const from = resync
    ? lastSeq
    : Math.min(since === 'asked' ? Number(subscribe?.since) : since, lastSeq);
  socket.receive({
    type: 'subscribed',
    projectId: PROJECT,
    since: from,
    lastSeq,
    resync,
    tag: tagOf(from, answer.epoch),
  });
  return { socket, subscribe };
}

function started() {
  const entries: StreamEntry[] = [];
  const resyncs: number[] = [];
  const stream = new ProjectStream(
    { projectId: PROJECT },
    (e) => entries.push(e),
    () => resyncs.push(stream.lastSeq),
  );
  stream.start();
  return { stream, entries, resyncs };
}

describe('the web app’s project stream', () => {
  test('first from the head, then with the last seq after a reconnect: each entry once, in order', () => {
    const { stream, entries, resyncs } = started();
    expect(latest().url).toBe('wss://milepost.example/api/ws');
    expect(stream.status).toBe('connecting');
    const first = connect('asked', 5);
    // From the head: the server answers with its head, and the page refreshes everything once.
    expect(Number(first.subscribe?.since)).toBeGreaterThan(1_000_000);
    expect(stream.status).toBe('live');
    expect(stream.lastSeq).toBe(5);
    expect(resyncs).toEqual([5]);
    for (const seq of [6, 7, 7, 6, 8]) first.socket.receive(entry(seq));
    expect(entries.map((e) => e.seq)).toEqual([6, 7, 8]);

    first.socket.drop();
    expect(stream.status).toBe('reconnecting');
    expect(FakeSocket.all).toHaveLength(1);
    vi.advanceTimersByTime(1_000);
    expect(FakeSocket.all).toHaveLength(2);
    const second = connect('asked', 10);
    // With the tag of entry 8, so the server can tell it is the entry it holds.
    expect(second.subscribe).toEqual({
      type: 'subscribe',
      projectId: PROJECT,
      since: 8,
      tag: 'a8',
    });
    expect(stream.status).toBe('live');
    // Not from the head this time: no wholesale refresh, the missed entries come as entries.
    expect(resyncs).toEqual([5]);
    for (const seq of [9, 10]) second.socket.receive(entry(seq));
    expect(entries.map((e) => e.seq)).toEqual([6, 7, 8, 9, 10]);
    stream.stop();
  });

  test('a server behind the page (a restored database) resyncs from its head', () => {
    const { stream, resyncs } = started();
    const { socket } = connect('asked', 20);
    socket.receive(entry(21));
    socket.drop();
    vi.advanceTimersByTime(1_000);
    connect(3, 3);
    expect(stream.lastSeq).toBe(3);
    expect(resyncs).toEqual([20, 3]);
    stream.stop();
  });

  test('resubscribes with the tag of its last entry; on resync goes on from the head and refreshes all', () => {
    const { stream, entries, resyncs } = started();
    const first = connect('asked', 4);
    expect(first.subscribe).not.toHaveProperty('tag');
    // Resuming from the head, it keeps the head's tag from `subscribed`.
    first.socket.drop();
    vi.advanceTimersByTime(1_000);
    const second = connect('asked', 4);
    expect(second.subscribe).toMatchObject({ since: 4, tag: 'a4' });
    for (const seq of [5, 6, 7]) second.socket.receive(entry(seq));
    second.socket.drop();
    vi.advanceTimersByTime(1_000);
    // The server lost 6 and 7 in a power cut, and 6..9 are new entries: its check fails.
    const third = connect('asked', 9, { resync: true, epoch: 'b' });
    expect(third.subscribe).toMatchObject({ since: 7, tag: 'a7' });
    expect(stream.lastSeq).toBe(9);
    expect(resyncs).toEqual([4, 9]);
    // Live entries after the head are taken; the next subscribe carries the new head's tag.
    third.socket.receive(entry(10, 'message.created', 'b10'));
    expect(entries.map((e) => e.seq)).toEqual([5, 6, 7, 10]);
    third.socket.drop();
    vi.advanceTimersByTime(1_000);
    const fourth = connect('asked', 10, { epoch: 'b' });
    expect(fourth.subscribe).toMatchObject({ since: 10, tag: 'b10' });
    expect(resyncs).toEqual([4, 9]);
    stream.stop();
  });

  test('no tag to send before any entry, nor for entries from before tags', () => {
    const { stream } = started();
    const first = connect('asked', 0);
    first.socket.drop();
    vi.advanceTimersByTime(1_000);
    const second = connect('asked', 0);
    expect(second.subscribe).toEqual({ type: 'subscribe', projectId: PROJECT, since: 0 });
    second.socket.receive(entry(1, 'message.created', null));
    second.socket.drop();
    vi.advanceTimersByTime(1_000);
    expect(connect('asked', 1).subscribe).toEqual({
      type: 'subscribe',
      projectId: PROJECT,
      since: 1,
    });
    stream.stop();
  });

  test('reconnects back off, doubling up to 30 s, and at once when the browser is online again', () => {
    const { stream } = started();
    connect('asked', 0);
    const gaps: number[] = [];
    for (let i = 0; i < 8; i++) {
      latest().drop();
      const before = FakeSocket.all.length;
      let waited = 0;
      while (FakeSocket.all.length === before) {
        vi.advanceTimersByTime(100);
        waited += 100;
      }
      gaps.push(waited);
    }
    // 0.5 s × 2^n with ±25 % jitter, capped at 30 s.
    const expected = [500, 1_000, 2_000, 4_000, 8_000, 16_000, 30_000, 30_000];
    gaps.forEach((gap, i) => {
      const base = expected[i] ?? 0;
      expect(gap).toBeGreaterThanOrEqual(base * 0.75);
      expect(gap).toBeLessThanOrEqual(base * 1.25 + 100);
    });
    latest().drop();
    const before = FakeSocket.all.length;
    listeners.get('online')?.();
    expect(FakeSocket.all.length).toBe(before + 1);
    // A successful subscription starts the backoff again from 0.5 s.
    connect('asked', 0);
    latest().drop();
    vi.advanceTimersByTime(700);
    expect(FakeSocket.all.length).toBe(before + 2);
    stream.stop();
  });

  test('sends made while disconnected go out once subscribed, with the same id; acks resolve them', async () => {
    const { stream } = started();
    const { socket } = connect('asked', 0);
    socket.drop();
    const sending = stream.send({ thread: 'general', text: 'written offline', id: 'm-1' });
    vi.advanceTimersByTime(1_000);
    const again = connect('asked', 0);
    const sends = again.socket.of('send');
    expect(sends).toEqual([
      { type: 'send', projectId: PROJECT, id: 'm-1', thread: 'general', text: 'written offline' },
    ]);
    // The connection drops before the ack: the next socket sends it again, same id.
    again.socket.drop();
    vi.advanceTimersByTime(1_000);
    const third = connect('asked', 0);
    expect(third.socket.of('send').map((f) => f.id)).toEqual(['m-1']);
    third.socket.receive({ type: 'sent', id: 'm-1', seq: 1, created: false });
    await expect(sending).resolves.toEqual({ id: 'm-1', seq: 1, created: false });
    stream.stop();
  });

  test('a refused send rejects with its code; too many is kept and retried after the wait', async () => {
    const { stream } = started();
    const { socket } = connect('asked', 0);
    const refused = stream.send({ thread: 'nope', text: 'x', id: 'bad' });
    socket.receive({
      type: 'error',
      code: 'VALIDATION_FAILED',
      message: 'thread: not this project’s',
      ref: 'bad',
      field: 'thread',
    });
    await expect(refused).rejects.toMatchObject({ code: 'VALIDATION_FAILED', field: 'thread' });
    const limited = stream.send({ thread: 'general', text: 'slow down', id: 'later' });
    socket.receive({
      type: 'error',
      code: 'TOO_MANY_ATTEMPTS',
      message: 'wait',
      ref: 'later',
      retryAfterSeconds: 2,
    });
    expect(socket.of('send').filter((f) => f.id === 'later')).toHaveLength(1);
    vi.advanceTimersByTime(2_000);
    expect(socket.of('send').filter((f) => f.id === 'later')).toHaveLength(2);
    socket.receive({ type: 'sent', id: 'later', seq: 1, created: true });
    await expect(limited).resolves.toMatchObject({ id: 'later', created: true });
    stream.stop();
  });

  test('4401 and 4403 end the stream: no reconnect, waiting sends rejected', async () => {
    for (const code of [4401, 4403]) {
      FakeSocket.all = [];
      const { stream } = started();
      const { socket } = connect('asked', 0);
      socket.drop(1006);
      const waiting = stream.send({ thread: 'general', text: 'x', id: `w-${code}` });
      vi.advanceTimersByTime(1_000);
      connect('asked', 0);
      latest().drop(code);
      await expect(waiting).rejects.toBeInstanceOf(StreamSendError);
      expect(stream.status).toBe('ended');
      vi.advanceTimersByTime(120_000);
      expect(FakeSocket.all).toHaveLength(2);
      await expect(stream.send({ thread: 'general', text: 'y' })).rejects.toMatchObject({
        code: 'UNAUTHENTICATED',
      });
      stream.stop();
    }
  });

  test('the portal follows the project its hello names', () => {
    const entries: StreamEntry[] = [];
    const stream = new ProjectStream(
      'portal',
      (e) => entries.push(e),
      () => undefined,
    );
    stream.start();
    const socket = latest();
    expect(socket.url).toBe('wss://milepost.example/api/ws?as=client');
    socket.open();
    socket.receive({ type: 'hello', party: 'client', projectId: 'theirs' });
    expect(socket.of('subscribe')[0]).toMatchObject({ projectId: 'theirs' });
    stream.stop();
  });
});
