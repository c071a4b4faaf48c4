/**
 * Retention over simulated days: the app's hourly sweep, run by its injected clock, deletes sent
 * mail's rows MAIL_KEEP_SENT_DAYS after sending (never a message still pending or failed), and
 * download log rows DOWNLOAD_LOG_KEEP_DAYS after their last request — or never, by default.
 */
import type { Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { openDatabase, type Database } from '../../src/db/database';
import type { DB } from '../../src/db/schema';
import { fetchBytes, seededBytes, uploadSmall } from './files-helpers';
import {
  HOOK_TIMEOUT,
  SUITE_TIMEOUT,
  dialects,
  setupProject,
  signUp,
  startApp,
  storageConfig,
  type Actor,
  type TestApp,
} from './harness';

const DAY = 86_400_000;

function useAppWithDatabase(dialect: (typeof dialects)[number], env: Record<string, string>) {
  let app: TestApp | undefined;
  let database: Database | undefined;
  beforeAll(async () => {
    // Sessions outlive the simulated years, so the actors stay signed in.
    app = await startApp(dialect, { SESSION_DAYS: '5000', ...env });
    database = await openDatabase(storageConfig(app));
  }, HOOK_TIMEOUT);
  afterAll(async () => {
    await database?.close();
    await app?.close();
  }, HOOK_TIMEOUT);
  return () => {
    if (!app || !database) throw new Error(`the ${dialect} app did not start`);
    return { app, db: database.db };
  };
}

/** The hourly sweep, `days` after the current reading of the app's clock. */
async function sweepAfter(app: TestApp, days: number) {
  app.clock.advance(days * DAY);
  if (!app.sweep) throw new Error('the app runs in this process: its sweep can be run');
  return app.sweep();
}

async function requestReset(app: TestApp, actor: Actor): Promise<void> {
  const res = await actor.post('/api/auth/password-reset', { email: actor.email });
  expect(res.status, res.text).toBe(202);
  await app.drainMail();
}

async function downloadOnce(app: TestApp, db: Kysely<DB>, owner: Actor): Promise<void> {
  const { milestones } = await setupProject(owner, { amounts: [100_00] });
  const milestone = milestones[0];
  if (!milestone) throw new Error('no milestone');
  const fileId = await uploadSmall(app, owner, milestone.id, seededBytes(2048, 5));
  expect((await fetchBytes(app, owner, `/api/files/${fileId}`)).status).toBe(200);
  // The download is logged after the response.
  for (let i = 0; i < 100; i++) {
    const row = await db
      .selectFrom('download_log')
      .select('id')
      .where('file_id', '=', fileId)
      .executeTakeFirst();
    if (row) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error('the download was not logged');
}

describe.each(dialects)('retention on %s', SUITE_TIMEOUT, (dialect) => {
  describe('with MAIL_KEEP_SENT_DAYS=90 and DOWNLOAD_LOG_KEEP_DAYS=30', () => {
    const env = useAppWithDatabase(dialect, {
      MAIL_KEEP_SENT_DAYS: '90',
      DOWNLOAD_LOG_KEEP_DAYS: '30',
    });

    test('sent mail goes 90 days after sending, unsent mail stays; the download log after 30 days', async () => {
      const { app, db } = env();
      const owner = await signUp(app);
      const sentRows = () =>
        db
          .selectFrom('mail_outbox')
          .select(['id', 'status'])
          .where('owner_id', '=', owner.user?.id ?? '')
          .orderBy('created_at')
          .execute();

      await requestReset(app, owner); // day 0
      const [first] = await sentRows();
      expect(first?.status).toBe('sent');
      // A message that could not be sent: retention never touches it, however old.
      const failedId = `failed-${owner.user?.id ?? ''}`;
      await db
        .insertInto('mail_outbox')
        .values({
          ...(await db
            .selectFrom('mail_outbox')
            .selectAll()
            .where('id', '=', first?.id ?? '')
            .executeTakeFirstOrThrow()),
          id: failedId,
          status: 'failed',
          sent_at: null,
          last_error: 'connection refused',
        })
        .execute();
      await downloadOnce(app, db, owner); // day 0

      expect(await sweepAfter(app, 29)).toMatchObject({ downloadLogDeleted: 0 });
      expect(await sweepAfter(app, 2)).toMatchObject({ downloadLogDeleted: 1 }); // day 31
      expect(await db.selectFrom('download_log').select('id').execute()).toEqual([]);

      await requestReset(app, owner); // day 31
      expect(await sweepAfter(app, 58)).toMatchObject({ sentMailDeleted: 0 }); // day 89
      expect(await sweepAfter(app, 2)).toMatchObject({ sentMailDeleted: 1 }); // day 91
      let rows = await sentRows();
      expect(rows.map((r) => r.status).sort()).toEqual(['failed', 'sent']);
      expect(rows.some((r) => r.id === first?.id)).toBe(false);

      expect(await sweepAfter(app, 31)).toMatchObject({ sentMailDeleted: 1 }); // day 122
      rows = await sentRows();
      expect(rows).toEqual([{ id: failedId, status: 'failed' }]);
      expect(await sweepAfter(app, 1000)).toMatchObject({ sentMailDeleted: 0 });
      expect(await sentRows()).toHaveLength(1);
    });
  });

  describe('with the defaults', () => {
    const env = useAppWithDatabase(dialect, {});

    test('the download log is kept for good; sent mail for 90 days', async () => {
      const { app, db } = env();
      const owner = await signUp(app);
      await requestReset(app, owner);
      await downloadOnce(app, db, owner);

      expect(await sweepAfter(app, 89)).toMatchObject({ sentMailDeleted: 0 });
      expect(await sweepAfter(app, 2)).toMatchObject({ sentMailDeleted: 1 });
      for (let i = 0; i < 5; i++) {
        expect(await sweepAfter(app, 1000)).toMatchObject({ downloadLogDeleted: 0 });
      }
      expect(await db.selectFrom('download_log').select('id').execute()).toHaveLength(1);
      expect(await db.selectFrom('mail_outbox').select('id').execute()).toEqual([]);
    });
  });
});
