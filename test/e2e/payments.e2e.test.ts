/**
 * Payments in a real browser against the real server, with Stripe played by a local fake: the
 * client pays a delivered milestone by card and comes back before Stripe has confirmed it (the
 * page must not call it paid); a signed webhook confirms it, and without a reload the portal
 * shows it paid, the file downloads with the right bytes and the receipt's PDF downloads. Then
 * partial offline payments, a flagged Stripe payment (wrong amount) the freelancer cannot miss,
 * refunds (too large, then in full, which locks the files and asks for payment again), the receipts list, the
 * operator's limits in the UI, and the payment and mail settings.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import {
  captureScreen,
  launchBrowser,
  openParties,
  signUpWithClient,
  visible,
  waitForBadge,
} from './support/browser';
import { acceptContract, portalCsrf } from './support/contract';
import { deliverCheckoutCompleted, FakeStripe } from './support/fake-stripe';
import { fileRow, makeFile, sha256, shownHash, waitFor } from './support/files';
import { startServer, type RunningServer } from './support/server';

const WEBHOOK_SECRET = 'whsec_e2e';

const nav = (page: Page, name: string) =>
  page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name, exact: true });

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
  let freelancer: Page;
  let client: Page;
  let dir: string;
  let projectUrl = '';
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
    ({ freelancer, client } = await openParties(browser, server.baseUrl, pageErrors, {
      freelancer: { permissions: ['clipboard-read', 'clipboard-write'] },
      client: { acceptDownloads: true },
    }));
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    await fake?.close();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('pays a delivered milestone by card, and shows it paid only once Stripe confirms', async () => {
    const f = freelancer;
    const c = client;
    const guide = makeFile(dir, 'style guide.pdf', 40 * 1024 + 9);

    // Sign up, a client, a two-milestone project; the builder states the operator's limit.
    await signUpWithClient(f);
    await f.goto('/app/projects/new');
    await visible(f.getByText('1 of at most 4 milestones.'));
    await f.getByLabel('Client', { exact: true }).selectOption({ label: 'Ada Client' });
    await f.getByLabel('Project title').fill('Brand refresh');
    await f.getByLabel('Project total (EUR)').fill('2,000');
    await f.getByRole('button', { name: 'Half up front' }).click();
    for (const [i, title] of ['Identity', 'Website'].entries()) {
      const group = f.getByRole('group', { name: `Milestone ${i + 1}` });
      await group.getByLabel('Title').fill(title);
      await group.getByLabel('Deliverables').fill(`${title} files`);
    }
    await f.getByRole('button', { name: 'Create project' }).click();
    await visible(f.getByRole('heading', { name: 'Brand refresh', level: 1 }));
    await waitForBadge(f, 'Identity', 'Open');
    projectUrl = f.url();

    // The drop zone states the operator's limits and enforces the size before uploading.
    await visible(f.getByText('Up to 3 files per milestone, 1 MiB each.'));
    const huge = makeFile(dir, 'too-big.bin', 2 * 1024 * 1024);
    await f.getByLabel('Add files to milestone 1').setInputFiles(huge.path);
    await visible(f.getByText('too-big.bin is larger than 1 MiB, the most a file may be.'));

    // One small file, then share and deliver.
    await f.getByLabel('Add files to milestone 1').setInputFiles(guide.path);
    const uploaded = fileRow(f, 1, guide.name);
    await visible(uploaded.getByText('Uploaded', { exact: true }), 30_000);
    expect(await shownHash(uploaded)).toBe(guide.sha256);
    await visible(f.getByText('(1 of 3)'));
    await f.getByRole('button', { name: 'Share with client' }).click();
    const code = ((await f.getByTestId('access-code').textContent()) ?? '').trim();
    await f.getByRole('button', { name: 'Mark delivered' }).first().click();
    await f.getByRole('button', { name: 'Yes, mark delivered' }).click();
    await waitForBadge(f, 'Identity', 'Delivered');
    await visible(f.getByText('No receipts yet.'));

    // The client opens the portal: a card button for the amount due.
    await c.goto('/portal');
    await c.getByLabel('Access code').fill(code);
    await c.getByRole('button', { name: 'Open project' }).click();
    await visible(c.getByRole('heading', { name: 'Brand refresh', level: 1 }));
    // Payment waits for the contract: the portal asks for it in place of the Pay button.
    await visible(c.getByRole('link', { name: 'Review and accept the contract' }));
    expect(await c.getByRole('button', { name: /^Pay / }).count()).toBe(0);
    await acceptContract(c.request, await portalCsrf(c));
    await c.reload();
    await waitForBadge(c, 'Identity', 'Ready — pay to unlock');
    const pay = c.getByRole('button', { name: 'Pay €1,000.00 by card' });
    await visible(pay);
    await captureScreen(c, '30-portal-pay-by-card');

    // Pay: the app opens a Checkout Session and sends the browser to its page, which (in this
    // fake) is the app's own return URL.
    const returned = c.waitForRequest(
      (r) =>
        r.resourceType() === 'document' && r.url() === `${server.baseUrl}/portal?payment=returned`,
    );
    await pay.click();
    await returned;
    await visible(c.getByTestId('payment-pending'));
    await visible(
      c.getByText('Payment received by Stripe — it appears here as soon as Stripe confirms it.'),
    );
    // The page does not claim what the API has not said: still delivered, still locked.
    await waitForBadge(c, 'Identity', 'Ready — pay to unlock');
    expect(await c.getByText('Payment confirmed').count()).toBe(0);
    expect(await c.getByRole('link', { name: /^Download/ }).count()).toBe(0);
    expect(new URL(c.url()).search).toBe('');
    await captureScreen(c, '31-portal-payment-returned');

    // What the app asked Stripe for: one session for the amount due, in the project's currency.
    expect(fake.sessions).toHaveLength(1);
    const [create] = fake.creates;
    expect(create?.form['line_items[0][price_data][unit_amount]']).toBe('100000');
    expect(create?.form['line_items[0][price_data][currency]']).toBe('eur');
    expect(create?.form['mode']).toBe('payment');
    expect(create?.idempotencyKey).toMatch(/^milepost-checkout-/);
    const opened = fake.session('cs_test_1');
    expect(opened.metadata.milestoneId).not.toBe('');

    // Stripe confirms, by a signed webhook.
    const delivered = await deliverCheckoutCompleted(
      server.baseUrl,
      { ...opened, status: 'complete', payment_status: 'paid' },
      WEBHOOK_SECRET,
    );
    expect(delivered).toEqual({ status: 200, body: { received: true, outcome: 'credited' } });

    // No reload: the portal, asking every 3 s after the return, shows it paid.
    await waitForBadge(c, 'Identity', 'Paid', 10_000);
    await waitForBadge(c, 'Website', 'In progress');
    await visible(c.getByText(/Payment confirmed: milestone 1, Identity, is paid\./));
    const link = c.getByRole('link', { name: `Download ${guide.name}` });
    await visible(link);
    const [download] = await Promise.all([c.waitForEvent('download'), link.click()]);
    const received = fs.readFileSync(await download.path());
    expect(sha256(received)).toBe(guide.sha256);
    expect(received.length).toBe(guide.bytes.length);

    // The receipt is listed, and its PDF downloads.
    const receipts = c.getByRole('list', { name: 'Your receipts' });
    await visible(receipts.getByText('R-000001'));
    const receiptLink = receipts.getByRole('link', { name: 'Download R-000001 (PDF)' });
    expect(await receiptLink.getAttribute('download')).not.toBeNull();
    const href = (await receiptLink.getAttribute('href')) ?? '';
    expect(href).toMatch(/^\/api\/portal\/receipts\/[^/]+\/pdf$/);
    await expectPdf(c, href);
    await captureScreen(c, '32-portal-paid-receipt');

    // The freelancer sees the card payment, the receipt, and milestone 2 open.
    await f.reload();
    await waitForBadge(f, 'Identity', 'Paid');
    await waitForBadge(f, 'Website', 'Open');
    const identity = milestoneItem(f, 'Identity');
    await visible(identity.getByText('Paid by card through Stripe: €1,000.00'));
    await visible(identity.locator('.payment-row').getByText('Stripe', { exact: true }));
    await visible(identity.locator('.payment-row').getByText('Credited', { exact: true }));
    const projectReceipts = f.getByRole('list', { name: 'Receipts of Brand refresh' });
    await visible(projectReceipts.getByText('R-000001'));
    await expectPdf(
      f,
      (await projectReceipts
        .getByRole('link', { name: 'Download R-000001 (PDF)' })
        .getAttribute('href')) ?? '',
    );
    await captureScreen(f, '33-project-paid-by-card');

    // All receipts, from the navigation.
    await nav(f, 'Receipts').click();
    await visible(f.getByRole('heading', { name: 'Receipts', level: 1 }));
    const all = f.getByRole('list', { name: 'All receipts' });
    await visible(all.getByRole('link', { name: 'Brand refresh' }));
    await visible(all.getByText('Milestone 1: Identity', { exact: false }));
    const allHref =
      (await all.getByRole('link', { name: 'Download R-000001 (PDF)' }).getAttribute('href')) ?? '';
    expect(allHref).toMatch(/^\/api\/receipts\/[^/]+\/pdf$/);
    await expectPdf(f, allHref);
    await captureScreen(f, '34-receipts');

    expect(pageErrors).toEqual([]);
  });

  it('adds up partial payments, flags a mismatched Stripe payment, and refunds', async () => {
    const f = freelancer;
    const c = client;
    await f.goto(projectUrl);
    await waitForBadge(f, 'Website', 'Open');
    await milestoneItem(f, 'Website').getByRole('button', { name: 'Mark delivered' }).click();
    await f.getByRole('button', { name: 'Yes, mark delivered' }).click();
    await waitForBadge(f, 'Website', 'Delivered');

    // A partial offline payment: the form offers what is outstanding; 400 of 1,000 is kept.
    await f.getByRole('button', { name: 'Record payment' }).click();
    const form = f.getByRole('form', { name: 'Record payment for milestone 2' });
    const amount = form.getByLabel('Amount received (EUR)');
    expect(await amount.inputValue()).toBe('1000.00');
    await amount.fill('400');
    await form.getByRole('button', { name: 'Record payment' }).click();
    await f.getByRole('button', { name: 'Yes, record payment' }).click();
    const website = milestoneItem(f, 'Website');
    await visible(website.getByText('Payment recorded: €400.00 by bank transfer'));
    await waitForBadge(f, 'Website', 'Delivered');
    await visible(website.locator('.facts').getByText('€600.00'));
    await visible(website.locator('.facts').getByText('Outstanding'));
    // A second payment starts from what is still outstanding.
    await website.getByRole('button', { name: 'Record another payment' }).click();
    expect(await amount.inputValue()).toBe('600.00');
    await captureScreen(f, '35-project-partial-payment');
    await form.getByRole('button', { name: 'Cancel' }).click();

    // The client sees what was received and pays the rest by card.
    await c.evaluate(() => window.dispatchEvent(new Event('focus')));
    const due = c.getByRole('button', { name: 'Pay €600.00 by card' });
    await visible(due);
    await visible(c.getByText('€400.00 of €1,000.00 received so far; €600.00 still to pay.'));
    await visible(c.getByText('Payment due: €600.00'));
    await captureScreen(c, '36-portal-partial-payment');
    const back = c.waitForRequest((r) => r.url().endsWith('/portal?payment=returned'));
    await due.click();
    await back;
    await visible(c.getByTestId('payment-pending'));
    const asked = fake.session('cs_test_2');
    expect(asked.amount_total).toBe(60000);

    // Stripe reports a different amount: recorded, flagged, never counted.
    const flagged = await deliverCheckoutCompleted(
      server.baseUrl,
      { ...asked, amount_total: 50000, status: 'complete', payment_status: 'paid' },
      WEBHOOK_SECRET,
    );
    expect(flagged).toEqual({ status: 200, body: { received: true, outcome: 'flagged' } });
    await f.reload();
    const attention = f.getByRole('alert').filter({ hasText: 'Needs your attention' });
    await visible(attention);
    await visible(
      attention.getByText(/was flagged and not counted \(amount €500\.00 instead of €600\.00\)/),
    );
    await waitForBadge(f, 'Website', 'Delivered');
    const flaggedRow = website.locator('.payment-row.is-flagged');
    await visible(flaggedRow.getByText('Flagged', { exact: true }));
    await visible(flaggedRow.getByText('Reason: amount €500.00 instead of €600.00.'));
    await captureScreen(f, '37-project-flagged-payment');
    // The client's page still asks for the rest, and calls nothing paid.
    await c.waitForTimeout(3_500);
    await waitForBadge(c, 'Website', 'Ready — pay to unlock');
    await visible(c.getByRole('button', { name: 'Pay €600.00 by card' }));

    // A refund larger than what was received is refused, next to the amount.
    const identity = milestoneItem(f, 'Identity');
    await identity.getByRole('button', { name: 'Record refund for milestone 1' }).click();
    const refund = f.getByRole('form', { name: 'Record refund for milestone 1' });
    const refundAmount = refund.getByLabel('Amount refunded (EUR)');
    await refundAmount.fill('1500');
    await refund.getByLabel('Reference (optional)').fill('RF-1');
    await refund.getByRole('button', { name: 'Record refund' }).click();
    await visible(refund.getByText(/Only €1,000\.00 was received for milestone 1/));
    expect(await refundAmount.getAttribute('aria-invalid')).toBe('true');
    const describedBy = (await refundAmount.getAttribute('aria-describedby')) ?? '';
    expect(describedBy).toContain('-error');
    await captureScreen(f, '38-refund-too-large');

    // A full refund: the milestone awaits payment again, its files lock for the client.
    await refundAmount.fill('1000');
    await refund.getByRole('button', { name: 'Record refund' }).click();
    await visible(identity.getByText('Refunded in full: the client can no longer download'));
    await visible(identity.getByText('Refund recorded: €1,000.00'));
    await waitForBadge(f, 'Identity', 'Delivered');

    await c.evaluate(() => window.dispatchEvent(new Event('focus')));
    const portalIdentity = milestoneItem(c, 'Identity');
    await visible(portalIdentity.getByText('its files are no longer available to download'));
    expect(await portalIdentity.getByRole('link', { name: /^Download/ }).count()).toBe(0);
    const files = await c.request.get('/api/portal/files');
    const listed = ((await files.json()) as { files: { id: string; milestoneId: string }[] }).files;
    const locked = listed.find((x) => x.milestoneId === firstMilestoneId(fake));
    expect(locked).toBeDefined();
    expect((await c.request.get(`/api/files/${locked?.id ?? ''}`)).status()).toBe(402);
    await captureScreen(c, '39-portal-refunded');

    // Cancelled on Stripe's page: said plainly, and the address bar forgets it.
    await c.goto('/portal?payment=cancelled');
    await visible(c.getByText('Payment cancelled: nothing was charged.'));
    expect(new URL(c.url()).search).toBe('');
    expect(await c.getByTestId('payment-pending').count()).toBe(0);

    expect(pageErrors).toEqual([]);
  });

  it('shows Stripe and mail settings, takes own keys, and sends a test email', async () => {
    const f = freelancer;
    await f.getByRole('button', { name: /account menu$/ }).click();
    await f.getByRole('menuitem', { name: 'Settings' }).click();
    await visible(f.getByRole('heading', { name: 'Payments', level: 2 }));
    const status = f.getByTestId('stripe-status');
    await visible(status.getByText('Stripe is connected through the operator’s account'));
    await visible(status.getByText('Test mode', { exact: true }));
    expect(((await f.getByTestId('webhook-url').textContent()) ?? '').trim()).toBe(
      `${server.baseUrl}/api/webhooks/stripe`,
    );
    await visible(f.getByTestId('mail-transport').getByText('Outbox folder'));
    await captureScreen(f, '40-settings-payments');

    // Mail: a test email lands in the outbox folder.
    await f.getByRole('button', { name: 'Send test email' }).click();
    await visible(f.getByText('Test email for maya@example.com written to the outbox folder'));
    const outbox = path.join(server.dataDir, 'outbox');
    await waitFor('the test email in the outbox', () =>
      Promise.resolve(
        fs.existsSync(outbox) &&
          fs
            .readdirSync(outbox)
            .some((name) =>
              fs.readFileSync(path.join(outbox, name), 'utf8').includes('Milepost test email'),
            ),
      ),
    );
    await captureScreen(f, '41-settings-test-email');

    // Stripe in one step: the key alone; Milepost makes its own webhook endpoint.
    const connectKey = f.getByLabel('Secret or restricted key');
    expect(await connectKey.getAttribute('type')).toBe('password');
    await connectKey.fill('sk_test_connect123');
    await f.getByRole('button', { name: 'Connect Stripe' }).click();
    await visible(status.getByText('Connected: Maya Studio, test mode'));
    expect(await connectKey.inputValue()).toBe('');
    expect(fake.endpoints).toHaveLength(1);
    expect(fake.endpoints[0]?.url).toMatch(
      new RegExp(`^${server.baseUrl}/api/webhooks/stripe/[0-9a-f-]{36}$`),
    );
    expect(fake.endpoints[0]?.enabled_events).toHaveLength(5);
    expect(await f.content()).not.toContain('sk_test_connect123');
    expect(await f.content()).not.toContain(fake.endpoints[0]?.secret ?? 'whsec_');
    await captureScreen(f, '41a-settings-stripe-connected');
    await f.getByRole('button', { name: 'Disconnect Stripe' }).click();
    await f.getByRole('button', { name: 'Yes, remove my keys' }).click();
    await visible(status.getByText('Stripe is connected through the operator’s account'));
    expect(fake.endpoints, 'disconnecting removes the endpoint from Stripe').toEqual([]);

    // Own keys by hand (advanced): secret inputs, never shown back; a wrong key is named by its field.
    await f.getByText('Advanced: enter a webhook signing secret yourself').click();
    const secretKey = f.getByLabel('Stripe secret key');
    const webhookSecret = f.getByLabel('Webhook signing secret');
    for (const input of [secretKey, webhookSecret]) {
      expect(await input.getAttribute('type')).toBe('password');
      expect(await input.getAttribute('autocomplete')).toBe('off');
    }
    const ownUrl = ((await f.getByTestId('own-webhook-url').textContent()) ?? '').trim();
    expect(ownUrl).toMatch(new RegExp(`^${server.baseUrl}/api/webhooks/stripe/[0-9a-f-]{36}$`));
    await f.getByRole('button', { name: 'Copy URL' }).click();
    await visible(f.getByText('Copied', { exact: true }));
    expect(await f.evaluate(() => navigator.clipboard.readText())).toBe(ownUrl);

    await secretKey.fill('pk_test_publishable');
    await webhookSecret.fill('whsec_own123');
    await f.getByRole('button', { name: 'Save Stripe keys' }).click();
    await visible(f.getByText(/must be a Stripe secret or restricted key/i));
    expect(await secretKey.getAttribute('aria-invalid')).toBe('true');

    await secretKey.fill('sk_test_own123');
    await f.getByRole('button', { name: 'Save Stripe keys' }).click();
    await visible(f.getByText('Your Stripe keys are saved, in test mode.'));
    await visible(status.getByText('Stripe is connected with your own keys'));
    await visible(status.getByText('Test mode', { exact: true }));
    expect(((await f.getByTestId('webhook-url').textContent()) ?? '').trim()).toBe(ownUrl);
    expect(await secretKey.inputValue()).toBe('');
    expect(await webhookSecret.inputValue()).toBe('');
    expect(await f.content()).not.toContain('sk_test_own123');
    await captureScreen(f, '42-settings-own-keys');

    // Still own after a reload (and still not shown); then removed, back to the operator's.
    await f.reload();
    await visible(f.getByTestId('stripe-status').getByText('connected with your own keys'));
    expect(await f.content()).not.toContain('sk_test_own123');
    await f.getByRole('button', { name: 'Remove my Stripe keys' }).click();
    await f.getByRole('button', { name: 'Yes, remove my keys' }).click();
    await visible(f.getByText('Your Stripe keys are removed.'));
    await visible(
      f
        .getByTestId('stripe-status')
        .getByText('Stripe is connected through the operator’s account'),
    );

    expect(pageErrors).toEqual([]);
  });
});

/** The milestone the first checkout session was opened for (milestone 1). */
function firstMilestoneId(fake: FakeStripe): string {
  return fake.session('cs_test_1').metadata.milestoneId ?? '';
}
