/**
 * Announcing stream entries after the commit (src/db/after-commit.ts, src/events/stream-bus.ts):
 * work kept with `afterCommit` runs once the transaction has committed — when another connection
 * already sees its rows — and never after a rollback; and an entry whose announcement was lost
 * (a writer that died between its commit and its NOTIFY) still reaches the open sockets, from the
 * hub's periodic comparison of the streams' heads with its sockets' cursors.
 */
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { describe, expect, test } from 'vitest';
import { appendMessage } from '../../src/actions/chat-stream';
import { afterCommit } from '../../src/db/after-commit';
import { openDatabase } from '../../src/db/database';
import type { StreamAnnouncer } from '../../src/events/stream-bus';
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
