/**
 * The doors: access codes and links (format, entropy, forgiving input, rate limits per IP and
 * instance-wide), freelancer login (rate limit, password change, logout), session cookies'
 * flags, secrets kept out of the logs, and the health and OpenAPI endpoints.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import * as C from './contract';
import {
  Actor,
  PASSWORD,
  SUITE_TIMEOUT,
  dialects,
  expectError,
  expectNoContent,
  expectStatus,
  getPortal,
  logIn,
  openPortal,
  provisionStorage,
  setupProject,
  share,
  signUp,
  uniqueEmail,
  useApp,
  TestClock,
  type ApiResponse,
  type TestApp,
} from './harness';

const CODE_FORMAT = /^[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}$/;
const REPO_ROOT = path.resolve(fileURLToPath(new URL('.', import.meta.url)), '../..');
const SERVE_SCRIPT = path.join(REPO_ROOT, 'test/integration/support/serve.ts');

/** A code of the right shape that is (with overwhelming probability) not the real one. */
function wrongCode(real: string): string {
  const candidate = 'ZZZZ-ZZZZ-ZZZZ';
  return candidate === real ? 'YYYY-YYYY-YYYY' : candidate;
}

function cookieLine(res: ApiResponse, name: string): string {
  const line = res.setCookies.find((c) => c.startsWith(`${name}=`));
  if (line === undefined)
    throw new Error(`${res.request} set no ${name} cookie: ${JSON.stringify(res.setCookies)}`);
  return line;
}

function cookieAttributes(line: string): Map<string, string> {
  const attributes = new Map<string, string>();
  for (const part of line.split(';').slice(1)) {
    const [key = '', value = ''] = part.split('=').map((s) => s.trim());
    attributes.set(key.toLowerCase(), value);
  }
  return attributes;
}

function expectTooManyAttempts(res: ApiResponse, windowMinutes = 15): void {
  expectError(res, { status: 429, code: 'TOO_MANY_ATTEMPTS' });
  const retryAfter = res.headers.get('retry-after');
  expect(retryAfter, `${res.request}: Retry-After header`).toMatch(/^\d+$/);
  const seconds = Number(retryAfter);
  expect(seconds).toBeGreaterThanOrEqual(1);
  expect(seconds).toBeLessThanOrEqual(windowMinutes * 60);
}

async function sharedProject(app: TestApp): Promise<{ owner: Actor; code: string; token: string }> {
  const owner = await signUp(app);
  const { project } = await setupProject(owner);
  const { code, token } = await share(owner, project.id);
  return { owner, code, token };
}

describe.each(dialects)('access and auth on %s', SUITE_TIMEOUT, (dialect) => {
  describe('with default limits', () => {
    const app = useApp(dialect);

    test('access codes read aloud (XXXX-XXXX-XXXX) and links carry ≥128-bit tokens', async () => {
      const a = await signUp(app());
      const { project } = await setupProject(a);
      const codes = new Set<string>();
      const tokens = new Set<string>();
      for (let i = 0; i < 5; i++) {
        const { code, link, token } = await share(a, project.id);
        expect(code).toMatch(CODE_FORMAT);
        expect(token).toMatch(/^[A-Za-z0-9_-]{22,}$/);
        const url = new URL(link);
        expect(url.pathname).toBe('/portal');
        expect(url.search, 'the token travels in the fragment, never to a server log').toBe('');
        expect(link).not.toContain(code);
        codes.add(code);
        tokens.add(token);
      }
      expect(codes.size).toBe(5);
      expect(tokens.size).toBe(5);
    });

    test('a code is accepted in lowercase and without dashes; wrong codes and tokens are 401', async () => {
      const { code, token } = await sharedProject(app());
      const variants = [
        code,
        code.toLowerCase(),
        code.replace(/-/g, ''),
        code.replace(/-/g, '').toLowerCase(),
      ];
      for (const variant of variants) {
        const client = await openPortal(app(), { code: variant }, `client (${variant})`);
        expect((await getPortal(client)).milestones).toHaveLength(3);
      }
      const anonymous = new Actor(app().url, 'guesser');
      expectError(await anonymous.post('/api/portal/session', { code: wrongCode(code) }), {
        status: 401,
        code: 'INVALID_ACCESS',
      });
      expectError(
        await anonymous.post('/api/portal/session', {
          token: `${token.slice(0, -1)}${token.endsWith('A') ? 'B' : 'A'}`,
        }),
        {
          status: 401,
          code: 'INVALID_ACCESS',
        },
      );
      expect(anonymous.cookie('mp_client')).toBeUndefined();
    });

    test('session cookies are HttpOnly, SameSite=Lax, not Secure on plain http', async () => {
      const anonymous = new Actor(app().url, 'newcomer');
      const email = uniqueEmail('cookie');
      const signup = await anonymous.post('/api/auth/signup', {
        email,
        password: PASSWORD,
        name: 'N',
      });
      expect(signup.status).toBe(201);
      const login = await new Actor(app().url, 'login').post('/api/auth/login', {
        email,
        password: PASSWORD,
      });
      expect(login.status).toBe(200);
      const { code } = await sharedProject(app());
      const portal = await new Actor(app().url, 'client').post('/api/portal/session', { code });
      expect(portal.status).toBe(200);
      for (const [res, name] of [
        [signup, 'mp_session'],
        [login, 'mp_session'],
        [portal, 'mp_client'],
      ] as const) {
        const line = cookieLine(res, name);
        const attributes = cookieAttributes(line);
        expect(attributes.has('httponly'), line).toBe(true);
        expect(attributes.get('samesite')?.toLowerCase(), line).toBe('lax');
        expect(attributes.get('path'), line).toBe('/');
        expect(attributes.has('secure'), line).toBe(false);
        const value = line.slice(name.length + 1).split(';')[0] ?? '';
        expect(value.length, 'the session secret is long').toBeGreaterThanOrEqual(22);
      }
    });

    test('logout ends the session on the server, not just in the browser', async () => {
      const a = await signUp(app());
      const stolen = a.clone('old cookie');
      expectNoContent(await a.post('/api/auth/logout'));
      expect(a.cookie('mp_session'), 'the cookie is cleared').toBeUndefined();
      expectError(await a.get('/api/auth/me'), { status: 401, code: 'UNAUTHENTICATED' });
      expectError(await stolen.get('/api/auth/me'), { status: 401, code: 'UNAUTHENTICATED' });
      expectError(await stolen.post('/api/clients', { name: 'C', email: 'c@example.test' }), {
        status: 401,
      });
    });

    test('portal logout ends the client session on the server', async () => {
      const { code } = await sharedProject(app());
      const client = await openPortal(app(), { code });
      const stolen = client.clone('old client cookie');
      expectNoContent(await client.post('/api/portal/logout'));
      expect(client.cookie('mp_client')).toBeUndefined();
      expectError(await client.get('/api/portal/project'), { status: 401 });
      expectError(await stolen.get('/api/portal/project'), { status: 401 });
      // The code itself still works: logging out is not revoking.
      expect((await getPortal(await openPortal(app(), { code }))).milestones).toHaveLength(3);
    });

    test('password change: the new password works, the old fails, other sessions end', async () => {
      const a = await signUp(app());
      const email = a.email ?? '';
      const other = await logIn(app(), email);
      const newPassword = 'a completely new passphrase';

      // A wrong current password changes nothing.
      const refused = await a.post('/api/auth/password', {
        currentPassword: 'not my password at all',
        newPassword,
      });
      expect(refused.status >= 400 && refused.status < 500, refused.text).toBe(true);
      expectStatus(await other.get('/api/auth/me'), 200, C.AuthResult);

      expectNoContent(
        await a.post('/api/auth/password', { currentPassword: PASSWORD, newPassword }),
      );
      expectStatus(await a.get('/api/auth/me'), 200, C.AuthResult);
      expectError(await other.get('/api/auth/me'), { status: 401, code: 'UNAUTHENTICATED' });
      expectError(
        await new Actor(app().url, 'old').post('/api/auth/login', { email, password: PASSWORD }),
        {
          status: 401,
          code: 'INVALID_CREDENTIALS',
        },
      );
      await logIn(app(), email, newPassword);
    });

    test('login refusals do not reveal whether an account exists', async () => {
      const a = await signUp(app());
      const guest = new Actor(app().url, 'guest');
      const wrongPassword = expectError(
        await guest.post('/api/auth/login', { email: a.email, password: 'wrong password here' }),
        { status: 401, code: 'INVALID_CREDENTIALS' },
      );
      const noAccount = expectError(
        await guest.post('/api/auth/login', {
          email: uniqueEmail('nobody'),
          password: 'wrong password here',
        }),
        { status: 401, code: 'INVALID_CREDENTIALS' },
      );
      expect(noAccount.message).toBe(wrongPassword.message);
      expect(guest.cookie('mp_session')).toBeUndefined();
    });

    test('signing up twice with one email is refused and leaves the account alone', async () => {
      const a = await signUp(app());
      const email = a.email ?? '';
      expectError(
        await new Actor(app().url, 'twin').post('/api/auth/signup', {
          email,
          password: 'another password 42',
          name: 'Twin',
        }),
        { status: 409, code: 'EMAIL_TAKEN' },
      );
      const again = await logIn(app(), email);
      expect(again.user?.id).toBe(a.user?.id);
      expectError(
        await new Actor(app().url, 'twin').post('/api/auth/login', {
          email,
          password: 'another password 42',
        }),
        {
          status: 401,
        },
      );
    });

    test('concurrent sign-ups with one email create exactly one account', async () => {
      const email = uniqueEmail('race');
      const results = await Promise.all(
        Array.from({ length: 5 }, (_, i) =>
          new Actor(app().url, `racer ${i}`).post('/api/auth/signup', {
            email,
            password: PASSWORD,
            name: `Racer ${i}`,
          }),
        ),
      );
      expect(results.map((r) => r.status).sort()).toEqual([201, 409, 409, 409, 409]);
      for (const res of results.filter((r) => r.status === 409))
        expectError(res, { status: 409, code: 'EMAIL_TAKEN' });
      await logIn(app(), email);
    });

    test('GET /api/health names the database', async () => {
      const res = await new Actor(app().url, 'monitor').get('/api/health');
      expect(expectStatus(res, 200, C.Health)).toEqual({ status: 'ok', database: dialect });
    });

    test('GET /api/openapi.json is an OpenAPI 3 document listing the routes', async () => {
      const doc = expectStatus(
        await new Actor(app().url, 'tooling').get('/api/openapi.json'),
        200,
        C.OpenApiDocument,
      );
      expect(Object.keys(doc.paths)).toContain('/api/projects');
    });
  });

  describe('with ACCESS_FAILURES_PER_IP=3', () => {
    const app = useApp(dialect, { ACCESS_FAILURES_PER_IP: '3', ACCESS_FAILURES_GLOBAL: '1000' });

    test('after 3 wrong codes or tokens the IP gets 429 with Retry-After, even for the right code (not for the link)', async () => {
      const { owner, code, token } = await sharedProject(app());
      const guesser = new Actor(app().url, 'guesser');
      expectError(await guesser.post('/api/portal/session', { code: wrongCode(code) }), {
        status: 401,
        code: 'INVALID_ACCESS',
      });
      expectError(await guesser.post('/api/portal/session', { token: 'A'.repeat(43) }), {
        status: 401,
        code: 'INVALID_ACCESS',
      });
      expectError(
        await guesser.post('/api/portal/session', { code: wrongCode(code).replace(/-/g, '') }),
        {
          status: 401,
          code: 'INVALID_ACCESS',
        },
      );
      expectTooManyAttempts(await guesser.post('/api/portal/session', { code: wrongCode(code) }));
      expectTooManyAttempts(await guesser.post('/api/portal/session', { code }));
      // The link's 256-bit token cannot be guessed: holding it opens the project even here.
      expectStatus(
        await new Actor(app().url, 'same ip').post('/api/portal/session', { token }),
        200,
        C.PortalSession,
      );
      // The freelancer's own work is not blocked by the access limit.
      expectStatus(await owner.get('/api/projects'), 200, C.ProjectList);
    });
  });

  describe('with ACCESS_FAILURES_PER_IP=3, guessing in parallel', () => {
    const app = useApp(dialect, { ACCESS_FAILURES_PER_IP: '3', ACCESS_FAILURES_GLOBAL: '1000' });

    test('12 simultaneous wrong codes get at most 3 answers of 401, the rest 429', async () => {
      const { code } = await sharedProject(app());
      const results = await Promise.all(
        Array.from({ length: 12 }, (_, i) =>
          new Actor(app().url, `parallel guesser ${i}`).post('/api/portal/session', {
            code: wrongCode(code),
          }),
        ),
      );
      const statuses = results.map((r) => r.status);
      expect(statuses.filter((s) => s === 401).length, statuses.join(',')).toBeLessThanOrEqual(3);
      expect(
        statuses.filter((s) => s !== 401 && s !== 429),
        statuses.join(','),
      ).toEqual([]);
      expectTooManyAttempts(
        await new Actor(app().url, 'after').post('/api/portal/session', { code }),
      );
    });
  });

  describe('with ACCESS_FAILURES_GLOBAL=4 (per IP 100)', () => {
    const app = useApp(dialect, { ACCESS_FAILURES_PER_IP: '100', ACCESS_FAILURES_GLOBAL: '4' });

    test('the instance-wide limit stops guessing once 4 failures happened', async () => {
      const { code } = await sharedProject(app());
      for (let i = 0; i < 4; i++) {
        const guesser = new Actor(app().url, `guesser ${i}`);
        expectError(await guesser.post('/api/portal/session', { code: wrongCode(code) }), {
          status: 401,
          code: 'INVALID_ACCESS',
        });
      }
      expectTooManyAttempts(
        await new Actor(app().url, 'next guesser').post('/api/portal/session', {
          code: wrongCode(code),
        }),
      );
      expectTooManyAttempts(
        await new Actor(app().url, 'real client').post('/api/portal/session', { code }),
      );
    });
  });

  describe('with TRUST_PROXY and ACCESS_FAILURES_PER_IP=2', () => {
    const app = useApp(dialect, {
      TRUST_PROXY: 'true',
      ACCESS_FAILURES_PER_IP: '2',
      ACCESS_FAILURES_GLOBAL: '1000',
    });

    test('one IP being blocked does not block another', async () => {
      const { code } = await sharedProject(app());
      const from = (ip: string) => ({ headers: { 'x-forwarded-for': ip } });
      const guesser = new Actor(app().url, 'guesser');
      for (let i = 0; i < 2; i++) {
        expectError(
          await guesser.post('/api/portal/session', { code: wrongCode(code) }, from('203.0.113.7')),
          {
            status: 401,
            code: 'INVALID_ACCESS',
          },
        );
      }
      expectTooManyAttempts(
        await guesser.post('/api/portal/session', { code }, from('203.0.113.7')),
      );
      const client = new Actor(app().url, 'client elsewhere');
      expectError(
        await client.post('/api/portal/session', { code: wrongCode(code) }, from('198.51.100.20')),
        {
          status: 401,
          code: 'INVALID_ACCESS',
        },
      );
      expectStatus(
        await client.post('/api/portal/session', { code }, from('198.51.100.20')),
        200,
        C.PortalSession,
      );
    });
  });

  describe('with LOGIN_FAILURES_PER_IP=3', () => {
    const app = useApp(dialect, { LOGIN_FAILURES_PER_IP: '3' });

    test('after 3 failed logins the IP gets 429 with Retry-After, even with the right password', async () => {
      const a = await signUp(app());
      const email = a.email ?? '';
      const guesser = new Actor(app().url, 'guesser');
      for (let i = 0; i < 3; i++) {
        expectError(
          await guesser.post('/api/auth/login', { email, password: `wrong password ${i}` }),
          {
            status: 401,
            code: 'INVALID_CREDENTIALS',
          },
        );
      }
      expectTooManyAttempts(
        await guesser.post('/api/auth/login', { email, password: 'wrong password 4' }),
      );
      expectTooManyAttempts(await guesser.post('/api/auth/login', { email, password: PASSWORD }));
      expect(guesser.cookie('mp_session')).toBeUndefined();
      // An existing session is not thrown out by the lockout.
      expectStatus(await a.get('/api/auth/me'), 200, C.AuthResult);
    });
  });

  describe('with TRUST_PROXY and LOGIN_FAILURES_PER_IP=3', () => {
    const app = useApp(dialect, { TRUST_PROXY: 'true', LOGIN_FAILURES_PER_IP: '3' });
    const from = (ip: string) => ({ headers: { 'x-forwarded-for': ip } });

    test('wrong current passwords are limited per account and per address, like logins', async () => {
      const a = await signUp(app());
      const newPassword = 'a completely new passphrase';
      const change = (actor: Actor, currentPassword: string, ip: string) =>
        actor.post('/api/auth/password', { currentPassword, newPassword }, from(ip));

      // A right password settles its attempt: it does not count.
      const b = await signUp(app());
      expectNoContent(await change(b, PASSWORD, '203.0.113.1'));

      for (let i = 0; i < 3; i++) {
        expectError(await change(a, `wrong password ${i}`, '203.0.113.1'), {
          status: 401,
          code: 'INVALID_CREDENTIALS',
        });
      }
      // The account is spent: from that address, and from another with another session.
      expectTooManyAttempts(await change(a, PASSWORD, '203.0.113.1'));
      const elsewhere = await logIn(app(), a.email ?? '');
      expectTooManyAttempts(await change(elsewhere, PASSWORD, '198.51.100.9'));
      // The address is spent: another account's session from it is refused too.
      expectTooManyAttempts(await change(b, newPassword, '203.0.113.1'));
      // Nothing changed: the old password still logs in, the other session still works.
      expectStatus(await elsewhere.get('/api/auth/me'), 200, C.AuthResult);
      await logIn(app(), a.email ?? '', PASSWORD);
      // Another account from another address is not affected.
      expectNoContent(await change(b, newPassword, '198.51.100.10'));
    });
  });

  describe('with an https PUBLIC_URL', () => {
    const app = useApp(dialect, { PUBLIC_URL: 'https://milepost.example.com' });

    test('cookies are Secure and the access link uses the public URL', async () => {
      const anonymous = new Actor(app().url, 'newcomer');
      const signup = await anonymous.post('/api/auth/signup', {
        email: uniqueEmail('secure'),
        password: PASSWORD,
        name: 'N',
      });
      expect(signup.status).toBe(201);
      const session = cookieAttributes(cookieLine(signup, 'mp_session'));
      expect(session.has('secure')).toBe(true);
      expect(session.has('httponly')).toBe(true);
      expect(session.get('samesite')?.toLowerCase()).toBe('lax');

      const { project } = await setupProject(anonymous);
      const { code, link } = await share(anonymous, project.id);
      expect(link.startsWith('https://milepost.example.com/portal#access=')).toBe(true);
      const portal = await new Actor(app().url, 'client').post('/api/portal/session', { code });
      expect(portal.status).toBe(200);
      const client = cookieAttributes(cookieLine(portal, 'mp_client'));
      expect(client.has('secure')).toBe(true);
      expect(client.has('httponly')).toBe(true);
      expect(client.get('samesite')?.toLowerCase()).toBe('lax');
    });
  });

  test(
    'access codes, link tokens, passwords and session secrets never appear in the logs',
    { timeout: 120_000 },
    async () => {
      const storage = await provisionStorage(dialect);
      const output: string[] = [];
      const child = spawn(process.execPath, ['--import', 'tsx', SERVE_SCRIPT], {
        cwd: REPO_ROOT,
        env: {
          PATH: process.env.PATH ?? '',
          HOME: process.env.HOME ?? '',
          HOST: '127.0.0.1',
          LOG_LEVEL: 'info',
          ...storage.env,
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      const exited = new Promise<number | null>((resolve) =>
        child.once('exit', (code) => resolve(code)),
      );
      try {
        child.stdout.on('data', (chunk: Buffer) => output.push(chunk.toString('utf8')));
        child.stderr.on('data', (chunk: Buffer) => output.push(chunk.toString('utf8')));
        const port = await new Promise<number>((resolve, reject) => {
          const timer = setInterval(() => {
            const match = /MILEPOST_TEST_PORT=(\d+)/.exec(output.join(''));
            if (match?.[1] !== undefined) {
              clearInterval(timer);
              resolve(Number(match[1]));
            } else if (child.exitCode !== null) {
              clearInterval(timer);
              reject(new Error(`the server exited (${child.exitCode}):\n${output.join('')}`));
            }
          }, 50);
        });
        const app: TestApp = {
          dialect,
          url: `http://127.0.0.1:${port}`,
          dataDir: storage.dataDir,
          dbUrl: storage.dbUrl,
          // The child runs on its own system clock; this one moves nothing.
          clock: new TestClock(),
          drainMail: () => Promise.reject(new Error('the app runs in a child process')),
          close: () => Promise.resolve(),
        };

        const a = await signUp(app);
        const email = a.email ?? '';
        await logIn(app, email);
        expectError(
          await new Actor(app.url, 'typo').post('/api/auth/login', {
            email,
            password: `${PASSWORD}!`,
          }),
          { status: 401 },
        );
        const { project } = await setupProject(a);
        const { code, token } = await share(a, project.id);
        const byCode = await openPortal(app, { code });
        await openPortal(app, { code: code.toLowerCase().replace(/-/g, '') });
        await openPortal(app, { token });
        await getPortal(byCode);
        expectError(
          await new Actor(app.url, 'guesser').post('/api/portal/session', {
            code: wrongCode(code),
          }),
          { status: 401 },
        );
        const clientCookie = byCode.cookie('mp_client') ?? 'missing';
        expectNoContent(await byCode.post('/api/portal/logout'));

        const logs = output.join('').replace(/MILEPOST_TEST_PORT=\d+\n/, '');
        expect(logs.trim().length, 'LOG_LEVEL=info produced log output to inspect').toBeGreaterThan(
          0,
        );
        const secrets: Record<string, string> = {
          'access code': code,
          'access code without dashes': code.replace(/-/g, ''),
          'access code, lowercase': code.toLowerCase().replace(/-/g, ''),
          'link token': token,
          password: PASSWORD,
          'freelancer session cookie': a.cookie('mp_session') ?? 'missing',
          'client session cookie': clientCookie,
          'csrf token': a.csrfToken ?? 'missing',
        };
        for (const [what, secret] of Object.entries(secrets)) {
          expect(secret, what).not.toBe('missing');
          expect(logs.includes(secret), `the ${what} appears in the server log`).toBe(false);
        }
      } finally {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
        await exited;
        clearTimeout(timer);
        await storage.dispose();
      }
    },
  );
});
