/**
 * Limits that must never lock out the rightful user: the instance-wide count of wrong access
 * codes spares the holder of the 256-bit link, malformed codes do not count, IPv6 addresses
 * count by /64, windows pass on the app's clock, and sign-ups are limited per address.
 */
import { describe, expect, test } from 'vitest';
import * as C from './contract';
import {
  Actor,
  SUITE_TIMEOUT,
  dialects,
  expectError,
  expectStatus,
  getPortal,
  setupProject,
  share,
  signUp,
  uniqueEmail,
  useApp,
  PASSWORD,
  type ApiResponse,
  type TestApp,
} from './harness';

const WINDOW_MS = 15 * 60_000;

const from = (ip: string) => ({ headers: { 'x-forwarded-for': ip } });

/** A code of the right shape that is (with overwhelming probability) not the real one. */
function wrongCode(real: string, i = 0): string {
  const candidate = `ZZZZ-ZZZZ-ZZ${String(i % 100).padStart(2, '0')}`;
  return candidate === real ? 'YYYY-YYYY-YYYY' : candidate;
}

async function sharedProject(app: TestApp) {
  const owner = await signUp(app);
  const fixture = await setupProject(owner);
  return { owner, ...fixture, ...(await share(owner, fixture.project.id)) };
}

function openWith(app: TestApp, body: { code: string } | { token: string }, ip: string) {
  const client = new Actor(app.url, `client at ${ip}`);
  return { client, response: client.post('/api/portal/session', body, from(ip)) };
}

function statusCounts(responses: ApiResponse[]): Record<number, number> {
  const counts: Record<number, number> = {};
  for (const r of responses) counts[r.status] = (counts[r.status] ?? 0) + 1;
  return counts;
}

describe.each(dialects)('limits on %s', SUITE_TIMEOUT, (dialect) => {
  describe('access codes with the default limits (10 per address, 200 instance-wide)', () => {
    const app = useApp(dialect, { TRUST_PROXY: 'true' });

    test('220 wrong codes from 22 addresses never block the link; a code works once the window passes', async () => {
      const { project, code, token } = await sharedProject(app());
      const responses: ApiResponse[] = [];
      for (let address = 0; address < 22; address++) {
        for (let i = 0; i < 10; i++) {
          const guesser = new Actor(app().url, `guesser ${address}`);
          responses.push(
            await guesser.post(
              '/api/portal/session',
              { code: wrongCode(code, i) },
              from(`203.0.113.${address + 1}`),
            ),
          );
        }
      }
      // The first 200 wrong codes are checked and refused; then the instance-wide limit holds.
      expect(statusCounts(responses)).toEqual({ 401: 200, 429: 20 });

      // The link's holder, from an address never seen, still gets in.
      const viaLink = openWith(app(), { token }, '198.51.100.50');
      expectStatus(await viaLink.response, 200, C.PortalSession);
      expect((await getPortal(viaLink.client)).project.id).toBe(project.id);

      // A code stays blocked instance-wide until the window has passed on the app's clock...
      const early = openWith(app(), { code }, '198.51.100.51');
      expectError(await early.response, { status: 429, code: 'TOO_MANY_ATTEMPTS' });
      app().clock.advance(WINDOW_MS + 60_000);
      const later = openWith(app(), { code }, '198.51.100.52');
      expectStatus(await later.response, 200, C.PortalSession);
      expect((await getPortal(later.client)).project.id).toBe(project.id);
    });
  });

  describe('access codes with 3 per address', () => {
    const app = useApp(dialect, {
      TRUST_PROXY: 'true',
      ACCESS_FAILURES_PER_IP: '3',
      ACCESS_FAILURES_GLOBAL: '1000',
    });

    test('malformed codes and tokens answer 400 and do not count', async () => {
      const { code } = await sharedProject(app());
      const ip = '192.0.2.10';
      const malformed = [
        { code: 'hello' },
        { code: 'K7QM-2XPD-9RT' },
        { code: 'K7QM-2XPD-9RTA-X' },
        { code: 'K7QM-2XPD-9RT!' },
        { code: 'UUUU-UUUU-UUUU' },
        { token: 'short' },
        { token: `${'A'.repeat(42)}=` },
      ];
      for (const body of malformed) {
        for (let i = 0; i < 2; i++) {
          const res = await new Actor(app().url, 'typist').post(
            '/api/portal/session',
            body,
            from(ip),
          );
          expectError(res, { status: 400, code: 'VALIDATION_FAILED' });
        }
      }
      expectStatus(await openWith(app(), { code }, ip).response, 200, C.PortalSession);
    });

    test('a valid link opens the project even from an address blocked for codes', async () => {
      const { code, token } = await sharedProject(app());
      const ip = '192.0.2.20';
      for (let i = 0; i < 3; i++) {
        expectError(await openWith(app(), { code: wrongCode(code, i) }, ip).response, {
          status: 401,
          code: 'INVALID_ACCESS',
        });
      }
      expectError(await openWith(app(), { code }, ip).response, {
        status: 429,
        code: 'TOO_MANY_ATTEMPTS',
      });
      expectError(await openWith(app(), { token: 'A'.repeat(43) }, ip).response, {
        status: 429,
        code: 'TOO_MANY_ATTEMPTS',
      });
      expectStatus(await openWith(app(), { token }, ip).response, 200, C.PortalSession);
    });

    test('IPv6 addresses count by /64', async () => {
      const { code } = await sharedProject(app());
      for (let i = 1; i <= 3; i++) {
        expectError(
          await openWith(app(), { code: wrongCode(code, i) }, `2001:db8:7:1::${i.toString(16)}`)
            .response,
          { status: 401, code: 'INVALID_ACCESS' },
        );
      }
      // Another address of the same /64 is the same subscriber.
      expectError(await openWith(app(), { code }, '2001:db8:7:1:ffff:1:2:3').response, {
        status: 429,
        code: 'TOO_MANY_ATTEMPTS',
      });
      // The neighbouring /64 is someone else.
      expectStatus(
        await openWith(app(), { code }, '2001:db8:7:2::1').response,
        200,
        C.PortalSession,
      );
    });
  });

  describe('sign-up with SIGNUP_PER_IP=3', () => {
    const app = useApp(dialect, { TRUST_PROXY: 'true', SIGNUP_PER_IP: '3' });

    test('an address gets 3 sign-ups per window, taken emails included; others are not affected', async () => {
      const signUpFrom = (ip: string, email: string) =>
        new Actor(app().url, `sign-up from ${ip}`).post(
          '/api/auth/signup',
          { email, password: PASSWORD, name: 'Sam Signup' },
          from(ip),
        );
      const ip = '203.0.113.200';
      const taken = uniqueEmail('taken');
      expectStatus(await signUpFrom(ip, taken), 201, C.AuthResult);
      expectError(await signUpFrom(ip, taken), { status: 409, code: 'EMAIL_TAKEN' });
      expectStatus(await signUpFrom(ip, uniqueEmail('second')), 201, C.AuthResult);
      const refused = await signUpFrom(ip, uniqueEmail('fourth'));
      expectError(refused, { status: 429, code: 'TOO_MANY_ATTEMPTS' });
      expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
      // A probe for registered emails is refused the same way.
      expectError(await signUpFrom(ip, taken), { status: 429, code: 'TOO_MANY_ATTEMPTS' });

      expectStatus(await signUpFrom('203.0.113.201', uniqueEmail('neighbour')), 201, C.AuthResult);

      app().clock.advance(WINDOW_MS + 60_000);
      expectStatus(await signUpFrom(ip, uniqueEmail('later')), 201, C.AuthResult);
    });
  });
});
