/**
 * Work that must happen only once a transaction has committed — announcing new stream entries to
 * the app instances is the one use. `afterCommit(trx, work)` inside a transaction keeps `work`
 * until that transaction commits (and drops it on rollback); outside one, it runs at once.
 *
 * `onceWritten(trx, work)` is the earlier stage, for work a power cut may undo: it runs once the
 * commit is written to the database's log — it then survives this process being killed — and
 * before the log is flushed to disk; the transaction still returns only after the flush.
 * - SQLite (src/db/sqlite.ts): the flush runs on the thread pool while this work runs. Nothing
 *   reads the commit before its flush (the connection is still the committing transaction's), so
 *   the work gets no connection, and after-commit work runs after the flush.
 * - PostgreSQL (`EarlyCommit`, src/db/postgres.ts): a transaction with such work — or with
 *   after-commit work kept `{ beforeFlush: true }` — commits without waiting for its WAL flush
 *   (its rows are visible to every connection at once), then the written-stage work and the
 *   after-commit work run, then the connection waits until the log is flushed through that commit
 *   (a fence). Another instance hearing of an entry then reads it without waiting for a disk flush;
 *   the writer is answered durable, as before. Without such work a commit is a plain one.
 * Either way a power cut in the flush's few milliseconds can undo what someone was shown; the
 * stream's clients then resync (src/domain/stream-resume.ts).
 *
 * Kysely has no commit hook, so the dialect's driver is wrapped (`withAfterCommit`): the wrapped
 * connection recognises the marker query `afterCommit` sends through the transaction's own
 * connection (the work rides in its parameters and never reaches the database), and the wrapped
 * `commitTransaction` runs the kept work right after COMMIT, on that same connection, before
 * Kysely releases it — so the transaction's `execute` returns only once the work has run, and
 * the work needs no second pool slot.
 *
 * Why not inside the transaction: PostgreSQL's NOTIFY takes a cluster-wide lock at commit and
 * holds it through the commit's WAL flush, which queued every notifying commit behind the one
 * before it; after the commit the flushes of concurrent transactions overlap again. And a NOTIFY
 * that fails (its queue full) would fail the commit with it; after the commit it costs a hint.
 */
import {
  CompiledQuery,
  type DatabaseConnection,
  type Dialect,
  type Driver,
  type Kysely,
  type QueryResult,
  type TransactionSettings,
} from 'kysely';
import type { DB } from './schema';
import { WrappedConnection, WrappingDriver, withDriver } from './wrapped-driver';

/** Runs queries on the connection whose transaction just committed (outside any transaction). */
export interface CommittedConnection {
  executeQuery<R>(query: CompiledQuery): Promise<QueryResult<R>>;
}

export type AfterCommitWork = (connection: CommittedConnection) => void | Promise<void>;

const MARKER = '/* milepost: after commit */';
const EARLY_MARKER = '/* milepost: after commit, before the flush */';
const WRITTEN_MARKER = '/* milepost: once written */';

/** Work run once a commit is written, maybe before it is on disk (see above). */
export type WrittenWork = () => void;

/** A driver connection whose commit is written before it is flushed calls `whenWritten` between. */
export interface CommitStages {
  whenWritten: (() => void) | undefined;
}

/**
 * Runs `work` once `db`'s transaction commits; at once when `db` is not a transaction. With
 * `beforeFlush`, the work may run before the commit is flushed to disk (on PostgreSQL it then
 * does; see above): only for hints whose loss in a power cut costs nothing.
 */
export async function afterCommit(
  db: Kysely<DB>,
  work: AfterCommitWork,
  { beforeFlush = false }: { beforeFlush?: boolean } = {},
): Promise<void> {
  await db.executeQuery(CompiledQuery.raw(beforeFlush ? EARLY_MARKER : MARKER, [work]));
}

/**
 * Runs `work` once `db`'s transaction's commit is written, perhaps before it is flushed to disk;
 * at once when `db` is not a transaction. Only for what a power cut may undo: handing a stream
 * entry to this instance's own sockets, whose clients resync if the entry is lost.
 */
export async function onceWritten(db: Kysely<DB>, work: WrittenWork): Promise<void> {
  await db.executeQuery(CompiledQuery.raw(WRITTEN_MARKER, [work]));
}

/** Reports work that failed after its commit (which stands: the failure cannot undo it). */
export type AfterCommitFailure = (error: unknown) => void;

/**
 * For a database whose commit returns flushed (PostgreSQL): how to commit the open transaction
 * without waiting for the flush, and how to wait afterwards until everything committed before is
 * flushed. Each is one statement (or one simple-protocol string) on the committing connection.
 */
export interface EarlyCommit {
  commit: CompiledQuery;
  fence: CompiledQuery;
}

export function withAfterCommit(
  dialect: Dialect,
  failed: AfterCommitFailure,
  early?: EarlyCommit,
): Dialect {
  return withDriver(dialect, (driver) => new AfterCommitDriver(driver, failed, early));
}

class AfterCommitConnection extends WrappedConnection {
  /** The work kept while a transaction is open; undefined outside one. */
  pending: AfterCommitWork[] | undefined;
  /** The work for when the commit is written, kept alike. */
  written: WrittenWork[] | undefined;
  /** Some kept work may run before the commit is flushed. */
  early = false;

  constructor(
    inner: DatabaseConnection,
    private readonly failed: AfterCommitFailure,
  ) {
    super(inner);
  }

  override async executeQuery<R>(query: CompiledQuery): Promise<QueryResult<R>> {
    if (query.sql === WRITTEN_MARKER) {
      const work = query.parameters[0] as WrittenWork;
      if (this.written) this.written.push(work);
      else this.runWritten([work]);
      return { rows: [] };
    }
    if (query.sql !== MARKER && query.sql !== EARLY_MARKER) {
      return this.inner.executeQuery<R>(query);
    }
    const work = query.parameters[0] as AfterCommitWork;
    if (this.pending) {
      this.pending.push(work);
      if (query.sql === EARLY_MARKER) this.early = true;
    } else await this.run([work]);
    return { rows: [] };
  }

  runWritten(works: WrittenWork[]): void {
    for (const work of works) {
      try {
        work();
      } catch (error) {
        this.failed(error);
      }
    }
  }

  async run(works: AfterCommitWork[]): Promise<void> {
    for (const work of works) {
      try {
        await work(this.inner);
      } catch (error) {
        this.failed(error);
      }
    }
  }
}

class AfterCommitDriver extends WrappingDriver<AfterCommitConnection> {
  constructor(
    inner: Driver,
    private readonly failed: AfterCommitFailure,
    private readonly earlyCommit: EarlyCommit | undefined,
  ) {
    super(inner);
  }

  protected wrap(connection: DatabaseConnection): AfterCommitConnection {
    return new AfterCommitConnection(connection, this.failed);
  }

  override async beginTransaction(
    connection: DatabaseConnection,
    settings: TransactionSettings,
  ): Promise<void> {
    const wrapper = connection as AfterCommitConnection;
    await this.inner.beginTransaction(wrapper.inner, settings);
    wrapper.pending = [];
    wrapper.written = [];
    wrapper.early = false;
  }

  override async commitTransaction(connection: DatabaseConnection): Promise<void> {
    const wrapper = connection as AfterCommitConnection;
    const works = wrapper.pending ?? [];
    const written = wrapper.written ?? [];
    let ran = written.length === 0;
    const whenWritten = () => {
      ran = true;
      wrapper.runWritten(written);
    };
    // A connection that writes before it flushes calls this in between; a database whose commit
    // returns flushed commits early when kept work allows it, and waits for the flush after the
    // work; otherwise the work runs once the commit has returned.
    const stages = isStaged(wrapper.inner) ? wrapper.inner : undefined;
    const early = !stages && (written.length > 0 || wrapper.early) ? this.earlyCommit : undefined;
    if (stages && !ran) stages.whenWritten = whenWritten;
    try {
      if (early) await wrapper.inner.executeQuery(early.commit);
      else await this.inner.commitTransaction(wrapper.inner);
    } finally {
      wrapper.pending = undefined;
      wrapper.written = undefined;
      wrapper.early = false;
      if (stages) stages.whenWritten = undefined;
    }
    if (!ran) whenWritten();
    await wrapper.run(works);
    if (early) await wrapper.inner.executeQuery(early.fence);
  }

  override async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    const wrapper = connection as AfterCommitConnection;
    wrapper.pending = undefined;
    wrapper.written = undefined;
    wrapper.early = false;
    await this.inner.rollbackTransaction(wrapper.inner);
  }
}

function isStaged(connection: DatabaseConnection): connection is DatabaseConnection & CommitStages {
  return 'whenWritten' in connection;
}
