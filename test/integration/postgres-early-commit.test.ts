/**
 * PostgreSQL's early commit (src/db/after-commit.ts, src/db/postgres.ts): a transaction whose kept
 * work may run before its flush commits with `synchronous_commit` off, runs the work — its rows
 * already visible to other connections — and returns only after a fence that flushes the log
 * through it. Every statement the driver sends is recorded at the `pg` client, so the order is
 * the order PostgreSQL saw.
 */
import { randomUUID } from 'node:crypto';
import { CompiledQuery, Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { afterCommit, onceWritten, withAfterCommit } from '../../src/db/after-commit';
import { migrateToLatest } from '../../src/db/database';
import { POSTGRES_EARLY_COMMIT } from '../../src/db/postgres';
import type { DB } from '../../src/db/schema';
import { postgresStreamBus, type StreamEntry } from '../../src/events/stream-bus';
import { HOOK_TIMEOUT, dialects, provisionStorage, type Storage } from './harness';
import { statementText } from './pg-statements';

const COMMIT_EARLY = POSTGRES_EARLY_COMMIT.commit.sql;
const FENCE = POSTGRES_EARLY_COMMIT.fence.sql;

/** What the statements and the work did, in order. */
const events: string[] = [];

class RecordingClient extends pg.Client {
  override query(...args: unknown[]): never {
    events.push(statementText(args).trim().toLowerCase());
    return (super.query as (...a: unknown[]) => never)(...args);
  }
}

const quiet = { warn: () => undefined, info: () => undefined };

describe.runIf(dialects.includes('postgres'))('PostgreSQL early commits', () => {
  let storage: Storage;
  let db: Kysely<DB>;
  let reader: pg.Client;
  const failures: unknown[] = [];

  beforeAll(async () => {
    storage = await provisionStorage('postgres');
    const url = storage.dbUrl ?? '';
    db = new Kysely<DB>({
      dialect: withAfterCommit(
        new PostgresDialect({
          pool: new pg.Pool({ connectionString: url, max: 2, Client: RecordingClient }),
        }),
        (error) => failures.push(error),
        POSTGRES_EARLY_COMMIT,
      ),
    });
    await migrateToLatest(db);
    await sql`create table early_probe (id text primary key)`.execute(db);
    reader = new pg.Client({ connectionString: url });
    await reader.connect();
  }, HOOK_TIMEOUT);

  afterAll(async () => {
    await reader.end();
    await db.destroy();
    await storage.dispose();
  }, HOOK_TIMEOUT);

  const probe = (id: string) => sql`insert into early_probe (id) values (${id})`;
  const visibleToOthers = async (id: string) =>
    (await reader.query('select 1 from early_probe where id = $1', [id])).rowCount === 1;
  /** The statements from the probe's insert on, with the work's marks. */
  const fromProbe = () =>
    events.slice(events.findIndex((e) => e.startsWith('insert into early_probe')));

  test('kept work that may run before the flush: commits early, the work sees the commit visible, the fence comes last', async () => {
    events.length = 0;
    const id = randomUUID();
    let insertLsn = '';
    let visible = false;
    await db.transaction().execute(async (trx) => {
      await probe(id).execute(trx);
      await onceWritten(trx, () => events.push('mark: written'));
      await afterCommit(
        trx,
        async (connection) => {
          events.push('mark: after commit');
          visible = await visibleToOthers(id);
          const { rows } = await connection.executeQuery<{ lsn: string }>(
            CompiledQuery.raw('select pg_current_wal_insert_lsn()::text as lsn', []),
          );
          insertLsn = rows[0]?.lsn ?? '';
        },
        { beforeFlush: true },
      );
      events.push('mark: body done');
    });
    expect(fromProbe()).toEqual([
      `insert into early_probe (id) values ($1)`,
      'mark: body done',
      COMMIT_EARLY,
      'mark: written',
      'mark: after commit',
      'select pg_current_wal_insert_lsn()::text as lsn',
      FENCE,
    ]);
    expect(visible).toBe(true);
    // Returned durable: the log is flushed at least through where it stood after the commit.
    const { rows } = await reader.query<{ flushed: boolean }>(
      'select $1::pg_lsn <= pg_current_wal_flush_lsn() as flushed',
      [insertLsn],
    );
    expect(rows[0]?.flushed).toBe(true);
    expect(failures).toEqual([]);
  });

  test('only work for after the flush: a plain commit, no fence', async () => {
    events.length = 0;
    const id = randomUUID();
    await db.transaction().execute(async (trx) => {
      await probe(id).execute(trx);
      await afterCommit(trx, () => {
        events.push('mark: after commit');
      });
    });
    expect(fromProbe()).toEqual([
      `insert into early_probe (id) values ($1)`,
      'commit',
      'mark: after commit',
    ]);
  });

  test('a rollback runs no work, commits nothing and needs no fence', async () => {
    events.length = 0;
    const id = randomUUID();
    await expect(
      db.transaction().execute(async (trx) => {
        await probe(id).execute(trx);
        await afterCommit(trx, () => void events.push('mark: after commit'), {
          beforeFlush: true,
        });
        throw new Error('roll back');
      }),
    ).rejects.toThrow('roll back');
    expect(fromProbe()).toEqual([`insert into early_probe (id) values ($1)`, 'rollback']);
    expect(await visibleToOthers(id)).toBe(false);
    // The next transaction on the same connections is a plain one again.
    events.length = 0;
    const next = randomUUID();
    await db.transaction().execute((trx) => probe(next).execute(trx));
    expect(fromProbe()).toEqual([`insert into early_probe (id) values ($1)`, 'commit']);
  });

  test("the stream bus's announcement commits early: NOTIFY and this instance's listeners before the fence, another instance hears it", async () => {
    const url = storage.dbUrl ?? '';
    const writer = await postgresStreamBus(url, quiet);
    const other = await postgresStreamBus(url, quiet);
    try {
      const heard = new Promise<string>((resolve) =>
        other.listen((projectId, seq) => resolve(`${projectId} ${seq}`)),
      );
      writer.listen((projectId, seq) => events.push(`mark: listener ${projectId} ${seq}`));
      events.length = 0;
      const id = randomUUID();
      const entry: StreamEntry = {
        projectId: 'p1',
        seq: 7,
        type: 'message.created',
        thread: 'general',
        message: null,
        data: {},
        at: new Date().toISOString(),
        tag: null,
      };
      await db.transaction().execute(async (trx) => {
        await probe(id).execute(trx);
        await writer.announce(trx, entry);
      });
      const trail = fromProbe();
      expect(trail.slice(0, 2)).toEqual([`insert into early_probe (id) values ($1)`, COMMIT_EARLY]);
      expect(trail[2]).toContain('pg_notify');
      expect(trail.slice(3)).toEqual(['mark: listener p1 7', FENCE]);
      expect(await heard).toBe('p1 7');
    } finally {
      await writer.close();
      await other.close();
    }
  });
});
