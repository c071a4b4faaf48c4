/**
 * Two server processes on one PostgreSQL (separate `node --import tsx src/server.ts` children on
 * their own ports, as two instances behind a load balancer would run): a 100-message burst sent
 * through one reaches a socket on the other complete and in order, both ways, and revoking the
 * client's code through one closes the client's socket on the other within seconds (the periodic
 * session check is set to an hour, so only the NOTIFY hint can do it).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import {
  HOOK_TIMEOUT,
  SUITE_TIMEOUT,
  TestClock,
  dialects,
  openPortal,
  provisionStorage,
  setupProject,
  share,
  signUp,
  type TestApp,
} from './harness';
import { send, threads } from './chat-support';
import { freePort } from './crash-helpers';
import { eventually } from './files-helpers';
import { range, seqs, TEST_ORIGIN, TestSocket } from './socket-support';

const ROOT = path.resolve(import.meta.dirname, '../..');
const BURST = 100;
const WITHIN_MS = 3_000;

interface Instance {
  app: TestApp;
  child: ChildProcess;
  output: () => string;
}

async function startInstance(
  name: string,
  storage: Awaited<ReturnType<typeof provisionStorage>>,
): Promise<Instance> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const dataDir = path.join(storage.dataDir, name);
  await mkdir(dataDir, { recursive: true });
  // node itself with tsx's loader (not the tsx wrapper), so killing `child` stops the server.
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH ?? '',
      ...storage.env,
      DATA_DIR: dataDir,
      HOST: '127.0.0.1',
      PORT: String(port),
      PUBLIC_URL: TEST_ORIGIN,
      LOG_LEVEL: 'warn',
      SIGNUP_PER_IP: '100000',
      CHAT_MESSAGES_PER_SECOND: '10000',
      CHAT_MESSAGE_BURST: '10000',
      WS_SESSION_CHECK_SECONDS: '3600',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  await eventually(
    `instance ${name} on ${url}`,
    () =>
      fetch(`${url}/api/health`).then(
        (res) => (res.ok ? true : undefined),
        () => undefined,
      ),
    60_000,
  );
  const app: TestApp = {
    dialect: 'postgres',
    url,
    dataDir,
    dbUrl: storage.dbUrl,
    // The child keeps its own clock and mail worker; these are not used here.
    clock: new TestClock(),
    drainMail: () => Promise.resolve(),
    close: () => Promise.resolve(),
  };
  return { app, child, output: () => output };
}

async function stopInstance(instance: Instance | undefined): Promise<void> {
  const child = instance?.child;
  if (child === undefined || child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}

// Several instances need PostgreSQL (on SQLite there is one instance, with the stream in process).
describe.skipIf(!dialects.includes('postgres'))(
  'two server processes on one PostgreSQL',
  SUITE_TIMEOUT,
  () => {
    const dialect = 'postgres';
    let storage: Awaited<ReturnType<typeof provisionStorage>> | undefined;
    let a: Instance | undefined;
    let b: Instance | undefined;
    const A = () => a?.app ?? fail('instance A did not start');
    const B = () => b?.app ?? fail('instance B did not start');

    beforeAll(async () => {
      storage = await provisionStorage(dialect);
      // One after the other: the first migrates the fresh database.
      a = await startInstance('a', storage);
      b = await startInstance('b', storage);
    }, HOOK_TIMEOUT * 2);
    afterAll(async () => {
      await Promise.all([stopInstance(a), stopInstance(b)]);
      await storage?.dispose();
    }, HOOK_TIMEOUT);

    async function twoParties() {
      const freelancer = await signUp(A());
      const { project } = await setupProject(freelancer);
      const { code } = await share(freelancer, project.id);
      const clientOnA = await openPortal(A(), { code });
      const clientOnB = await openPortal(B(), { code });
      const head = (await threads(freelancer, project.id)).lastSeq;
      return { freelancer, clientOnA, clientOnB, projectId: project.id, head };
    }

    test(`a ${BURST}-message burst through one instance reaches sockets on the other complete and in order, both ways`, async () => {
      const { freelancer, clientOnA, clientOnB, projectId, head } = await twoParties();
      const onB = await TestSocket.open(B().url, clientOnA, { as: 'client' });
      onB.subscribe(projectId, head);
      await onB.next((f) => f.type === 'subscribed');
      const onA = await TestSocket.open(A().url, freelancer);
      onA.subscribe(projectId, head);
      await onA.next((f) => f.type === 'subscribed');

      // Through A, all at once.
      const throughA = await Promise.all(
        Array.from({ length: BURST }, (_, i) => send(freelancer, projectId, `A ${i}`)),
      );
      const fromA = await onB.entriesUpTo(projectId, head + BURST);
      expect(seqs(fromA)).toEqual(range(head, head + BURST));
      const textBySeq = new Map(throughA.map((m) => [m.seq, m.text]));
      expect(fromA.map((e) => e.message?.text)).toEqual(fromA.map((e) => textBySeq.get(e.seq)));
      expect(new Set(fromA.map((e) => e.message?.text)).size).toBe(BURST);

      // Through B (the client's own session there), all at once.
      const throughB = await Promise.all(
        Array.from({ length: BURST }, (_, i) => send(clientOnB, projectId, `B ${i}`)),
      );
      const all = await onA.entriesUpTo(projectId, head + 2 * BURST);
      expect(seqs(all)).toEqual(range(head, head + 2 * BURST));
      const fromB = all.slice(BURST);
      const textBySeqB = new Map(throughB.map((m) => [m.seq, m.text]));
      expect(fromB.map((e) => e.message?.text)).toEqual(fromB.map((e) => textBySeqB.get(e.seq)));
      expect(fromB.every((e) => e.message?.author === 'client')).toBe(true);
      // And the socket on B saw B's burst too: both sockets hold the identical sequence.
      const onBAll = await onB.entriesUpTo(projectId, head + 2 * BURST);
      expect(onBAll.map((e) => [e.seq, e.message?.id])).toEqual(
        all.map((e) => [e.seq, e.message?.id]),
      );
      onA.close();
      onB.close();
    });

    test('revoking the code through one instance closes the client’s socket on the other within seconds', async () => {
      const { freelancer, clientOnA, clientOnB, projectId, head } = await twoParties();
      const first = await TestSocket.open(B().url, clientOnA, { as: 'client' });
      const second = await TestSocket.open(B().url, clientOnB, { as: 'client' });
      first.subscribe(projectId, head);
      await first.next((f) => f.type === 'subscribed');
      const owners = await TestSocket.open(B().url, freelancer);
      const at = Date.now();
      expect((await freelancer.delete(`/api/projects/${projectId}/access`)).status).toBe(204);
      for (const socket of [first, second]) {
        expect((await socket.closeCode()).code).toBe(4401);
      }
      expect(Date.now() - at).toBeLessThan(WITHIN_MS);
      expect(owners.ws.readyState).toBe(owners.ws.OPEN);
      owners.close();
    });

    function fail(message: string): never {
      throw new Error(`${message}; output: ${a?.output() ?? ''} ${b?.output() ?? ''}`);
    }
  },
);
