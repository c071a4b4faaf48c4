/**
 * Sockets close within moments when their person's access ends — a logout, a revoked or
 * reissued code, an archived project — without waiting for the periodic session check (set to an
 * hour here, so only the hint can close them): in process on SQLite, and on PostgreSQL also when
 * the socket is held by another app instance (the hint travels by NOTIFY, naming only the user or
 * project; each instance re-checks its sockets against the sessions' rows).
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { loadConfig } from '../../src/config';
import { buildApp } from '../../src/http/app';
import {
  HOOK_TIMEOUT,
  PASSWORD,
  SUITE_TIMEOUT,
  TEST_ENV,
  dialects,
  logIn,
  openPortal,
  setupProject,
  share,
  signUp,
  useApp,
  type Actor,
  type TestApp,
} from './harness';
import { TEST_ORIGIN, TestSocket } from './socket-support';

const ENV = {
  PUBLIC_URL: TEST_ORIGIN,
  // No periodic check during a test: only the hints can close a socket in time.
  WS_SESSION_CHECK_SECONDS: '3600',
};
/** "Within seconds": far below the periodic check, with room for a loaded test machine. */
const WITHIN_MS = 3_000;

/** Another app instance on the same database (PostgreSQL), listening on its own port. */
async function secondInstance(app: TestApp): Promise<{ url: string; close(): Promise<void> }> {
  const config = loadConfig({
    ...TEST_ENV,
    ...ENV,
    DATA_DIR: app.dataDir,
    ...(app.dbUrl !== undefined && { DATABASE_URL: app.dbUrl }),
  });
  const other = await buildApp({ config, clock: app.clock });
  await other.listen({ port: 0, host: '127.0.0.1' });
  const address = other.server.address();
  if (address === null || typeof address === 'string') throw new Error('no address');
  return { url: `http://127.0.0.1:${address.port}`, close: () => other.close() };
}

async function twoParties(app: TestApp) {
  const freelancer = await signUp(app);
  const fixture = await setupProject(freelancer);
  const client = await openPortal(app, {
    code: (await share(freelancer, fixture.project.id)).code,
  });
  return { freelancer, client, projectId: fixture.project.id };
}

/** Waits for the socket to close, and how long it took from `since`. */
async function closedWithin(socket: TestSocket, since: number) {
  const { code } = await socket.closeCode();
  return { code, ms: Date.now() - since };
}

async function following(url: string, actor: Actor, projectId: string, as?: 'client') {
  const socket = await TestSocket.open(url, actor, as === undefined ? {} : { as });
  socket.subscribe(projectId, 0);
  await socket.next((f) => f.type === 'subscribed');
  return socket;
}

function checks(where: () => string, app: () => TestApp) {
  test('revoking the code closes the client’s sockets within seconds; the freelancer’s stay', async () => {
    const { freelancer, client, projectId } = await twoParties(app());
    const clients = await following(where(), client, projectId, 'client');
    const owners = await following(where(), freelancer, projectId);
    const at = Date.now();
    expect((await freelancer.delete(`/api/projects/${projectId}/access`)).status).toBe(204);
    const closed = await closedWithin(clients, at);
    expect(closed.code).toBe(4401);
    expect(closed.ms).toBeLessThan(WITHIN_MS);
    expect(owners.ws.readyState).toBe(owners.ws.OPEN);
    owners.close();
  });

  test('a new code (share again) closes the sockets opened with the old one', async () => {
    const { freelancer, client, projectId } = await twoParties(app());
    const clients = await following(where(), client, projectId, 'client');
    const at = Date.now();
    await share(freelancer, projectId);
    const closed = await closedWithin(clients, at);
    expect(closed.code).toBe(4401);
    expect(closed.ms).toBeLessThan(WITHIN_MS);
  });

  test('archiving closes the client’s sockets (4403) within seconds', async () => {
    const { freelancer, client, projectId } = await twoParties(app());
    const clients = await following(where(), client, projectId, 'client');
    const at = Date.now();
    expect((await freelancer.post(`/api/projects/${projectId}/archive`)).status).toBe(200);
    const closed = await closedWithin(clients, at);
    expect(closed.code).toBe(4403);
    expect(closed.ms).toBeLessThan(WITHIN_MS);
  });

  test('logging out closes that session’s sockets, not the same person’s other sessions', async () => {
    const { freelancer, client, projectId } = await twoParties(app());
    const email = freelancer.email;
    if (email === undefined) throw new Error('no email');
    const laptop = await logIn(app(), email);
    const mine = await following(where(), freelancer, projectId);
    const laptops = await following(where(), laptop, projectId);
    const clients = await following(where(), client, projectId, 'client');
    let at = Date.now();
    expect((await freelancer.post('/api/auth/logout')).status).toBe(204);
    const closed = await closedWithin(mine, at);
    expect(closed.code).toBe(4401);
    expect(closed.ms).toBeLessThan(WITHIN_MS);
    // The client logs out too (their own session only).
    at = Date.now();
    expect((await client.post('/api/portal/logout')).status).toBe(204);
    const left = await closedWithin(clients, at);
    expect(left.code).toBe(4401);
    expect(left.ms).toBeLessThan(WITHIN_MS);
    // The laptop's session stands, and so does its socket.
    expect(laptops.ws.readyState).toBe(laptops.ws.OPEN);
    laptops.close();
  });

  test('changing the password closes the sockets of the person’s other sessions, not this one’s', async () => {
    const { freelancer, projectId } = await twoParties(app());
    const email = freelancer.email;
    if (email === undefined) throw new Error('no email');
    const laptop = await logIn(app(), email);
    const mine = await following(where(), freelancer, projectId);
    const laptops = await following(where(), laptop, projectId);
    const at = Date.now();
    const res = await freelancer.post('/api/auth/password', {
      currentPassword: PASSWORD,
      newPassword: 'a different long passphrase 42',
    });
    expect(res.status).toBe(204);
    const closed = await closedWithin(laptops, at);
    expect(closed.code).toBe(4401);
    expect(closed.ms).toBeLessThan(WITHIN_MS);
    expect(mine.ws.readyState).toBe(mine.ws.OPEN);
    mine.close();
  });
}

describe.each(dialects)('sockets closed by ended access on %s', SUITE_TIMEOUT, (dialect) => {
  const app = useApp(dialect, ENV);
  checks(() => app().url, app);
});

describe.each(dialects.filter((d) => d === 'postgres'))(
  'sockets on another instance closed by ended access on %s',
  SUITE_TIMEOUT,
  (dialect) => {
    const app = useApp(dialect, ENV);
    let other: Awaited<ReturnType<typeof secondInstance>> | undefined;
    const where = () => {
      if (other === undefined) throw new Error('the second instance did not start');
      return other.url;
    };
    beforeAll(async () => {
      other = await secondInstance(app());
    }, HOOK_TIMEOUT);
    afterAll(async () => {
      await other?.close();
    }, HOOK_TIMEOUT);
    // Every request goes to the first instance; every socket is held by the second.
    checks(where, app);
  },
);
