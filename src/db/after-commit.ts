/**
 * Work that must happen only once a transaction has committed — announcing new stream entries to
 * the app instances is the one use. `afterCommit(trx, work)` inside a transaction keeps `work`
 * until that transaction commits (and drops it on rollback); outside one, it runs at once.
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
 * before it; after the commit the flushes of concurrent transactions overlap again.
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

/** Runs `work` once `db`'s transaction commits; at once when `db` is not a transaction. */
export async function afterCommit(db: Kysely<DB>, work: AfterCommitWork): Promise<void> {
  await db.executeQuery(CompiledQuery.raw(MARKER, [work]));
}

/** Reports work that failed after its commit (which stands: the failure cannot undo it). */
export type AfterCommitFailure = (error: unknown) => void;

export function withAfterCommit(dialect: Dialect, failed: AfterCommitFailure): Dialect {
  return withDriver(dialect, (driver) => new AfterCommitDriver(driver, failed));
}

class AfterCommitConnection extends WrappedConnection {
  /** The work kept while a transaction is open; undefined outside one. */
  pending: AfterCommitWork[] | undefined;

  constructor(
    inner: DatabaseConnection,
    private readonly failed: AfterCommitFailure,
  ) {
    super(inner);
  }

  override async executeQuery<R>(query: CompiledQuery): Promise<QueryResult<R>> {
    if (query.sql !== MARKER) return this.inner.executeQuery<R>(query);
    const work = query.parameters[0] as AfterCommitWork;
    if (this.pending) this.pending.push(work);
    else await this.run([work]);
    return { rows: [] };
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
  }

  override async commitTransaction(connection: DatabaseConnection): Promise<void> {
    const wrapper = connection as AfterCommitConnection;
    const works = wrapper.pending ?? [];
    try {
      await this.inner.commitTransaction(wrapper.inner);
    } finally {
      wrapper.pending = undefined;
    }
    await wrapper.run(works);
  }

  override async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    const wrapper = connection as AfterCommitConnection;
    wrapper.pending = undefined;
    await this.inner.rollbackTransaction(wrapper.inner);
  }
}
