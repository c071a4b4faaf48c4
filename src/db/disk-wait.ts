/**
 * Writes whose loss in a power cut costs nothing that is not redone anyway — the mail outbox's
 * bookkeeping: a lost lease is taken again, a lost rendered body is rendered again, a lost "sent"
 * sends the mail again, as a crash between sending and recording it does. On SQLite, such a write
 * outside a transaction returns once it is written to the log, with its flush started on the
 * thread pool but not awaited, so SQLite's one connection is not held for the disk while chat
 * messages wait for it (src/db/sqlite.ts); the next flush covers it. On PostgreSQL nothing changes.
 *
 * `withoutWaitingForDisk(db)` is `db` with a plugin that ends every INSERT, UPDATE and DELETE with
 * the comment `NO_DISK_WAIT`, which the SQLite driver recognises. Inside a transaction it changes
 * nothing: the transaction's commit is flushed before it returns.
 */
import {
  DeleteQueryNode,
  InsertQueryNode,
  RawNode,
  UpdateQueryNode,
  type Kysely,
  type KyselyPlugin,
  type PluginTransformQueryArgs,
  type PluginTransformResultArgs,
  type QueryResult,
  type RootOperationNode,
  type UnknownRow,
} from 'kysely';
import type { DB } from './schema';

export const NO_DISK_WAIT = '/* milepost: need not wait for the disk */';

const marker = RawNode.createWithSql(NO_DISK_WAIT);

const withoutDiskWait: KyselyPlugin = {
  transformQuery({ node }: PluginTransformQueryArgs): RootOperationNode {
    if (InsertQueryNode.is(node) || UpdateQueryNode.is(node) || DeleteQueryNode.is(node)) {
      return { ...node, endModifiers: [...(node.endModifiers ?? []), marker] };
    }
    return node;
  },
  transformResult({ result }: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
    return Promise.resolve(result);
  },
};

export function withoutWaitingForDisk(db: Kysely<DB>): Kysely<DB> {
  return db.withPlugin(withoutDiskWait);
}
