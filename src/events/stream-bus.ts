/**
 * Announces new entries of a project's stream to every app instance, so each can pass them to its
 * sockets. Announcements are hints: order and exactly-once come from the rows (each project's
 * sequence numbers are taken under its row lock, so they commit and become visible in order).
 *
 * Every announcement is made after the writing transaction has committed (src/db/after-commit.ts),
 * never inside it, and not at all if it rolls back:
 * - on this instance, the listeners get the committed entry itself at once, so the sockets here
 *   need no read for it. On SQLite (one instance) that is as soon as the commit is written to
 *   the log, while its disk flush runs (`onceWritten`): the entry survives the process being
 *   killed; a power cut in the flush's few milliseconds may undo it after sockets had it — the
 *   writer itself is answered only after the flush, and a client holding an entry the server
 *   lost is told to resync when it subscribes again (each entry's tag, src/actions/read-stream.ts);
 * - on PostgreSQL, `pg_notify` on the committed transaction’s connection (in a transaction of its
 *   own, committed without waiting for a disk flush) tells the other
 *   instances its project and number (the payload carries ids only; they read the rows), and this
 *   instance's listeners get the entry. Both happen once the commit is visible, before its WAL
 *   flush (`beforeFlush`: the writing transaction commits early and then waits for the flush, so
 *   the writer is answered durable; a power cut in between is what the tags' resync is for). Inside
 *   the transaction, NOTIFY would take PostgreSQL's cluster-wide notify lock at commit and hold it
 *   through the commit's WAL flush, so every message commit waited for the one before it. A
 *   dedicated connection LISTENs and reconnects after a failure, then asks everyone to read again.
 *   A chat send's one statement (src/db/queries/chat-send.ts) instead carries the NOTIFY in its
 *   own commit, which does not wait for a flush either (`inCommit`), and hands the entry to this
 *   instance's listeners once it returns.
 *   A hint lost between a commit and its NOTIFY (a crash, a dropped connection) is caught up by
 *   the hub's periodic comparison of the projects' heads with what its sockets were sent.
 *
 * The same way, on a channel of its own, a hint that some sessions may have ended (a logout, a
 * revoked or reissued code, an archived project): it names the user or project only, and every
 * instance re-checks its sockets of that user or project against the sessions' rows at once, so
 * they close within moments wherever they are — not only at the next periodic check.
 */
import { randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { CompiledQuery, type Kysely } from 'kysely';
import pg from 'pg';
import type { Config } from '../config';
import { afterCommit, onceWritten, type CommittedConnection } from '../db/after-commit';
import type { ChatMessageRow, DB, StreamEventType } from '../db/schema';

export const STREAM_CHANNEL = 'milepost_stream';
export const SESSIONS_CHANNEL = 'milepost_sessions';

/** Whose sessions may have ended: a freelancer's (logout) or a project's client (revoked, …). */
export type SessionScope = { userId: string } | { projectId: string };
export type SessionListener = (scope: SessionScope | null) => void;

/** One entry of a project's stream, with its message (if it has one) as it stands. */
export interface StreamEntry {
  projectId: string;
  seq: number;
  type: StreamEventType;
  thread: string | null;
  message: ChatMessageRow | null;
  data: Record<string, unknown>;
  at: string;
  /** Its random tag (src/domain/stream-resume.ts); null on rows from before migration 0040. */
  tag: string | null;
}

/**
 * A project's stream has entries up to `seq` (or, with seq null, read everything again). An entry
 * written on this instance comes with it, as committed.
 */
export type StreamListener = (
  projectId: string | null,
  seq: number | null,
  entry?: StreamEntry,
) => void;

/** What writers need: the actions that add to a stream take only this. */
export interface StreamAnnouncer {
  /** Inside the transaction that wrote the entry: it is announced once that has committed. */
  announce(trx: Kysely<DB>, entry: StreamEntry): Promise<void>;
  /**
   * Sessions of `scope` may have ended: once `trx` commits (or at once, outside a transaction),
   * every instance re-checks its sockets of that scope.
   */
  sessionsChanged(trx: Kysely<DB>, scope: SessionScope): Promise<void>;
  /**
   * Where a statement that commits by itself may tell the other instances of its entry as part of
   * its own commit (PostgreSQL: its NOTIFY is sent by that commit, with no round trip of its own):
   * the statement adds the notice, and once it has returned, `handOver` gives the entry to this
   * instance's listeners. Absent (SQLite, a test's announcer): the writer calls `announce`.
   */
  readonly inCommit?: CommitNotice;
}

/**
 * The NOTIFY of a stream entry, for a statement to send as it commits: `pg_notify(channel,
 * projectId || ' ' || seq || ' ' || origin)` — the payload `notifyEntry` sends (ids only; the
 * origin tells this instance its own notices, whose entries it hands over itself).
 */
export interface CommitNotice {
  channel: string;
  origin: string;
  handOver(entry: StreamEntry): void;
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
    announce(trx, entry) {
      return onceWritten(trx, () => {
        emitter.emit('entry', entry.projectId, entry.seq, entry);
      });
    },
    sessionsChanged(trx, scope) {
      return afterCommit(trx, () => {
        emitter.emit('sessions', scope);
      });
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
  // Tags this instance's announcements: it has handed its own entries to its listeners already.
  const instance = randomBytes(6).toString('hex');

  async function connect(): Promise<void> {
    const next = new pg.Client({ connectionString: url });
    next.on('notification', (message) => {
      if (!message.payload) return;
      if (message.channel === STREAM_CHANNEL) {
        const [projectId = '', seq = '', from] = message.payload.split(' ');
        if (from !== instance) emitter.emit('entry', projectId, Number(seq));
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
    announce(trx, entry) {
      return afterCommit(
        trx,
        async (connection) => {
          // The NOTIFY goes on the wire first; this instance's sockets get the entry while it
          // travels to the others.
          const notified = notifyEntry(connection, entry, instance, log);
          emitter.emit('entry', entry.projectId, entry.seq, entry);
          await notified;
        },
        { beforeFlush: true },
      );
    },
    sessionsChanged: (trx, scope) => postgresSessionsChanged(trx, scope, log),
    inCommit: {
      channel: STREAM_CHANNEL,
      origin: instance,
      handOver(entry) {
        emitter.emit('entry', entry.projectId, entry.seq, entry);
      },
    },
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
export function announcerOnly(config: Config, log: Log = console): StreamAnnouncer {
  return config.database.dialect === 'postgres'
    ? {
        announce: (trx, entry) =>
          afterCommit(trx, (connection) => notifyEntry(connection, entry, 'cli', log)),
        sessionsChanged: (trx, scope) => postgresSessionsChanged(trx, scope, log),
      }
    : { announce: () => Promise.resolve(), sessionsChanged: () => Promise.resolve() };
}

/**
 * NOTIFY on the connection whose transaction has just committed, in a transaction of its own that
 * commits asynchronously, so it never waits for a WAL flush (a NOTIFY alone writes no WAL and its
 * commit flushes nothing, but the setting keeps it so). The notification is delivered at commit;
 * a hint lost if PostgreSQL itself crashes in the next moments is caught up by the hubs' periodic
 * checks. One round trip (the simple query
 * protocol runs the four statements together); if any fails, the transaction is rolled back so
 * the connection goes back to the pool clean.
 */
export async function notify(
  connection: CommittedConnection,
  channel: string,
  payload: string,
  log: Log,
): Promise<void> {
  try {
    await connection.executeQuery(
      CompiledQuery.raw(
        `begin; set local synchronous_commit to off; select pg_notify(${literal(channel)}, ${literal(payload)}); commit`,
        [],
      ),
    );
  } catch (error) {
    await connection.executeQuery(CompiledQuery.raw('rollback', [])).catch(() => undefined);
    log.warn(
      { err: error, channel, payload },
      'NOTIFY after commit failed; the periodic checks catch up',
    );
  }
}

/** A PostgreSQL string literal (standard_conforming_strings, on since 9.1: only ' is special). */
function literal(text: string): string {
  return `'${text.replaceAll("'", "''")}'`;
}

function notifyEntry(
  connection: CommittedConnection,
  entry: StreamEntry,
  instance: string,
  log: Log,
): Promise<void> {
  return notify(connection, STREAM_CHANNEL, `${entry.projectId} ${entry.seq} ${instance}`, log);
}

function postgresSessionsChanged(trx: Kysely<DB>, scope: SessionScope, log: Log): Promise<void> {
  const payload = 'userId' in scope ? `u ${scope.userId}` : `p ${scope.projectId}`;
  return afterCommit(trx, (connection) => notify(connection, SESSIONS_CHANNEL, payload, log));
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
