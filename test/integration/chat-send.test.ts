/**
 * Sending a chat message, as PostgreSQL runs it in one statement (src/db/queries/chat-send.ts)
 * and SQLite in four: a refusal of any kind changes nothing (no number taken, no message, entry or
 * notice), parallel sends take contiguous numbers each with its entry, the unread-mail notice is
 * added once per topic while one waits, and on PostgreSQL a send is one statement that commits by
 * itself (then the flush fence), or — when another writer took a number while it waited for the
 * project's lock — nothing written by it and the transaction of SQLite after it.
 */
import { randomUUID } from 'node:crypto';
import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import { describe, expect, test } from 'vitest';
import { z } from 'zod';
import { postLiveEvent } from '../../src/actions/chat-stream';
import { sendMessage } from '../../src/actions/send-message';
import type { DB } from '../../src/db/schema';
import { POSTGRES_EARLY_COMMIT } from '../../src/db/postgres';
import { withAfterCommit } from '../../src/db/after-commit';
import {
  postgresStreamBus,
  type StreamAnnouncer,
  type StreamBus,
  type StreamEntry,
} from '../../src/events/stream-bus';
import { at, MessageEnvelope, send } from './chat-support';
import { statementText } from './pg-statements';
import {
  SUITE_TIMEOUT,
  dialects,
  expectError,
  expectStatus,
  openPortal,
  setupProject,
  share,
  signUp,
  useApp,
  withDb,
  type Actor,
  type TestApp,
} from './harness';

async function twoParties(app: TestApp) {
  const freelancer = await signUp(app);
  const fixture = await setupProject(freelancer);
  const client = await openPortal(app, {
    code: (await share(freelancer, fixture.project.id)).code,
  });
  const userId = freelancer.user?.id;
  if (userId === undefined) throw new Error('signed up without a user');
  return {
    freelancer,
    client,
    userId,
    milestones: fixture.milestones,
    projectId: fixture.project.id,
  };
}

/** Everything a send writes, for one project. */
async function written(db: Kysely<DB>, projectId: string) {
  const project = await db
    .selectFrom('projects')
    .select(['stream_seq', 'updated_at'])
    .where('id', '=', projectId)
    .executeTakeFirstOrThrow();
  const count = async (table: 'chat_messages' | 'stream_events' | 'scheduled_jobs') =>
    Number(
      (
        await db
          .selectFrom(table)
          .select((eb) => eb.fn.countAll().as('n'))
          .where('project_id', '=', projectId)
          .executeTakeFirstOrThrow()
      ).n,
    );
  return {
    ...project,
    messages: await count('chat_messages'),
    events: await count('stream_events'),
    jobs: await count('scheduled_jobs'),
  };
}

const messagePath = (actor: Actor, projectId: string) =>
  actor.cookie('mp_session') === undefined
    ? '/api/portal/messages'
    : `/api/projects/${projectId}/messages`;

describe.each(dialects)('sending a message on %s', SUITE_TIMEOUT, (dialect) => {
  const app = useApp(dialect, { CHAT_MESSAGES_PER_SECOND: '1000', CHAT_MESSAGE_BURST: '1000' });
  const state = (projectId: string) => withDb(app(), (db) => written(db, projectId));

  test('a retry with the same id returns the stored message and writes nothing', async () => {
    const { client, projectId } = await twoParties(app());
    const body = { id: randomUUID(), thread: 'general', text: 'Once' };
    const first = expectStatus(
      await client.post('/api/portal/messages', body),
      201,
      MessageEnvelope,
    );
    const before = await state(projectId);
    const again = expectStatus(
      await client.post('/api/portal/messages', body),
      200,
      MessageEnvelope,
    );
    expect(again.message).toEqual(first.message);
    expect(await state(projectId)).toEqual(before);
  });

  test('an id reused by the other party or in another thread is a CONFLICT that writes nothing', async () => {
    const { freelancer, client, projectId, milestones } = await twoParties(app());
    const id = randomUUID();
    await send(client, projectId, 'Mine', { id });
    const before = await state(projectId);
    for (const [actor, thread] of [
      [freelancer, 'general'],
      [client, at(milestones, 0).id],
    ] as const) {
      expectError(await actor.post(messagePath(actor, projectId), { id, thread, text: 'Mine' }), {
        status: 409,
        code: 'CONFLICT',
        field: 'id',
      });
    }
    expect(await state(projectId)).toEqual(before);
  });

  test('a thread not of the project is refused and writes nothing', async () => {
    const { freelancer, client, projectId } = await twoParties(app());
    const other = await setupProject(freelancer);
    await send(client, projectId, 'Something to be behind');
    const before = await state(projectId);
    for (const [actor, thread] of [
      [freelancer, randomUUID()],
      [client, randomUUID()],
      [freelancer, at(other.milestones, 0).id],
      [client, at(other.milestones, 0).id],
    ] as const) {
      expectError(
        await actor.post(messagePath(actor, projectId), { id: randomUUID(), thread, text: 'x' }),
        { status: 400, code: 'VALIDATION_FAILED', field: 'thread' },
      );
    }
    expect(await state(projectId)).toEqual(before);
  });

  test('an archived project refuses both parties and writes nothing', async () => {
    const { freelancer, client, projectId, milestones } = await twoParties(app());
    expectStatus(await freelancer.post(`/api/projects/${projectId}/archive`), 200, z.unknown());
    const before = await state(projectId);
    for (const actor of [freelancer, client]) {
      for (const thread of ['general', at(milestones, 1).id]) {
        expectError(
          await actor.post(messagePath(actor, projectId), { id: randomUUID(), thread, text: 'x' }),
          { status: 409, code: 'ARCHIVED' },
        );
      }
    }
    expect(await state(projectId)).toEqual(before);
  });

  test("another freelancer's project is not found and nothing is written", async () => {
    const { projectId } = await twoParties(app());
    const stranger = await signUp(app());
    const before = await state(projectId);
    expectError(
      await stranger.post(`/api/projects/${projectId}/messages`, {
        id: randomUUID(),
        thread: 'general',
        text: 'x',
      }),
      { status: 404, code: 'NOT_FOUND' },
    );
    expect(await state(projectId)).toEqual(before);
  });

  test('50 parallel sends take contiguous numbers, each with its entry; one notice per topic', async () => {
    const { freelancer, client, projectId, milestones } = await twoParties(app());
    const before = await state(projectId);
    const thread = at(milestones, 0).id;
    const sent = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        send(i % 2 === 0 ? freelancer : client, projectId, `message ${i}`, {
          thread: i % 5 === 0 ? thread : 'general',
        }),
      ),
    );
    const seqs = sent.map((m) => m.seq).sort((a, b) => a - b);
    expect(seqs).toEqual(Array.from({ length: 50 }, (_, i) => before.stream_seq + 1 + i));
    await withDb(app(), async (db) => {
      expect(await written(db, projectId)).toMatchObject({
        stream_seq: before.stream_seq + 50,
        messages: before.messages + 50,
        events: before.events + 50,
      });
      const entries = await db
        .selectFrom('stream_events')
        .selectAll()
        .where('project_id', '=', projectId)
        .where('seq', '>', before.stream_seq)
        .orderBy('seq')
        .execute();
      const bySeq = new Map(sent.map((m) => [m.seq, m]));
      for (const entry of entries) {
        const message = bySeq.get(entry.seq);
        expect(entry).toMatchObject({
          type: 'message.created',
          message_id: message?.id,
          thread: message?.thread,
          data: '{}',
          created_at: message?.createdAt,
        });
        expect(entry.tag).toMatch(/^[\w-]{8,}$/);
      }
      // The clock ran through the burst, so each send had a different key: only "one of the
      // topic is waiting" kept the rest from adding theirs.
      const waiting = await db
        .selectFrom('scheduled_jobs')
        .select(['topic', (eb) => eb.fn.countAll().as('n')])
        .where('project_id', '=', projectId)
        .where('kind', '=', 'messages')
        .where('done_at', 'is', null)
        .groupBy('topic')
        .orderBy('topic')
        .execute();
      expect(waiting.map((w) => [w.topic, Number(w.n)])).toEqual(
        [
          `messages:${projectId}:${thread}:client`,
          `messages:${projectId}:${thread}:freelancer`,
          `messages:${projectId}:general:client`,
          `messages:${projectId}:general:freelancer`,
        ]
          .sort()
          .map((topic) => [topic, 1]),
      );
    });
    // Later messages join the waiting notice.
    app().clock.advance(60_000);
    await send(client, projectId, 'a minute later');
    expect((await state(projectId)).jobs).toBe(before.jobs + 4);
  });
});

/** An announcer that keeps what it was given (the real one needs the app's wrapped driver). */
function keptAnnouncements(): StreamAnnouncer & { entries: StreamEntry[] } {
  const entries: StreamEntry[] = [];
  return {
    entries,
    announce: (_trx, entry) => {
      entries.push(entry);
      return Promise.resolve();
    },
    sessionsChanged: () => Promise.resolve(),
  };
}

describe.runIf(dialects.includes('postgres'))(
  'a send on PostgreSQL is one statement',
  SUITE_TIMEOUT,
  () => {
    const app = useApp('postgres');

    async function counted<T>(run: (db: Kysely<DB>, statements: string[]) => Promise<T>) {
      const statements: string[] = [];
      const db = new Kysely<DB>({
        dialect: new PostgresDialect({
          pool: new pg.Pool({ connectionString: app().dbUrl, max: 4 }),
        }),
        log: (event) => {
          statements.push(event.query.sql);
        },
      });
      try {
        return await run(db, statements);
      } finally {
        await db.destroy();
      }
    }

    test('one statement that commits by itself, then the flush fence; the announced entry is the stored one', async () => {
      const { userId, projectId, milestones } = await twoParties(app());
      await counted(async (db, statements) => {
        const events = keptAnnouncements();
        for (const [i, thread] of ['general', at(milestones, 2).id].entries()) {
          statements.length = 0;
          const { message, created } = await sendMessage({
            db,
            events,
            actor: { type: 'freelancer', userId },
            projectId,
            message: { id: randomUUID(), thread, text: `direct ${i}` },
          });
          expect(created).toBe(true);
          // The statement commits by itself; the fence waits for its flush.
          expect(statements.map((s) => s.split(/\s/, 1)[0]?.toLowerCase())).toEqual([
            'with',
            'select',
          ]);
          expect(statements[1]).toBe(POSTGRES_EARLY_COMMIT.fence.sql);
          const stored = await db
            .selectFrom('stream_events')
            .selectAll()
            .where('project_id', '=', projectId)
            .where('seq', '=', message.seq)
            .executeTakeFirstOrThrow();
          const announced = at(events.entries, i);
          expect(announced).toEqual({
            projectId,
            seq: stored.seq,
            type: 'message.created',
            thread,
            message,
            data: JSON.parse(stored.data),
            at: stored.created_at,
            tag: stored.tag,
          });
          expect(
            await db
              .selectFrom('chat_messages')
              .selectAll()
              .where('id', '=', message.id)
              .executeTakeFirst(),
          ).toEqual(message);
        }
      });
    });

    test("a send that waits for another writer's lock writes nothing itself and takes the transaction", async () => {
      const { userId, projectId } = await twoParties(app());
      await counted(async (db, statements) => {
        const events = keptAnnouncements();
        let release = () => {};
        const held = new Promise<void>((resolve) => (release = resolve));
        let locked = () => {};
        const lockTaken = new Promise<void>((resolve) => (locked = resolve));
        // Another writer takes the project's next number and holds its lock.
        const other = db.transaction().execute(async (trx) => {
          await postLiveEvent(trx, events, {
            projectId,
            event: { type: 'project.updated', what: 'project' },
            at: new Date().toISOString(),
          });
          locked();
          await held;
        });
        await lockTaken;
        const before = await written(db, projectId);
        statements.length = 0;
        const sending = sendMessage({
          db,
          events,
          actor: { type: 'freelancer', userId },
          projectId,
          message: { id: randomUUID(), thread: 'general', text: 'after the other' },
        });
        // The statement is waiting for the lock: let the other writer commit.
        for (let i = 0; i < 200; i++) {
          const { rows } = await sql<{ n: number }>`select count(*)::int as n from pg_stat_activity
            where datname = current_database() and wait_event_type = 'Lock'`.execute(db);
          if ((rows[0]?.n ?? 0) > 0) break;
          await new Promise((resolve) => setTimeout(resolve, 10));
        }
        release();
        await other;
        const { message, created } = await sending;
        expect(created).toBe(true);
        const words = statements
          .filter((s) => !s.includes('pg_stat_activity') && s !== 'commit')
          .map((s) => s.split(/\s/, 1)[0]?.toLowerCase());
        // The statement first (it wrote nothing), then the transaction's own statements.
        expect(words[0]).toBe('with');
        expect(words.slice(1)).toContain('begin');
        expect(words.slice(words.indexOf('begin'))).toContain('update');
        const first = at(events.entries, 0);
        expect(first.type).toBe('project.updated');
        expect(message.seq).toBe(first.seq + 1);
        expect(at(events.entries, 1).seq).toBe(message.seq);
        const after = await written(db, projectId);
        // Read while the other writer held its lock: its entry and this one came after.
        expect(after).toMatchObject({
          stream_seq: before.stream_seq + 2,
          messages: before.messages + 1,
          events: before.events + 2,
        });
      });
    });

    /**
     * The app's own driver (the after-commit wrapper with the early commit) and two real buses on
     * the test's database: `a` as the sending instance, `b` as another. `fail` makes the pool's
     * client refuse the next statements that NOTIFY in their commit as PostgreSQL does when its
     * notify queue is full (SQLSTATE 54000) — a queue of 8 GB cannot be filled on demand here, so
     * this one failure is injected at the driver; everything else is the real server.
     */
    async function twoInstances<T>(
      run: (tools: {
        db: Kysely<DB>;
        a: StreamBus;
        heardByA: unknown[][];
        heardByB: unknown[][];
        statements: string[];
        fail: { next: number };
      }) => Promise<T>,
    ) {
      const statements: string[] = [];
      const fail = { next: 0 };
      class RefusingClient extends pg.Client {
        override query(...args: unknown[]): never {
          const text = statementText(args);
          statements.push(text);
          if (fail.next > 0 && text.startsWith('with') && text.includes('pg_notify(')) {
            fail.next--;
            const refused = new pg.DatabaseError(
              'too many notifications in the NOTIFY queue',
              0,
              'error',
            );
            refused.code = '54000';
            return Promise.reject(refused) as never;
          }
          return (super.query as (...a: unknown[]) => never)(...args);
        }
      }
      const failures: unknown[] = [];
      const db = new Kysely<DB>({
        dialect: withAfterCommit(
          new PostgresDialect({
            pool: new pg.Pool({ connectionString: app().dbUrl, max: 4, Client: RefusingClient }),
          }),
          (error) => failures.push(error),
          POSTGRES_EARLY_COMMIT,
        ),
      });
      const quiet = { warn: () => undefined, info: () => undefined };
      const a = await postgresStreamBus(app().dbUrl ?? '', quiet);
      const b = await postgresStreamBus(app().dbUrl ?? '', quiet);
      const heardByA: unknown[][] = [];
      const heardByB: unknown[][] = [];
      a.listen((...heard) => heardByA.push(heard));
      b.listen((...heard) => heardByB.push(heard));
      try {
        return await run({ db, a, heardByA, heardByB, statements, fail });
      } finally {
        await Promise.all([a.close(), b.close()]);
        await db.destroy();
        expect(failures).toEqual([]);
      }
    }

    const until = async (done: () => boolean) => {
      for (let i = 0; i < 500 && !done(); i++) await new Promise((r) => setTimeout(r, 10));
      expect(done()).toBe(true);
    };

    test("the statement's own commit tells the other instances (no NOTIFY of its own); this instance's listeners get the stored entry", async () => {
      const { userId, projectId } = await twoParties(app());
      await twoInstances(async ({ db, a, heardByA, heardByB, statements }) => {
        statements.length = 0;
        const { message } = await sendMessage({
          db,
          events: a,
          actor: { type: 'freelancer', userId },
          projectId,
          message: { id: randomUUID(), thread: 'general', text: 'told in the commit' },
        });
        const sent = statements.filter((s) => s !== 'SELECT 1');
        expect(sent).toHaveLength(2);
        expect(sent[0]).toMatch(/^with .*pg_notify\(/s);
        expect(sent[1]).toBe(POSTGRES_EARLY_COMMIT.fence.sql);
        const stored = await db
          .selectFrom('stream_events')
          .select(['seq', 'tag', 'created_at'])
          .where('message_id', '=', message.id)
          .executeTakeFirstOrThrow();
        // This instance: the entry itself, at once and once (its own notice is not heard again).
        expect(heardByA).toEqual([
          [
            projectId,
            stored.seq,
            expect.objectContaining({ seq: stored.seq, tag: stored.tag, message }),
          ],
        ]);
        // The other instance: ids only, from the statement's commit.
        await until(() => heardByB.length > 0);
        expect(heardByB).toEqual([[projectId, stored.seq]]);
        await new Promise((r) => setTimeout(r, 200));
        expect(heardByA).toHaveLength(1);
      });
    });

    test('a full notify queue refuses the commit: nothing was written, the message is stored without it and announced after', async () => {
      const { userId, projectId } = await twoParties(app());
      await twoInstances(async ({ db, a, heardByA, heardByB, statements, fail }) => {
        const before = await written(db, projectId);
        statements.length = 0;
        fail.next = 1;
        const { message, created } = await sendMessage({
          db,
          events: a,
          actor: { type: 'freelancer', userId },
          projectId,
          message: { id: randomUUID(), thread: 'general', text: 'after a full queue' },
        });
        expect(created).toBe(true);
        expect(fail.next).toBe(0);
        const withs = statements.filter((s) => s.startsWith('with'));
        expect(withs).toHaveLength(2);
        expect(withs[1]).not.toContain('pg_notify(');
        // The NOTIFY of its own after the statement, then the fence.
        expect(statements.some((s) => s.includes("pg_notify('milepost_stream'"))).toBe(true);
        expect(statements.at(-1)).toBe(POSTGRES_EARLY_COMMIT.fence.sql);
        expect(message.seq).toBe(before.stream_seq + 1);
        expect(await written(db, projectId)).toMatchObject({
          stream_seq: before.stream_seq + 1,
          messages: before.messages + 1,
          events: before.events + 1,
        });
        expect(heardByA).toEqual([[projectId, message.seq, expect.objectContaining({ message })]]);
        await until(() => heardByB.length > 0);
        expect(heardByB).toEqual([[projectId, message.seq]]);
      });
    });

    test('a client naming another project, or a reply, takes the statements of before', async () => {
      const { client, projectId } = await twoParties(app());
      const other = await twoParties(app());
      const original = await send(client, projectId, 'to reply to');
      await counted(async (db, statements) => {
        const before = await written(db, other.projectId);
        await expect(
          sendMessage({
            db,
            events: keptAnnouncements(),
            actor: { type: 'client', projectId },
            projectId: other.projectId,
            message: { id: randomUUID(), thread: 'general', text: 'x' },
          }),
        ).rejects.toMatchObject({ code: 'NOT_FOUND' });
        expect(await written(db, other.projectId)).toEqual(before);
        statements.length = 0;
        const reply = await sendMessage({
          db,
          events: keptAnnouncements(),
          actor: { type: 'client', projectId },
          projectId,
          message: { id: randomUUID(), thread: 'general', text: 'a reply', replyTo: original.id },
        });
        expect(reply.message.reply_to).toBe(original.id);
        expect(statements.filter((s) => !/^(begin|commit)$/i.test(s)).length).toBeGreaterThan(1);
        const replies = await db
          .selectFrom('activity')
          .select('id')
          .where('project_id', '=', projectId)
          .where('action', '=', 'message.replied')
          .execute();
        expect(replies).toHaveLength(1);
      });
    });
  },
);
