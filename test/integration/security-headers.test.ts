/**
 * Headers that protect every response: the web app's Content-Security-Policy on its pages, a
 * closed policy on everything else, HSTS when PUBLIC_URL is https (on every response, tus's and
 * streamed ones included), and tus discovery answered as the tus 1.0 core requires.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { SUITE_TIMEOUT, dialects, setupProject, signUp, startApp, type TestApp } from './harness';
import { createUpload, tusHeaders } from './files-helpers';

const PAGE = '<!doctype html><html><head><title>Milepost</title></head><body></body></html>';
const MAX_FILE_BYTES = 123_456_789;

/** A CSP header as a map from directive to its sources. */
function directives(header: string | null): Map<string, string[]> {
  const map = new Map<string, string[]>();
  for (const part of (header ?? '').split(';')) {
    const [name, ...sources] = part.trim().split(/\s+/);
    if (name) map.set(name, sources);
  }
  return map;
}

function expectAppPolicy(headers: Headers, what: string): void {
  const csp = directives(headers.get('content-security-policy'));
  expect(csp.get('default-src'), what).toEqual(["'self'"]);
  expect(csp.get('script-src'), `${what}: scripts only from the origin, nothing inline`).toEqual([
    "'self'",
  ]);
  expect(csp.get('object-src'), what).toEqual(["'none'"]);
  expect(csp.get('frame-ancestors'), what).toEqual(["'none'"]);
  expect(csp.get('base-uri'), what).toEqual(["'none'"]);
  expect(csp.get('form-action'), what).toEqual(["'self'"]);
  const style = csp.get('style-src') ?? csp.get('default-src') ?? [];
  expect(style, `${what}: no inline style`).not.toContain("'unsafe-inline'");
  for (const [name, sources] of csp) {
    expect(sources, `${what}: ${name}`).not.toContain("'unsafe-eval'");
    expect(sources, `${what}: ${name}`).not.toContain('*');
  }
}

function expectBaseHeaders(headers: Headers, what: string): void {
  expect(headers.get('x-content-type-options'), what).toBe('nosniff');
  expect(headers.get('referrer-policy'), what).toBe('no-referrer');
  expect(headers.get('x-frame-options'), what).toBe('DENY');
}

describe.each(dialects)('security headers on %s', (dialect) => {
  let webDir = '';
  const apps: { plain?: TestApp; https?: TestApp } = {};
  beforeAll(async () => {
    webDir = await mkdtemp(path.join(os.tmpdir(), 'milepost-web-'));
    await writeFile(path.join(webDir, 'index.html'), PAGE);
    const env = { WEB_DIR: webDir, MAX_FILE_BYTES: String(MAX_FILE_BYTES) };
    apps.plain = await startApp(dialect, env);
    apps.https = await startApp(dialect, { ...env, PUBLIC_URL: 'https://milepost.example' });
  }, 120_000);
  afterAll(async () => {
    await apps.plain?.close();
    await apps.https?.close();
    await rm(webDir, { recursive: true, force: true });
  }, 120_000);
  const plain = (): TestApp => apps.plain ?? expect.unreachable('the app did not start');
  const https = (): TestApp => apps.https ?? expect.unreachable('the https app did not start');

  test('every HTML page carries the app CSP; API answers a closed one', SUITE_TIMEOUT, async () => {
    for (const page of ['/', '/index.html', '/projects/some-id', '/portal']) {
      const res = await fetch(plain().url + page);
      expect(res.status, page).toBe(200);
      expect(res.headers.get('content-type'), page).toMatch(/^text\/html/);
      expectAppPolicy(res.headers, `GET ${page}`);
      expectBaseHeaders(res.headers, `GET ${page}`);
    }
    for (const [method, url] of [
      ['GET', '/api/health'],
      ['GET', '/api/no-such-thing'],
      ['POST', '/api/auth/login'],
    ] as const) {
      const res = await fetch(plain().url + url, { method });
      const csp = directives(res.headers.get('content-security-policy'));
      expect(csp.get('default-src'), `${method} ${url}`).toEqual(["'none'"]);
      expect(csp.get('frame-ancestors'), `${method} ${url}`).toEqual(["'none'"]);
      expectBaseHeaders(res.headers, `${method} ${url}`);
    }
  });

  test(
    'no HSTS over plain http; HSTS on every response when PUBLIC_URL is https',
    SUITE_TIMEOUT,
    async () => {
      expect((await fetch(`${plain().url}/`)).headers.get('strict-transport-security')).toBeNull();
      expect(
        (await fetch(`${plain().url}/api/health`)).headers.get('strict-transport-security'),
      ).toBeNull();

      const app = https();
      const freelancer = await signUp(app);
      const { milestones } = await setupProject(freelancer);
      const upload = await createUpload(app, freelancer, {
        milestoneId: milestones[0]?.id ?? '',
        length: 3,
      });
      const responses: [string, Response][] = [
        ['GET /', await fetch(`${app.url}/`)],
        ['GET /api/health', await fetch(`${app.url}/api/health`)],
        ['GET /api/nothing', await fetch(`${app.url}/api/nothing`)],
        ['GET /api/%', await fetch(`${app.url}/api/%`)],
        ['OPTIONS /api/uploads', await fetch(`${app.url}/api/uploads`, { method: 'OPTIONS' })],
        // Answered by tus on the raw response, past Fastify's reply.
        [
          'HEAD upload',
          await fetch(upload.url, { method: 'HEAD', headers: tusHeaders(freelancer) }),
        ],
      ];
      for (const [what, res] of responses) {
        expect(res.headers.get('strict-transport-security') ?? 'none', what).toMatch(
          /^max-age=\d{7,}/,
        );
        expectBaseHeaders(res.headers, what);
      }
    },
  );

  test(
    'tus discovery: OPTIONS /api/uploads answers 204 with the tus 1.0 headers, no session needed',
    SUITE_TIMEOUT,
    async () => {
      const res = await fetch(`${plain().url}/api/uploads`, { method: 'OPTIONS' });
      expect(res.status, await res.text()).toBe(204);
      expect(res.headers.get('tus-resumable')).toBe('1.0.0');
      expect(
        res.headers
          .get('tus-version')
          ?.split(',')
          .map((v) => v.trim()),
      ).toContain('1.0.0');
      expect(res.headers.get('tus-max-size')).toBe(String(MAX_FILE_BYTES));
      const extensions = (res.headers.get('tus-extension') ?? '').split(',').map((e) => e.trim());
      expect(extensions).toEqual(
        expect.arrayContaining(['creation', 'creation-with-upload', 'termination', 'expiration']),
      );
      // Milepost needs Upload-Length at creation, so it does not offer what it refuses.
      expect(extensions).not.toContain('creation-defer-length');
      expect(extensions).not.toContain('concatenation');
    },
  );
});
