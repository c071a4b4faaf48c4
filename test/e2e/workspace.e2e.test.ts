/**
 * The freelancer's workspace: the header's menus (navigation folded into "Menu" on a phone, the
 * account menu with settings and log out), a forgotten password reset through the real mail,
 * and the dashboard's "needs attention" list.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { mailTo, startSmtp, type SmtpCapture } from '../integration/smtp-helpers';
import {
  PHONE,
  DESKTOP,
  captureScreen,
  checkAccessibility,
  launchBrowser,
  openParties,
  signUpWithClient,
  visible,
} from './support/browser';
import { waitFor } from './support/files';
import { SCREENSHOT_DIR } from './support/paths';
import { startServer, type RunningServer } from './support/server';

/** The reset link in a captured message (quoted-printable decoded). */
function resetLinkIn(raw: string): string {
  const decoded = raw
    .replace(/=\r?\n/g, '')
    .replace(/=([0-9A-F]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
  const link = /https?:\/\/[^\s"<>]+\/reset-password#token=[A-Za-z0-9_-]{43}/.exec(decoded)?.[0];
  if (link === undefined) throw new Error(`no reset link in:\n${decoded.slice(0, 2000)}`);
  return link;
}

async function api(page: Page) {
  const me = (await (await page.request.get('/api/auth/me')).json()) as { csrfToken: string };
  return { 'x-csrf-token': me.csrfToken };
}

describe('the freelancer’s workspace', () => {
  let server: RunningServer;
  let browser: Browser;
  let freelancer: Page;
  let smtp: SmtpCapture;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    smtp = await startSmtp();
    server = await startServer({ env: { SMTP_URL: smtp.url } });
    browser = await launchBrowser();
    ({ freelancer } = await openParties(browser, server.baseUrl, pageErrors));
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    await smtp?.close();
  });

  it('folds the navigation into a menu on a phone; settings and log out sit in the account menu', async () => {
    const f = freelancer;
    await signUpWithClient(f);
    await f.goto('/app');
    await visible(f.getByRole('heading', { name: 'Projects', level: 1 }));

    // Wide: the links are in a row, no "Menu" button.
    await visible(
      f.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Clients' }),
    );
    expect(await f.getByRole('button', { name: 'Menu', exact: true }).isVisible()).toBe(false);

    // Phone: one "Menu" button; the row of links is gone.
    await f.setViewportSize(PHONE);
    const menu = f.getByRole('button', { name: 'Menu', exact: true });
    await visible(menu);
    expect(await f.getByRole('navigation', { name: 'Main' }).isVisible()).toBe(false);
    await menu.click();
    await visible(f.getByRole('menuitem', { name: 'Clients' }));
    await checkAccessibility(f, 'phone menu open');
    await f.screenshot({ path: path.join(SCREENSHOT_DIR, '50-phone-menu-390.png') });
    await f.getByRole('menuitem', { name: 'Clients' }).click();
    await visible(f.getByRole('heading', { name: 'Add a client' }));
    expect(new URL(f.url()).pathname).toBe('/app/clients');

    // Keyboard: the menu opens with Enter and closes with Escape, focus back on the button.
    await menu.focus();
    await f.keyboard.press('Enter');
    await visible(f.getByRole('menuitem', { name: 'Receipts' }));
    await f.keyboard.press('Escape');
    await waitFor('the menu to close', async () => (await f.getByRole('menu').count()) === 0);

    // The account menu: settings, then log out.
    const account = f.getByRole('button', { name: 'Maya Freelance account menu' });
    await account.click();
    await f.getByRole('menuitem', { name: 'Settings' }).click();
    await visible(f.getByRole('heading', { name: 'You and your business' }));
    await f.setViewportSize(DESKTOP);
    await captureScreen(f, '50-workspace-header');
    await account.click();
    await f.getByRole('menuitem', { name: 'Log out' }).click();
    await visible(f.getByRole('heading', { name: 'Log in' }));
    expect(pageErrors).toEqual([]);
  });

  it('resets a forgotten password through the mail; the link works once', async () => {
    const f = freelancer;
    await f.goto('/login');
    await f.getByRole('link', { name: 'Forgot password?' }).click();
    await visible(f.getByRole('heading', { name: 'Reset your password' }));
    // The form says what is wrong before asking the server.
    await f.getByRole('button', { name: 'Send reset link' }).click();
    await visible(f.getByText('Enter an email address, such as ann@example.com.'));
    await captureScreen(f, '51-forgot-password');
    await f.getByLabel('Email').fill('maya@example.com');
    await f.getByRole('button', { name: 'Send reset link' }).click();
    await visible(f.getByText('If an account uses maya@example.com, a reset link is on its way.'));

    await waitFor(
      'the reset mail',
      async () => mailTo(smtp, 'maya@example.com').length > 0,
      15_000,
    );
    const [mail] = mailTo(smtp, 'maya@example.com');
    const link = resetLinkIn(mail?.raw ?? '');
    expect(new URL(link).origin).toBe(server.baseUrl);

    await f.goto(link);
    await visible(f.getByRole('heading', { name: 'Set a new password' }));
    // The token leaves the address bar at once.
    expect(new URL(f.url()).hash).toBe('');
    await f.getByLabel('New password', { exact: true }).fill('short');
    await f.getByLabel('Repeat the new password').fill('different');
    await f.getByRole('button', { name: 'Set password and log in' }).click();
    await visible(f.getByText('Use at least 10 characters.'));
    await visible(f.getByText('The two passwords differ.'));
    await captureScreen(f, '52-reset-password');
    await f.getByLabel('New password', { exact: true }).fill('a brand new passphrase');
    await f.getByLabel('Repeat the new password').fill('a brand new passphrase');
    await f.getByRole('button', { name: 'Set password and log in' }).click();
    await visible(f.getByRole('heading', { name: 'Projects', level: 1 }));
    await visible(f.getByText(/Your new password is set/));

    // The same link again: it no longer works, and says how to get a new one.
    await f.goto(link);
    await f.getByLabel('New password', { exact: true }).fill('yet another passphrase');
    await f.getByLabel('Repeat the new password').fill('yet another passphrase');
    await f.getByRole('button', { name: 'Set password and log in' }).click();
    await visible(f.getByText('This reset link no longer works.'));
    await visible(f.getByRole('link', { name: 'Ask for a new link' }));
    await captureScreen(f, '53-reset-link-used');

    // The new password logs in.
    await f.goto('/app');
    const account = f.getByRole('button', { name: /account menu$/ });
    await account.click();
    await f.getByRole('menuitem', { name: 'Log out' }).click();
    await f.getByLabel('Email').fill('maya@example.com');
    await f.getByLabel('Password').fill('a brand new passphrase');
    await f.getByRole('button', { name: 'Log in' }).click();
    await visible(f.getByRole('heading', { name: 'Projects', level: 1 }));
    expect(pageErrors).toEqual([]);
  });

  it('lists what needs attention on the dashboard: overdue, waiting for payment, never shared', async () => {
    const f = freelancer;
    const headers = await api(f);
    const { clients } = (await (await f.request.get('/api/clients')).json()) as {
      clients: { id: string }[];
    };
    const create = async (title: string, dueDates: string[]) => {
      const res = await f.request.post('/api/projects', {
        headers,
        data: {
          clientId: clients[0]?.id,
          title,
          currency: 'EUR',
          milestones: dueDates.map((dueDate, i) => ({
            title: `Step ${i + 1}`,
            deliverables: 'Work',
            dueDate,
            amountMinor: 100_00,
          })),
        },
      });
      expect(res.status()).toBe(201);
      return (await res.json()) as { project: { id: string }; milestones: { id: string }[] };
    };
    // Late and never shared; and one shared, delivered, waiting for payment.
    await create('Late logo', ['2024-01-10', '2099-01-01']);
    const waiting = await create('Brand book', ['2099-01-01']);
    expect(
      (await f.request.post(`/api/projects/${waiting.project.id}/access`, { headers })).status(),
    ).toBe(201);
    expect(
      (
        await f.request.post(
          `/api/projects/${waiting.project.id}/milestones/${waiting.milestones[0]?.id ?? ''}/deliver`,
          { headers },
        )
      ).status(),
    ).toBe(200);

    await f.goto('/app');
    const section = f.getByRole('region', { name: 'Needs your attention' });
    await visible(section);
    const overdue = section.getByRole('list', { name: 'Overdue milestones' });
    await visible(overdue.getByRole('link', { name: 'Late logo' }));
    await visible(overdue.getByText(/days overdue/));
    const awaiting = section.getByRole('list', { name: 'Delivered and waiting for payment' });
    await visible(awaiting.getByRole('link', { name: 'Brand book' }));
    await visible(awaiting.getByText('€100.00'));
    const never = section.getByRole('list', { name: 'Projects never shared with the client' });
    await visible(never.getByRole('link', { name: 'Late logo' }));
    expect(await never.getByRole('link', { name: 'Brand book' }).count()).toBe(0);
    await captureScreen(f, '54-dashboard-attention');

    await never.getByRole('link', { name: 'Late logo' }).click();
    await visible(f.getByRole('heading', { name: 'Late logo', level: 1 }));
    expect(pageErrors).toEqual([]);
  });

  it('leads through the next step: share, deliver (asked once), record payment (asked once)', async () => {
    const f = freelancer;
    const headers = await api(f);
    const { clients } = (await (await f.request.get('/api/clients')).json()) as {
      clients: { id: string }[];
    };
    const res = await f.request.post('/api/projects', {
      headers,
      data: {
        clientId: clients[0]?.id,
        title: 'Poster',
        currency: 'EUR',
        milestones: [
          { title: 'Sketch', deliverables: 'A sketch', dueDate: '2099-01-01', amountMinor: 200_00 },
          { title: 'Print', deliverables: 'The print', dueDate: '2099-02-01', amountMinor: 300_00 },
        ],
      },
    });
    const { project } = (await res.json()) as { project: { id: string } };
    await f.goto(`/app/projects/${project.id}`);
    const next = f.getByRole('region', { name: 'Next' });
    await visible(next.getByText('Share the project with Ada Client'));
    await captureScreen(f, '55-project-next-share');

    // A due date typed out of order or in the past is warned about (announced, described), not refused.
    await f.getByRole('button', { name: 'Edit milestone 1' }).click();
    const due = f.locator('#edit-' + (await milestoneId(f, 'Sketch')) + '-due');
    await due.fill('2099-03-01');
    const warning = f.getByRole('status').filter({ hasText: 'Due after milestone 2' });
    await visible(warning);
    expect(await warning.textContent()).toBe(
      'Due after milestone 2, which comes later and is due 1 Feb 2099.',
    );
    const describedBy = (await due.getAttribute('aria-describedby')) ?? '';
    expect(describedBy.split(' ')).toContain(await warning.getAttribute('id'));
    await due.fill('2020-01-01');
    await visible(f.getByRole('status').filter({ hasText: 'This date is in the past' }));
    await captureScreen(f, '55-due-date-warning');
    await f.getByRole('button', { name: 'Cancel' }).click();

    // Share: emailed, and still shown to copy.
    await next.getByRole('button', { name: 'Share with client' }).click();
    await visible(f.getByText(/Invitation emailed to Ada Client at ada@example.com/));
    await visible(f.getByTestId('access-code'));
    await waitFor('the invitation', async () => mailTo(smtp, 'ada@example.com').length > 0, 15_000);
    await visible(next.getByText('Upload the files for milestone 1, Sketch'));

    // Delivering with no files: asked once, saying what happens.
    await f.getByRole('button', { name: 'Mark delivered' }).first().click();
    const dialog = f.getByRole('alertdialog');
    await visible(dialog.getByText('Deliver milestone 1 with no files?'));
    await visible(dialog.getByText(/This tells Ada Client at once/));
    await visible(
      dialog.getByText('Files can no longer be added or removed once it is delivered.'),
    );
    await checkAccessibility(f, 'deliver dialog');
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    expect(await f.getByRole('alertdialog').count()).toBe(0);
    await f.getByRole('button', { name: 'Mark delivered' }).first().click();
    await f.getByRole('button', { name: 'Yes, mark delivered' }).click();
    await visible(next.getByText('Waiting for €200.00 from Ada Client'));

    // Recording the payment: asked once, receipts and their numbers explained.
    await f.getByRole('button', { name: 'Record payment' }).click();
    const form = f.getByRole('form', { name: 'Record payment for milestone 1' });
    await form.getByRole('button', { name: 'Record payment' }).click();
    const pay = f.getByRole('alertdialog');
    await visible(pay.getByText('Record €200.00 for milestone 1?'));
    await visible(pay.getByText(/emails a numbered receipt to both of you/));
    await visible(pay.getByText(/Receipt numbers cannot be reused/));
    await captureScreen(f, '56-record-payment-confirm');
    await pay.getByRole('button', { name: 'Yes, record payment' }).click();
    await visible(next.getByText('Upload the files for milestone 2, Print'));
    await captureScreen(f, '57-project-next-milestone');

    // In German the project page's own words (not in the portal's first download) arrive too.
    const settings = (await (await f.request.get('/api/settings', { headers })).json()) as {
      name: string;
      businessName: string;
      paymentInstructions: string;
    };
    const toGerman = await f.request.put('/api/settings', {
      headers,
      data: {
        name: settings.name,
        businessName: settings.businessName,
        paymentInstructions: settings.paymentInstructions,
        locale: 'de',
      },
    });
    expect(toGerman.status()).toBe(200);
    await f.reload();
    await visible(f.getByRole('heading', { name: 'Meilensteine', level: 2 }));
    await captureScreen(f, '58-project-german');
    await visible(f.getByRole('button', { name: /^Bearbeiten\W+Meilenstein 2$/ }));
    await visible(f.getByText('Zahlung ausstehend', { exact: true }));
    expect(pageErrors).toEqual([]);
  });
});

/** The id of the milestone card whose heading names `title`. */
async function milestoneId(page: Page, title: string): Promise<string> {
  const card = page.locator('li.timeline-item').filter({ hasText: title }).first();
  const id = (await card.getAttribute('id')) ?? '';
  return id.replace(/^milestone-/, '');
}
