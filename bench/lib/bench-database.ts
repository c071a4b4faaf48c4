/**
 * The databases the analytics benches fill: SQLite in a temp folder, or a PostgreSQL database
 * created for the run and dropped after it.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { loadConfig } from '../../src/config';
import { openDatabase, type Database } from '../../src/db/database';

export interface Instance {
  database: Database;
  dispose(): Promise<void>;
}

/**
 * `durable: false` for a bench that only loads and reads (commits are then not flushed one by
 * one); a bench that times the server's own writes keeps the default.
 */
export async function sqliteInstance(
  prefix: string,
  options: { durable?: boolean } = {},
): Promise<Instance> {
  const dir = await mkdtemp(path.join(os.tmpdir(), `${prefix}-`));
  const database = await openDatabase(loadConfig({ DATA_DIR: dir, LOG_LEVEL: 'silent' }), options);
  return {
    database,
    dispose: async () => {
      await database.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

export async function postgresInstance(adminUrl: string, prefix: string): Promise<Instance> {
  const name = `${prefix.replaceAll('-', '_')}_${randomBytes(5).toString('hex')}`;
  const admin = async (text: string) => {
    const client = new pg.Client({ connectionString: adminUrl });
    await client.connect();
    try {
      await client.query(text);
    } finally {
      await client.end();
    }
  };
  await admin(`CREATE DATABASE ${name}`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const dir = await mkdtemp(path.join(os.tmpdir(), `${prefix}-`));
  const database = await openDatabase(
    loadConfig({ DATA_DIR: dir, DATABASE_URL: url.toString(), LOG_LEVEL: 'silent' }),
  );
  return {
    database,
    dispose: async () => {
      await database.close();
      await admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await rm(dir, { recursive: true, force: true });
    },
  };
}

export const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
};
