/**
 * The project conversation over REST, for both parties: threads (general and one per
 * milestone), one sequence for the project's stream taken safely under parallel sends, cursor
 * paging, idempotent retried sends, replies, edits within ten minutes and deletions (tombstones)
 * recorded with the original text in the activity chain, unread counts and read markers, and the
 * system entries that deliveries and payments post into their milestone's thread.
 */
import { randomUUID } from 'node:crypto';
import { describe, expect, test } from 'vitest';
import { z } from 'zod';
import {
  SUITE_TIMEOUT,
  deliver,
  dialects,
  expectError,
  expectStatus,
  getActivity,
  openPortal,
  recordPayment,
  setupProject,
  share,
  signUp,
  useApp,
} from './harness';
import { seededBytes, uploadSmall } from './files-helpers';
import { at, MessageEnvelope, send, threadMessages, threads } from './chat-support';

describe.each(dialects)('the project conversation on %s', SUITE_TIMEOUT, (dialect) => {
  const app = useApp(dialect, { CHAT_MESSAGES_PER_SECOND: '1000', CHAT_MESSAGE_BURST: '1000' });

  async function twoParties() {
    const freelancer = await signUp(app());
    const fixture = await setupProject(freelancer);
    const client = await openPortal(app(), {
      code: (await share(freelancer, fixture.project.id)).code,
    });
    return { freelancer, client, milestones: fixture.milestones, projectId: fixture.project.id };
  }

  test('both parties write in the general and milestone threads; text is kept as sent', async () => {
    const { freelancer, client, projectId, milestones } = await twoParties();
    const xss = '<img src=x onerror=alert(1)> <script>alert(2)</script>\n\tsecond line';
    const first = await send(freelancer, projectId, 'Hello, here is the plan');
    const second = await send(client, projectId, xss);
    const inMilestone = await send(client, projectId, 'About step 1', {
      thread: at(milestones, 0).id,
    });
    expect(first.author).toBe('freelancer');
    expect(second.author).toBe('client');
    expect(second.text).toBe(xss);
    expect(inMilestone.thread).toBe(at(milestones, 0).id);
    expect([first.seq, second.seq, inMilestone.seq]).toEqual([
      first.seq,
      first.seq + 1,
      first.seq + 2,
    ]);
    for (const actor of [freelancer, client]) {
      const general = await threadMessages(actor, projectId);
      expect(general.messages.map((m) => m.text)).toEqual(['Hello, here is the plan', xss]);
      const step = await threadMessages(actor, projectId, at(milestones, 0).id);
      expect(step.messages.map((m) => m.id)).toEqual([inMilestone.id]);
    }
    // A thread that is not the project's is refused, naming the field.
    expectError(
      await freelancer.post(`/api/projects/${projectId}/messages`, {
        id: randomUUID(),
        thread: randomUUID(),
        text: 'x',
      }),
      { status: 400, field: 'thread' },
    );
  });

  test('text rules: at most 10,000 characters, no NUL or control characters, not blank', async () => {
    const { freelancer, client, projectId } = await twoParties();
    const longest = 'ß'.repeat(10_000);
    expect((await send(client, projectId, longest)).text).toBe(longest);
    for (const [text, status] of [
      ['x'.repeat(10_001), 400],
      ['nul \u0000 inside', 400],
      ['bell \u0007', 400],
      ['   \n  ', 400],
    ] as const) {
      expectError(
        await freelancer.post(`/api/projects/${projectId}/messages`, {
          id: randomUUID(),
          thread: 'general',
          text,
        }),
        { status, field: 'text' },
      );
    }
  });

  test('a retried send with the same id stores the message once', async () => {
    const { freelancer, client, projectId } = await twoParties();
    const id = randomUUID();
    const body = { id, thread: 'general', text: 'Sent twice, stored once' };
    const results = await Promise.all(
      Array.from({ length: 5 }, () => client.post('/api/portal/messages', body)),
    );
    expect(results.map((r) => r.status).sort()).toEqual([200, 200, 200, 200, 201]);
    const seqs = new Set(
      results.map((r) => expectStatus(r, r.status, MessageEnvelope).message.seq),
    );
    expect(seqs.size).toBe(1);
    expect((await threadMessages(freelancer, projectId)).messages.map((m) => m.id)).toEqual([id]);
    // The same id from the other party is not theirs to reuse.
    expectError(await freelancer.post(`/api/projects/${projectId}/messages`, body), {
      status: 409,
      code: 'CONFLICT',
      field: 'id',
    });
    // The next message takes the very next number: the duplicates used none.
    const next = await send(freelancer, projectId, 'next');
    expect(next.seq).toBe(at([...seqs], 0) + 1);
  });

  test('parallel sends from both parties take distinct, gapless numbers', async () => {
    const { freelancer, client, projectId } = await twoParties();
    const sent = await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        send(i % 2 === 0 ? freelancer : client, projectId, `message ${i}`),
      ),
    );
    const seqs = sent.map((m) => m.seq).sort((a, b) => a - b);
    expect(new Set(seqs).size).toBe(30);
    expect(at(seqs, 29) - at(seqs, 0)).toBe(29);
    const listed = await threadMessages(freelancer, projectId, 'general', 'limit=200');
    expect(listed.messages.map((m) => m.seq)).toEqual(seqs);
  });

  test('history pages by cursor, oldest first within a page', async () => {
    const { freelancer, projectId } = await twoParties();
    const sent = [];
    for (let i = 0; i < 7; i++) sent.push(await send(freelancer, projectId, `m${i}`));
    const texts: string[] = [];
    let query = 'limit=3';
    for (;;) {
      const page = await threadMessages(freelancer, projectId, 'general', query);
      texts.unshift(...page.messages.map((m) => m.text ?? ''));
      if (page.nextCursor === null) break;
      expect(page.nextCursor).toBe(at(page.messages, 0).seq);
      query = `limit=3&before=${page.nextCursor}`;
    }
    expect(texts).toEqual(sent.map((m) => m.text));
  });

  test('replies, edits within 10 minutes and deletions keep the original text in the activity chain', async () => {
    const { freelancer, client, projectId } = await twoParties();
    const question = await send(client, projectId, 'Can we move the deadline?');
    const answer = await send(freelancer, projectId, 'Yes, by a week', { replyTo: question.id });
    expect(answer.replyTo).toBe(question.id);

    const edited = expectStatus(
      await freelancer.patch(`/api/projects/${projectId}/messages/${answer.id}`, {
        text: 'Yes, by two weeks',
      }),
      200,
      MessageEnvelope,
    ).message;
    expect(edited).toMatchObject({ text: 'Yes, by two weeks', seq: answer.seq });
    expect(edited.editedAt).not.toBeNull();
    // Only its author edits or deletes a message.
    expectError(await client.patch(`/api/portal/messages/${answer.id}`, { text: 'No' }), {
      status: 403,
      code: 'FORBIDDEN',
    });
    expectError(await client.delete(`/api/portal/messages/${answer.id}`), {
      status: 403,
      code: 'FORBIDDEN',
    });

    // After ten minutes the text is final.
    app().clock.advance(10 * 60 * 1000 + 1000);
    try {
      expectError(
        await freelancer.patch(`/api/projects/${projectId}/messages/${answer.id}`, {
          text: 'Never mind',
        }),
        { status: 409, code: 'EDIT_WINDOW_CLOSED' },
      );
      // Deleting has no window: a tombstone stays.
      const deleted = expectStatus(
        await client.delete(`/api/portal/messages/${question.id}`),
        200,
        MessageEnvelope,
      ).message;
      expect(deleted).toMatchObject({ id: question.id, text: null, seq: question.seq });
      expect(deleted.deletedAt).not.toBeNull();
    } finally {
      app().clock.advance(-(10 * 60 * 1000 + 1000));
    }
    const listed = (await threadMessages(freelancer, projectId)).messages;
    expect(listed.map((m) => [m.id, m.text])).toEqual([
      [question.id, null],
      [answer.id, 'Yes, by two weeks'],
    ]);

    const activity = await getActivity(freelancer, projectId);
    expect(activity.chainValid).toBe(true);
    const chat = activity.entries.filter((e) => e.action.startsWith('message.'));
    expect(chat.map((e) => [e.action, e.actorType])).toEqual([
      ['message.replied', 'freelancer'],
      ['message.edited', 'freelancer'],
      ['message.deleted', 'client'],
    ]);
    expect(at(chat, 0).details).toMatchObject({ replyTo: question.id, text: 'Yes, by a week' });
    expect(at(chat, 1).details).toMatchObject({
      previousText: 'Yes, by a week',
      text: 'Yes, by two weeks',
    });
    expect(at(chat, 2).details).toMatchObject({ text: 'Can we move the deadline?' });
  });

  test('unread counts per person and thread; the read marker is what the other party has seen', async () => {
    const { freelancer, client, projectId, milestones } = await twoParties();
    await send(freelancer, projectId, 'one');
    const two = await send(freelancer, projectId, 'two');
    await send(freelancer, projectId, 'in step 1', { thread: at(milestones, 0).id });
    await send(client, projectId, 'mine');

    const before = await threads(client, projectId);
    expect(before.threads.map((t) => [t.id, t.unread])).toEqual([
      ['general', 2],
      [at(milestones, 0).id, 1],
      [at(milestones, 1).id, 0],
      [at(milestones, 2).id, 0],
    ]);
    expect(at((await threads(freelancer, projectId)).threads, 0).unread).toBe(1);

    expect(
      expectStatus(
        await client.post('/api/portal/messages/read', { thread: 'general', upTo: two.seq }),
        200,
        z.object({ upTo: z.number() }),
      ),
    ).toEqual({ upTo: two.seq });
    const after = await threads(client, projectId);
    expect(after.threads[0]).toMatchObject({ unread: 0, readUpTo: two.seq });
    expect(at(after.threads, 1).unread).toBe(1);
    // "Seen": the freelancer sees the client's marker.
    expect((await threads(freelancer, projectId)).threads[0]).toMatchObject({
      seenUpTo: two.seq,
      readUpTo: 0,
    });
    // The marker never moves back, and never past the stream.
    expect(
      (await client.post('/api/portal/messages/read', { thread: 'general', upTo: 1 })).body,
    ).toEqual({ upTo: two.seq });
    expectError(
      await client.post('/api/portal/messages/read', { thread: 'general', upTo: 10_000 }),
      { status: 400, field: 'upTo' },
    );
  });

  test('uploads, deliveries and payments post system entries into their milestone thread', async () => {
    const { freelancer, client, projectId, milestones } = await twoParties();
    const step = at(milestones, 0);
    const fileId = await uploadSmall(app(), freelancer, step.id, seededBytes(1000, 7), 'plan.pdf');
    await deliver(freelancer, projectId, step.id);
    await recordPayment(freelancer, projectId, step);
    const entries = (await threadMessages(client, projectId, step.id)).messages;
    expect(entries.map((m) => [m.author, m.kind, m.event?.type])).toEqual([
      ['system', 'system', 'file.uploaded'],
      ['system', 'system', 'milestone.delivered'],
      ['system', 'system', 'payment.received'],
      ['system', 'system', 'receipt.issued'],
    ]);
    expect(at(entries, 0).event).toMatchObject({ fileId, name: 'plan.pdf', size: 1000 });
    expect(at(entries, 2).event).toMatchObject({ amountMinor: step.amountMinor, currency: 'EUR' });
    expect((await threadMessages(client, projectId)).messages).toEqual([]);
    // System entries are unread for both parties until read.
    expect(at((await threads(client, projectId)).threads, 1).unread).toBe(4);
    expect(at((await threads(freelancer, projectId)).threads, 1).unread).toBe(4);
  });

  test('another freelancer, or a client of another project, cannot reach the conversation', async () => {
    const { freelancer, projectId } = await twoParties();
    const message = await send(freelancer, projectId, 'private');
    const stranger = await signUp(app());
    expectError(await stranger.get(`/api/projects/${projectId}/messages?thread=general`), {
      status: 404,
    });
    expectError(
      await stranger.post(`/api/projects/${projectId}/messages`, {
        id: randomUUID(),
        thread: 'general',
        text: 'hi',
      }),
      { status: 404 },
    );
    const other = await setupProject(stranger);
    const otherClient = await openPortal(app(), {
      code: (await share(stranger, other.project.id)).code,
    });
    expect((await threadMessages(otherClient, other.project.id)).messages).toEqual([]);
    expectError(await otherClient.delete(`/api/portal/messages/${message.id}`), { status: 404 });
    // Writes need the CSRF token.
    expectError(
      await freelancer.post(
        `/api/projects/${projectId}/messages`,
        { id: randomUUID(), thread: 'general', text: 'x' },
        { csrf: false },
      ),
      { status: 403 },
    );
  });
});

describe.each(dialects)('the message limit on %s', SUITE_TIMEOUT, (dialect) => {
  const app = useApp(dialect, { CHAT_MESSAGES_PER_SECOND: '1', CHAT_MESSAGE_BURST: '3' });

  test('a sender gets a burst, then 429 with Retry-After', async () => {
    const freelancer = await signUp(app());
    const { project } = await setupProject(freelancer);
    for (let i = 0; i < 3; i++) await send(freelancer, project.id, `burst ${i}`);
    const refused = await freelancer.post(`/api/projects/${project.id}/messages`, {
      id: randomUUID(),
      thread: 'general',
      text: 'one too many',
    });
    expectError(refused, { status: 429, code: 'TOO_MANY_ATTEMPTS' });
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    app().clock.advance(1100);
    await send(freelancer, project.id, 'allowed again');
  });
});
