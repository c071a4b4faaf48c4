/**
 * The page every notification mail's unsubscribe link opens, `/unsubscribe/:token`: the server
 * answers it with the web app (HTML, the app's CSP) for anyone, logged in or not, and the API
 * behind the page stops that one kind of mail and starts it again — for the freelancer and for
 * the client, each with the link from a real mail.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { simpleParser } from 'mailparser';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { z } from 'zod';
import {
  SUITE_TIMEOUT,
  deliver,
  dialects,
  expectStatus,
  openPortal,
  setupProject,
  share,
  signUp,
  startApp,
  type TestApp,
} from './harness';
import { mailTo, startSmtp, type SmtpCapture } from './smtp-helpers';

const PUBLIC_URL = 'http://milepost.test';
const PAGE = '<!doctype html><html><head><title>Milepost</title></head><body>app</body></html>';

const Subscription = z.strictObject({
  audience: z.enum(['freelancer', 'client']),
  kind: z.string(),
  projectTitle: z.string().nullable(),
  subscribed: z.boolean(),
});
const Choices = z.object({ mail: z.record(z.string(), z.boolean()) });

/** The unsubscribe page's token from the newest mail to `address` whose subject matches. */
async function pageToken(mail: SmtpCapture, address: string, subject: RegExp): Promise<string> {
  const parsed = await Promise.all(mailTo(mail, address).map((m) => simpleParser(m.raw)));
  const found = parsed.filter((m) => subject.test(m.subject ?? '')).pop();
  const link = new RegExp(`${PUBLIC_URL}/unsubscribe/([\\w.-]+)`).exec(found?.text ?? '');
  if (!link?.[1]) throw new Error(`no unsubscribe link in a mail to ${address} like ${subject}`);
  return link[1];
}

async function json(res: Response): Promise<unknown> {
  return res.json() as Promise<unknown>;
}

describe.each(dialects)('the unsubscribe page on %s', (dialect) => {
  let webDir = '';
  let smtp: SmtpCapture | undefined;
  let running: TestApp | undefined;
  beforeAll(async () => {
    webDir = await mkdtemp(path.join(os.tmpdir(), 'milepost-web-'));
    await writeFile(path.join(webDir, 'index.html'), PAGE);
    smtp = await startSmtp();
    running = await startApp(dialect, { WEB_DIR: webDir, SMTP_URL: smtp.url, PUBLIC_URL });
  }, 120_000);
  afterAll(async () => {
    await running?.close();
    await smtp?.close();
    await rm(webDir, { recursive: true, force: true });
  }, 120_000);

  test(
    'a mail’s link opens the page; the page’s calls stop and restart that mail',
    SUITE_TIMEOUT,
    async () => {
      const app = running ?? expect.unreachable('the app did not start');
      const mail = smtp ?? expect.unreachable('no SMTP server');
      const freelancer = await signUp(app);
      const email = freelancer.email ?? '';
      const fixture = await setupProject(freelancer, { title: 'Atlas' });
      const portal = await openPortal(app, {
        code: (await share(freelancer, fixture.project.id)).code,
      });
      await app.drainMail();

      // The freelancer's "first visit" mail links to the page; the page is the web app, for anyone.
      const token = await pageToken(mail, email, /opened Atlas/);
      const page = await fetch(`${app.url}/unsubscribe/${token}`);
      expect(page.status).toBe(200);
      expect(page.headers.get('content-type')).toMatch(/^text\/html/);
      expect(page.headers.get('content-security-policy')).toMatch(/script-src 'self'/);
      expect(await page.text()).toBe(PAGE);

      const api = `${app.url}/api/unsubscribe/${token}`;
      expect(Subscription.parse(await json(await fetch(api)))).toEqual({
        audience: 'freelancer',
        kind: 'client_visit',
        projectTitle: null,
        subscribed: true,
      });
      // Opening the page changed nothing; its button (a POST, no session, no CSRF token) does.
      const settings = async () =>
        expectStatus(await freelancer.get('/api/settings/notifications'), 200, Choices).mail;
      expect((await settings()).client_visit).toBe(true);
      const off = await fetch(api, { method: 'POST' });
      expect(off.status).toBe(200);
      expect(Subscription.parse(await json(off)).subscribed).toBe(false);
      expect(await settings()).toMatchObject({ client_visit: false, payment: true });
      expect(Subscription.parse(await json(await fetch(api))).subscribed).toBe(false);
      // "Subscribe again" undoes it.
      const on = await fetch(`${api}/resubscribe`, { method: 'POST' });
      expect(Subscription.parse(await json(on)).subscribed).toBe(true);
      expect((await settings()).client_visit).toBe(true);

      // The client's delivery mail: the same page, for their project's choice only.
      const [first] = fixture.milestones;
      await deliver(freelancer, fixture.project.id, first?.id ?? '');
      await app.drainMail();
      const clientToken = await pageToken(mail, fixture.client.email, /delivered/);
      expect((await fetch(`${app.url}/unsubscribe/${clientToken}`)).status).toBe(200);
      const clientApi = `${app.url}/api/unsubscribe/${clientToken}`;
      expect(Subscription.parse(await json(await fetch(clientApi, { method: 'POST' })))).toEqual({
        audience: 'client',
        kind: 'delivery',
        projectTitle: 'Atlas',
        subscribed: false,
      });
      expect(
        expectStatus(await portal.get('/api/portal/notifications'), 200, Choices).mail,
      ).toEqual({
        uploads: true,
        delivery: false,
        reminders: true,
        messages: true,
      });
      // The freelancer's own choice is not touched by the client's link.
      expect((await settings()).client_visit).toBe(true);
    },
  );

  test(
    'a broken link: the page still opens, its API says 404 with a reason',
    SUITE_TIMEOUT,
    async () => {
      const app = running ?? expect.unreachable('the app did not start');
      for (const token of ['nonsense', 'YXxifGM.AAAAAAAAAAAAAAAAAAAAAAAA']) {
        expect((await fetch(`${app.url}/unsubscribe/${token}`)).status, token).toBe(200);
        for (const method of ['GET', 'POST']) {
          const res = await fetch(`${app.url}/api/unsubscribe/${token}`, { method });
          expect(res.status, `${method} ${token}`).toBe(404);
          expect(await json(res)).toMatchObject({ error: { code: 'NOT_FOUND' } });
        }
      }
    },
  );
});
