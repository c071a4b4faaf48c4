/**
 * A real crash: the server, built and run as `npm start` runs it, in a process of its own, is
 * killed with SIGKILL at seeded random moments — part-way through tus PATCHes (or just after
 * their last byte), and while payments are being credited (offline payments recorded through the
 * API, and Stripe webhooks for sessions opened against the local fake Stripe). After each kill,
 * on the data as the kill left it: the database's integrity holds (SQLite's integrity_check and
 * foreign_key_check; PostgreSQL's constraints recomputed), no payment is half-recorded (payment,
 * receipt, activity and milestone state together or not at all), and everything the server had
 * acknowledged is there. Then the server starts again on the same data: every activity chain
 * verifies, the upload resumes (HEAD, then PATCH from the server's offset) to the source's
 * SHA-256, and Stripe's retry of an unacknowledged event credits it exactly once.
 *
 * MILEPOST_CRASH_KILLS (default 20) kills per dialect; MILEPOST_CRASH_SEED replays a run (the
 * seed is printed). The kill moments depend on timing as well as on the seed, so a replay takes
 * the same decisions but may land a kill a few milliseconds apart.
 */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { z } from 'zod';
import {
  type Acknowledged,
  buildServer,
  freePort,
  integrityProblems,
  patchAndKill,
  ruleProblems,
  ServerProcess,
  sleep,
  withDatabase,
} from './crash-helpers';
import { FakeStripe, deliverEvent, sessionEvent, type StripeEventJson } from './fake-stripe';
import {
  MiB,
  createUpload,
  fetchBytes,
  headUpload,
  listFiles,
  patchUpload,
  prng,
  seededBytes,
  sha256,
  tusHeaders,
} from './files-helpers';
import {
  type Actor,
  type Storage,
  type TestApp,
  HOOK_TIMEOUT,
  TestClock,
  deliver,
  dialects,
  getActivity,
  acceptContract,
  openPortal,
  provisionStorage,
  setupProject,
  share,
  signUp,
  startApp,
} from './harness';
import { checkout, moneyProject, offlinePayment } from './payments-helpers';
import * as C from './contract';

function positiveInt(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0) throw new Error(`${name} must be an integer ≥ 0`);
  return value;
}

const KILLS = positiveInt('MILEPOST_CRASH_KILLS', 20);
const SEED = positiveInt('MILEPOST_CRASH_SEED', Math.floor(Math.random() * 2 ** 31));
console.info(
  `crash.test: seed ${SEED}, ${KILLS} kills per dialect (replay: MILEPOST_CRASH_SEED=${SEED})`,
);

const VERBOSE = process.env.MILEPOST_CRASH_VERBOSE === '1';

const PaymentRecorded = z.object({ payment: z.object({ id: z.string().min(1) }) });

let server: { entry: string; remove(): Promise<void> } | undefined;
beforeAll(async () => {
  server = await buildServer();
}, HOOK_TIMEOUT);
afterAll(async () => {
  await server?.remove();
});

/** A project whose milestones are paid one after another, by hand or through Stripe. */
interface Lane {
  mode: 'offline' | 'stripe';
  project: C.Project;
  client: Actor;
}

describe.each(dialects)('SIGKILL on %s', (dialect) => {
  let storage: Storage | undefined;
  let fake: FakeStripe | undefined;
  let running: ServerProcess | undefined;

  beforeAll(async () => {
    storage = await provisionStorage(dialect);
    fake = await FakeStripe.start();
  }, HOOK_TIMEOUT);
  afterAll(async () => {
    try {
      await running?.stop();
      await fake?.close();
    } finally {
      await storage?.dispose();
    }
  }, HOOK_TIMEOUT);

  test(
    `${KILLS} kills during PATCHes and payment crediting leave whole data that resumes`,
    { timeout: 120_000 + KILLS * 30_000 },
    async () => {
      if (!storage || !fake || !server) throw new Error('the suite did not start');
      const stripe = fake;
      const random = prng(SEED + (dialect === 'postgres' ? 7919 : 0));
      const pick = (low: number, high: number) => low + Math.floor(random() * (high - low + 1));
      const port = await freePort();
      const env = {
        ...storage.env,
        HOST: '127.0.0.1',
        PORT: String(port),
        LOG_LEVEL: 'warn',
        ...stripe.env(),
      };
      const proc = new ServerProcess(server.entry, env, `http://127.0.0.1:${port}`);
      running = proc;
      const app: TestApp = {
        dialect,
        url: proc.url,
        dataDir: storage.dataDir,
        dbUrl: storage.dbUrl,
        // The server in its own process runs on the system clock; this one moves nothing there.
        clock: new TestClock(),
        // Its mail worker runs in the child process, which the test kills.
        drainMail: () => Promise.reject(new Error('the app runs in a child process')),
        close: () => proc.stop(),
      };
      await proc.start();
      const freelancer = await signUp(app);
      const acknowledged: Acknowledged = { paymentIds: new Set(), eventIds: new Set() };
      const unanswered: StripeEventJson[] = [];
      const projects = new Set<string>();
      const counts = { upload: 0, payment: 0, killedMidBody: 0, paymentsAcked: 0 };

      async function newLane(mode: Lane['mode']): Promise<Lane> {
        const { project } = await setupProject(freelancer, {
          amounts: [pick(100, 900) * 100, pick(100, 900) * 100, pick(100, 900) * 100],
          title: `Crash lane (${mode})`,
        });
        projects.add(project.id);
        const client = await openPortal(app, { code: (await share(freelancer, project.id)).code });
        await acceptContract(client);
        return { mode, project, client };
      }
      const lanes: Lane[] = [];

      /** Readies the lane's next payment (delivering its open milestone first if need be). */
      async function nextPayment(lane: Lane, label: string): Promise<() => Promise<void>> {
        let detail = await moneyProject(freelancer, lane.project.id);
        if (!detail.milestones.some((m) => m.status === 'delivered')) {
          const open = detail.milestones.find((m) => m.status === 'open');
          if (!open) {
            Object.assign(lane, await newLane(lane.mode));
            return nextPayment(lane, label);
          }
          await deliver(freelancer, lane.project.id, open.id);
          detail = await moneyProject(freelancer, lane.project.id);
        }
        const target = detail.milestones.find((m) => m.status === 'delivered');
        if (!target) throw new Error(`no delivered milestone in ${lane.project.id}`);
        if (lane.mode === 'offline') {
          const owed = target.outstandingMinor;
          const amount = owed > 1 && random() < 0.6 ? pick(1, owed - 1) : owed;
          return async () => {
            const res = await offlinePayment(freelancer, lane.project.id, target.id, amount, {
              reference: label,
            }).catch(() => undefined);
            if (res?.status === 201) {
              acknowledged.paymentIds.add(PaymentRecorded.parse(res.body).payment.id);
              counts.paymentsAcked++;
            }
          };
        }
        const started = await checkout(lane.client, target.id);
        const event = sessionEvent(
          'checkout.session.completed',
          stripe.markPaid(started.sessionId),
        );
        return async () => {
          const res = await deliverEvent(proc.url, event).catch(() => undefined);
          if (res?.status === 200) acknowledged.eventIds.add(event.id);
          else unanswered.push(event);
        };
      }

      /** Fires one payment in every lane at once; with `killAfterMs`, kills the server then. */
      async function burst(label: string, killAfterMs?: number): Promise<number> {
        const payments: (() => Promise<void>)[] = [];
        for (const [i, lane] of lanes.entries())
          payments.push(await nextPayment(lane, `${label}-${i}`));
        const started = performance.now();
        const all = Promise.all(payments.map((pay) => pay()));
        if (killAfterMs !== undefined) {
          await sleep(killAfterMs);
          await proc.kill();
        }
        await all;
        return performance.now() - started;
      }

      let burstMs = 0;
      let mark = performance.now();
      const phase = (what: string) => {
        if (VERBOSE) console.info(`${what}: ${Math.round(performance.now() - mark)} ms`);
        mark = performance.now();
      };
      for (let kill = 1; kill <= KILLS; kill++) {
        const where = `kill ${kill}/${KILLS} on ${dialect} (MILEPOST_CRASH_SEED=${SEED})`;
        let recover: () => Promise<void>;
        let touched: string[];
        if (random() < 0.5) {
          // ---- during a tus PATCH
          counts.upload++;
          const { project, milestones } = await setupProject(freelancer, { amounts: [100_00] });
          projects.add(project.id);
          touched = [project.id];
          const size = pick(MiB, 6 * MiB);
          const bytes = seededBytes(size, pick(1, 2 ** 30));
          const expected = sha256(bytes);
          const { url, id } = await createUpload(app, freelancer, {
            milestoneId: milestones[0]?.id ?? '',
            length: size,
            filename: `crash-${kill}.bin`,
          });
          const afterEnd = random() < 0.3;
          const cut = await patchAndKill({
            url,
            headers: tusHeaders(freelancer),
            body: bytes,
            from: 0,
            killAt: afterEnd ? size : pick(0, size - 1),
            afterEndMs: pick(0, 40),
            kill: () => proc.kill(),
          });
          if (cut.sent < size) counts.killedMidBody++;
          recover = async () => {
            const head = await headUpload(url, freelancer);
            expect(head.status, `${where}: HEAD after the restart`).toBe(200);
            expect(
              head.offset,
              `${where}: the server holds no more than was sent`,
            ).toBeLessThanOrEqual(cut.sent);
            if (head.offset < size) {
              const rest = await patchUpload(
                url,
                freelancer,
                head.offset,
                bytes.subarray(head.offset),
              );
              expect(rest.status, `${where}: PATCH from offset ${head.offset}`).toBe(204);
              expect(rest.headers.get('upload-offset')).toBe(String(size));
            }
            const file = (await listFiles(freelancer, project.id)).files.find((f) => f.id === id);
            expect(
              file,
              `${where}: the upload after HEAD → PATCH from ${head.offset}`,
            ).toMatchObject({
              status: 'complete',
              size,
              sha256: expected,
            });
            const downloaded = await fetchBytes(app, freelancer, `/api/files/${id}`);
            expect(downloaded.status, where).toBe(200);
            expect(sha256(downloaded.bytes), `${where}: the downloaded bytes`).toBe(expected);
          };
        } else {
          // ---- while payments are credited
          counts.payment++;
          if (lanes.length === 0) {
            lanes.push(await newLane('offline'), await newLane('offline'), await newLane('stripe'));
            // A burst left to finish tells how long crediting takes on this machine now.
            burstMs = await burst(`calibrate-${kill}`);
          }
          await burst(`crash-${kill}`, random() * burstMs * 1.2);
          touched = lanes.map((lane) => lane.project.id);
          recover = async () => {
            // Stripe retries what was not acknowledged; each is credited once, or found done.
            for (const event of unanswered.splice(0)) {
              const res = await deliverEvent(proc.url, event);
              expect(res.status, `${where}: Stripe's retry of ${event.id}: ${res.text}`).toBe(200);
              acknowledged.eventIds.add(event.id);
            }
          };
        }

        phase(`kill ${kill}: work and kill`);
        // The server is dead: the data as the kill left it.
        const problems = await withDatabase(env, async (db, d) => [
          ...(await integrityProblems(db, d)),
          ...(await ruleProblems(db, acknowledged)),
        ]);
        expect(problems, `${where}: the data after the kill`).toEqual([]);

        phase(`kill ${kill}: checks`);
        await proc.start();
        phase(`kill ${kill}: restart`);
        await recover();
        phase(`kill ${kill}: recovery`);
        for (const projectId of touched) {
          const activity = await getActivity(freelancer, projectId);
          expect(activity.chainValid, `${where}: activity chain of ${projectId}`).toBe(true);
        }
        const after = await withDatabase(env, (db) => ruleProblems(db, acknowledged));
        expect(after, `${where}: the data after recovery`).toEqual([]);
        phase(`kill ${kill}: chains and rules`);
      }
      for (const projectId of projects) {
        const activity = await getActivity(freelancer, projectId);
        expect(activity.chainValid, `activity chain of ${projectId} at the end`).toBe(true);
      }
      // Every Stripe session the client paid was credited exactly once.
      const credited = await withDatabase(env, (db) =>
        db.selectFrom('payments').select('external_id').where('source', '=', 'stripe').execute(),
      );
      const paidSessions = stripe.allSessions().filter((s) => s.payment_status === 'paid');
      expect(credited.map((p) => p.external_id).sort()).toEqual(
        paidSessions.map((s) => s.id).sort(),
      );
      console.info(
        `crash.test ${dialect}: ${counts.upload} kills in uploads (${counts.killedMidBody} mid-body), ` +
          `${counts.payment} in payment bursts (~${Math.round(burstMs)} ms each), ` +
          `${counts.paymentsAcked} offline payments and ${acknowledged.eventIds.size} events acknowledged`,
      );
    },
  );
});

// ---------------------------------------------------------------------------------------------
// What the crashes found, each pinned by a test of its own.

describe.each(dialects)(
  'after a crash between storing and recording an upload, on %s',
  (dialect) => {
    let app: TestApp | undefined;
    beforeAll(async () => {
      app = await startApp(dialect);
    }, HOOK_TIMEOUT);
    afterAll(async () => {
      await app?.close();
    }, HOOK_TIMEOUT);

    /** An upload whose every byte is stored while its row still says "uploading". */
    async function storedButUnrecorded(running: TestApp) {
      const freelancer = await signUp(running);
      const { project, milestones } = await setupProject(freelancer);
      const bytes = seededBytes(3 * MiB + 17, 8);
      const { url, id } = await createUpload(running, freelancer, {
        milestoneId: milestones[0]?.id ?? '',
        length: bytes.length,
      });
      // The state a SIGKILL leaves after the last write and before the completion commits: the
      // bytes are in the store, the row was never completed.
      await writeFile(path.join(running.dataDir, 'files', id), bytes);
      return { freelancer, project, milestones, url, id, bytes };
    }

    test('a HEAD finishes it: the offset the client reads is also what the server records', async () => {
      const running = app;
      if (!running) throw new Error('the app did not start');
      const { freelancer, project, url, id, bytes } = await storedButUnrecorded(running);
      const head = await headUpload(url, freelancer);
      expect(head).toEqual({ status: 200, offset: bytes.length });
      const file = (await listFiles(freelancer, project.id)).files.find((f) => f.id === id);
      expect(file).toMatchObject({ status: 'complete', size: bytes.length, sha256: sha256(bytes) });
      const entries = (await getActivity(freelancer, project.id)).entries;
      expect(entries.filter((e) => e.action === 'file.uploaded')).toHaveLength(1);
    });

    test('finishing the same upload twice at once records it once', async () => {
      const running = app;
      if (!running) throw new Error('the app did not start');
      const { freelancer, project, url, bytes } = await storedButUnrecorded(running);
      // Parallel HEADs (a client retrying, two tabs), each finding the upload fully stored.
      const heads = await Promise.all(Array.from({ length: 8 }, () => headUpload(url, freelancer)));
      expect(heads.map((h) => h.offset)).toEqual(heads.map(() => bytes.length));
      const activity = await getActivity(freelancer, project.id);
      expect(activity.entries.filter((e) => e.action === 'file.uploaded')).toHaveLength(1);
      expect(activity.chainValid).toBe(true);
    });
  },
);
