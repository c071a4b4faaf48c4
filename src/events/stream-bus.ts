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
 *
 * The same way, on a channel of its own, a hint that some sessions may have ended (a logout, a
 * revoked or reissued code, an archived project): it names the user or project only, and every
 * instance re-checks its sockets of that user or project against the sessions' rows at once, so
 * they close within moments wherever they are — not only at the next periodic check.
 */
import { EventEmitter } from 'node:events';
import { sql, type Kysely } from 'kysely';
import pg from 'pg';
import type { Config } from '../config';
import type { DB } from '../db/schema';

export const STREAM_CHANNEL = 'milepost_stream';
export const SESSIONS_CHANNEL = 'milepost_sessions';

/** Whose sessions may have ended: a freelancer's (logout) or a project's client (revoked, …). */
export type SessionScope = { userId: string } | { projectId: string };
export type SessionListener = (scope: SessionScope | null) => void;

/** A project's stream has entries up to `seq` (or, with seq null, read everything again). */
export type StreamListener = (projectId: string | null, seq: number | null) => void;

/** What writers need: the actions that add to a stream take only this. */
export interface StreamAnnouncer {
  /** Inside the transaction that wrote the entry: listeners hear of it once it has committed. */
  announce(trx: Kysely<DB>, projectId: string, seq: number): Promise<void>;
  /**
   * Sessions of `scope` may have ended: once `trx` commits (or at once, outside a transaction),
   * every instance re-checks its sockets of that scope.
   */
  sessionsChanged(trx: Kysely<DB>, scope: SessionScope): Promise<void>;
}

export interface StreamBus extends StreamAnnouncer {
  listen(listener: StreamListener): () => void;
  /** Hears session hints; `null`: hints may have been missed, re-check every socket. */
  listenSessions(listener: SessionListener): () => void;
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
    sessionsChanged(_trx, scope) {
      setImmediate(() => emitter.emit('sessions', scope));
      return Promise.resolve();
    },
    listen(listener) {
      emitter.on('entry', listener);
      return () => emitter.off('entry', listener);
    },
    listenSessions(listener) {
      emitter.on('sessions', listener);
      return () => emitter.off('sessions', listener);
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
      if (!message.payload) return;
      if (message.channel === STREAM_CHANNEL) {
        const [projectId = '', seq = ''] = message.payload.split(' ');
        emitter.emit('entry', projectId, Number(seq));
      } else if (message.channel === SESSIONS_CHANNEL) {
        const scope = parseScope(message.payload);
        if (scope) emitter.emit('sessions', scope);
      }
    });
    next.on('error', (error) => {
      log.warn({ err: error }, 'stream LISTEN connection failed; reconnecting');
      lost(next);
    });
    next.on('end', () => lost(next));
    try {
      await next.connect();
      await next.query(`LISTEN ${STREAM_CHANNEL}`);
      await next.query(`LISTEN ${SESSIONS_CHANNEL}`);
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
        // Whatever was announced meanwhile is in the rows: everyone reads and checks again.
        () => {
          emitter.emit('entry', null, null);
          emitter.emit('sessions', null);
        },
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
    sessionsChanged: postgresSessionsChanged,
    listen(listener) {
      emitter.on('entry', listener);
      return () => emitter.off('entry', listener);
    },
    listenSessions(listener) {
      emitter.on('sessions', listener);
      return () => emitter.off('sessions', listener);
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
    ? { announce: postgresAnnounce, sessionsChanged: postgresSessionsChanged }
    : { announce: () => Promise.resolve(), sessionsChanged: () => Promise.resolve() };
}

async function postgresAnnounce(trx: Kysely<DB>, projectId: string, seq: number): Promise<void> {
  await sql`select pg_notify(${STREAM_CHANNEL}, ${`${projectId} ${seq}`})`.execute(trx);
}

async function postgresSessionsChanged(trx: Kysely<DB>, scope: SessionScope): Promise<void> {
  const payload = 'userId' in scope ? `u ${scope.userId}` : `p ${scope.projectId}`;
  await sql`select pg_notify(${SESSIONS_CHANNEL}, ${payload})`.execute(trx);
}

function parseScope(payload: string): SessionScope | undefined {
  const [kind, id] = payload.split(' ');
  if (id === undefined || id === '') return undefined;
  if (kind === 'u') return { userId: id };
  if (kind === 'p') return { projectId: id };
  return undefined;
}

export function createStreamBus(config: Config, log: Log): Promise<StreamBus> {
  return config.database.dialect === 'postgres'
    ? postgresStreamBus(config.database.url, log)
    : Promise.resolve(inProcessStreamBus());
}
