/**
 * The product's journey in a real browser against the real server: a freelancer signs up, sets
 * payment instructions, creates a client and a 3-milestone project from a template, shares it;
 * the client opens it with the code and accepts the contract; milestone 1 is delivered, shown to the
 * client with the payment instructions, paid offline, and milestone 2 opens.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import path from 'node:path';
import {
  DESKTOP,
  PHONE,
  captureScreen,
  checkAccessibility,
  launchBrowser,
  openParties,
  reportCspViolations,
  visible,
  waitForBadge,
} from './support/browser';
import { acceptContractOnScreen } from './support/contract';
import { SCREENSHOT_DIR } from './support/paths';
import { startServer, type RunningServer } from './support/server';
import { wordsFor } from './support/words';

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

  /**
   * The whole journey, run in full twice: at 1280 px, light, in English (with every screen
   * captured at both widths and in the dark theme), and on a 390 px phone, dark, in German — the
   * browser's language, which the account and the client take on. Every word the test looks for
   * comes from the app's messages in that language (support/words.ts).
   */
  for (const mode of [
    { lang: 'en', viewport: DESKTOP, colorScheme: 'light' },
    { lang: 'de', viewport: PHONE, colorScheme: 'dark' },
  ] as const) {
    it(`runs from sign-up to the first paid milestone (${mode.lang}, ${mode.viewport.width} px, ${mode.colorScheme})`, async () => {
      const w = wordsFor(mode.lang);
      const english = mode.lang === 'en';
      const options = {
        viewport: mode.viewport,
        colorScheme: mode.colorScheme,
        locale: english ? 'en-GB' : 'de-DE',
      } as const;
      const f = english
        ? freelancer
        : await (await browser.newContext({ ...options, baseURL: server.baseUrl })).newPage();
      const c = english
        ? client
        : await (await browser.newContext({ ...options, baseURL: server.baseUrl })).newPage();
      if (!english) {
        for (const [who, page] of [
          ['freelancer-de', f],
          ['client-de', c],
        ] as const) {
          page.on('pageerror', (error) => pageErrors.push(`${who}: ${error.message}`));
          await reportCspViolations(page, (text) => pageErrors.push(`${who}: ${text}`));
        }
      }
      /** The desktop run captures each screen at both widths and dark; the phone run checks it. */
      const capture = async (page: Page, screen: string) => {
        if (english) await captureScreen(page, screen);
        else {
          await checkAccessibility(page, `${screen} (de, 390, dark)`);
          await page.screenshot({
            path: path.join(SCREENSHOT_DIR, `${screen}-de-390-dark.png`),
            fullPage: true,
          });
        }
      };
      /** A page of the workspace, through the header's links (folded into "Menu" on a phone). */
      const go = async (name: string) => {
        const main = f.getByRole('navigation', { name: w('workspace.nav.main') });
        if (await main.isVisible()) {
          await main.getByRole('link', { name, exact: true }).click();
        } else {
          await f.getByRole('button', { name: w('workspace.nav.menu'), exact: true }).click();
          // The current section's item also says so to screen readers ("… (current page)").
          await f.getByRole('menuitem', { name: new RegExp(`^${name}( |$)`) }).click();
        }
      };
      const email = english ? 'maya@example.com' : 'maya.de@example.com';
      const money = (minor: number) => w.money(minor, 'EUR');

      // Sign up.
      await f.goto('/');
      await visible(f.getByRole('heading', { name: w('auth.login.title') }));
      expect(new URL(f.url()).pathname).toBe('/login');
      await capture(f, '01-login');
      await f.getByRole('link', { name: w('auth.login.signup') }).click();
      await visible(f.getByRole('heading', { name: w('auth.signup.title') }));
      await capture(f, '02-signup');
      await f.getByLabel(w('auth.signup.name')).fill('Maya Freelance');
      await f.getByLabel(w('auth.email')).fill(email);
      await f.getByLabel(w('auth.password')).fill('correct horse battery');
      await f.getByRole('button', { name: w('auth.signup.submit') }).click();
      await visible(f.getByRole('heading', { name: w('workspace.dashboard.title'), level: 1 }));
      await visible(f.getByText(w('workspace.dashboard.empty.title')));
      await capture(f, '03-dashboard-empty');

      // Payment instructions.
      await f.getByRole('button', { name: new RegExp(`${w('workspace.account.menu')}$`) }).click();
      await f.getByRole('menuitem', { name: w('workspace.account.settings') }).click();
      await visible(f.getByRole('heading', { name: w('settings.profile.heading') }));
      await f.getByLabel(w('settings.profile.businessName')).fill('Maya Studio');
      await f
        .getByLabel(w('settings.profile.paymentInstructions'))
        .fill(`${IBAN}\nBIC COBADEFFXXX\nPlease quote the project title.`);
      await f.getByRole('button', { name: w('settings.profile.save'), exact: true }).click();
      await visible(f.getByText(w('settings.profile.saved')));
      await capture(f, '04-settings');

      // A client.
      await go(w('workspace.nav.clients'));
      await visible(f.getByRole('heading', { name: w('clients.add.heading') }));
      await f.getByLabel(w('clients.form.name'), { exact: true }).fill('Ada Client');
      await f.getByLabel(w('clients.form.email'), { exact: true }).fill('ada@example.com');
      await f.getByLabel(w('clients.form.company')).fill('Lovelace Ltd');
      await f.getByRole('button', { name: w('clients.add.submit') }).click();
      await visible(f.getByText(w('clients.added', { name: 'Ada Client' })));
      await visible(f.getByRole('heading', { name: /Ada Client/, level: 3 }));
      await capture(f, '05-clients');

      // A 3-milestone project from the 30/40/30 template: 1,000.01 splits as 300.00 / 400.01 / 300.00.
      await go(w('workspace.nav.newProject'));
      await visible(f.getByRole('heading', { name: w('builder.title'), level: 1 }));
      await f
        .getByLabel(w('builder.client'), { exact: true })
        .selectOption({ label: 'Ada Client (Lovelace Ltd)' });
      await f.getByLabel(w('builder.projectTitle')).fill('Brand refresh');
      await f
        .getByLabel(w('builder.money.totalWithCurrency', { currency: 'EUR' }))
        .fill(english ? '1,000.01' : '1.000,01');
      await f.getByRole('button', { name: w('builder.template.three') }).click();
      const titles = ['Discovery', 'Design', 'Handover'];
      const group = (n: number) =>
        f.getByRole('group', { name: w('builder.row.legend', { n }), exact: true });
      for (const [i, title] of titles.entries()) {
        await group(i + 1)
          .getByLabel(w('project.milestone.title'))
          .fill(title);
        await group(i + 1)
          .getByLabel(w('project.milestone.deliverables'))
          .fill(`${title} deliverables`);
      }
      // The live check refuses percentages that do not make 100%.
      const share = group(3).getByLabel(w('builder.row.share'));
      await share.fill('20');
      await visible(f.getByText(w('amounts.plan.percentsUnder', { sum: 90, diff: 10 })));
      await share.fill('30');
      await visible(f.getByText(w('builder.check.ok')));
      await visible(f.getByText(money(400_01)).first());
      await capture(f, '06-project-builder');
      await f.getByRole('button', { name: w('builder.create') }).click();
      await visible(f.getByRole('heading', { name: 'Brand refresh', level: 1 }));
      await waitForBadge(f, 'Discovery', w('workspace.status.open'));
      await waitForBadge(f, 'Design', w('workspace.status.locked'));
      await visible(f.getByText(money(400_01)));
      await visible(f.getByText(money(1000_01)).first());

      // Share: the code is shown once.
      await f.getByRole('button', { name: w('workspace.next.share.button') }).click();
      const codeLocator = f.getByTestId('access-code');
      await visible(codeLocator);
      const code = ((await codeLocator.textContent()) ?? '').trim();
      expect(code).toMatch(/^[A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4}$/);
      const link = ((await f.locator('.access-link code').textContent()) ?? '').trim();
      expect(link).toContain('/portal#access=');
      await visible(f.getByText(w('workspace.share.copyNow')));
      await capture(f, '07-project-shared');

      // The client, in a separate browser context, types the code (lower case, no dashes).
      await c.goto('/portal');
      await visible(c.getByRole('heading', { name: w('portal.page.title') }));
      await capture(c, '08-portal-code');
      await c.getByLabel(w('portal.code.label')).fill(code.replace(/-/g, '').toLowerCase());
      await c.getByRole('button', { name: w('portal.code.submit') }).click();
      await visible(c.getByRole('heading', { name: 'Brand refresh', level: 1 }));
      await visible(c.getByText(w('portal.with', { name: 'Maya Freelance, Maya Studio' })));
      for (const title of titles) await visible(c.getByRole('heading', { name: title }));
      await waitForBadge(c, 'Discovery', w('portal.status.inProgress'));
      await waitForBadge(c, 'Handover', w('portal.status.notStarted'));
      await capture(c, '09-portal-terms');
      // The client reviews the contract and accepts it: typed full name and the checkbox.
      await visible(c.getByText(w('portal.contractFirst')));
      await acceptContractOnScreen(c, w, 'Clara Client');
      await visible(c.getByText(w.pattern('portal.contract.youAccepted')));

      // The freelancer delivers milestone 1.
      await f.reload();
      await visible(f.getByText(w.pattern('project.stats.termsAccepted')));
      await f
        .getByRole('button', { name: w('workspace.deliver.button') })
        .first()
        .click();
      await f.getByRole('button', { name: w('workspace.deliver.confirm') }).click();
      await waitForBadge(f, 'Discovery', w('workspace.status.delivered'));
      await visible(f.getByRole('button', { name: w('project.payment.record') }));

      // The client sees it delivered, with the payment instructions.
      await c.reload();
      await waitForBadge(c, 'Discovery', w('portal.status.readyToPay'));
      await visible(c.getByText(w('portal.pay.due', { amount: money(300_00) })));
      await visible(c.getByText(IBAN));
      await capture(c, '10-portal-delivered');

      // This server has no Stripe keys: no card button is offered, only the payment instructions.
      expect(await c.getByRole('button', { name: w.pattern('portal.pay.byCard') }).count()).toBe(0);

      // The freelancer records an offline payment (amount prefilled).
      await f.getByRole('button', { name: w('project.payment.record') }).click();
      const form = f.getByRole('form', { name: w('project.payment.formLabel', { position: 1 }) });
      await visible(form);
      expect(
        await form.getByLabel(w('project.payment.amount', { currency: 'EUR' })).inputValue(),
      ).toBe(english ? '300.00' : '300,00');
      await form.getByLabel(w('project.payment.reference')).fill('TRX-0001');
      await capture(f, '11-record-payment');
      await form.getByRole('button', { name: w('project.payment.record') }).click();
      await f.getByRole('button', { name: w('workspace.payment.confirm') }).click();
      await waitForBadge(f, 'Discovery', w('workspace.status.paid'));
      await waitForBadge(f, 'Design', w('workspace.status.open'));
      // On a phone the side column's sections are disclosures: open the activity.
      if (!english)
        await f.locator('summary', { hasText: w('workspace.project.activity') }).click();
      await visible(f.getByText(w('activity.chainVerified')));
      await capture(f, '12-project-paid');

      // The client sees milestone 1 paid and milestone 2 open.
      await c.reload();
      await waitForBadge(c, 'Discovery', w('portal.status.paid'));
      await waitForBadge(c, 'Design', w('portal.status.inProgress'));
      await waitForBadge(c, 'Handover', w('portal.status.notStarted'));
      expect(await c.getByText(w('portal.pay.due', { amount: money(300_00) })).count()).toBe(0);
      await capture(c, '13-portal-paid');

      // The dashboard adds it up.
      await go(w('workspace.nav.projects'));
      await visible(f.getByRole('link', { name: 'Brand refresh' }));
      await visible(
        f.getByText(
          w('workspace.dashboard.paidOf', { paid: money(300_00), total: money(1000_01) }),
        ),
      );
      await capture(f, '14-dashboard');

      // The access link opens the project too, and its secret leaves the address bar.
      const linkContext = await browser.newContext({ ...options });
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
      if (!english) {
        await f.context().close();
        await c.context().close();
      }
      expect(pageErrors).toEqual([]);
    });
  }

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
