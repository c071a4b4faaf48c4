/**
 * The file sweep over simulated days: delivered and paid files survive any number of sweeps, on
 * the local store and on S3; only uploads whose rows never completed are removed once older than
 * UPLOAD_EXPIRY_HOURS — their rows, their bytes and tus's metadata beside them.
 *
 * The sweep is the one the app runs every hour (sweepFiles), called here with an injected `now`.
 * On the local store the process clock is faked to the same simulated moment during each sweep,
 * so a wall-clock decision anywhere on the sweep's path (tus's cleanUpExpiredUploads(), which
 * deleted every finished local file older than the expiry) would show. On S3 the clock stays
 * real: the store refuses requests signed at a time far from its own.
 *
 * S3 is a real S3 server, Ceph radosgw (stores.ts, s3-helpers.ts): every S3 call — multipart
 * upload, ListParts, AbortMultipartUpload, HeadObject, GetObject, DeleteObject — is answered by
 * radosgw itself.
 */
import { announcerOnly } from '../../src/events/stream-bus';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest';
import { removeMilestone } from '../../src/actions/remove-milestone';
import { openDatabase } from '../../src/db/database';
import { sweepFiles } from '../../src/files/expiry-sweep';
import { createStorage, type FileStorage } from '../../src/files/storage';
import {
  HOOK_TIMEOUT,
  SUITE_TIMEOUT,
  deliver,
  dialects,
  openPortal,
  recordPayment,
  setupProject,
  share,
  signUp,
  expectNoContent,
  type Actor,
} from './harness';
import {
  MiB,
  createUpload,
  fetchBytes,
  headUpload,
  listFiles,
  patchUpload,
  persistentStorage,
  seededBytes,
  sha256,
  uploadSmall,
  type Persistent,
  type RestartableApp,
} from './files-helpers';
import { stores, type Store } from './stores';

const HOUR = 3600 * 1000;
const DAY = 24 * HOUR;

const cases = dialects.flatMap((dialect) => stores.map((store) => ({ dialect, store })));

describe.each(cases)(
  'the file sweep over simulated days ($dialect, $store.kind store)',
  SUITE_TIMEOUT,
  ({ dialect, store: storeKind }) => {
    let store: Store | undefined;
    let persistent: Persistent | undefined;
    let running: RestartableApp | undefined;
    beforeAll(async () => {
      store = await storeKind.start();
      persistent = await persistentStorage(dialect, { UPLOAD_EXPIRY_HOURS: '24', ...store.env });
      running = await persistent.start();
    }, HOOK_TIMEOUT);
    afterAll(async () => {
      try {
        await persistent?.dispose();
      } finally {
        await store?.close();
      }
    }, HOOK_TIMEOUT);

    test('paid, delivered and finished files survive a year of sweeps; unfinished uploads go after 24 h with their rows, bytes and tus metadata', async () => {
      if (running === undefined || store === undefined) throw new Error('the app did not start');
      const app = running;
      const held = store;
      const metadataName = held.kind === 'local' ? '.json' : '.info';
      const freelancer = await signUp(app);

      // Project 1: milestone 1 paid, milestone 2 delivered, each with a finished file.
      const first = await setupProject(freelancer, { amounts: [100_00, 200_00, 300_00] });
      const [m1, m2] = first.milestones;
      if (m1 === undefined || m2 === undefined) throw new Error('milestones missing');
      const paidBytes = randomBytes(6 * MiB + 17); // more than one S3 part
      const paidId = await uploadSmall(app, freelancer, m1.id, paidBytes, 'paid.bin');
      await deliver(freelancer, first.project.id, m1.id);
      await recordPayment(freelancer, first.project.id, m1);
      const deliveredBytes = seededBytes(300_000, 5);
      const deliveredId = await uploadSmall(app, freelancer, m2.id, deliveredBytes, 'd.bin');
      await deliver(freelancer, first.project.id, m2.id);
      const client = await openPortal(app, {
        code: (await share(freelancer, first.project.id)).code,
      });

      // Project 2: its open milestone holds a finished file and two uploads that never finish.
      const second = await setupProject(freelancer, { amounts: [50_00] });
      const open = second.milestones[0];
      if (open === undefined) throw new Error('milestone missing');
      const finishedBytes = seededBytes(70_000, 6);
      const finishedId = await uploadSmall(app, freelancer, open.id, finishedBytes, 'f.bin');
      const partial = await createUpload(app, freelancer, {
        milestoneId: open.id,
        length: 3 * MiB,
      });
      expect((await patchUpload(partial.url, freelancer, 0, seededBytes(MiB, 7))).status).toBe(204);
      const empty = await createUpload(app, freelancer, { milestoneId: open.id, length: 1000 });

      const kept = [
        { id: paidId, bytes: paidBytes, projectId: first.project.id },
        { id: deliveredId, bytes: deliveredBytes, projectId: first.project.id },
        { id: finishedId, bytes: finishedBytes, projectId: second.project.id },
      ];
      const unfinished = [partial.id, empty.id];
      for (const file of kept) {
        expect(await held.namesOf(app, file.id)).toEqual([file.id, `${file.id}${metadataName}`]);
      }
      expect(await held.namesOf(app, partial.id)).toContain(partial.id + metadataName);
      expect(await held.namesOf(app, empty.id)).toContain(empty.id + metadataName);

      const database = await openDatabase(app.config);
      const storage = await createStorage(app.config);
      const start = Date.now();
      const sweepAt = async (offset: number): Promise<number> => {
        const now = new Date(start + offset);
        if (held.kind === 'local') vi.useFakeTimers({ toFake: ['Date'], now });
        try {
          const report = await sweepFiles({
            db: database.db,
            storage,
            now,
            expiryHours: app.config.uploadExpiryHours,
          });
          return report.expired;
        } finally {
          vi.useRealTimers();
        }
      };
      const expectKept = async (when: string): Promise<void> => {
        for (const file of kept) {
          expect(await held.namesOf(app, file.id), `${file.id} at ${when}`).toEqual([
            file.id,
            `${file.id}${metadataName}`,
          ]);
        }
      };
      const rowIds = async (actor: Actor, projectId: string): Promise<string[]> =>
        (await listFiles(actor, projectId)).files.map((f) => f.id).sort();

      try {
        // Before the expiry nothing goes, however often the sweep runs.
        for (const offset of [0, HOUR, 12 * HOUR, 23 * HOUR]) {
          expect(await sweepAt(offset)).toBe(0);
          await expectKept(`+${offset / HOUR} h`);
        }
        for (const id of unfinished) {
          expect(await held.namesOf(app, id)).toContain(id + metadataName);
        }
        expect(await rowIds(freelancer, second.project.id)).toEqual(
          [finishedId, ...unfinished].sort(),
        );

        // Past 24 h the two unfinished uploads go; then a year of daily sweeps removes nothing.
        expect(await sweepAt(25 * HOUR)).toBe(2);
        await expectKept('+25 h');
        for (let day = 2; day <= 365; day += 1) {
          expect(await sweepAt(day * DAY)).toBe(0);
          if (day % 73 === 0) await expectKept(`day ${day}`);
        }
        await expectKept('day 365');
      } finally {
        await storage.close();
        await database.close();
      }

      for (const id of unfinished) {
        expect(await held.namesOf(app, id), `${id}: bytes and tus metadata gone`).toEqual([]);
      }
      expect(await headUpload(partial.url, freelancer)).toMatchObject({ status: 404 });
      expect(await rowIds(freelancer, second.project.id)).toEqual([finishedId]);
      expect(await rowIds(freelancer, first.project.id)).toEqual([paidId, deliveredId].sort());

      // Every kept file still reads back whole; the client still gets what they paid for.
      for (const file of kept) {
        const got = await fetchBytes(app, freelancer, `/api/files/${file.id}`);
        expect(got.status).toBe(200);
        expect(sha256(got.bytes)).toBe(sha256(file.bytes));
      }
      const paid = await fetchBytes(app, client, `/api/files/${paidId}`);
      expect(paid.status).toBe(200);
      expect(sha256(paid.bytes)).toBe(sha256(paidBytes));
    });

    test('removing an open milestone removes its stored files — finished and unfinished — with their tus metadata', async () => {
      if (running === undefined || store === undefined) throw new Error('the app did not start');
      const app = running;
      const held = store;
      const freelancer = await signUp(app);
      const { project, milestones } = await setupProject(freelancer, { amounts: [10_00, 20_00] });
      const [open, next] = milestones;
      if (open === undefined || next === undefined) throw new Error('milestones missing');
      const finishedId = await uploadSmall(app, freelancer, open.id, randomBytes(6 * MiB + 3));
      const partial = await createUpload(app, freelancer, {
        milestoneId: open.id,
        length: 2 * MiB,
      });
      expect((await patchUpload(partial.url, freelancer, 0, seededBytes(MiB, 8))).status).toBe(204);
      expect(await held.namesOf(app, finishedId)).not.toEqual([]);
      expect(await held.namesOf(app, partial.id)).not.toEqual([]);

      expectNoContent(await freelancer.delete(`/api/projects/${project.id}/milestones/${open.id}`));
      expect(await held.namesOf(app, finishedId)).toEqual([]);
      expect(await held.namesOf(app, partial.id)).toEqual([]);
      expect((await listFiles(freelancer, project.id)).files).toEqual([]);
    });

    test('bytes whose deletion failed after the commit stay queued and the next sweep deletes them', async () => {
      if (running === undefined || store === undefined) throw new Error('the app did not start');
      const app = running;
      const held = store;
      const freelancer = await signUp(app);
      const { project, milestones } = await setupProject(freelancer, { amounts: [10_00, 20_00] });
      const open = milestones[0];
      if (open === undefined) throw new Error('milestone missing');
      const fileId = await uploadSmall(app, freelancer, open.id, seededBytes(40_000, 9));

      const database = await openDatabase(app.config);
      const storage = await createStorage(app.config);
      try {
        // The store is unreachable just after the commit (as if the process died there).
        const failing: FileStorage = {
          ...storage,
          remove: () => Promise.reject(new Error('store unreachable')),
        };
        await removeMilestone({
          db: database.db,
          storage: failing,
          events: announcerOnly(app.config),
          ownerId: freelancer.user?.id ?? '',
          projectId: project.id,
          milestoneId: open.id,
        });
        expect((await listFiles(freelancer, project.id)).files).toEqual([]);
        expect(await held.namesOf(app, fileId), 'the bytes are still stored').not.toEqual([]);
        const queued = await database.db.selectFrom('file_removals').selectAll().execute();
        expect(queued).toMatchObject([{ file_id: fileId, attempts: 1 }]);

        const report = await sweepFiles({
          db: database.db,
          storage,
          now: new Date(),
          expiryHours: app.config.uploadExpiryHours,
        });
        expect(report).toMatchObject({ removed: 1, failed: 0 });
        expect(await held.namesOf(app, fileId)).toEqual([]);
        expect(await database.db.selectFrom('file_removals').selectAll().execute()).toEqual([]);
      } finally {
        await storage.close();
        await database.close();
      }
    });
  },
);
