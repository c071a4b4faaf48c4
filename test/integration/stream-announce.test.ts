/**
 * Announcing stream entries after the commit (src/db/after-commit.ts, src/events/stream-bus.ts):
 * work kept with `afterCommit` runs once the transaction has committed — when another connection
 * already sees its rows — and never after a rollback; and an entry whose announcement was lost
 * (a writer that died between its commit and its NOTIFY) still reaches the open sockets, from the
 * hub's periodic comparison of the streams' heads with its sockets' cursors.
 */
import { randomUUID } from 'node:crypto';
import { CompiledQuery, sql } from 'kysely';
import pg from 'pg';
import { describe, expect, test } from 'vitest';
import { appendMessage } from '../../src/actions/chat-stream';
import { afterCommit } from '../../src/db/after-commit';
import { openDatabase } from '../../src/db/database';
import { notify, type StreamAnnouncer } from '../../src/events/stream-bus';
import {
  SUITE_TIMEOUT,
  dialects,
  openPortal,
  setupProject,
  share,
  signUp,
  storageConfig,
  useApp,
} from './harness';
import { send, threads } from './chat-support';
import { range, seqs, TEST_ORIGIN, TestSocket } from './socket-support';

/** A writer whose announcements never arrive. */
const silent: StreamAnnouncer = {
  announce: () => Promise.resolve(),
  sessionsChanged: () => Promise.resolve(),
};

describe.each(dialects)('announcing stream entries on %s', SUITE_TIMEOUT, (dialect) => {
  const app = useApp(dialect, { PUBLIC_URL: TEST_ORIGIN });

  test('work after a commit runs once its rows are visible to others; never after a rollback', async () => {
    const writer = await openDatabase(storageConfig(app()));
    const reader = await openDatabase(storageConfig(app()));
    try {
      await sql`create table if not exists after_commit_probe (id text primary key)`.execute(
        writer.db,
      );
      const seen: string[] = [];
      const count = async () => {
        const { rows } = await sql<{
          n: number | string;
        }>`select count(*) as n from after_commit_probe`.execute(reader.db);
        return Number(rows[0]?.n);
      };
      const probe = () => sql`insert into after_commit_probe (id) values (${randomUUID()})`;

      await expect(
        writer.db.transaction().execute(async (trx) => {
          await probe().execute(trx);
          await afterCommit(trx, () => {
            seen.push('rolled back');
          });
          throw new Error('roll back');
        }),
      ).rejects.toThrow('roll back');
      expect(seen).toEqual([]);
      expect(await count()).toBe(0);

      await writer.db.transaction().execute(async (trx) => {
        await probe().execute(trx);
        await afterCommit(trx, async () => {
          seen.push(`committed, visible to another connection: ${await count()}`);
        });
        expect(seen).toEqual([]);
      });
      expect(seen).toEqual(['committed, visible to another connection: 1']);

      // Outside a transaction there is nothing to wait for.
      await afterCommit(writer.db, () => {
        seen.push('at once');
      });
      expect(seen.at(-1)).toBe('at once');
    } finally {
      await writer.close();
      await reader.close();
    }
  });

  test('an entry whose announcement was lost reaches the open sockets within seconds', async () => {
    const freelancer = await signUp(app());
    const { project } = await setupProject(freelancer);
    const secrets = await share(freelancer, project.id);
    const client = await openPortal(app(), { code: secrets.code });
    const head = (await threads(freelancer, project.id)).lastSeq;
    const socket = await TestSocket.open(app().url, client, { as: 'client' });
    socket.subscribe(project.id, head);
    await socket.next((f) => f.type === 'subscribed');

    // Another writer commits a message and dies before announcing it.
    const writer = await openDatabase(storageConfig(app()));
    try {
      const { owner_id: owner } = await writer.db
        .selectFrom('projects')
        .select('owner_id')
        .where('id', '=', project.id)
        .executeTakeFirstOrThrow();
      await writer.db.transaction().execute((trx) =>
        appendMessage(trx, silent, {
          id: randomUUID(),
          project_id: project.id,
          thread: 'general',
          author_type: 'freelancer',
          author_id: owner,
          kind: 'text',
          body: 'committed, never announced',
          event: null,
          reply_to: null,
          created_at: new Date().toISOString(),
        }),
      );
    } finally {
      await writer.close();
    }
    const started = Date.now();
    const [lost] = await socket.entriesUpTo(project.id, head + 1);
    expect(lost?.message?.text).toBe('committed, never announced');
    expect(Date.now() - started).toBeLessThan(12_000);

    // The stream goes on from there, each entry once and in order.
    await send(client, project.id, 'announced');
    const all = await socket.entriesUpTo(project.id, head + 2);
    expect(seqs(all)).toEqual(range(head, head + 2));
    expect(all.map((e) => e.message?.text)).toEqual(['committed, never announced', 'announced']);
    socket.close();
  });
});

describe.skipIf(!dialects.includes('postgres'))(
  'the NOTIFY after a commit on postgres',
  SUITE_TIMEOUT,
  () => {
    const app = useApp('postgres');

    test('is heard, quoted safely, and leaves the pooled connection clean even when it fails', async () => {
      const { db, close } = await openDatabase(storageConfig(app()));
      const listener = new pg.Client({ connectionString: app().dbUrl });
      await listener.connect();
      const warnings: string[] = [];
      const log = { warn: (_: object, message: string) => warnings.push(message), info: () => {} };
      try {
        const heard: string[] = [];
        listener.on('notification', (n) => heard.push(n.payload ?? ''));
        await listener.query('LISTEN milepost_probe');
        const show = (connection: { executeQuery: typeof db.executeQuery }) =>
          connection
            .executeQuery<{ synchronous_commit: string }>(
              CompiledQuery.raw('show synchronous_commit', []),
            )
            .then((r) => r.rows[0]?.synchronous_commit);
        const after: (string | undefined)[] = [];
        await db.transaction().execute(async (trx) => {
          await sql`select 1`.execute(trx);
          await afterCommit(trx, async (connection) => {
            await notify(connection, 'milepost_probe', "it's here; select 1", log);
            after.push(await show(connection));
            // pg_notify refuses payloads over 8000 bytes: the failed transaction must be gone.
            await notify(connection, 'milepost_probe', 'x'.repeat(9000), log);
            after.push(await show(connection));
          });
        });
        await expect.poll(() => heard, { timeout: 5000 }).toEqual(["it's here; select 1"]);
        expect(warnings).toEqual(['NOTIFY after commit failed; the periodic checks catch up']);
        // The asynchronous commit was the notifying transaction's own (SET LOCAL): the pooled
        // connection's later transactions (message commits) stay durable.
        expect(after).toEqual(['on', 'on']);
      } finally {
        await listener.end();
        await close();
      }
    });
  },
);
