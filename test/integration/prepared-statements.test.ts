/**
 * The chat's hot statements as named (prepared) statements on PostgreSQL (src/db/prepared.ts):
 * the send's one statement, its flush fence and the stream read go to the server named, are
 * prepared there once per connection, and nothing else is; with the setting off, none is. A
 * migration that adds a column to projects while a connection holds the prepared send does not
 * break it (the send names its columns), where a prepared `select *` does break.
 * Real PostgreSQL throughout; the pg client only records what it is asked to send.
 */
import { randomUUID } from 'node:crypto';
import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import { describe, expect, test } from 'vitest';
import { readStreamAfter } from '../../src/actions/read-stream';
import { sendMessage } from '../../src/actions/send-message';
import { loadConfig } from '../../src/config';
import { withAfterCommit } from '../../src/db/after-commit';
import { POSTGRES_EARLY_COMMIT } from '../../src/db/postgres';
import { preparingPool } from '../../src/db/prepared';
import type { DB } from '../../src/db/schema';
import { inProcessStreamBus } from '../../src/events/stream-bus';
import {
  SUITE_TIMEOUT,
  dialects,
  openPortal,
  setupProject,
  share,
  signUp,
  useApp,
} from './harness';
import { statementCall } from './pg-statements';

type Sent = ReturnType<typeof statementCall>;

describe.runIf(dialects.includes('postgres'))('named statements on postgres', SUITE_TIMEOUT, () => {
  const app = useApp('postgres');

  /** The app's driver on one connection (so its prepared statements can be seen), recorded. */
  async function oneConnection<T>(
    prepare: boolean,
    run: (db: Kysely<DB>, sent: Sent[]) => Promise<T>,
  ): Promise<T> {
    const sent: Sent[] = [];
    class RecordingClient extends pg.Client {
      override query(...args: unknown[]): never {
        sent.push(statementCall(args));
        return (super.query as (...a: unknown[]) => never)(...args);
      }
    }
    const pool = new pg.Pool({ connectionString: app().dbUrl, max: 1, Client: RecordingClient });
    const failures: unknown[] = [];
    const db = new Kysely<DB>({
      dialect: withAfterCommit(
        new PostgresDialect({ pool: preparingPool(pool, prepare) }),
        (error) => failures.push(error),
        POSTGRES_EARLY_COMMIT,
      ),
    });
    try {
      return await run(db, sent);
    } finally {
      await db.destroy();
      expect(failures).toEqual([]);
    }
  }

  async function project() {
    const freelancer = await signUp(app());
    const fixture = await setupProject(freelancer);
    await openPortal(app(), { code: (await share(freelancer, fixture.project.id)).code });
    const userId = freelancer.user?.id;
    if (userId === undefined) throw new Error('signed up without a user');
    return { userId, projectId: fixture.project.id };
  }

  const send = (db: Kysely<DB>, userId: string, projectId: string, text: string) =>
    sendMessage({
      db,
      events: inProcessStreamBus(),
      actor: { type: 'freelancer', userId },
      projectId,
      message: { id: randomUUID(), thread: 'general', text },
    });

  const preparedOnServer = async (db: Kysely<DB>) =>
    (
      await sql<{
        name: string;
        statement: string;
      }>`select name, statement from pg_prepared_statements order by name`.execute(db)
    ).rows;

  test('the send, its fence and the stream read are prepared once per connection; nothing else is', async () => {
    const { userId, projectId } = await project();
    await oneConnection(true, async (db, sent) => {
      const first = await send(db, userId, projectId, 'one');
      const second = await send(db, userId, projectId, 'two');
      const entries = await readStreamAfter({
        db,
        projectId,
        afterSeq: first.message.seq - 1,
        limit: 10,
      });
      expect(entries.map((e) => e.message?.body)).toEqual(['one', 'two']);
      expect(second.message.seq).toBe(first.message.seq + 1);

      const named = sent.filter((s) => s.name !== undefined);
      const sendStatement = named.filter((s) => /^with .*pg_notify|^with "l"/s.test(s.text));
      expect(sendStatement).toHaveLength(2);
      expect(named.filter((s) => s.text === POSTGRES_EARLY_COMMIT.fence.sql)).toHaveLength(2);
      expect(named.filter((s) => s.text.includes('from "stream_events" as "e"'))).toHaveLength(1);
      expect(named).toHaveLength(5);
      for (const s of named) expect(s.name).toMatch(/^milepost_[0-9a-f]{24}$/);
      // One name per text, whatever connection or process sends it.
      expect(new Set(named.map((s) => s.name)).size).toBe(3);
      // Any other statement goes unnamed.
      await db
        .selectFrom('chat_messages')
        .select('id')
        .where('project_id', '=', projectId)
        .execute();
      expect(sent.at(-1)).toMatchObject({ name: undefined });
      expect(sent.at(-1)?.text).toMatch(/^select "id" from "chat_messages"/);

      // The server's view: prepared on this connection, under those names, once each.
      const onServer = await preparedOnServer(db);
      expect(onServer.map((p) => p.name).sort()).toEqual(
        [...new Set(named.map((s) => s.name))].sort(),
      );
    });
  });

  test('with DATABASE_PREPARED_STATEMENTS=false nothing is named', async () => {
    expect(loadConfig({ DATABASE_URL: app().dbUrl }).database).toMatchObject({
      preparedStatements: true,
    });
    expect(
      loadConfig({ DATABASE_URL: app().dbUrl, DATABASE_PREPARED_STATEMENTS: 'false' }).database,
    ).toMatchObject({ preparedStatements: false });
    const { userId, projectId } = await project();
    await oneConnection(false, async (db, sent) => {
      const { message } = await send(db, userId, projectId, 'unnamed');
      await readStreamAfter({ db, projectId, afterSeq: message.seq - 1, limit: 10 });
      expect(sent.length).toBeGreaterThan(0);
      expect(sent.filter((s) => s.name !== undefined)).toEqual([]);
      expect(await preparedOnServer(db)).toEqual([]);
    });
  });

  test('a column added to projects while the send is prepared does not break it (a prepared * would)', async () => {
    const { userId, projectId } = await project();
    const column = `added_${randomUUID().replaceAll('-', '').slice(0, 8)}`;
    const other = new pg.Client({ connectionString: app().dbUrl });
    await other.connect();
    try {
      await oneConnection(true, async (db) => {
        await send(db, userId, projectId, 'before the migration');
        // The hazard the column list avoids, on the same connection: a prepared `*`.
        const star = {
          name: 'test_projects_star',
          text: 'select * from projects where id = $1',
          values: [projectId],
        };
        const raw = new pg.Client({ connectionString: app().dbUrl });
        await raw.connect();
        try {
          await raw.query(star);
          await other.query(`alter table projects add column ${column} text`);
          await expect(raw.query(star)).rejects.toThrow(/cached plan must not change result type/);
        } finally {
          await raw.end();
        }
        const { message, created } = await send(db, userId, projectId, 'after the migration');
        expect(created).toBe(true);
        const stored = await db
          .selectFrom('chat_messages')
          .select(['body', 'seq'])
          .where('id', '=', message.id)
          .executeTakeFirstOrThrow();
        expect(stored).toEqual({ body: 'after the migration', seq: message.seq });
      });
    } finally {
      await other.query(`alter table projects drop column if exists ${column}`);
      await other.end();
    }
  });
});
