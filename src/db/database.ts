/**
 * Opens the database the configuration names — SQLite on local disk by default, PostgreSQL when
 * DATABASE_URL is set — and brings its schema up to date with the one set of migrations.
 */
import fs from 'node:fs';
import path from 'node:path';
import { Kysely, Migrator, PostgresDialect } from 'kysely';
import pg from 'pg';
import type { Config } from '../config';
import { withAfterCommit } from './after-commit';
import { migrations } from './migrations';
import { POSTGRES_EARLY_COMMIT } from './postgres';
import { preparingPool } from './prepared';
import type { DB } from './schema';
import { sqliteDialect } from './sqlite';

export type Dialect = Config['database']['dialect'];

export interface Database {
  db: Kysely<DB>;
  dialect: Dialect;
  close(): Promise<void>;
}

// pg returns int8 (bigint, count(*)) as strings; our amounts stay far below 2^53.
pg.types.setTypeParser(20, (value) => Number(value));

/**
 * `durable: false` is for bulk loads whose loss in a power cut costs nothing (seed:demo, the
 * benches): SQLite then does not flush each commit before reporting it (src/db/sqlite.ts).
 */
export async function openDatabase(
  config: Config,
  options: { durable?: boolean } = {},
): Promise<Database> {
  const settings = config.database;
  let db: Kysely<DB>;
  if (settings.dialect === 'sqlite') {
    fs.mkdirSync(path.dirname(settings.file), { recursive: true, mode: 0o700 });
    // Owner-only from the first byte; SQLite gives its -wal and -shm files the database's mode.
    fs.closeSync(fs.openSync(settings.file, 'a', 0o600));
    db = new Kysely<DB>({
      dialect: withAfterCommit(
        sqliteDialect(settings.file, { durable: options.durable ?? true }),
        afterCommitFailed,
      ),
    });
  } else {
    db = new Kysely<DB>({
      dialect: withAfterCommit(
        new PostgresDialect({
          pool: preparingPool(
            new pg.Pool({ connectionString: settings.url, max: 10 }),
            settings.preparedStatements,
          ),
        }),
        afterCommitFailed,
        POSTGRES_EARLY_COMMIT,
      ),
    });
  }
  const database: Database = { db, dialect: settings.dialect, close: () => db.destroy() };
  try {
    await migrateToLatest(db);
  } catch (error) {
    await database.close();
    throw error;
  }
  return database;
}

/** Work after a commit handles its own failures; this is the last resort (the commit stands). */
function afterCommitFailed(error: unknown): void {
  console.error('work after a commit failed:', error);
}

export async function migrateToLatest(db: Kysely<DB>): Promise<void> {
  const migrator = new Migrator({
    db,
    provider: { getMigrations: () => Promise.resolve(migrations) },
    // Numbers are reserved per feature and do not always land in order (0016 before 0011): an
    // instance already at a later number still runs an earlier one that arrives afterwards.
    allowUnorderedMigrations: true,
  });
  const { error, results } = await migrator.migrateToLatest();
  const failed = results?.find((r) => r.status === 'Error');
  if (error || failed) {
    throw new Error(`Migration ${failed?.migrationName ?? ''} failed`, { cause: error });
  }
}
