/**
 * Named (prepared) statements on PostgreSQL for the few statements every chat message runs: the
 * send's one statement, the fence after it, and the read of a stream on the other instances.
 * Sent unnamed, each is parsed and planned again on every call, about half of its time on an
 * idle server (a 6-CTE send: 0.75–1.0 ms unnamed, 0.31–0.39 ms named). Named, each connection
 * parses it once and PostgreSQL keeps its plan.
 *
 * A query module marks a compiled query (`prepared`), which registers its text; the pool handed to
 * Kysely (`preparingPool`) sends a registered text as a statement named after its hash. Its name
 * is the same on every connection and for every process, and each connection prepares it on its
 * first use (the `pg` client remembers which it has).
 *
 * Only statements that name their columns are marked: a prepared `*` fails with "cached plan
 * must not change result type" once a migration adds a column while instances run. Behind a
 * pooler that shares server connections per transaction (pgbouncer before 1.21 in transaction
 * mode, or 1.21 and later with `max_prepared_statements = 0`), named statements are not safe:
 * `DATABASE_PREPARED_STATEMENTS=false` sends them unnamed.
 */
import { createHash } from 'node:crypto';
import type { CompiledQuery, PostgresPool, PostgresPoolClient } from 'kysely';
import type pg from 'pg';

/** At most this many texts are prepared (the marked statements have a few variants each). */
const MAX_TEXTS = 64;

/** Registered texts and their statements' names. */
const names = new Map<string, string>();

/** Marks a compiled query to run as a named statement where the pool prepares (PostgreSQL). */
export function prepared<R>(query: CompiledQuery<R>): CompiledQuery<R> {
  if (!names.has(query.sql) && names.size < MAX_TEXTS) {
    const hash = createHash('sha256').update(query.sql).digest('hex').slice(0, 24);
    names.set(query.sql, `milepost_${hash}`);
  }
  return query;
}

/** The name a registered text is prepared under (tests); undefined when it is not registered. */
export function preparedName(sql: string): string | undefined {
  return names.get(sql);
}

/**
 * The pool Kysely gets: its clients send registered texts as named statements, everything else
 * (and everything when `prepare` is false) as before.
 */
export function preparingPool(pool: pg.Pool, prepare: boolean): PostgresPool {
  if (!prepare) return pool;
  return {
    async connect(): Promise<PostgresPoolClient> {
      const client = await pool.connect();
      return {
        query: ((text: unknown, values?: ReadonlyArray<unknown>) => {
          if (typeof text !== 'string') return client.query(text as pg.Submittable);
          const name = names.get(text);
          const params = values ? [...values] : [];
          return name === undefined
            ? client.query(text, params)
            : client.query({ name, text, values: params });
        }) as unknown as PostgresPoolClient['query'],
        release: (destroy?: boolean) => client.release(destroy),
      };
    },
    end: () => pool.end(),
  };
}
