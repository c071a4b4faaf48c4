/**
 * Mail choices in the browser: the page a mail's unsubscribe link opens (no login, for the
 * freelancer and the client, in English and German), the freelancer's choices in Settings, the
 * reminder schedule and pause on a project, and the client's own choices in the portal — each
 * checked against what the server then holds, with axe-core on every screen.
 */
import { simpleParser } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { mailTo, startSmtp, type SmtpCapture } from '../integration/smtp-helpers';
import {
  captureScreen,
  checkAccessibility,
  launchBrowser,
  openParties,
  reportCspViolations,
  signUpWithClient,
  visible,
} from './support/browser';
import { waitFor } from './support/files';
import { startServer, type RunningServer } from './support/server';

interface Subscription {
  audience: string;
  kind: string;
  projectTitle: string | null;
  subscribed: boolean;
}

describe('mail choices', () => {
  let server: RunningServer;
  let browser: Browser;
  let freelancer: Page;
  let client: Page;
  let smtp: SmtpCapture;
  let headers: Record<string, string> = {};
  let projectId = '';
  let milestoneId = '';
  const pageErrors: string[] = [];

  beforeAll(async () => {
    smtp = await startSmtp();
    server = await startServer({ env: { SMTP_URL: smtp.url } });
    browser = await launchBrowser();
    ({ freelancer, client } = await openParties(browser, server.baseUrl, pageErrors));
    await signUpWithClient(freelancer);
    const me = (await (await freelancer.request.get('/api/auth/me')).json()) as {
      csrfToken: string;
    };
    headers = { 'x-csrf-token': me.csrfToken };
    const { clients } = (await (await freelancer.request.get('/api/clients')).json()) as {
      clients: { id: string }[];
    };
    const created = await freelancer.request.post('/api/projects', {
      headers,
      data: {
        clientId: clients[0]?.id,
        title: 'Brand book',
        currency: 'EUR',
        milestones: [
          { title: 'Logo', deliverables: 'A logo', dueDate: '2026-07-01', amountMinor: 500_00 },
          { title: 'Type', deliverables: 'Fonts', dueDate: '2026-08-01', amountMinor: 300_00 },
        ],
      },
    });
    expect(created.status()).toBe(201);
    const body = (await created.json()) as {
      project: { id: string };
      milestones: { id: string }[];
    };
    projectId = body.project.id;
    milestoneId = body.milestones[0]?.id ?? '';
    const access = await freelancer.request.post(`/api/projects/${projectId}/access`, { headers });
    const { code } = (await access.json()) as { code: string };
    const opened = await client.request.post('/api/portal/session', { data: { code } });
    expect(opened.status()).toBe(200);
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    await smtp?.close();
  });

  /** The unsubscribe page's address from the newest mail to `address` whose subject matches. */
  async function unsubscribeLink(address: string, subject: RegExp): Promise<string> {
    let link: string | undefined;
    await waitFor(`a mail to ${address} like ${subject}`, async () => {
      const parsed = await Promise.all(mailTo(smtp, address).map((m) => simpleParser(m.raw)));
      const found = parsed.filter((m) => subject.test(m.subject ?? '')).pop();
      link = /https?:\/\/\S+\/unsubscribe\/[\w.-]+/.exec(found?.text ?? '')?.[0];
      return link !== undefined;
    });
    expect(link?.startsWith(`${server.baseUrl}/unsubscribe/`)).toBe(true);
    return link ?? '';
  }

  async function subscriptionOf(link: string): Promise<Subscription> {
    const api = link.replace('/unsubscribe/', '/api/unsubscribe/');
    return (await (await fetch(api)).json()) as Subscription;
  }

  /** A browser with no session at all, as someone clicking a link in their mail app. */
  async function stranger(locale: string): Promise<Page> {
    const context = await browser.newContext({ baseURL: server.baseUrl, locale });
    const page = await context.newPage();
    page.on('pageerror', (error) => pageErrors.push(`stranger: ${error.message}`));
    await reportCspViolations(page, (text) => pageErrors.push(`stranger: ${text}`));
    return page;
  }

  it('a mail’s unsubscribe link stops that mail on one button, and undoes it', async () => {
    // The freelancer's "first visit" mail, opened without logging in.
    const link = await unsubscribeLink('maya@example.com', /opened Brand book/);
    const page = await stranger('en-US');
    await page.goto(link);
    await visible(page.getByRole('heading', { name: 'Email notifications', level: 1 }));
    await visible(page.getByText('Client’s first visit to a project'));
    // Opening the page alone changes nothing.
    expect((await subscriptionOf(link)).subscribed).toBe(true);
    await captureScreen(page, 'unsubscribe-freelancer');
    await page.getByRole('button', { name: 'Unsubscribe' }).click();
    await visible(page.getByRole('status').filter({ hasText: 'Unsubscribed' }));
    expect(await subscriptionOf(link)).toMatchObject({ kind: 'client_visit', subscribed: false });
    await checkAccessibility(page, 'unsubscribed');
    await page.getByRole('button', { name: 'Subscribe again' }).click();
    await visible(page.getByRole('status').filter({ hasText: 'Subscribed again' }));
    expect((await subscriptionOf(link)).subscribed).toBe(true);
    // A reload shows what the server holds.
    await page.reload();
    await visible(page.getByRole('button', { name: 'Unsubscribe' }));
    await page.context().close();

    // The client's delivery mail, in a German browser: the same page in German.
    const delivered = await freelancer.request.post(
      `/api/projects/${projectId}/milestones/${milestoneId}/deliver`,
      { headers },
    );
    expect(delivered.status()).toBe(200);
    const clientLink = await unsubscribeLink('ada@example.com', /Logo/);
    const german = await stranger('de-DE');
    await german.goto(clientLink);
    await visible(german.getByRole('heading', { name: 'E-Mail-Benachrichtigungen', level: 1 }));
    await visible(german.getByText('Meilenstein geliefert'));
    await visible(german.locator('bdi', { hasText: 'Brand book' }));
    await german.getByRole('button', { name: 'Abbestellen' }).click();
    await visible(german.getByRole('status').filter({ hasText: 'Abbestellt' }));
    expect(await subscriptionOf(clientLink)).toMatchObject({
      audience: 'client',
      kind: 'delivery',
      subscribed: false,
    });
    await captureScreen(german, 'unsubscribe-client-de');
    await german.getByRole('button', { name: 'Wieder abonnieren' }).click();
    await visible(german.getByRole('status').filter({ hasText: 'Wieder abonniert' }));
    expect((await subscriptionOf(clientLink)).subscribed).toBe(true);

    // A mangled link says so instead of failing silently.
    await german.goto(`${clientLink.slice(0, -2)}xx`);
    await visible(german.getByRole('alert').filter({ hasText: 'ungültig' }));
    await german.context().close();
    expect(pageErrors).toEqual([]);
  });

  it('Settings: the freelancer picks their mails and the default reminder days', async () => {
    const f = freelancer;
    await f.goto('/app/settings');
    const section = f.getByRole('region', { name: 'Email notifications' });
    await visible(section);
    for (const label of ['Client’s first visit to a project', 'Payment received']) {
      expect(await section.getByLabel(label).isChecked(), label).toBe(true);
    }
    await expect
      .poll(() => section.getByLabel('Days after delivery').inputValue())
      .toBe('3, 7, 14');
    await section.getByLabel('Payment received').uncheck();
    await section.getByLabel('Files downloaded by the client').uncheck();
    // A repeated day is refused next to the field, before anything is sent.
    await section.getByLabel('Days after delivery').fill('5, 2, 5');
    await section.getByRole('button', { name: 'Save email choices' }).click();
    await visible(section.getByText('Give each day once.'));
    await checkAccessibility(f, 'settings with a refused reminder day');
    await section.getByLabel('Days after delivery').fill('10 2');
    await section.getByLabel('Payment due after (days)').fill('30');
    await section.getByRole('button', { name: 'Save email choices' }).click();
    await visible(section.getByText('Email choices saved.'));
    const saved = (await (await f.request.get('/api/settings/notifications')).json()) as {
      mail: Record<string, boolean>;
      reminders: { days: number[]; paymentTermsDays: number };
    };
    expect(saved).toEqual({
      mail: {
        client_visit: true,
        terms_accepted: true,
        payment: false,
        downloads: false,
        messages: true,
      },
      reminders: { days: [2, 10], paymentTermsDays: 30 },
    });
    await f.reload();
    await visible(section);
    await expect.poll(() => section.getByLabel('Days after delivery').inputValue()).toBe('2, 10');
    expect(await section.getByLabel('Payment received').isChecked()).toBe(false);
    expect(await section.getByLabel('Unread chat messages').isChecked()).toBe(true);
    await checkAccessibility(f, 'settings with mail choices');
    expect(pageErrors).toEqual([]);
  });

  it('Project page: the reminder days, own days for one project, and Pause', async () => {
    const f = freelancer;
    const reminders = async () =>
      (await (await f.request.get(`/api/projects/${projectId}/reminders`)).json()) as {
        paused: boolean;
        days: number[] | null;
        effectiveDays: number[];
      };
    await f.goto(`/app/projects/${projectId}`);
    const section = f.getByRole('region', { name: 'Payment reminders' });
    await visible(section);
    // The defaults chosen in Settings above: days 2 and 10, due after 30 days.
    const summary = section.getByTestId('reminders-summary');
    await expect.poll(() => summary.textContent()).toContain('2, 10 days after delivery');
    expect(await summary.textContent()).toContain('overdue notice on day 31');
    expect(await section.getByLabel('Your default from Settings (2, 10)').isChecked()).toBe(true);

    await section.getByLabel('Own days for this project').check();
    await section.getByRole('textbox', { name: 'Days for this project' }).fill('1, 400');
    await section.getByRole('button', { name: 'Save reminders' }).click();
    await visible(section.getByText('Enter whole days from 1 to 365, separated by commas.'));
    await section.getByRole('textbox', { name: 'Days for this project' }).fill('4, 1');
    await section.getByRole('button', { name: 'Save reminders' }).click();
    await visible(section.getByText('Reminders saved.'));
    expect(await reminders()).toMatchObject({ paused: false, days: [1, 4], effectiveDays: [1, 4] });
    await expect.poll(() => summary.textContent()).toContain('1, 4 days after delivery');

    await section.getByLabel('Pause reminders for this project').check();
    await section.getByRole('button', { name: 'Save reminders' }).click();
    await expect.poll(() => summary.textContent()).toMatch(/^Paused/);
    expect(await reminders()).toMatchObject({ paused: true, days: [1, 4] });
    await captureScreen(f, 'project-reminders');

    // Back to the defaults, reminders on again.
    await f.reload();
    await visible(section);
    expect(await section.getByLabel('Pause reminders for this project').isChecked()).toBe(true);
    await section.getByLabel('Pause reminders for this project').uncheck();
    await section.getByLabel(/^Your default from Settings/).check();
    await section.getByRole('button', { name: 'Save reminders' }).click();
    await visible(section.getByText('Reminders saved.'));
    expect(await reminders()).toMatchObject({ paused: false, days: null, effectiveDays: [2, 10] });
    expect(pageErrors).toEqual([]);
  });

  it('Portal: the client chooses their own mails, each box saved at once', async () => {
    const c = client;
    const choices = async () =>
      (
        (await (await c.request.get('/api/portal/notifications')).json()) as {
          mail: Record<string, boolean>;
        }
      ).mail;
    await c.goto('/portal');
    const section = c.getByRole('region', { name: 'Email notifications' });
    await visible(section);
    const delivered = section.getByLabel('Milestone delivered');
    await expect.poll(() => delivered.isChecked()).toBe(true);
    await delivered.uncheck();
    await visible(section.getByRole('status').filter({ hasText: 'Saved.' }));
    expect(await choices()).toEqual({
      uploads: true,
      delivery: false,
      reminders: true,
      messages: true,
    });
    await section.getByLabel('Unread chat messages').uncheck();
    await expect.poll(async () => (await choices()).messages).toBe(false);
    await c.reload();
    await visible(section);
    await expect.poll(() => delivered.isChecked()).toBe(false);
    expect(await section.getByLabel('New files uploaded').isChecked()).toBe(true);
    await checkAccessibility(c, 'portal mail choices');
    await delivered.check();
    await expect.poll(async () => (await choices()).delivery).toBe(true);
    expect(pageErrors).toEqual([]);
  });
});
