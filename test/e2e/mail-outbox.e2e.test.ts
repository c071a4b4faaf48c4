/**
 * Mail that keeps failing is shown on the freelancer's dashboard: with the SMTP server down, the
 * delivery notice to the client fails; the dashboard names it (subject, recipient, attempts, the
 * last error) and offers "Retry now"; once the server is up, the retry sends it and the notice
 * goes away. Run in full in both modes (issue #9): at 1280 px, light, in English, and on a 390 px
 * phone, dark, in German (the client's mail, and so its subject, in German too).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { mailTo, startSmtp, type SmtpCapture } from '../integration/smtp-helpers';
import { launchBrowser, visible } from './support/browser';
import { createProjectThroughApi, deliverThroughApi } from './support/api';
import { waitFor } from './support/files';
import { MODES, capture, modeName, openPage, signUpWithClientIn, wordsFor } from './support/modes';
import { startServer, type RunningServer } from './support/server';

describe('mail that cannot be sent', () => {
  let server: RunningServer;
  let browser: Browser;
  let smtp: SmtpCapture | undefined;
  let port = 0;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    const probe = await startSmtp();
    port = Number(new URL(probe.url).port);
    await probe.close();
    server = await startServer({
      env: {
        SMTP_URL: `smtp://127.0.0.1:${port}`,
        MAIL_FAILING_AFTER_ATTEMPTS: '1',
        MAIL_RETRY_FIRST_SECONDS: '3600',
      },
    });
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    await smtp?.close();
  });

  for (const mode of MODES) {
    it(`shows the failing mail on the dashboard and sends it on "Retry now" (${modeName(mode)})`, async () => {
      const w = wordsFor(mode.lang);
      const english = mode.lang === 'en';
      const clientEmail = english ? 'ada@example.com' : 'ada.de@example.com';
      // The mail server is down again (the previous run started it).
      await smtp?.close();
      smtp = undefined;
      const f: Page = await openPage(browser, server.baseUrl, mode, 'freelancer', pageErrors);
      await signUpWithClientIn(
        f,
        w,
        english ? 'maya@example.com' : 'maya.de@example.com',
        clientEmail,
      );
      // A one-milestone project, delivered, through the API with the browser's session.
      const { projectId, milestoneIds } = await createProjectThroughApi(f, {
        title: 'Brand book',
        milestones: [
          { title: 'Logo', deliverables: 'A logo', dueDate: '2026-07-01', amountMinor: 500_00 },
        ],
      });
      await deliverThroughApi(f, projectId, milestoneIds[0] ?? '');

      // The server refuses connections: after one failed attempt the dashboard says so.
      await waitFor('the failed attempt', async () => {
        const res = await f.request.get('/api/mail/outbox');
        const body = (await res.json()) as { messages: { state: string }[] };
        return body.messages.some((m) => m.state === 'failing');
      });
      await f.goto('/app');
      const notice = f.getByRole('region', { name: w('settings.outbox.heading', { count: 1 }) });
      await visible(notice);
      // The subject in the client's language (the client took on the freelancer's).
      await visible(
        notice.getByText(
          english
            ? 'Maya Freelance delivered “Logo” – Brand book'
            : 'Maya Freelance hat „Logo“ geliefert – Brand book',
        ),
      );
      await visible(notice.getByText(clientEmail));
      await visible(notice.getByText(/ECONNREFUSED/));
      await capture(mode, f, '70-dashboard-unsent-mail');

      // The mail server comes up; "Retry now" sends it once and the notice goes.
      smtp = await startSmtp(port);
      const mail = smtp;
      await notice
        .getByRole('button', { name: new RegExp(`^${w('settings.outbox.retry')}`) })
        .click();
      await waitFor('the delivery mail', async () => mailTo(mail, clientEmail).length > 0);
      await waitFor('the notice to go', async () => (await notice.count()) === 0);
      expect(mailTo(mail, clientEmail)).toHaveLength(1);
      expect(pageErrors).toEqual([]);
      await f.context().close();
    });
  }
});
