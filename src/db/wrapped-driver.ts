/**
 * Kysely has no hooks around a transaction; Milepost's two (work after a commit, a disk flush
 * before a commit is reported) wrap the dialect's driver and its connections. This is what both
 * wrappers share: each driver connection gets one wrapper for its life, and whatever a subclass
 * does not override goes to the inner driver with the inner connection.
 */
import type {
  DatabaseConnection,
  Dialect,
  Driver,
  QueryResult,
  CompiledQuery,
  TransactionSettings,
} from 'kysely';

/** A dialect whose driver is `wrap(the dialect's own driver)`. */
export function withDriver(dialect: Dialect, wrap: (driver: Driver) => Driver): Dialect {
  return {
    createAdapter: () => dialect.createAdapter(),
    createQueryCompiler: () => dialect.createQueryCompiler(),
    createIntrospector: (db) => dialect.createIntrospector(db),
    createDriver: () => wrap(dialect.createDriver()),
  };
}

/** A connection that passes its queries on unless a subclass says otherwise. */
export class WrappedConnection implements DatabaseConnection {
  constructor(readonly inner: DatabaseConnection) {}

  executeQuery<R>(query: CompiledQuery): Promise<QueryResult<R>> {
    return this.inner.executeQuery<R>(query);
  }

  streamQuery<R>(query: CompiledQuery, chunkSize?: number): AsyncIterableIterator<QueryResult<R>> {
    return this.inner.streamQuery<R>(query, chunkSize);
  }
}

export abstract class WrappingDriver<W extends WrappedConnection> implements Driver {
  private readonly wrapped = new WeakMap<DatabaseConnection, W>();

  constructor(protected readonly inner: Driver) {}

  protected abstract wrap(connection: DatabaseConnection): W;

  init(): Promise<void> {
    return this.inner.init();
  }

  async acquireConnection(): Promise<DatabaseConnection> {
    const connection = await this.inner.acquireConnection();
    let wrapper = this.wrapped.get(connection);
    if (!wrapper) {
      wrapper = this.wrap(connection);
      this.wrapped.set(connection, wrapper);
    }
    return wrapper;
  }

  beginTransaction(connection: DatabaseConnection, settings: TransactionSettings): Promise<void> {
    return this.inner.beginTransaction((connection as W).inner, settings);
  }

  commitTransaction(connection: DatabaseConnection): Promise<void> {
    return this.inner.commitTransaction((connection as W).inner);
  }

  rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    return this.inner.rollbackTransaction((connection as W).inner);
  }

  releaseConnection(connection: DatabaseConnection): Promise<void> {
    return this.inner.releaseConnection((connection as W).inner);
  }

  destroy(): Promise<void> {
    return this.inner.destroy();
  }
}
