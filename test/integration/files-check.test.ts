/**
 * The start-up check of stored bytes, on the local store and on S3: after a restart, every
 * finished file whose bytes are missing or cannot be read in full is logged at error level and
 * counted in GET /api/health (`files: {checked, missing, unreadable, checkedAt}`).
 *
 * S3 is a real S3 server, Ceph radosgw (stores.ts, s3-helpers.ts): every S3 call — the check's
 * HeadObject and GetObject, uploads, and the damage done through PutObject and DeleteObject —
 * is answered by radosgw itself.
 */
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { z } from 'zod';
import { loadConfig } from '../../src/config';
import { buildApp } from '../../src/http/app';
import {
  Actor,
  HOOK_TIMEOUT,
  SUITE_TIMEOUT,
  dialects,
  expectStatus,
  setupProject,
  signUp,
} from './harness';
import {
  eventually,
  persistentStorage,
  seededBytes,
  uploadSmall,
  type Persistent,
} from './files-helpers';
import { stores, type Store } from './stores';

const Health = z.object({
  status: z.literal('ok'),
  files: z.object({
    checked: z.number(),
    missing: z.number(),
    unreadable: z.number(),
    checkedAt: z.string().nullable(),
  }),
});

const LogLine = z.object({ level: z.number(), msg: z.string(), fileId: z.string().optional() });
const ERROR = 50;

const cases = dialects.flatMap((dialect) => stores.map((store) => ({ dialect, store })));

describe.each(cases)(
  'the start-up check of stored files ($dialect, $store.kind store)',
  SUITE_TIMEOUT,
  ({ dialect, store: storeKind }) => {
    let store: Store | undefined;
    let persistent: Persistent | undefined;
    beforeAll(async () => {
      store = await storeKind.start();
      persistent = await persistentStorage(dialect, store.env);
    }, HOOK_TIMEOUT);
    afterAll(async () => {
      try {
        await persistent?.dispose();
      } finally {
        await store?.close();
      }
    }, HOOK_TIMEOUT);

    test('a restart reports the file whose bytes are gone and the one cut short, by id, at error level', async () => {
      if (persistent === undefined || store === undefined) throw new Error('not provisioned');
      const first = await persistent.start();
      const freelancer = await signUp(first);
      const { milestones } = await setupProject(freelancer);
      const milestoneId = milestones[0]?.id ?? '';
      const ids: string[] = [];
      for (let i = 0; i < 4; i += 1) {
        ids.push(await uploadSmall(first, freelancer, milestoneId, seededBytes(50_000 + i, i)));
      }
      const healthOf = async (url: string) =>
        expectStatus(await new Actor(url, 'monitor').get('/api/health'), 200, Health).files;
      const clean = await eventually('the first check', async () => {
        const files = await healthOf(first.url);
        return files.checkedAt === null ? undefined : files;
      });
      expect(clean).toMatchObject({ checked: 0, missing: 0, unreadable: 0 }); // checked at start
      await first.stop();

      const [gone, short] = ids;
      if (gone === undefined || short === undefined) throw new Error('uploads missing');
      await store.damage(first, gone, { delete: true });
      await store.damage(first, short, { truncate: 1000 });

      const lines: string[] = [];
      const logStream = new PassThrough();
      logStream.on('data', (chunk: Buffer) => lines.push(...chunk.toString().split('\n')));
      const app = await buildApp({
        config: loadConfig({ ...persistent.env, LOG_LEVEL: 'info' }),
        logStream,
      });
      try {
        await app.listen({ port: 0, host: '127.0.0.1' });
        const address = app.server.address();
        if (address === null || typeof address === 'string') throw new Error('no address');
        const url = `http://127.0.0.1:${address.port}`;
        const files = await eventually('the start-up check', async () => {
          const report = await healthOf(url);
          return report.checkedAt === null ? undefined : report;
        });
        expect(files).toMatchObject({ checked: 4, missing: 1, unreadable: 1 });
        expect(Date.parse(files.checkedAt ?? '')).toBeGreaterThan(Date.now() - 60_000);
      } finally {
        await app.close();
      }
      const errors = lines
        .filter((l) => l.trim() !== '')
        .map((l) => LogLine.parse(JSON.parse(l)))
        .filter((l) => l.level === ERROR);
      expect(errors.filter((l) => l.fileId === gone).map((l) => l.msg)).toEqual([
        'stored file missing: its bytes are not in the store',
      ]);
      expect(errors.filter((l) => l.fileId === short)).toHaveLength(1);
      expect(errors.filter((l) => l.fileId !== undefined)).toHaveLength(2);
      expect(errors.map((l) => l.msg)).toContain('stored files check found problems');
    });
  },
);
