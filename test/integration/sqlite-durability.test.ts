/**
 * SQLite with its disk flushes off the event loop (src/db/sqlite.ts): a commit is reported only
 * once its log frames are flushed, reads do not wait for a flush, and the checkpoint thread keeps
 * the log from growing. Real SQLite files in a temp folder; the flush is the real `fdatasync`
 * except where a test holds it back to see who waits for it.
 */
import fs from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Kysely, sql, type Generated } from 'kysely';
import { afterEach, describe, expect, test } from 'vitest';
import { afterCommit, onceWritten, withAfterCommit } from '../../src/db/after-commit';
import { withoutWaitingForDisk } from '../../src/db/disk-wait';
import type { DB } from '../../src/db/schema';
import { sqliteDialect } from '../../src/db/sqlite';

interface Row {
  id: Generated<number>;
  body: string;
}
type TestDB = { t: Row };

const opened: Kysely<TestDB>[] = [];
const folders: string[] = [];

afterEach(async () => {
  for (const db of opened.splice(0)) await db.destroy();
  for (const dir of folders.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

async function open(options: Parameters<typeof sqliteDialect>[1] = {}) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'milepost-sqlite-'));
  folders.push(dir);
  const file = path.join(dir, 'db.sqlite');
  const db = new Kysely<TestDB>({ dialect: sqliteDialect(file, options) });
  opened.push(db);
  await sql`create table t (id integer primary key, body text not null)`.execute(db);
  return { db, file };
}

/** A flush the test can hold back (`hold`, then `release`), counting what it flushed. */
function heldFlush() {
  let gate: Promise<void> | undefined;
  let open: () => void = () => undefined;
  const state = {
    started: 0,
    done: 0,
    flush: async (handle: FileHandle) => {
      state.started++;
      await gate;
      await handle.datasync();
      state.done++;
    },
    hold: () => {
      gate = new Promise<void>((resolve) => (open = resolve));
    },
    release: () => {
      gate = undefined;
      open();
    },
  };
  return state;
}

/** Whether `promise` settles within a few turns of the event loop. */
async function settlesSoon(promise: Promise<unknown>): Promise<boolean> {
  let settled = false;
  void promise.then(
    () => (settled = true),
    () => (settled = true),
  );
  await sleep(50);
  return settled;
}

describe('SQLite commits', () => {
  test('a transaction returns only after its log frames are flushed', async () => {
    const held = heldFlush();
    const { db } = await open({ flush: held.flush, checkpointMs: 0 });
    held.hold();
    const before = held.done;
    const commit = db
      .transaction()
      .execute((trx) => trx.insertInto('t').values({ id: 1, body: 'paid' }).execute());
    expect(await settlesSoon(commit)).toBe(false);
    expect(held.started).toBe(before + 1);
    held.release();
    await commit;
    expect(held.done).toBe(before + 1);
  });

  test('work for a written commit runs while its flush is held; the commit and after-commit work wait for the flush', async () => {
    const held = heldFlush();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'milepost-sqlite-'));
    folders.push(dir);
    const failures: unknown[] = [];
    const db = new Kysely<TestDB>({
      dialect: withAfterCommit(
        sqliteDialect(path.join(dir, 'db.sqlite'), { flush: held.flush, checkpointMs: 0 }),
        (error) => failures.push(error),
      ),
    });
    opened.push(db);
    await sql`create table t (id integer primary key, body text not null)`.execute(db);
    // The hooks take the app's database type; this test's table is its own.
    const asApp = (trx: Kysely<TestDB>) => trx as unknown as Kysely<DB>;
    const seen: string[] = [];

    await expect(
      db.transaction().execute(async (trx) => {
        await trx.insertInto('t').values({ id: 1, body: 'undone' }).execute();
        await onceWritten(asApp(trx), () => seen.push('written, rolled back'));
        throw new Error('roll back');
      }),
    ).rejects.toThrow('roll back');

    held.hold();
    const started = held.started;
    const commit = db.transaction().execute(async (trx) => {
      await trx.insertInto('t').values({ id: 2, body: 'said' }).execute();
      await onceWritten(asApp(trx), () => seen.push('written'));
      await afterCommit(asApp(trx), () => {
        seen.push('committed');
      });
      expect(seen).toEqual([]);
    });
    expect(await settlesSoon(commit)).toBe(false);
    // Written (the flush has started and is held): the early work has run, nothing else has.
    expect(held.started).toBe(started + 1);
    expect(held.done).toBe(started);
    expect(seen).toEqual(['written']);
    held.release();
    await commit;
    expect(seen).toEqual(['written', 'committed']);
    expect(failures).toEqual([]);

    // Outside a transaction it runs at once.
    await onceWritten(asApp(db), () => seen.push('at once'));
    expect(seen.at(-1)).toBe('at once');
  });

  test('a bookkeeping write returns once written, its flush started; a plain write waits for a flush', async () => {
    const held = heldFlush();
    const { db } = await open({ flush: held.flush, checkpointMs: 0 });
    const bookkeeping = withoutWaitingForDisk(
      db as unknown as Kysely<DB>,
    ) as unknown as Kysely<TestDB>;
    held.hold();
    const started = held.started;
    await bookkeeping.insertInto('t').values({ id: 1, body: 'lease' }).execute();
    await bookkeeping.updateTable('t').set({ body: 'sent' }).where('id', '=', 1).execute();
    // Returned with a flush started and still held; the connection is free meanwhile.
    expect(held.started).toBeGreaterThan(started);
    expect(held.done).toBe(started);
    expect(await db.selectFrom('t').select('body').execute()).toEqual([{ body: 'sent' }]);
    const plain = db.insertInto('t').values({ id: 2, body: 'paid' }).execute();
    expect(await settlesSoon(plain)).toBe(false);
    held.release();
    await plain;
    expect(held.done).toBeGreaterThan(started);
  });

  test('a write outside a transaction waits for the flush; a read does not', async () => {
    const held = heldFlush();
    const { db } = await open({ flush: held.flush, checkpointMs: 0 });
    held.hold();
    const insert = db.insertInto('t').values({ id: 2, body: 'x' }).execute();
    expect(await settlesSoon(insert)).toBe(false);
    held.release();
    await insert;
    const started = held.started;
    const rows = await db.selectFrom('t').selectAll().execute();
    expect(rows).toEqual([{ id: 2, body: 'x' }]);
    expect(held.started).toBe(started);
  });

  test('a rolled-back transaction waits for no flush', async () => {
    const held = heldFlush();
    const { db } = await open({ flush: held.flush, checkpointMs: 0 });
    held.hold();
    const started = held.started;
    await expect(
      db.transaction().execute(async (trx) => {
        await trx.insertInto('t').values({ id: 3, body: 'y' }).execute();
        throw new Error('changed my mind');
      }),
    ).rejects.toThrow('changed my mind');
    expect(held.started).toBe(started);
    expect(await db.selectFrom('t').selectAll().execute()).toEqual([]);
  });

  test('kept statements see the rows of later writes, also after a streamed query', async () => {
    const { db } = await open({ checkpointMs: 0 });
    for (let id = 1; id <= 50; id++) {
      await db
        .insertInto('t')
        .values({ id, body: `row ${id}` })
        .execute();
      const count = await db
        .selectFrom('t')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow();
      expect(Number(count.n)).toBe(id);
    }
    // A streamed query, then the same SQL again: the kept statement is free once iterated.
    const seen: number[] = [];
    for await (const row of db.selectFrom('t').select('id').orderBy('id').stream()) {
      seen.push(row.id);
    }
    expect(await db.selectFrom('t').select('id').orderBy('id').execute()).toHaveLength(50);
    expect(seen).toHaveLength(50);
  });
});

describe('SQLite checkpoints', () => {
  const walSize = (file: string) => fs.statSync(`${file}-wal`).size;

  async function writeRounds(db: Kysely<TestDB>, rounds: number) {
    for (let round = 0; round < rounds; round++) {
      await db.transaction().execute(async (trx) => {
        for (let i = 0; i < 20; i++) {
          await trx
            .insertInto('t')
            .values({ body: 'x'.repeat(2000) })
            .execute();
        }
      });
      await sleep(30);
    }
  }

  test('the checkpoint thread keeps the log small; without it the log grows', async () => {
    const kept = await open({ checkpointMs: 20 });
    const unkept = await open({ checkpointMs: 0 });
    await Promise.all([writeRounds(kept.db, 40), writeRounds(unkept.db, 40)]);
    // 40 rounds × 20 rows × 2 KB ≈ 1.6 MB of rows, about 2 MB of log frames without checkpoints.
    expect(walSize(unkept.file)).toBeGreaterThan(1_500_000);
    expect(walSize(kept.file)).toBeLessThan(500_000);
    const count = await kept.db
      .selectFrom('t')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    expect(Number(count.n)).toBe(800);
  });

  test('the server connection never checkpoints by itself', async () => {
    const { db } = await open();
    const { rows } = await sql<{ wal_autocheckpoint: number }>`pragma wal_autocheckpoint`.execute(
      db,
    );
    expect(rows[0]?.wal_autocheckpoint).toBe(0);
    const sync = await sql<{ synchronous: number }>`pragma synchronous`.execute(db);
    expect(sync.rows[0]?.synchronous).toBe(1); // NORMAL, with the flush before each report
  });
});
