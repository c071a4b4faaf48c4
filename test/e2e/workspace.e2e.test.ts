/**
 * The freelancer's workspace: the header's menus (navigation folded into "Menu" on a phone, the
 * account menu with settings and log out), a forgotten password reset through the real mail,
 * and the dashboard's "needs attention" list. Run in full twice (issue #9): at 1280 px, light,
 * in English, and on a 390 px phone, dark, in German — every word looked for comes from the
 * app's messages in that language (support/words.ts).
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { mailTo, startSmtp, type SmtpCapture } from '../integration/smtp-helpers';
import { PHONE, DESKTOP, checkAccessibility, launchBrowser, visible } from './support/browser';
import { waitFor } from './support/files';
import { MODES, capture, modeName, openPage, signUpWithClientIn, srName } from './support/modes';
import { SCREENSHOT_DIR } from './support/paths';
import { startServer, type RunningServer } from './support/server';
import { wordsFor } from './support/words';

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

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

describe('the freelancer’s workspace', () => {
  let server: RunningServer;
  let browser: Browser;
  let smtp: SmtpCapture;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    smtp = await startSmtp();
    server = await startServer({ env: { SMTP_URL: smtp.url } });
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    await smtp?.close();
  });

  for (const mode of MODES) {
    describe(modeName(mode), () => {
      const w = wordsFor(mode.lang);
      const english = mode.lang === 'en';
      // Each run has its own account and client, so their mail does not mix.
      const email = english ? 'maya@example.com' : 'maya.de@example.com';
      const clientEmail = english ? 'ada@example.com' : 'ada.de@example.com';
      const money = (minor: number) => w.money(minor, 'EUR');
      const accountMenu = (f: Page) =>
        f.getByRole('button', { name: new RegExp(`${escape(w('workspace.account.menu'))}$`) });
      let f: Page;

      beforeAll(async () => {
        f = await openPage(browser, server.baseUrl, mode, 'freelancer', pageErrors);
      });

      it('folds the navigation into a menu on a phone; settings and log out sit in the account menu', async () => {
        await signUpWithClientIn(f, w, email, clientEmail);
        await f.goto('/app');
        await visible(f.getByRole('heading', { name: w('workspace.dashboard.title'), level: 1 }));
        const menu = f.getByRole('button', { name: w('workspace.nav.menu'), exact: true });
        const mainNav = f.getByRole('navigation', { name: w('workspace.nav.main') });

        if (english) {
          // Wide: the links are in a row, no "Menu" button.
          await visible(mainNav.getByRole('link', { name: w('workspace.nav.clients') }));
          expect(await menu.isVisible()).toBe(false);
          await f.setViewportSize(PHONE);
        }
        // Phone: one "Menu" button; the row of links is gone.
        await visible(menu);
        expect(await mainNav.isVisible()).toBe(false);
        await menu.click();
        await visible(f.getByRole('menuitem', { name: w('workspace.nav.clients') }));
        await checkAccessibility(f, `phone menu open (${modeName(mode)})`);
        await f.screenshot({
          path: path.join(
            SCREENSHOT_DIR,
            english ? '50-phone-menu-390.png' : '50-phone-menu-de-390-dark.png',
          ),
        });
        await f.getByRole('menuitem', { name: w('workspace.nav.clients') }).click();
        await visible(f.getByRole('heading', { name: w('clients.add.heading') }));
        expect(new URL(f.url()).pathname).toBe('/app/clients');

        // Keyboard: the menu opens with Enter and closes with Escape, focus back on the button.
        await menu.focus();
        await f.keyboard.press('Enter');
        await visible(f.getByRole('menuitem', { name: w('workspace.nav.receipts') }));
        await f.keyboard.press('Escape');
        await waitFor('the menu to close', async () => (await f.getByRole('menu').count()) === 0);

        // The account menu: settings, then log out.
        await accountMenu(f).click();
        await f.getByRole('menuitem', { name: w('workspace.account.settings') }).click();
        await visible(f.getByRole('heading', { name: w('settings.profile.heading') }));
        if (english) await f.setViewportSize(DESKTOP);
        await capture(mode, f, '50-workspace-header');
        await accountMenu(f).click();
        await f.getByRole('menuitem', { name: w('workspace.account.logOut') }).click();
        await visible(f.getByRole('heading', { name: w('auth.login.title') }));
        expect(pageErrors).toEqual([]);
      });

      it('resets a forgotten password through the mail; the link works once', async () => {
        await f.goto('/login');
        await f.getByRole('link', { name: w('auth.login.forgot') }).click();
        await visible(f.getByRole('heading', { name: w('auth.forgot.title') }));
        // The form says what is wrong before asking the server.
        await f.getByRole('button', { name: w('auth.forgot.submit') }).click();
        await visible(f.getByText(w('auth.forgot.emailInvalid')));
        await capture(mode, f, '51-forgot-password');
        await f.getByLabel(w('auth.email')).fill(email);
        await f.getByRole('button', { name: w('auth.forgot.submit') }).click();
        await visible(f.getByText(w('auth.forgot.sent', { email })));

        await waitFor('the reset mail', async () => mailTo(smtp, email).length > 0, 30_000);
        const [mail] = mailTo(smtp, email);
        const link = resetLinkIn(mail?.raw ?? '');
        expect(new URL(link).origin).toBe(server.baseUrl);

        await f.goto(link);
        await visible(f.getByRole('heading', { name: w('auth.reset.title') }));
        // The token leaves the address bar at once.
        expect(new URL(f.url()).hash).toBe('');
        const fresh = f.getByLabel(w('auth.reset.newPassword'), { exact: true });
        const repeat = f.getByLabel(w('auth.reset.repeat'));
        const submit = f.getByRole('button', { name: w('auth.reset.submit') });
        await fresh.fill('short');
        await repeat.fill('different');
        await submit.click();
        await visible(f.getByText(w('auth.password.tooShort', { min: 10 })));
        await visible(f.getByText(w('auth.reset.mismatch')));
        await capture(mode, f, '52-reset-password');
        await fresh.fill('a brand new passphrase');
        await repeat.fill('a brand new passphrase');
        await submit.click();
        await visible(f.getByRole('heading', { name: w('workspace.dashboard.title'), level: 1 }));
        await visible(f.getByText(w('workspace.dashboard.passwordReset')));

        // The same link again: it no longer works, and says how to get a new one.
        await f.goto(link);
        await fresh.fill('yet another passphrase');
        await repeat.fill('yet another passphrase');
        await submit.click();
        await visible(f.getByText(w('auth.reset.invalidTitle')));
        await visible(f.getByRole('link', { name: w('auth.reset.again') }));
        await capture(mode, f, '53-reset-link-used');

        // The new password logs in.
        await f.goto('/app');
        await accountMenu(f).click();
        await f.getByRole('menuitem', { name: w('workspace.account.logOut') }).click();
        await f.getByLabel(w('auth.email')).fill(email);
        await f.getByLabel(w('auth.password')).fill('a brand new passphrase');
        await f.getByRole('button', { name: w('auth.login.submit') }).click();
        await visible(f.getByRole('heading', { name: w('workspace.dashboard.title'), level: 1 }));
        expect(pageErrors).toEqual([]);
      });

      it('lists what needs attention on the dashboard: overdue, waiting for payment, never shared', async () => {
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
          (
            await f.request.post(`/api/projects/${waiting.project.id}/access`, { headers })
          ).status(),
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
        const section = f.getByRole('region', { name: w('workspace.attention.title') });
        await visible(section);
        const overdue = section.getByRole('list', { name: w('workspace.attention.overdueList') });
        await visible(overdue.getByRole('link', { name: 'Late logo' }));
        // "N days overdue", whatever N is today.
        const daysOverdue = new RegExp(
          escape(w('workspace.overdue.days', { days: 7 })).replace('7', '[\\d.,\\s]+'),
        );
        await visible(overdue.getByText(daysOverdue));
        const awaiting = section.getByRole('list', {
          name: w('workspace.attention.awaitingList'),
        });
        await visible(awaiting.getByRole('link', { name: 'Brand book' }));
        await visible(awaiting.getByText(money(100_00)));
        const never = section.getByRole('list', {
          name: w('workspace.attention.neverSharedList'),
        });
        await visible(never.getByRole('link', { name: 'Late logo' }));
        expect(await never.getByRole('link', { name: 'Brand book' }).count()).toBe(0);
        await capture(mode, f, '54-dashboard-attention');

        await never.getByRole('link', { name: 'Late logo' }).click();
        await visible(f.getByRole('heading', { name: 'Late logo', level: 1 }));
        expect(pageErrors).toEqual([]);
      });

      it('leads through the next step: share, deliver (asked once), record payment (asked once)', async () => {
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
              {
                title: 'Sketch',
                deliverables: 'A sketch',
                dueDate: '2099-01-01',
                amountMinor: 200_00,
              },
              {
                title: 'Print',
                deliverables: 'The print',
                dueDate: '2099-02-01',
                amountMinor: 300_00,
              },
            ],
          },
        });
        const { project } = (await res.json()) as { project: { id: string } };
        await f.goto(`/app/projects/${project.id}`);
        const next = f.getByRole('region', { name: w('workspace.next.heading') });
        await visible(next.getByText(w('workspace.next.share.title', { client: 'Ada Client' })));
        await capture(mode, f, '55-project-next-share');

        // A due date typed out of order or in the past is warned about (announced, described), not refused.
        await f
          .getByRole('button', { name: srName(w('project.milestone.editButton', { position: 1 })) })
          .click();
        const due = f.locator('#edit-' + (await milestoneId(f, 'Sketch')) + '-due');
        await due.fill('2099-03-01');
        const afterLater = w('project.due.afterLater', {
          position: 2,
          date: w.date('2099-02-01'),
        });
        const warning = f.getByRole('status').filter({ hasText: afterLater });
        await visible(warning);
        expect(await warning.textContent()).toBe(afterLater);
        const describedBy = (await due.getAttribute('aria-describedby')) ?? '';
        expect(describedBy.split(' ')).toContain(await warning.getAttribute('id'));
        await due.fill('2020-01-01');
        await visible(f.getByRole('status').filter({ hasText: w.pattern('project.due.past') }));
        await capture(mode, f, '55-due-date-warning');
        await f.getByRole('button', { name: w('common.cancel') }).click();

        // Share: emailed, and still shown to copy.
        await next.getByRole('button', { name: w('workspace.next.share.button') }).click();
        await visible(
          f.getByText(w('workspace.share.sent', { client: 'Ada Client', email: clientEmail })),
        );
        await visible(f.getByTestId('access-code'));
        await waitFor('the invitation', async () => mailTo(smtp, clientEmail).length > 0, 30_000);
        await visible(
          next.getByText(w('workspace.next.upload.title', { position: 1, title: 'Sketch' })),
        );

        // Delivering with no files: asked once, saying what happens.
        await f
          .getByRole('button', { name: w('workspace.deliver.button') })
          .first()
          .click();
        const dialog = f.getByRole('alertdialog');
        await visible(dialog.getByText(w('workspace.deliver.titleNoFiles', { position: 1 })));
        await visible(dialog.getByText(w('workspace.deliver.tells', { client: 'Ada Client' })));
        await visible(dialog.getByText(w('workspace.deliver.noRemoval')));
        await checkAccessibility(f, `deliver dialog (${modeName(mode)})`);
        await dialog.getByRole('button', { name: w('common.cancel') }).click();
        expect(await f.getByRole('alertdialog').count()).toBe(0);
        await f
          .getByRole('button', { name: w('workspace.deliver.button') })
          .first()
          .click();
        await f.getByRole('button', { name: w('workspace.deliver.confirm') }).click();
        await visible(
          next.getByText(
            w('workspace.next.payment.title', { amount: money(200_00), client: 'Ada Client' }),
          ),
        );

        // Recording the payment: asked once, receipts and their numbers explained.
        await f.getByRole('button', { name: w('project.payment.record') }).click();
        const form = f.getByRole('form', { name: w('project.payment.formLabel', { position: 1 }) });
        await form.getByRole('button', { name: w('project.payment.record') }).click();
        const pay = f.getByRole('alertdialog');
        await visible(
          pay.getByText(
            w('workspace.payment.confirmTitle', { amount: money(200_00), position: 1 }),
          ),
        );
        await visible(pay.getByText(w('workspace.payment.receipt', { client: 'Ada Client' })));
        await visible(pay.getByText(w('workspace.payment.final')));
        await capture(mode, f, '56-record-payment-confirm');
        await pay.getByRole('button', { name: w('workspace.payment.confirm') }).click();
        await visible(
          next.getByText(w('workspace.next.upload.title', { position: 2, title: 'Print' })),
        );
        await capture(mode, f, '57-project-next-milestone');

        // In the other language the project page's own words (not in the portal's first
        // download) arrive too.
        const other = wordsFor(english ? 'de' : 'en');
        const settings = (await (await f.request.get('/api/settings', { headers })).json()) as {
          name: string;
          businessName: string;
          paymentInstructions: string;
        };
        const switched = await f.request.put('/api/settings', {
          headers,
          data: {
            name: settings.name,
            businessName: settings.businessName,
            paymentInstructions: settings.paymentInstructions,
            locale: other.lang,
          },
        });
        expect(switched.status()).toBe(200);
        await f.reload();
        await visible(f.getByRole('heading', { name: other('project.milestones'), level: 2 }));
        await capture(mode, f, english ? '58-project-german' : '58-project-english');
        await visible(
          f.getByRole('button', {
            name: srName(other('project.milestone.editButton', { position: 2 })),
          }),
        );
        await visible(f.getByText(other('workspace.money.awaiting'), { exact: true }));
        expect(pageErrors).toEqual([]);
      });
    });
  }
});

/** The id of the milestone card whose heading names `title`. */
async function milestoneId(page: Page, title: string): Promise<string> {
  const card = page.locator('li.timeline-item').filter({ hasText: title }).first();
  const id = (await card.getAttribute('id')) ?? '';
  return id.replace(/^milestone-/, '');
}
