/**
 * Announces new entries of a project's stream to every app instance, so each can read the rows
 * and pass them to its sockets. The payload carries ids only (project, sequence number): the rows
 * themselves are always read from the database, which keeps the one order.
 *
 * Two implementations, chosen by the database in the configuration:
 * - SQLite (one instance): in process. `announce` is called inside the writing transaction and
 *   wakes listeners at once; their reads go through the same single connection, so they run
 *   after that transaction has committed (or rolled back, and then find nothing new).
 * - PostgreSQL (one or many instances): `pg_notify` inside the writing transaction, which
 *   PostgreSQL delivers to every LISTENing instance only when — and if — it commits, in commit
 *   order. A dedicated connection LISTENs and reconnects after a failure, then asks everyone to
 *   read again (anything announced while it was away is in the rows).
 */
import { EventEmitter } from 'node:events';
import { sql, type Kysely } from 'kysely';
import pg from 'pg';
import type { Config } from '../config';
import type { DB } from '../db/schema';

export const STREAM_CHANNEL = 'milepost_stream';

/** A project's stream has entries up to `seq` (or, with seq null, read everything again). */
export type StreamListener = (projectId: string | null, seq: number | null) => void;

/** What writers need: the actions that add to a stream take only this. */
export interface StreamAnnouncer {
  /** Inside the transaction that wrote the entry: listeners hear of it once it has committed. */
  announce(trx: Kysely<DB>, projectId: string, seq: number): Promise<void>;
}

export interface StreamBus extends StreamAnnouncer {
  listen(listener: StreamListener): () => void;
  close(): Promise<void>;
}

interface Log {
  warn(object: object, message: string): void;
  info(object: object, message: string): void;
}

export function inProcessStreamBus(): StreamBus {
  const emitter = new EventEmitter();
  emitter.setMaxListeners(0);
  return {
    announce(_trx, projectId, seq) {
      setImmediate(() => emitter.emit('entry', projectId, seq));
      return Promise.resolve();
    },
    listen(listener) {
      emitter.on('entry', listener);
      return () => emitter.off('entry', listener);
    },
    close() {
      emitter.removeAllListeners();
      return Promise.resolve();
    },
  };
}

export async function postgresStreamBus(url: string, log: Log): Promise<StreamBus> {
  const emitter = new EventEmitter();
  emitter.setMaxListeners(0);
  let client: pg.Client | undefined;
  let closed = false;
  let retry: NodeJS.Timeout | undefined;

  async function connect(): Promise<void> {
    const next = new pg.Client({ connectionString: url });
    next.on('notification', (message) => {
      if (message.channel !== STREAM_CHANNEL || !message.payload) return;
      const [projectId = '', seq = ''] = message.payload.split(' ');
      emitter.emit('entry', projectId, Number(seq));
    });
    next.on('error', (error) => {
      log.warn({ err: error }, 'stream LISTEN connection failed; reconnecting');
      lost(next);
    });
    next.on('end', () => lost(next));
    try {
      await next.connect();
      await next.query(`LISTEN ${STREAM_CHANNEL}`);
    } catch (error) {
      await next.end().catch(() => undefined);
      throw error;
    }
    client = next;
  }

  function lost(failed: pg.Client): void {
    if (closed || client !== failed) return;
    client = undefined;
    void failed.end().catch(() => undefined);
    scheduleConnect();
  }

  function scheduleConnect(): void {
    retry = setTimeout(() => {
      if (closed) return;
      connect().then(
        // Whatever was announced meanwhile is in the rows: everyone reads again.
        () => emitter.emit('entry', null, null),
        (error: unknown) => {
          log.warn({ err: error }, 'stream LISTEN reconnect failed; trying again');
          scheduleConnect();
        },
      );
    }, 500);
  }

  await connect();
  return {
    announce: postgresAnnounce,
    listen(listener) {
      emitter.on('entry', listener);
      return () => emitter.off('entry', listener);
    },
    async close() {
      closed = true;
      clearTimeout(retry);
      emitter.removeAllListeners();
      await client?.end().catch(() => undefined);
    },
  };
}

/**
 * For a process that writes but serves no sockets (the reconcile command): on PostgreSQL the
 * NOTIFY reaches the servers; on SQLite nothing can, and their sockets get the entries with the
 * project's next announcement or the next (re)subscription, which read from the rows.
 */
export function announcerOnly(config: Config): StreamAnnouncer {
  return config.database.dialect === 'postgres'
    ? { announce: postgresAnnounce }
    : { announce: () => Promise.resolve() };
}

async function postgresAnnounce(trx: Kysely<DB>, projectId: string, seq: number): Promise<void> {
  await sql`select pg_notify(${STREAM_CHANNEL}, ${`${projectId} ${seq}`})`.execute(trx);
}

export function createStreamBus(config: Config, log: Log): Promise<StreamBus> {
  return config.database.dialect === 'postgres'
    ? postgresStreamBus(config.database.url, log)
    : Promise.resolve(inProcessStreamBus());
}
