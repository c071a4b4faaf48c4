/**
 * The product's journey in a real browser against the real server: a freelancer signs up, sets
 * payment instructions, creates a client and a 3-milestone project from a template, shares it;
 * the client opens it with the code and accepts the terms; milestone 1 is delivered, shown to the
 * client with the payment instructions, paid offline, and milestone 2 opens.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import {
  DESKTOP,
  captureScreen,
  launchBrowser,
  openParties,
  reportCspViolations,
  visible,
  waitForBadge,
} from './support/browser';
import { startServer, type RunningServer } from './support/server';

const nav = (page: Page, name: string) =>
  page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name, exact: true });

const IBAN = 'IBAN DE89 3704 0044 0532 0130 00';

describe('milestone journey', () => {
  let server: RunningServer;
  let browser: Browser;
  let freelancer: Page;
  let client: Page;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    server = await startServer();
    browser = await launchBrowser();
    ({ freelancer, client } = await openParties(browser, server.baseUrl, pageErrors));
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('runs from sign-up to the first paid milestone', async () => {
    const f = freelancer;
    const c = client;

    // Sign up.
    await f.goto('/');
    await visible(f.getByRole('heading', { name: 'Log in' }));
    expect(new URL(f.url()).pathname).toBe('/login');
    await captureScreen(f, '01-login');
    await f.getByRole('link', { name: 'Create an account' }).click();
    await visible(f.getByRole('heading', { name: 'Create your account' }));
    await captureScreen(f, '02-signup');
    await f.getByLabel('Your name').fill('Maya Freelance');
    await f.getByLabel('Email').fill('maya@example.com');
    await f.getByLabel('Password').fill('correct horse battery');
    await f.getByRole('button', { name: 'Create account' }).click();
    await visible(f.getByRole('heading', { name: 'Projects', level: 1 }));
    await visible(f.getByText('No projects yet'));
    await captureScreen(f, '03-dashboard-empty');

    // Payment instructions.
    await f.getByRole('button', { name: /account menu$/ }).click();
    await f.getByRole('menuitem', { name: 'Settings' }).click();
    await visible(f.getByRole('heading', { name: 'You and your business' }));
    await f.getByLabel('Business name (optional)').fill('Maya Studio');
    await f
      .getByLabel('Payment instructions')
      .fill(`${IBAN}\nBIC COBADEFFXXX\nPlease quote the project title.`);
    await f.getByRole('button', { name: 'Save settings' }).click();
    await visible(f.getByText('Settings saved.'));
    await captureScreen(f, '04-settings');

    // A client.
    await nav(f, 'Clients').click();
    await visible(f.getByRole('heading', { name: 'Add a client' }));
    await f.getByLabel('Name', { exact: true }).fill('Ada Client');
    await f.getByLabel('Email', { exact: true }).fill('ada@example.com');
    await f.getByLabel('Company (optional)').fill('Lovelace Ltd');
    await f.getByRole('button', { name: 'Add client' }).click();
    await visible(f.getByText('Ada Client added.'));
    await visible(f.getByRole('heading', { name: /Ada Client/, level: 3 }));
    await captureScreen(f, '05-clients');

    // A 3-milestone project from the 30/40/30 template: 1,000.01 splits as 300.00 / 400.01 / 300.00.
    await nav(f, 'New project').click();
    await visible(f.getByRole('heading', { name: 'New project', level: 1 }));
    await f
      .getByLabel('Client', { exact: true })
      .selectOption({ label: 'Ada Client (Lovelace Ltd)' });
    await f.getByLabel('Project title').fill('Brand refresh');
    await f.getByLabel('Project total (EUR)').fill('1,000.01');
    await f.getByRole('button', { name: 'Three steps (30/40/30)' }).click();
    const titles = ['Discovery', 'Design', 'Handover'];
    for (const [i, title] of titles.entries()) {
      const group = f.getByRole('group', { name: `Milestone ${i + 1}` });
      await group.getByLabel('Title').fill(title);
      await group.getByLabel('Deliverables').fill(`${title} deliverables`);
    }
    // The live check refuses percentages that do not make 100%.
    await f
      .getByRole('group', { name: 'Milestone 3' })
      .getByLabel('Share of the total (%)')
      .fill('20');
    await visible(f.getByText('The percentages add up to 90%, not 100%'));
    await f
      .getByRole('group', { name: 'Milestone 3' })
      .getByLabel('Share of the total (%)')
      .fill('30');
    await visible(f.getByText('The milestones add up to the total'));
    await visible(f.getByText('€400.01').first());
    await captureScreen(f, '06-project-builder');
    await f.getByRole('button', { name: 'Create project' }).click();
    await visible(f.getByRole('heading', { name: 'Brand refresh', level: 1 }));
    await waitForBadge(f, 'Discovery', 'Open');
    await waitForBadge(f, 'Design', 'Locked');
    await visible(f.getByText('€400.01'));
    await visible(f.getByText('€1,000.01').first());

    // Share: the code is shown once.
    await f.getByRole('button', { name: 'Share with client' }).click();
    const codeLocator = f.getByTestId('access-code');
    await visible(codeLocator);
    const code = ((await codeLocator.textContent()) ?? '').trim();
    expect(code).toMatch(/^[A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4}$/);
    const link = ((await f.locator('.access-link code').textContent()) ?? '').trim();
    expect(link).toContain('/portal#access=');
    await visible(f.getByText('they will not be shown again'));
    await captureScreen(f, '07-project-shared');

    // The client, in a separate browser context, types the code (lower case, no dashes).
    await c.goto('/portal');
    await visible(c.getByRole('heading', { name: 'Open your project' }));
    await captureScreen(c, '08-portal-code');
    await c.getByLabel('Access code').fill(code.replace(/-/g, '').toLowerCase());
    await c.getByRole('button', { name: 'Open project' }).click();
    await visible(c.getByRole('heading', { name: 'Brand refresh', level: 1 }));
    await visible(c.getByText('With Maya Freelance, Maya Studio'));
    for (const title of titles) await visible(c.getByRole('heading', { name: title }));
    await waitForBadge(c, 'Discovery', 'In progress');
    await waitForBadge(c, 'Handover', 'Not started');
    await captureScreen(c, '09-portal-terms');
    await c.getByRole('button', { name: 'I accept these terms' }).click();
    await visible(c.getByText('You accepted these terms on'));

    // The freelancer delivers milestone 1.
    await f.reload();
    await visible(f.getByText(/^Accepted /));
    await f.getByRole('button', { name: 'Mark delivered' }).first().click();
    await f.getByRole('button', { name: 'Yes, mark delivered' }).click();
    await waitForBadge(f, 'Discovery', 'Delivered');
    await visible(f.getByRole('button', { name: 'Record payment' }));

    // The client sees it delivered, with the payment instructions.
    await c.reload();
    await waitForBadge(c, 'Discovery', 'Ready — pay to unlock');
    await visible(c.getByText('Payment due: €300.00'));
    await visible(c.getByText(IBAN));
    await captureScreen(c, '10-portal-delivered');

    // This server has no Stripe keys: no card button is offered, only the payment instructions.
    expect(await c.getByRole('button', { name: /by card/ }).count()).toBe(0);
    await visible(c.getByText(IBAN));
    await captureScreen(c, '10b-portal-card-unavailable');

    // The freelancer records an offline payment (amount prefilled).
    await f.getByRole('button', { name: 'Record payment' }).click();
    const form = f.getByRole('form', { name: 'Record payment for milestone 1' });
    await visible(form);
    expect(await form.getByLabel('Amount received (EUR)').inputValue()).toBe('300.00');
    await form.getByLabel('Reference (optional)').fill('TRX-0001');
    await captureScreen(f, '11-record-payment');
    await form.getByRole('button', { name: 'Record payment' }).click();
    await f.getByRole('button', { name: 'Yes, record payment' }).click();
    await waitForBadge(f, 'Discovery', 'Paid');
    await waitForBadge(f, 'Design', 'Open');
    await visible(f.getByText(/Payment recorded: €300.00 by bank transfer/));
    await visible(f.getByText('Chain verified'));
    await captureScreen(f, '12-project-paid');

    // The client sees milestone 1 paid and milestone 2 open.
    await c.reload();
    await waitForBadge(c, 'Discovery', 'Paid');
    await waitForBadge(c, 'Design', 'In progress');
    await waitForBadge(c, 'Handover', 'Not started');
    expect(await c.getByText('Payment due').count()).toBe(0);
    await captureScreen(c, '13-portal-paid');

    // The dashboard adds it up.
    await nav(f, 'Projects').click();
    await visible(f.getByRole('link', { name: 'Brand refresh' }));
    await visible(f.getByText('€300.00 of €1,000.01'));
    await captureScreen(f, '14-dashboard');

    // The access link opens the project too, and its secret leaves the address bar.
    const linkContext = await browser.newContext({ viewport: DESKTOP });
    try {
      const viaLink = await linkContext.newPage();
      await reportCspViolations(viaLink, (text) => pageErrors.push(`link: ${text}`));
      const response = await viaLink.goto(link);
      expect(response?.headers()['content-security-policy']).toContain("script-src 'self'");
      await visible(viaLink.getByRole('heading', { name: 'Brand refresh', level: 1 }));
      expect(new URL(viaLink.url()).hash).toBe('');
      expect(new URL(viaLink.url()).pathname).toBe('/portal');
    } finally {
      await linkContext.close();
    }

    expect(pageErrors).toEqual([]);
  });

  it('refuses a plan that does not add up, and an 11th milestone', async () => {
    const f = freelancer;
    await nav(f, 'New project').click();
    await visible(f.getByRole('heading', { name: 'New project', level: 1 }));
    await f
      .getByLabel('Client', { exact: true })
      .selectOption({ label: 'Ada Client (Lovelace Ltd)' });
    await f.getByLabel('Project title').fill('Guard test');
    await f.getByLabel('Fixed amounts').check();
    await f.getByLabel('Project total (EUR) (optional)').fill('100');
    const first = f.getByRole('group', { name: 'Milestone 1' });
    await first.getByLabel('Title').fill('Only step');
    await first.getByLabel('Amount (EUR)').fill('60');
    await visible(
      f.getByText('The milestones add up to €60.00 but the total is €100.00: €40.00 short.'),
    );
    await f.getByRole('button', { name: 'Create project' }).click();
    await visible(f.getByRole('alert').filter({ hasText: 'The project cannot be created yet' }));
    expect(new URL(f.url()).pathname).toBe('/app/projects/new');

    const add = f.getByRole('button', { name: 'Add milestone' });
    for (let i = 0; i < 9; i += 1) await add.click();
    expect(await f.getByRole('group', { name: /^Milestone \d+$/ }).count()).toBe(10);
    expect(await add.isDisabled()).toBe(true);
    await visible(f.getByText('A project has at most 10 milestones.'));
    await captureScreen(f, '15-builder-refused');

    // A wrong code is named next to the field.
    const c = client;
    await c.getByRole('button', { name: 'Menu' }).click();
    await c.getByRole('menuitem', { name: 'Leave project' }).click();
    await visible(c.getByRole('heading', { name: 'Open your project' }));
    await c.getByLabel('Access code').fill('AAAA-BBBB-CCCC');
    await c.getByRole('button', { name: 'Open project' }).click();
    await visible(c.getByText('This code does not open a project'));
    await captureScreen(c, '16-portal-wrong-code');
    expect(pageErrors).toEqual([]);
  });

  it('reads amounts as the freelancer’s locale writes them: "12,50" in German, "12.50" in English', async () => {
    const german = await browser.newContext({
      viewport: DESKTOP,
      baseURL: server.baseUrl,
      locale: 'de-DE',
    });
    try {
      const de = await german.newPage();
      de.on('pageerror', (error) => pageErrors.push(`de: ${error.message}`));
      await reportCspViolations(de, (text) => pageErrors.push(`de: ${text}`));
      // The log-in page speaks the browser's German; after log-in, the account's English.
      await de.goto('/login');
      await de.getByLabel('E-Mail').fill('maya@example.com');
      await de.getByLabel('Passwort').fill('correct horse battery');
      await de.getByRole('button', { name: 'Anmelden' }).click();
      await visible(de.getByRole('heading', { name: 'Projects', level: 1 }));
      await expectTwelveFifty(de, 'Cents (de)', '12,50', '12.50', 'Read as 12,50 € — correct?');
    } finally {
      await german.close();
    }
    await expectTwelveFifty(
      freelancer,
      'Cents (en)',
      '12.50',
      '12,50',
      'Read as €12.50 — correct?',
    );
    expect(pageErrors).toEqual([]);
  });

  /**
   * In the builder and in the payment form, `typed` records 1,250 minor units; `foreign` (the
   * other convention) is not taken silently: it is shown as read, and "Yes" puts `typed` in.
   */
  async function expectTwelveFifty(
    f: Page,
    title: string,
    typed: string,
    foreign: string,
    question: string,
  ): Promise<void> {
    await f.goto('/app/projects/new'); // a fresh builder
    await visible(f.getByRole('heading', { name: 'New project', level: 1 }));
    await f
      .getByLabel('Client', { exact: true })
      .selectOption({ label: 'Ada Client (Lovelace Ltd)' });
    await f.getByLabel('Project title').fill(title);
    await f.getByLabel('Fixed amounts').check();
    const first = f.getByRole('group', { name: 'Milestone 1', exact: true });
    await first.getByLabel('Title').fill('Small step');
    const amount = first.getByLabel('Amount (EUR)');
    await amount.fill(foreign);
    await visible(first.getByText(question));
    await first.getByRole('button', { name: /^Yes, / }).click();
    expect(await amount.inputValue()).toBe(typed);
    await amount.fill(typed);
    await visible(first.getByText('€12.50'));
    await f.getByRole('button', { name: 'Create project' }).click();
    await visible(f.getByRole('heading', { name: title, level: 1 }));
    const projectId = new URL(f.url()).pathname.split('/').pop() ?? '';
    const read = async () =>
      (await (await f.request.get(`/api/projects/${projectId}`)).json()) as {
        milestones: { amountMinor: number; status: string }[];
        payments: { amountMinor: number }[];
      };
    expect((await read()).milestones.map((m) => m.amountMinor)).toEqual([1250]);

    await f.getByRole('button', { name: 'Mark delivered' }).first().click();
    await f.getByRole('button', { name: 'Yes, mark delivered' }).click();
    await waitForBadge(f, 'Small step', 'Delivered');
    await f.getByRole('button', { name: 'Record payment' }).click();
    const form = f.getByRole('form', { name: 'Record payment for milestone 1' });
    const received = form.getByLabel('Amount received (EUR)');
    expect(await received.inputValue()).toBe(typed); // prefilled in the locale's own way
    await received.fill(foreign);
    await form.getByRole('button', { name: 'Record payment' }).click();
    await visible(form.getByText(question));
    expect((await read()).payments).toEqual([]);
    await received.fill(typed);
    await form.getByRole('button', { name: 'Record payment' }).click();
    await f.getByRole('button', { name: 'Yes, record payment' }).click();
    await waitForBadge(f, 'Small step', 'Paid');
    const after = await read();
    expect(after.payments.map((p) => p.amountMinor)).toEqual([1250]);
    expect(after.milestones.map((m) => m.status)).toEqual(['paid']);
  }

  it('runs under its Content-Security-Policy, and a violation would not go unnoticed', async () => {
    // The journeys above fail on any CSP violation; this proves such a violation is caught.
    const context = await browser.newContext({ viewport: DESKTOP, baseURL: server.baseUrl });
    try {
      const page = await context.newPage();
      const caught: string[] = [];
      await reportCspViolations(page, (text) => caught.push(text));
      const response = await page.goto('/');
      expect(response?.headers()['content-security-policy']).toMatch(/object-src 'none'/);
      await visible(page.getByRole('heading', { level: 1 }).first());
      expect(caught).toEqual([]);
      const ran = await page.evaluate(async () => {
        const inline = document.createElement('script');
        inline.textContent = 'window.inlineRan = true;';
        document.body.append(inline);
        await new Promise((resolve) => setTimeout(resolve, 100));
        return (window as unknown as { inlineRan?: boolean }).inlineRan === true;
      });
      expect(ran, 'an inline script must not run').toBe(false);
      await expect.poll(() => caught.length).toBeGreaterThan(0);
      expect(caught.join('\n')).toMatch(/script-src/);
    } finally {
      await context.close();
    }
  });
});
