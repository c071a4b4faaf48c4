/**
 * SQLite on local disk without a disk flush on the event loop.
 *
 * better-sqlite3 runs every statement on the calling thread, so with `synchronous = FULL` each
 * commit's fsync of the write-ahead log — and every few seconds a checkpoint's fsyncs of the log
 * and the database file — stopped the whole server: every socket, every request, for as long as
 * the disk took (here 0.5 ms typically, 5–11 ms at the 99th percentile and under load). The
 * same guarantee is kept with the flushes moved off that thread:
 *
 * - The connection runs `synchronous = NORMAL` in WAL mode: a commit writes its log frames but
 *   does not flush them. Then, before the commit is reported to anyone (before Kysely's
 *   transaction returns, before the after-commit announcements, before an autocommit write
 *   returns), the log file is flushed with `fdatasync` on libuv's thread pool (`WalFlusher`). So
 *   a recorded payment still survives a power cut, as with FULL. The commit keeps SQLite's one
 *   connection until its flush ends — nothing reads what is not yet on disk — but not the event
 *   loop: sockets and requests that need no database go on meanwhile. The one thing said before
 *   the flush ends is what `onceWritten` (src/db/after-commit.ts) asked for — a chat entry handed
 *   to this instance's sockets — once COMMIT has written the frames (a killed process keeps
 *   them) and while the flush runs. And a write outside a transaction made through
 *   `withoutWaitingForDisk` (src/db/disk-wait.ts: the mail outbox's bookkeeping, which a power cut
 *   may undo at no cost) returns once written: its flush runs without holding the connection, so
 *   chat messages do not queue behind it.
 * - The connection never checkpoints itself (`wal_autocheckpoint = 0`): a worker thread with its
 *   own connection runs a PASSIVE checkpoint every second (`CHECKPOINT_MS`), which flushes the log
 *   before copying it into the database file and the database file before the log may be reused —
 *   SQLite's own ordering, now on another thread. PASSIVE never waits for, and never blocks, the
 *   server's connection.
 * - Statements are prepared once per SQL text and kept (`cachedStatements`): Kysely prepares
 *   every query it runs, and compiling the same SQL again for every message was CPU on the
 *   event loop for nothing.
 */
import fs from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import SQLite from 'better-sqlite3';
import {
  SqliteDialect,
  type CompiledQuery,
  type DatabaseConnection,
  type Dialect,
  type Driver,
  type QueryResult,
  type TransactionSettings,
} from 'kysely';
import type { CommitStages } from './after-commit';
import { NO_DISK_WAIT } from './disk-wait';
import { WrappedConnection, WrappingDriver, withDriver } from './wrapped-driver';

/** How often the worker thread checkpoints the log into the database file. */
export const CHECKPOINT_MS = 1000;
/** Prepared statements kept per connection (distinct SQL texts; the app has a few hundred). */
const STATEMENT_CACHE = 1000;

export interface SqliteOptions {
  /**
   * false for a bulk load whose loss in a power cut costs nothing (seed:demo, the benches):
   * commits are not flushed one by one; the checkpoints still flush.
   */
  durable?: boolean;
  /** Flushes the log file; tests replace it to see that commits wait for it. */
  flush?: (file: FileHandle) => Promise<void>;
  /** Checkpoint period (ms); 0 runs no checkpoint thread (the log then grows until close). */
  checkpointMs?: number;
}

/** Opens the database file as Milepost uses it: WAL, foreign keys, flushes off the event loop. */
export function sqliteDialect(file: string, options: SqliteOptions = {}): Dialect {
  const sqlite = new SQLite(file);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('foreign_keys = ON');
  // NORMAL + WalFlusher: a commit is flushed to disk before anyone hears of it (see above).
  sqlite.pragma('synchronous = NORMAL');
  sqlite.pragma('wal_autocheckpoint = 0');
  sqlite.pragma('busy_timeout = 5000');
  const flusher = new WalFlusher(
    `${file}-wal`,
    options.durable === false ? async () => {} : (options.flush ?? ((handle) => handle.datasync())),
  );
  const checkpointMs = options.checkpointMs ?? CHECKPOINT_MS;
  const checkpointer = checkpointMs > 0 ? startCheckpointer(file, checkpointMs) : null;
  return withDriver(
    new SqliteDialect({ database: cachedStatements(sqlite) }),
    (driver) =>
      new DurableDriver(driver, flusher, async () => {
        await checkpointer?.stop();
        await flusher.close();
      }),
  );
}

/**
 * Flushes the log file, one flush at a time; every caller's frames (written before it called)
 * are on disk when its promise resolves.
 */
export class WalFlusher {
  private handle: FileHandle | undefined;
  private running: Promise<void> | undefined;
  private queued: Promise<void> | undefined;
  /** Flushes done (tests and the bench read it). */
  flushes = 0;

  constructor(
    private readonly file: string,
    private readonly flush: (file: FileHandle) => Promise<void>,
  ) {}

  sync(): Promise<void> {
    if (!this.running) return this.start();
    // The running flush may have begun before this caller's frames were written: the next one.
    this.queued ??= this.running.then(
      () => this.next(),
      () => this.next(),
    );
    return this.queued;
  }

  private next(): Promise<void> {
    this.queued = undefined;
    return this.start();
  }

  private start(): Promise<void> {
    const run = this.flushOnce();
    this.running = run;
    const clear = () => {
      if (this.running === run) this.running = undefined;
    };
    run.then(clear, clear);
    return run;
  }

  private async flushOnce(): Promise<void> {
    if (!this.handle) {
      this.handle = await fs.promises.open(this.file, 'r');
      // A new log file's name must be on disk too, as SQLite's own first flush of it would do.
      const dir = await fs.promises.open(path.dirname(this.file), 'r');
      try {
        await dir.sync();
      } finally {
        await dir.close();
      }
    }
    await this.flush(this.handle);
    this.flushes++;
  }

  async close(): Promise<void> {
    await this.running?.catch(() => undefined);
    await this.queued?.catch(() => undefined);
    await this.handle?.close();
    this.handle = undefined;
  }
}

class DurableConnection extends WrappedConnection implements CommitStages {
  inTransaction = false;
  /** Set for a commit by src/db/after-commit.ts: called once it is written, while it flushes. */
  whenWritten: (() => void) | undefined = undefined;

  constructor(
    inner: DatabaseConnection,
    private readonly flusher: WalFlusher,
  ) {
    super(inner);
  }

  override async executeQuery<R>(query: CompiledQuery): Promise<QueryResult<R>> {
    const result = await this.inner.executeQuery<R>(query);
    if (this.inTransaction || !writes(query.sql)) return result;
    // A write outside a transaction committed as it ran: flushed before it returns, unless its
    // loss in a power cut costs nothing (src/db/disk-wait.ts); then its flush runs meanwhile.
    const flushed = this.flusher.sync();
    if (query.sql.endsWith(NO_DISK_WAIT)) {
      flushed.catch((error: unknown) => console.error('SQLite: flushing the log failed:', error));
    } else {
      await flushed;
    }
    return result;
  }
}

/** Whether a statement run outside a transaction may have written (anything but a select). */
function writes(sql: string): boolean {
  return !/^\s*select\b/i.test(sql);
}

class DurableDriver extends WrappingDriver<DurableConnection> {
  constructor(
    inner: Driver,
    private readonly flusher: WalFlusher,
    private readonly closeExtras: () => Promise<void>,
  ) {
    super(inner);
  }

  protected wrap(connection: DatabaseConnection): DurableConnection {
    return new DurableConnection(connection, this.flusher);
  }

  override async beginTransaction(
    connection: DatabaseConnection,
    settings: TransactionSettings,
  ): Promise<void> {
    await super.beginTransaction(connection, settings);
    (connection as DurableConnection).inTransaction = true;
  }

  override async commitTransaction(connection: DatabaseConnection): Promise<void> {
    const durable = connection as DurableConnection;
    try {
      await super.commitTransaction(connection);
    } finally {
      durable.inTransaction = false;
    }
    // Written to the log (a killed process keeps it): its flush starts on the thread pool, and
    // what may be said before the flush ends (src/db/after-commit.ts `onceWritten`) is said now.
    const flushed = this.flusher.sync();
    durable.whenWritten?.();
    await flushed;
  }

  override async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    try {
      await super.rollbackTransaction(connection);
    } finally {
      (connection as DurableConnection).inTransaction = false;
    }
  }

  override async destroy(): Promise<void> {
    await this.closeExtras();
    await super.destroy();
  }
}

/**
 * The database with `prepare` answered from a cache of statements by SQL text (least recently
 * used out first). A statement still being iterated (a streamed query) is not handed out again.
 */
function cachedStatements(sqlite: SQLite.Database): SQLite.Database {
  const cache = new Map<string, SQLite.Statement>();
  const prepare = sqlite.prepare.bind(sqlite);
  return new Proxy(sqlite, {
    get(target, property, receiver) {
      if (property !== 'prepare') return Reflect.get(target, property, receiver) as unknown;
      return (sql: string) => {
        const kept = cache.get(sql);
        if (kept && !kept.busy) {
          cache.delete(sql);
          cache.set(sql, kept);
          return kept;
        }
        const statement = prepare(sql);
        if (!kept) {
          cache.set(sql, statement);
          if (cache.size > STATEMENT_CACHE) cache.delete(cache.keys().next().value as string);
        }
        return statement;
      };
    },
  });
}

/** The code of the checkpoint thread (CommonJS: an eval'd worker has `require`). */
const CHECKPOINTER = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.file, { fileMustExist: true });
db.pragma('synchronous = FULL');
const timer = setInterval(() => {
  try {
    db.pragma('wal_checkpoint(PASSIVE)');
  } catch (error) {
    parentPort.postMessage({ error: String(error) });
  }
}, workerData.everyMs);
parentPort.on('message', () => {
  clearInterval(timer);
  db.close();
  parentPort.close();
});
`;

function startCheckpointer(file: string, everyMs: number): { stop(): Promise<void> } {
  const driver = createRequire(import.meta.url).resolve('better-sqlite3');
  const worker = new Worker(CHECKPOINTER, { eval: true, workerData: { file, everyMs, driver } });
  worker.on('message', (message: { error?: string }) => {
    if (message.error) console.error('SQLite checkpoint failed:', message.error);
  });
  worker.on('error', (error) => console.error('SQLite checkpoint thread failed:', error));
  worker.unref();
  let stopped: Promise<void> | undefined;
  return {
    stop() {
      stopped ??= new Promise<void>((resolve) => {
        // Held open while it closes: an unref'd thread would let the process end mid-close.
        worker.ref();
        worker.once('exit', () => resolve());
        worker.postMessage('stop');
      });
      return stopped;
    },
  };
}
