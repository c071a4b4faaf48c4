/**
 * The project stream over /api/ws: who may open it (Origin, cookies, the client's one project),
 * replay after a sequence number then live entries — each number once, in order, across a
 * 100-message burst and a reconnect in the middle of it — sends over the socket that are
 * idempotent by their id, the 64 KiB frame cap, the sender's message limit, bad frames, heartbeats,
 * and sockets closed by logout, a revoked code and archiving.
 */
import { randomUUID } from 'node:crypto';
import { describe, expect, test } from 'vitest';
import {
  SUITE_TIMEOUT,
  deliver,
  dialects,
  openPortal,
  recordPayment,
  setupProject,
  share,
  signUp,
  useApp,
  type Actor,
  type TestApp,
} from './harness';
import { send, threads } from './chat-support';
import { seededBytes, uploadSmall } from './files-helpers';
import { range, seqs, TEST_ORIGIN, TestSocket, type Entry } from './socket-support';

async function twoParties(app: TestApp) {
  const freelancer = await signUp(app);
  const fixture = await setupProject(freelancer);
  const secrets = await share(freelancer, fixture.project.id);
  const client = await openPortal(app, { code: secrets.code });
  // Sharing is itself an entry of the stream (access.changed): the tests count from here.
  const head = (await threads(freelancer, fixture.project.id)).lastSeq;
  return {
    freelancer,
    client,
    head,
    projectId: fixture.project.id,
    milestones: fixture.milestones,
  };
}

function clientSocket(app: TestApp, client: Actor) {
  return TestSocket.open(app.url, client, { as: 'client' });
}

describe.each(dialects)('the live stream socket on %s', SUITE_TIMEOUT, (dialect) => {
  const app = useApp(dialect, {
    PUBLIC_URL: TEST_ORIGIN,
    CHAT_MESSAGES_PER_SECOND: '10000',
    CHAT_MESSAGE_BURST: '10000',
  });

  test('only the app’s own origin with a live session cookie may open it', async () => {
    const { freelancer, client } = await twoParties(app());
    expect(await TestSocket.refusal(app().url, freelancer, { origin: null })).toBe(403);
    expect(await TestSocket.refusal(app().url, freelancer, { origin: 'https://evil.test' })).toBe(
      403,
    );
    expect(
      await TestSocket.refusal(app().url, freelancer, { origin: 'http://milepost.test.evil' }),
    ).toBe(403);
    expect(await TestSocket.refusal(app().url, null)).toBe(401);
    expect(await TestSocket.refusal(app().url, null, { as: 'client' })).toBe(401);
    expect(await TestSocket.refusal(app().url, null, { cookie: 'mp_session=forged' })).toBe(401);
    // A client's cookie does not make a freelancer's socket, nor the reverse.
    expect(await TestSocket.refusal(app().url, client)).toBe(401);
    expect(await TestSocket.refusal(app().url, freelancer, { as: 'client' })).toBe(401);
    const socket = await clientSocket(app(), client);
    expect(socket.frames[0]).toMatchObject({ type: 'hello', party: 'client' });
    socket.close();
  });

  test('a client follows only their own project; a freelancer only theirs', async () => {
    const one = await twoParties(app());
    const other = await twoParties(app());
    await send(other.freelancer, other.projectId, 'not for you');
    const socket = await clientSocket(app(), one.client);
    socket.subscribe(other.projectId, 0);
    const refused = await socket.next((f) => f.type === 'error');
    expect(refused).toMatchObject({ code: 'NOT_FOUND', ref: other.projectId });
    const freelancerSocket = await TestSocket.open(app().url, one.freelancer);
    freelancerSocket.subscribe(other.projectId, 0);
    expect(await freelancerSocket.next((f) => f.type === 'error')).toMatchObject({
      code: 'NOT_FOUND',
    });
    // Their own project works, and nothing of the other one ever arrived.
    socket.subscribe(one.projectId, one.head);
    await socket.next((f) => f.type === 'subscribed');
    await send(one.freelancer, one.projectId, 'for you');
    const [entry] = await socket.entriesUpTo(one.projectId, one.head + 1);
    expect(entry?.message?.text).toBe('for you');
    expect(socket.entries(other.projectId)).toEqual([]);
    expect(freelancerSocket.entries(other.projectId)).toEqual([]);
    socket.close();
    freelancerSocket.close();
  });

  test('replay after the last seq seen, then live entries, each once and in order', async () => {
    const { freelancer, client, projectId, head: h } = await twoParties(app());
    for (let i = 1; i <= 5; i++) await send(freelancer, projectId, `before ${i}`);
    const fromStart = await clientSocket(app(), client);
    fromStart.subscribe(projectId, h);
    expect(await fromStart.next((f) => f.type === 'subscribed')).toMatchObject({
      since: h,
      lastSeq: h + 5,
    });
    const midway = await TestSocket.open(app().url, freelancer);
    midway.subscribe(projectId, h + 3);
    expect(seqs(await fromStart.entriesUpTo(projectId, h + 5))).toEqual(range(h, h + 5));
    expect(seqs(await midway.entriesUpTo(projectId, h + 5))).toEqual([h + 4, h + 5]);
    for (let i = 1; i <= 3; i++) await send(client, projectId, `after ${i}`);
    const all = await fromStart.entriesUpTo(projectId, h + 8);
    expect(seqs(all)).toEqual(range(h, h + 8));
    expect(all.map((e) => e.message?.text)).toEqual([
      'before 1',
      'before 2',
      'before 3',
      'before 4',
      'before 5',
      'after 1',
      'after 2',
      'after 3',
    ]);
    expect(all.every((e) => e.event === 'message.created')).toBe(true);
    expect(seqs(await midway.entriesUpTo(projectId, h + 8))).toEqual(range(h + 3, h + 8));
    // A cursor ahead of the stream (a reset database) starts from the head, not past it.
    const ahead = await clientSocket(app(), client);
    ahead.subscribe(projectId, 1000);
    expect(await ahead.next((f) => f.type === 'subscribed')).toMatchObject({
      since: h + 8,
      lastSeq: h + 8,
    });
    for (const socket of [fromStart, midway, ahead]) socket.close();
  });

  test('a 100-message burst arrives complete and in order; a socket dropped in the middle gets exactly the rest', async () => {
    const { freelancer, client, projectId, head: h } = await twoParties(app());
    const steady = await clientSocket(app(), client);
    steady.subscribe(projectId, h);
    await steady.next((f) => f.type === 'subscribed');
    const dropped = await clientSocket(app(), client);
    dropped.subscribe(projectId, h);
    await dropped.next((f) => f.type === 'subscribed');
    const burst = Promise.all(
      Array.from({ length: 100 }, (_, i) => send(freelancer, projectId, `burst ${i}`)),
    );
    // Drop the second socket once it has seen part of the burst.
    await dropped.entriesUpTo(projectId, h + 30);
    dropped.ws.terminate();
    const seen = dropped.entries(projectId);
    const last = seen.at(-1)?.seq ?? h;
    expect(seqs(seen)).toEqual(range(h, last));
    await burst;
    const again = await clientSocket(app(), client);
    again.subscribe(projectId, last);
    const rest = await again.entriesUpTo(projectId, h + 100);
    expect(seqs(rest)).toEqual(range(last, h + 100));
    const all = await steady.entriesUpTo(projectId, h + 100);
    expect(seqs(all)).toEqual(range(h, h + 100));
    expect(new Set(all.map((e) => e.message?.text)).size).toBe(100);
    steady.close();
    again.close();
  });

  test('sending over the socket: acknowledged, idempotent by id, delivered once', async () => {
    const { freelancer, client, projectId, milestones, head: h } = await twoParties(app());
    const watcher = await TestSocket.open(app().url, freelancer);
    watcher.subscribe(projectId, h);
    await watcher.next((f) => f.type === 'subscribed');
    const socket = await clientSocket(app(), client);
    const id = randomUUID();
    const frame = { type: 'send', projectId, id, thread: 'general', text: 'over the socket' };
    socket.send(frame);
    const first = await socket.next((f) => f.type === 'sent');
    expect(first).toMatchObject({ id, created: true, seq: h + 1 });
    socket.send(frame);
    const retry = await socket.next(
      (f) => f.type === 'sent' && f !== first,
      socket.frames.indexOf(first) + 1,
    );
    expect(retry).toMatchObject({ id, created: false, seq: h + 1 });
    // A reply in a milestone's thread, and a read marker, over the socket too.
    const reply = randomUUID();
    socket.send({ ...frame, id: randomUUID(), thread: at0(milestones).id, text: 'step one' });
    socket.send({ type: 'read', projectId, thread: 'general', upTo: h + 1 });
    expect(await socket.next((f) => f.type === 'read')).toMatchObject({ upTo: h + 1 });
    socket.send({ ...frame, id: reply, text: 'a reply', replyTo: id });
    await socket.next((f) => f.type === 'sent' && f.id === reply);
    const entries = await watcher.entriesUpTo(projectId, h + 4);
    expect(seqs(entries)).toEqual(range(h, h + 4));
    expect(entries.map((e) => e.event)).toEqual([
      'message.created',
      'message.created',
      'thread.read',
      'message.created',
    ]);
    expect(entries[3]?.message).toMatchObject({ text: 'a reply', replyTo: id, author: 'client' });
    // What the action refuses comes back as an error frame naming the message.
    const bad = randomUUID();
    socket.send({ ...frame, id: bad, thread: randomUUID() });
    expect(await socket.next((f) => f.type === 'error' && f.ref === bad)).toMatchObject({
      code: 'VALIDATION_FAILED',
      field: 'thread',
    });
    socket.close();
    watcher.close();
  });

  test('live events: terms accepted, upload finished, delivered, paid, project and milestones changed, archived, access changed — each once, numbered in the one sequence', async () => {
    const { freelancer, client, projectId, milestones, head: h } = await twoParties(app());
    const owners = await TestSocket.open(app().url, freelancer);
    owners.subscribe(projectId, h);
    await owners.next((f) => f.type === 'subscribed');
    const clients = await clientSocket(app(), client);
    clients.subscribe(projectId, h);
    await clients.next((f) => f.type === 'subscribed');
    const step = at0(milestones);
    const later = milestones[1];
    if (later === undefined) throw new Error('the fixture has two milestones');

    expect((await client.post('/api/portal/terms', { accept: true })).status).toBe(200);
    const fileId = await uploadSmall(app(), freelancer, step.id, seededBytes(1000, 3), 'plan.pdf');
    await deliver(freelancer, projectId, step.id);
    await recordPayment(freelancer, projectId, step);
    await send(client, projectId, 'Thanks!');
    const untilPaid = [
      'terms.accepted',
      'message.created:file.uploaded',
      'message.created:milestone.delivered',
      'message.created:payment.received',
      'message.created:receipt.issued',
      'message.created:text',
    ];
    const describe = (e: Entry) =>
      e.message === null
        ? e.event
        : `${e.event}:${String(e.message.event?.type ?? e.message.kind)}`;
    // Both parties see the same entries, in the same order, numbered after the share.
    for (const socket of [owners, clients]) {
      const entries = await socket.entriesUpTo(projectId, h + untilPaid.length);
      expect(entries.map(describe)).toEqual(untilPaid);
      expect(seqs(entries)).toEqual(range(h, h + untilPaid.length));
      expect(entries[1]?.message?.event).toMatchObject({ fileId, name: 'plan.pdf', size: 1000 });
      expect(entries[1]?.thread).toBe(step.id);
    }

    expect(
      (await freelancer.patch(`/api/projects/${projectId}`, { title: 'Renamed' })).status,
    ).toBe(200);
    const renamed = await freelancer.patch(`/api/projects/${projectId}/milestones/${later.id}`, {
      title: 'Second, renamed',
    });
    expect(renamed.status).toBe(200);
    expect((await freelancer.post(`/api/projects/${projectId}/archive`)).status).toBe(200);
    // The client gets no live updates of an archived project: their socket closes.
    expect((await clients.closeCode()).code).toBe(4403);
    expect((await freelancer.post(`/api/projects/${projectId}/unarchive`)).status).toBe(200);
    expect((await freelancer.delete(`/api/projects/${projectId}/access`)).status).toBe(204);
    await share(freelancer, projectId);
    const all = await owners.entriesUpTo(projectId, h + untilPaid.length + 6);
    const changes = all.slice(untilPaid.length);
    expect(changes.map((e) => [e.event, e.data, e.thread, e.message])).toEqual([
      ['project.updated', { what: 'project' }, null, null],
      ['project.updated', { what: 'milestones' }, null, null],
      ['project.archived', {}, null, null],
      ['project.unarchived', {}, null, null],
      ['access.changed', { shared: false }, null, null],
      ['access.changed', { shared: true }, null, null],
    ]);
    expect(seqs(all)).toEqual(range(h, h + untilPaid.length + 6));
    // Nothing else arrives, and the REST head agrees with the socket's last number.
    expect((await threads(freelancer, projectId)).lastSeq).toBe(h + untilPaid.length + 6);
    owners.close();
  });

  test('frames up to 64 KiB: a 10,000-character message in any script fits, more is refused', async () => {
    const { client, projectId, head: h } = await twoParties(app());
    const socket = await clientSocket(app(), client);
    socket.subscribe(projectId, h);
    // 10,000 UTF-16 units of a 4-byte script (5,000 characters, 20,000 bytes), and 10,000
    // characters of a 3-byte one (30,000 bytes), even with every character escaped as \uXXXX.
    const texts = ['𝒜'.repeat(5_000), '中'.repeat(10_000)];
    for (const text of texts) {
      const id = randomUUID();
      socket.send({ type: 'send', projectId, id, thread: 'general', text });
      await socket.next((f) => f.type === 'sent' && f.id === id);
    }
    const escaped = JSON.stringify({
      type: 'send',
      projectId,
      id: randomUUID(),
      thread: 'general',
    }).replace('}', `,"text":"${'\\u4e2d'.repeat(10_000)}"}`);
    expect(Buffer.byteLength(escaped)).toBeLessThan(64 * 1024);
    socket.send(escaped);
    await socket.next((f) => f.type === 'sent' && f.seq === h + 3);
    const entries = await socket.entriesUpTo(projectId, h + 3);
    expect(entries.slice(0, 2).map((e) => e.message?.text)).toEqual(texts);
    // One byte over the cap closes the socket (1009, message too big).
    socket.send('x'.repeat(64 * 1024 + 1));
    expect((await socket.closeCode()).code).toBe(1009);
  });

  test('bad frames get error frames; a flood of them closes the socket', async () => {
    const { client, projectId } = await twoParties(app());
    const socket = await clientSocket(app(), client);
    socket.send('not json');
    expect(await socket.next((f) => f.type === 'error')).toMatchObject({ code: 'BAD_REQUEST' });
    socket.send({ type: 'subscribe', projectId, since: -1 });
    expect(
      await socket.next((f) => f.type === 'error' && f.code === 'VALIDATION_FAILED'),
    ).toMatchObject({ field: 'since' });
    socket.send({ type: 'send', projectId, id: randomUUID(), thread: 'general', text: 'a\u0000b' });
    expect(await socket.next((f) => f.type === 'error' && f.field === 'text')).toMatchObject({
      code: 'VALIDATION_FAILED',
    });
    socket.ws.send(Buffer.from([1, 2, 3]));
    for (let i = 0; i < 20; i++) socket.send({ type: 'nonsense' });
    expect((await socket.closeCode()).code).toBe(1008);
  });

  test('logging out closes that session’s sockets at once, and only those', async () => {
    const { freelancer, client, projectId } = await twoParties(app());
    const other = freelancer.clone('second device');
    const mine = await TestSocket.open(app().url, freelancer);
    const clients = await clientSocket(app(), client);
    expect((await freelancer.post('/api/auth/logout')).status).toBe(204);
    expect((await mine.closeCode()).code).toBe(4401);
    // The client's socket stays, and the client's own logout closes it.
    clients.subscribe(projectId, 0);
    await clients.next((f) => f.type === 'subscribed');
    expect((await client.post('/api/portal/logout')).status).toBe(204);
    expect((await clients.closeCode()).code).toBe(4401);
    // The logged-out cookie opens nothing any more.
    expect(await TestSocket.refusal(app().url, other)).toBe(401);
  });
});

function at0<T>(items: readonly T[]): T {
  const item = items[0];
  if (item === undefined) throw new Error('empty');
  return item;
}

describe.each(dialects)('stream socket limits on %s', SUITE_TIMEOUT, (dialect) => {
  const app = useApp(dialect, {
    PUBLIC_URL: TEST_ORIGIN,
    CHAT_MESSAGES_PER_SECOND: '0.01',
    CHAT_MESSAGE_BURST: '3',
    WS_HEARTBEAT_SECONDS: '0.5',
    WS_SESSION_CHECK_SECONDS: '0.2',
  });

  test('messages beyond the sender’s burst are refused with when to retry; the socket stays open', async () => {
    const { client, projectId, head: h } = await twoParties(app());
    const socket = await clientSocket(app(), client);
    const ids = Array.from({ length: 5 }, () => randomUUID());
    for (const id of ids) {
      socket.send({ type: 'send', projectId, id, thread: 'general', text: `m ${id}` });
    }
    const answers = [];
    for (const id of ids) {
      answers.push(
        await socket.next(
          (f) => (f.type === 'sent' && f.id === id) || (f.type === 'error' && f.ref === id),
        ),
      );
    }
    expect(answers.map((a) => a.type)).toEqual(['sent', 'sent', 'sent', 'error', 'error']);
    expect(answers[3]).toMatchObject({ code: 'TOO_MANY_ATTEMPTS' });
    expect((answers[3] as { retryAfterSeconds?: number }).retryAfterSeconds).toBeGreaterThan(0);
    // REST and socket share the limit.
    const rest = await client.post('/api/portal/messages', {
      id: randomUUID(),
      thread: 'general',
      text: 'over REST',
    });
    expect(rest.status).toBe(429);
    socket.send({ type: 'subscribe', projectId, since: 0 });
    expect(await socket.next((f) => f.type === 'subscribed')).toMatchObject({ lastSeq: h + 3 });
    socket.close();
  });

  test('a socket that stops answering pings is terminated; one that answers stays', async () => {
    const { client } = await twoParties(app());
    const deaf = await TestSocket.open(app().url, client, { as: 'client', autoPong: false });
    const healthy = await clientSocket(app(), client);
    expect((await deaf.closeCode()).code).toBe(1006);
    expect(healthy.ws.readyState).toBe(healthy.ws.OPEN);
    healthy.close();
  });

  test('revoking the code or archiving the project closes the client’s sockets', async () => {
    const first = await twoParties(app());
    const revoked = await clientSocket(app(), first.client);
    const owners = await TestSocket.open(app().url, first.freelancer);
    owners.subscribe(first.projectId, 0);
    await owners.next((f) => f.type === 'subscribed');
    expect((await first.freelancer.delete(`/api/projects/${first.projectId}/access`)).status).toBe(
      204,
    );
    expect((await revoked.closeCode()).code).toBe(4401);

    const second = await twoParties(app());
    const archived = await clientSocket(app(), second.client);
    archived.subscribe(second.projectId, 0);
    await archived.next((f) => f.type === 'subscribed');
    const res = await second.freelancer.post(`/api/projects/${second.projectId}/archive`);
    expect(res.status).toBe(200);
    expect((await archived.closeCode()).code).toBe(4403);
    // The client may still open a socket (their session stands) but not follow the project.
    // Whichever comes first closes it 4403: the answer to its subscribe (an ARCHIVED error
    // frame), or the session check, which finds the project archived (CI saw both orders).
    const later = await clientSocket(app(), second.client);
    later.subscribe(second.projectId, 0);
    expect((await later.closeCode()).code).toBe(4403);
    expect(later.frames.filter((f) => f.type !== 'hello' && f.type !== 'error')).toEqual([]);
    for (const error of later.frames.filter((f) => f.type === 'error')) {
      expect(error).toMatchObject({ code: 'ARCHIVED' });
    }
    // The freelancer's socket is theirs to keep.
    expect(owners.ws.readyState).toBe(owners.ws.OPEN);
    owners.close();
  });
});
