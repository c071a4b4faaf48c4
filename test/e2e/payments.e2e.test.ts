/**
 * Payments in a real browser against the real server, with Stripe played by a local fake: the
 * client pays a delivered milestone by card and comes back before Stripe has confirmed it (the
 * page must not call it paid); a signed webhook confirms it, and without a reload the portal
 * shows it paid, the file downloads with the right bytes and the receipt's PDF downloads. Then
 * partial offline payments, a flagged Stripe payment (wrong amount) the freelancer cannot miss,
 * refunds (too large, then in full, which locks the files and asks for payment again), the receipts list, the
 * operator's limits in the UI, and the payment and mail settings. Run in full in both modes
 * (issue #9): at 1280 px, light, in English, and on a 390 px phone, dark, in German — each with
 * its own freelancer and client, every word from the app's messages.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import type { MessageValues } from '../../src/web/i18n';
import { launchBrowser, visible, waitForBadge } from './support/browser';
import { acceptContract, portalCsrf } from './support/contract';
import { deliverCheckoutCompleted, FakeStripe } from './support/fake-stripe';
import { fileRow as anyFileRow, makeFile, sha256, shownHash, waitFor } from './support/files';
import {
  MODES,
  buildHalfAndHalfProject,
  capture,
  go,
  modeName,
  openPage,
  signUpWithClientIn,
  srName,
  wordsFor,
  type Mode,
} from './support/modes';
import { startServer, type RunningServer } from './support/server';

const WEBHOOK_SECRET = 'whsec_e2e';

/** The timeline item of the milestone titled `title`. */
const milestoneItem = (page: Page, title: string) =>
  page.locator('li.timeline-item').filter({ has: page.getByRole('heading', { name: title }) });

/** Fetches `href` with the page's cookies; checks it is a PDF. */
async function expectPdf(page: Page, href: string): Promise<void> {
  const res = await page.request.get(href);
  expect(res.status()).toBe(200);
  expect(res.headers()['content-type']).toMatch(/^application\/pdf/);
  expect(res.headers()['content-disposition']).toMatch(/^attachment;.*R-\d{6}\.pdf/);
  const body = await res.body();
  expect(body.subarray(0, 4).toString('latin1')).toBe('%PDF');
}

describe('payments', () => {
  let fake: FakeStripe;
  let server: RunningServer;
  let browser: Browser;
  let dir: string;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'milepost-e2e-pay-'));
    fake = await FakeStripe.start();
    server = await startServer({
      env: {
        STRIPE_SECRET_KEY: 'sk_test_e2e',
        STRIPE_WEBHOOK_SECRET: WEBHOOK_SECRET,
        STRIPE_API_URL: fake.url,
        // The operator's lower limits, which the web app must state.
        MAX_MILESTONES: '4',
        MAX_FILES_PER_MILESTONE: '3',
        MAX_FILE_BYTES: String(1024 * 1024),
      },
    });
    fake.appUrl = server.baseUrl;
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    await fake?.close();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  for (const mode of MODES) describe(modeName(mode), () => journeys(mode));

  function journeys(mode: Mode): void {
    const w = wordsFor(mode.lang);
    const english = mode.lang === 'en';
    const money = (minor: number) => w.money(minor, 'EUR');
    const email = english ? 'maya@example.com' : 'maya.de@example.com';
    /** A message as a pattern: `values` filled in, the `loose` placeholders matching anything. */
    const like = (id: string, values: MessageValues, loose: string[]): RegExp => {
      const marks = Object.fromEntries(loose.map((k, i) => [k, `@@${i}@@`]));
      const text = w(id, { ...values, ...marks }).replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      return new RegExp(text.replace(/@@\d+@@/g, '.*?'));
    };
    const fileRow = (page: Page, position: number, name: string) =>
      anyFileRow(page, position, name, w('files.listLabel', { position }));
    const addFiles = (page: Page, position: number) =>
      page.getByLabel(w('files.drop.add', { position }));
    let freelancer: Page;
    let client: Page;
    let projectUrl = '';
    /** The fake's sessions before this mode's run: each run's are numbered on from there. */
    let sessionsBefore = 0;
    const sessionId = (n: number) => `cs_test_${sessionsBefore + n}`;

    beforeAll(async () => {
      freelancer = await openPage(browser, server.baseUrl, mode, 'freelancer', pageErrors, {
        permissions: ['clipboard-read', 'clipboard-write'],
      });
      client = await openPage(browser, server.baseUrl, mode, 'client', pageErrors, {
        acceptDownloads: true,
      });
      sessionsBefore = fake.sessions.length;
    });

    it('pays a delivered milestone by card, and shows it paid only once Stripe confirms', async () => {
      const f = freelancer;
      const c = client;
      const guide = makeFile(dir, 'style guide.pdf', 40 * 1024 + 9);

      // Sign up, a client, a two-milestone project; the builder states the operator's limit.
      await signUpWithClientIn(f, w, email, english ? 'ada@example.com' : 'ada.de@example.com');
      await f.goto('/app/projects/new');
      await visible(f.getByText(w('builder.milestones.count', { count: 1, max: 4 })));
      projectUrl = await buildHalfAndHalfProject(f, w, 'Brand refresh', ['Identity', 'Website']);

      // The drop zone states the operator's limits and enforces the size before uploading.
      await visible(f.getByText(w('files.drop.limits', { max: 3, size: '1 MiB' })));
      const huge = makeFile(dir, 'too-big.bin', 2 * 1024 * 1024);
      await addFiles(f, 1).setInputFiles(huge.path);
      await visible(
        f.getByText(
          like('files.reject.tooLarge', { names: 'too-big.bin', count: 1, max: '1 MiB' }, []),
        ),
      );

      // One small file, then share and deliver.
      await addFiles(f, 1).setInputFiles(guide.path);
      const uploaded = fileRow(f, 1, guide.name);
      await visible(uploaded.getByText(w('files.badge.uploaded'), { exact: true }), 30_000);
      expect(await shownHash(uploaded)).toBe(guide.sha256);
      await visible(f.getByText(w('files.count', { used: 1, max: 3 })));
      await f.getByRole('button', { name: w('workspace.next.share.button') }).click();
      const code = ((await f.getByTestId('access-code').textContent()) ?? '').trim();
      await f
        .getByRole('button', { name: w('workspace.deliver.button') })
        .first()
        .click();
      await f.getByRole('button', { name: w('workspace.deliver.confirm') }).click();
      await waitForBadge(f, 'Identity', w('workspace.status.delivered'));
      // On a phone the receipts sit in a folded section: there, not necessarily in view.
      await f.getByText(w('project.receipts.none')).waitFor({ state: 'attached' });

      // The client opens the portal: a card button for the amount due.
      await c.goto('/portal');
      await c.getByLabel(w('portal.code.label')).fill(code);
      await c.getByRole('button', { name: w('portal.code.submit') }).click();
      await visible(c.getByRole('heading', { name: 'Brand refresh', level: 1 }));
      // Payment waits for the contract: the portal asks for it in place of the Pay button.
      await visible(c.getByRole('link', { name: w('portal.contract.review') }));
      expect(
        await c.getByRole('button', { name: like('portal.pay.byCard', {}, ['amount']) }).count(),
      ).toBe(0);
      await acceptContract(c.request, await portalCsrf(c));
      await c.reload();
      await waitForBadge(c, 'Identity', w('portal.status.readyToPay'));
      const pay = c.getByRole('button', {
        name: w('portal.pay.byCard', { amount: money(1000_00) }),
      });
      await visible(pay);
      await capture(mode, c, '30-portal-pay-by-card');

      // Pay: the app opens a Checkout Session and sends the browser to its page, which (in this
      // fake) is the app's own return URL.
      const returned = c.waitForRequest(
        (r) =>
          r.resourceType() === 'document' &&
          r.url() === `${server.baseUrl}/portal?payment=returned`,
      );
      await pay.click();
      await returned;
      await visible(c.getByTestId('payment-pending'));
      await visible(c.getByText(w('portal.return.pending')));
      // The page does not claim what the API has not said: still delivered, still locked.
      await waitForBadge(c, 'Identity', w('portal.status.readyToPay'));
      const confirmed = like('portal.return.confirmed', { count: 1 }, ['milestones']);
      expect(await c.getByText(confirmed).count()).toBe(0);
      // No file to download yet (the contract's PDF is, so the file's own link is looked for).
      const fileLink = c.getByRole('link', { name: `${w('portal.files.download')} ${guide.name}` });
      expect(await fileLink.count()).toBe(0);
      expect(new URL(c.url()).search).toBe('');
      await capture(mode, c, '31-portal-payment-returned');

      // What the app asked Stripe for: one session for the amount due, in the project's currency.
      expect(fake.sessions).toHaveLength(sessionsBefore + 1);
      const create = fake.creates[sessionsBefore];
      expect(create?.form['line_items[0][price_data][unit_amount]']).toBe('100000');
      expect(create?.form['line_items[0][price_data][currency]']).toBe('eur');
      expect(create?.form['mode']).toBe('payment');
      expect(create?.idempotencyKey).toMatch(/^milepost-checkout-/);
      const opened = fake.session(sessionId(1));
      expect(opened.metadata.milestoneId).not.toBe('');

      // Stripe confirms, by a signed webhook.
      const delivered = await deliverCheckoutCompleted(
        server.baseUrl,
        { ...opened, status: 'complete', payment_status: 'paid' },
        WEBHOOK_SECRET,
      );
      expect(delivered).toEqual({ status: 200, body: { received: true, outcome: 'credited' } });

      // No reload: the portal, asking every 3 s after the return, shows it paid.
      await waitForBadge(c, 'Identity', w('portal.status.paid'), 10_000);
      await waitForBadge(c, 'Website', w('portal.status.inProgress'));
      await visible(c.getByText(confirmed));
      const link = c.getByRole('link', { name: `${w('portal.files.download')} ${guide.name}` });
      await visible(link);
      const [download] = await Promise.all([c.waitForEvent('download'), link.click()]);
      const received = fs.readFileSync(await download.path());
      expect(sha256(received)).toBe(guide.sha256);
      expect(received.length).toBe(guide.bytes.length);

      // The receipt is listed, and its PDF downloads.
      const receipts = c.getByRole('list', { name: w('portal.receipts.list') });
      await visible(receipts.getByText('R-000001'));
      const receiptPdf = w('common.receipt.download', { label: 'R-000001' });
      const receiptLink = receipts.getByRole('link', { name: receiptPdf });
      expect(await receiptLink.getAttribute('download')).not.toBeNull();
      const href = (await receiptLink.getAttribute('href')) ?? '';
      expect(href).toMatch(/^\/api\/portal\/receipts\/[^/]+\/pdf$/);
      await expectPdf(c, href);
      await capture(mode, c, '32-portal-paid-receipt');

      // The freelancer sees the card payment, the receipt, and milestone 2 open.
      await f.reload();
      await waitForBadge(f, 'Identity', w('workspace.status.paid'));
      await waitForBadge(f, 'Website', w('workspace.status.open'));
      const identity = milestoneItem(f, 'Identity');
      await visible(
        identity.getByText(
          like('payments.describe.stripe', { amount: money(1000_00) }, ['date', 'ref']),
        ),
      );
      const paymentRow = identity.locator('.payment-row');
      await visible(paymentRow.getByText(w('payments.badge.stripe'), { exact: true }));
      await visible(paymentRow.getByText(w('payments.badge.credited'), { exact: true }));
      // By its label rather than its role: on a phone the list sits in a folded section, out of
      // the accessibility tree until opened.
      const projectReceipts = f.locator(
        `ul[aria-label="${w('project.receipts.label', { title: 'Brand refresh' })}"]`,
      );
      await projectReceipts
        .getByText('R-000001', { exact: true })
        .first()
        .waitFor({ state: 'attached' });
      await expectPdf(
        f,
        (await projectReceipts.locator('a[href$="/pdf"]').first().getAttribute('href')) ?? '',
      );
      await capture(mode, f, '33-project-paid-by-card');

      // All receipts, from the navigation (folded into "Menu" on a phone).
      await go(f, w, w('workspace.nav.receipts'));
      await visible(f.getByRole('heading', { name: w('receipts.title'), level: 1 }));
      const all = f.getByRole('list', { name: w('receipts.all') });
      await visible(all.getByRole('link', { name: 'Brand refresh' }));
      await visible(
        all.getByText(
          like('common.receipt.line', { position: 1, title: 'Identity' }, ['method', 'date']),
        ),
      );
      const allHref =
        (await all.getByRole('link', { name: receiptPdf }).getAttribute('href')) ?? '';
      expect(allHref).toMatch(/^\/api\/receipts\/[^/]+\/pdf$/);
      await expectPdf(f, allHref);
      await capture(mode, f, '34-receipts');

      expect(pageErrors).toEqual([]);
    });

    it('adds up partial payments, flags a mismatched Stripe payment, and refunds', async () => {
      const f = freelancer;
      const c = client;
      await f.goto(projectUrl);
      await waitForBadge(f, 'Website', w('workspace.status.open'));
      await milestoneItem(f, 'Website')
        .getByRole('button', { name: w('workspace.deliver.button') })
        .click();
      await f.getByRole('button', { name: w('workspace.deliver.confirm') }).click();
      await waitForBadge(f, 'Website', w('workspace.status.delivered'));

      // A partial offline payment: the form offers what is outstanding; 400 of 1,000 is kept.
      await f.getByRole('button', { name: w('project.payment.record') }).click();
      const form = f.getByRole('form', { name: w('project.payment.formLabel', { position: 2 }) });
      const amount = form.getByLabel(w('project.payment.amount', { currency: 'EUR' }));
      // The amount as the person's language writes it (typed amounts are read the same way).
      expect(await amount.inputValue()).toBe(english ? '1000.00' : '1000,00');
      await amount.fill('400');
      await form.getByRole('button', { name: w('project.payment.record') }).click();
      await f.getByRole('button', { name: w('workspace.payment.confirm') }).click();
      const website = milestoneItem(f, 'Website');
      await visible(
        website.getByText(
          like(
            'payments.describe.recorded',
            { amount: money(400_00), method: w('payments.method.bank_transfer') },
            ['date', 'ref'],
          ),
        ),
      );
      await waitForBadge(f, 'Website', w('workspace.status.delivered'));
      await visible(website.locator('.facts').getByText(money(600_00)));
      await visible(website.locator('.facts').getByText(w('project.milestone.outstanding')));
      // A second payment starts from what is still outstanding.
      await website.getByRole('button', { name: w('project.payment.recordAnother') }).click();
      expect(await amount.inputValue()).toBe(english ? '600.00' : '600,00');
      await capture(mode, f, '35-project-partial-payment');
      await form.getByRole('button', { name: w('common.cancel') }).click();

      // The client sees what was received and pays the rest by card.
      await c.evaluate(() => window.dispatchEvent(new Event('focus')));
      const due = c.getByRole('button', {
        name: w('portal.pay.byCard', { amount: money(600_00) }),
      });
      await visible(due);
      await visible(
        c.getByText(
          w('portal.pay.partly', {
            received: money(400_00),
            total: money(1000_00),
            outstanding: money(600_00),
          }),
        ),
      );
      await visible(c.getByText(w('portal.pay.due', { amount: money(600_00) })));
      await capture(mode, c, '36-portal-partial-payment');
      const back = c.waitForRequest((r) => r.url().endsWith('/portal?payment=returned'));
      await due.click();
      await back;
      await visible(c.getByTestId('payment-pending'));
      const asked = fake.session(sessionId(2));
      expect(asked.amount_total).toBe(60000);

      // Stripe reports a different amount: recorded, flagged, never counted.
      const flagged = await deliverCheckoutCompleted(
        server.baseUrl,
        { ...asked, amount_total: 50000, status: 'complete', payment_status: 'paid' },
        WEBHOOK_SECRET,
      );
      expect(flagged).toEqual({ status: 200, body: { received: true, outcome: 'flagged' } });
      await f.reload();
      const attention = f.getByRole('alert').filter({ hasText: w('workspace.attention.title') });
      await visible(attention);
      // Why, in the freelancer's language (the record keeps the problem as data).
      const why = w('payments.flag.amount', { got: money(500_00), expected: money(600_00) });
      await visible(attention.getByText(like('project.attention.flagged', { why }, ['where'])));
      await waitForBadge(f, 'Website', w('workspace.status.delivered'));
      const flaggedRow = website.locator('.payment-row.is-flagged');
      await visible(flaggedRow.getByText(w('payments.badge.flagged'), { exact: true }));
      await visible(flaggedRow.getByText(w('payments.flagged.reason', { reason: why })));
      await capture(mode, f, '37-project-flagged-payment');
      // The client's page still asks for the rest, and calls nothing paid.
      await c.waitForTimeout(3_500);
      await waitForBadge(c, 'Website', w('portal.status.readyToPay'));
      await visible(
        c.getByRole('button', { name: w('portal.pay.byCard', { amount: money(600_00) }) }),
      );

      // A refund larger than what was received is refused, next to the amount.
      const identity = milestoneItem(f, 'Identity');
      await identity
        .getByRole('button', { name: srName(w('project.milestone.refundButton', { position: 1 })) })
        .click();
      const refund = f.getByRole('form', { name: w('payments.refund.formLabel', { position: 1 }) });
      const refundAmount = refund.getByLabel(w('payments.refund.amount', { currency: 'EUR' }));
      await refundAmount.fill('1500');
      await refund.getByLabel(w('payments.refund.reference')).fill('RF-1');
      await refund.getByRole('button', { name: w('payments.refund.submit') }).click();
      // The server's words in English ("Only €1,000.00 was received…"), its code's in German.
      await visible(
        refund.getByText(
          english
            ? /Only €1,000\.00 was received for milestone 1/
            : w('common.error.REFUND_TOO_LARGE'),
        ),
      );
      expect(await refundAmount.getAttribute('aria-invalid')).toBe('true');
      const describedBy = (await refundAmount.getAttribute('aria-describedby')) ?? '';
      expect(describedBy).toContain('-error');
      await capture(mode, f, '38-refund-too-large');

      // A full refund: the milestone awaits payment again, its files lock for the client.
      await refundAmount.fill('1000');
      await refund.getByRole('button', { name: w('payments.refund.submit') }).click();
      await visible(identity.getByText(w('project.milestone.refundedInFull')));
      await visible(
        identity.getByText(
          like('payments.describe.refundRecorded', { amount: money(1000_00) }, ['date', 'ref']),
        ),
      );
      await waitForBadge(f, 'Identity', w('workspace.status.delivered'));

      await c.evaluate(() => window.dispatchEvent(new Event('focus')));
      const portalIdentity = milestoneItem(c, 'Identity');
      await visible(portalIdentity.getByText(w('portal.files.refunded')));
      expect(await portalIdentity.getByRole('link', { name: downloadLinkWord() }).count()).toBe(0);
      const files = await c.request.get('/api/portal/files');
      const listed = ((await files.json()) as { files: { id: string; milestoneId: string }[] })
        .files;
      const locked = listed.find(
        (x) => x.milestoneId === fake.session(sessionId(1)).metadata.milestoneId,
      );
      expect(locked).toBeDefined();
      expect((await c.request.get(`/api/files/${locked?.id ?? ''}`)).status()).toBe(402);
      await capture(mode, c, '39-portal-refunded');

      // Cancelled on Stripe's page: said plainly, and the address bar forgets it.
      await c.goto('/portal?payment=cancelled');
      await visible(c.getByText(w('portal.return.cancelled')));
      expect(new URL(c.url()).search).toBe('');
      expect(await c.getByTestId('payment-pending').count()).toBe(0);

      expect(pageErrors).toEqual([]);
    });

    it('shows Stripe and mail settings, takes own keys, and sends a test email', async () => {
      const f = freelancer;
      const escaped = w('workspace.account.menu').replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      await f.getByRole('button', { name: new RegExp(`${escaped}$`) }).click();
      await f.getByRole('menuitem', { name: w('workspace.account.settings') }).click();
      await visible(f.getByRole('heading', { name: w('settings.payments.heading'), level: 2 }));
      const status = f.getByTestId('stripe-status');
      const operators = w('settings.stripe.connectedOperator');
      await visible(status.getByText(operators));
      await visible(status.getByText(w('settings.stripe.testMode'), { exact: true }));
      expect(((await f.getByTestId('webhook-url').textContent()) ?? '').trim()).toBe(
        `${server.baseUrl}/api/webhooks/stripe`,
      );
      await visible(f.getByTestId('mail-transport').getByText(w('settings.mail.transport.outbox')));
      await capture(mode, f, '40-settings-payments');

      // Mail: a test email lands in the outbox folder.
      await f.getByRole('button', { name: w('settings.mail.test.send') }).click();
      await visible(f.getByText(w('settings.mail.test.outbox', { to: email })));
      const outbox = path.join(server.dataDir, 'outbox');
      await waitFor('the test email in the outbox', () =>
        Promise.resolve(
          fs.existsSync(outbox) &&
            fs
              .readdirSync(outbox)
              .some((name) =>
                fs
                  .readFileSync(path.join(outbox, name), 'utf8')
                  .includes(english ? 'Milepost test email' : 'Milepost-Test-E-Mail'),
              ),
        ),
      );
      await capture(mode, f, '41-settings-test-email');

      // Stripe in one step: the key alone; Milepost makes its own webhook endpoint.
      const connectKey = f.getByLabel(w('stripe.key'));
      expect(await connectKey.getAttribute('type')).toBe('password');
      await connectKey.fill('sk_test_connect123');
      await f.getByRole('button', { name: w('stripe.connect') }).click();
      await visible(status.getByText(w('stripe.connected.test', { name: 'Maya Studio' })));
      expect(await connectKey.inputValue()).toBe('');
      expect(fake.endpoints).toHaveLength(1);
      expect(fake.endpoints[0]?.url).toMatch(
        new RegExp(`^${server.baseUrl}/api/webhooks/stripe/[0-9a-f-]{36}$`),
      );
      expect(fake.endpoints[0]?.enabled_events).toHaveLength(5);
      expect(await f.content()).not.toContain('sk_test_connect123');
      expect(await f.content()).not.toContain(fake.endpoints[0]?.secret ?? 'whsec_');
      await capture(mode, f, '41a-settings-stripe-connected');
      await f.getByRole('button', { name: w('stripe.disconnect') }).click();
      await f.getByRole('button', { name: w('settings.stripe.remove.yes') }).click();
      await visible(status.getByText(operators));
      expect(fake.endpoints, 'disconnecting removes the endpoint from Stripe').toEqual([]);

      // Own keys by hand (advanced): secret inputs, never shown back; a wrong key is named by its field.
      await f.getByText(w('stripe.advanced')).click();
      const secretKey = f.getByLabel(w('settings.stripe.secretKey'));
      const webhookSecret = f.getByLabel(w('settings.stripe.webhookSecret'));
      for (const input of [secretKey, webhookSecret]) {
        expect(await input.getAttribute('type')).toBe('password');
        expect(await input.getAttribute('autocomplete')).toBe('off');
      }
      const ownUrl = ((await f.getByTestId('own-webhook-url').textContent()) ?? '').trim();
      expect(ownUrl).toMatch(new RegExp(`^${server.baseUrl}/api/webhooks/stripe/[0-9a-f-]{36}$`));
      await f.getByRole('button', { name: w('settings.stripe.copyUrl'), exact: true }).click();
      await visible(f.getByText(w('common.copied'), { exact: true }));
      expect(await f.evaluate(() => navigator.clipboard.readText())).toBe(ownUrl);

      await secretKey.fill('pk_test_publishable');
      await webhookSecret.fill('whsec_own123');
      await f.getByRole('button', { name: w('settings.stripe.save') }).click();
      await visible(f.getByText(w('settings.stripe.secretKey.format')));
      expect(await secretKey.getAttribute('aria-invalid')).toBe('true');

      await secretKey.fill('sk_test_own123');
      await f.getByRole('button', { name: w('settings.stripe.save') }).click();
      await visible(f.getByText(w('settings.stripe.savedTest')));
      await visible(status.getByText(w('settings.stripe.connectedOwn')));
      await visible(status.getByText(w('settings.stripe.testMode'), { exact: true }));
      expect(((await f.getByTestId('webhook-url').textContent()) ?? '').trim()).toBe(ownUrl);
      expect(await secretKey.inputValue()).toBe('');
      expect(await webhookSecret.inputValue()).toBe('');
      expect(await f.content()).not.toContain('sk_test_own123');
      await capture(mode, f, '42-settings-own-keys');

      // Still own after a reload (and still not shown); then removed, back to the operator's.
      await f.reload();
      await visible(f.getByTestId('stripe-status').getByText(w('settings.stripe.connectedOwn')));
      expect(await f.content()).not.toContain('sk_test_own123');
      await f.getByRole('button', { name: w('settings.stripe.remove') }).click();
      await f.getByRole('button', { name: w('settings.stripe.remove.yes') }).click();
      await visible(f.getByText(w('settings.stripe.removed')));
      await visible(f.getByTestId('stripe-status').getByText(operators));

      expect(pageErrors).toEqual([]);
    });

    function downloadLinkWord(): RegExp {
      return new RegExp(`^${w('portal.files.download')}`);
    }
  }
});
