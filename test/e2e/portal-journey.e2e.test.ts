/**
 * The client's portal journey on a 390 px phone, counted: once the freelancer has set up and
 * delivered a milestone and the client has accepted the contract, the client opens the link and
 * holds the paid files in at most three actions — Pay, Stripe's Pay, Download all — and the ZIP's
 * bytes are the uploaded files'. Run in English (light) and in German (dark), with axe-core on
 * the way; also: the milestone states' words, sizes and kinds in words, the checksum behind
 * "Verify this file", the IBAN and reference with copy buttons, and deep links that land on the
 * pay box and the files.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import {
  DESKTOP,
  PHONE,
  checkAccessibility,
  launchBrowser,
  reportCspViolations,
  visible,
  waitForBadge,
} from './support/browser';
import { FakeStripe } from './support/fake-stripe';
import { makeFile, sha256, type SourceFile } from './support/files';
import { acceptContractOnScreen } from './support/contract';
import { SCREENSHOT_DIR } from './support/paths';
import { wordsFor } from './support/words';
import { startServer, type RunningServer } from './support/server';

const WEBHOOK_SECRET = 'whsec_e2e_portal';
const IBAN = 'IBAN DE89 3704 0044 0532 0130 00';

/** The entries of a ZIP by name, read through its central directory (stored or deflated). */
function readZip(zip: Buffer): Map<string, Buffer> {
  let end = zip.length - 22;
  while (end >= 0 && zip.readUInt32LE(end) !== 0x06054b50) end -= 1;
  if (end < 0) throw new Error('not a ZIP: no end of central directory');
  const count = zip.readUInt16LE(end + 10);
  let at = zip.readUInt32LE(end + 16);
  const entries = new Map<string, Buffer>();
  for (let i = 0; i < count; i++) {
    if (zip.readUInt32LE(at) !== 0x02014b50) throw new Error('bad central directory entry');
    const method = zip.readUInt16LE(at + 10);
    const compressed = zip.readUInt32LE(at + 20);
    const nameLength = zip.readUInt16LE(at + 28);
    const extraLength = zip.readUInt16LE(at + 30);
    const commentLength = zip.readUInt16LE(at + 32);
    const local = zip.readUInt32LE(at + 42);
    const name = zip.subarray(at + 46, at + 46 + nameLength).toString('utf8');
    const dataAt = local + 30 + zip.readUInt16LE(local + 26) + zip.readUInt16LE(local + 28);
    const data = zip.subarray(dataAt, dataAt + compressed);
    entries.set(name, method === 8 ? zlib.inflateRawSync(data) : Buffer.from(data));
    at += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}

interface Words {
  /** The client's language as the freelancer chooses it when adding the client. */
  language: 'en' | 'de';
  /** The client's browser: English for both runs, so the portal's German comes from the client's language. */
  locale: string;
  colorScheme: 'light' | 'dark';
  inProgress: string;
  notStarted: string;
  ready: string;
  paid: string;
  verify: string;
  pdfKind: string;
  menu: string;
  leave: string;
  copyIban: string;
  copyReference: string;
}

const ENGLISH: Words = {
  language: 'en',
  locale: 'en-GB',
  colorScheme: 'light',
  inProgress: 'In progress',
  notStarted: 'Not started',
  ready: 'Ready — pay to unlock',
  paid: 'Paid',
  verify: 'Verify this file',
  pdfKind: 'PDF document, 41 kB',
  menu: 'Menu',
  leave: 'Leave project',
  copyIban: 'Copy IBAN',
  copyReference: 'Copy reference',
};

const GERMAN: Words = {
  language: 'de',
  locale: 'en-GB',
  colorScheme: 'dark',
  inProgress: 'In Arbeit',
  notStarted: 'Noch nicht begonnen',
  ready: 'Fertig — zum Freischalten bezahlen',
  paid: 'Bezahlt',
  verify: 'Diese Datei prüfen',
  pdfKind: 'PDF-Dokument, 41\u00a0kB',
  menu: 'Menü',
  leave: 'Projekt verlassen',
  copyIban: 'IBAN kopieren',
  copyReference: 'Referenz kopieren',
};

describe('the client portal on a phone', () => {
  let fake: FakeStripe;
  let server: RunningServer;
  let browser: Browser;
  let dir: string;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'milepost-e2e-portal-'));
    fake = await FakeStripe.start();
    fake.hostedCheckout = { webhookSecret: WEBHOOK_SECRET };
    server = await startServer({
      env: {
        STRIPE_SECRET_KEY: 'sk_test_e2e',
        STRIPE_WEBHOOK_SECRET: WEBHOOK_SECRET,
        STRIPE_API_URL: fake.url,
      },
    });
    fake.appUrl = server.baseUrl;
    browser = await launchBrowser();
    fs.mkdirSync(SCREENSHOT_DIR, { recursive: true });
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    await fake?.close();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  async function context(options: Parameters<Browser['newContext']>[0]): Promise<{
    ctx: BrowserContext;
    page: Page;
  }> {
    const ctx = await browser.newContext({ baseURL: server.baseUrl, ...options });
    const page = await ctx.newPage();
    page.on('pageerror', (error) => pageErrors.push(error.message));
    await reportCspViolations(page, (text) => pageErrors.push(text));
    return { ctx, page };
  }

  /** The freelancer (desktop, English): account, instructions, client, project, files, share. */
  async function setUp(
    f: Page,
    who: string,
    files: SourceFile[],
    language: Words['language'],
  ): Promise<string> {
    await f.goto('/signup');
    await f.getByLabel('Your name').fill(`${who} Freelance`);
    await f.getByLabel('Email').fill(`${who.toLowerCase()}@example.com`);
    await f.getByLabel('Password').fill('correct horse battery');
    await f.getByRole('button', { name: 'Create account' }).click();
    await visible(f.getByRole('heading', { name: 'Projects', level: 1 }));

    await f.goto('/app/settings');
    await f.getByLabel('Payment instructions').fill(`${IBAN}\nBIC COBADEFFXXX`);
    await f.getByRole('button', { name: 'Save settings' }).click();
    await visible(f.getByText('Settings saved.'));

    await f.goto('/app/clients');
    await f.getByLabel('Name', { exact: true }).fill('Ada Client');
    await f.getByLabel('Email', { exact: true }).fill(`ada.${who.toLowerCase()}@example.com`);
    await f.getByLabel('Client’s language').selectOption(language);
    await f.getByRole('button', { name: 'Add client' }).click();
    await visible(f.getByText('Ada Client added.'));

    await f.goto('/app/projects/new');
    await f.getByLabel('Client', { exact: true }).selectOption({ label: 'Ada Client' });
    await f.getByLabel('Project title').fill('Brand refresh');
    await f.getByLabel('Project total (EUR)').fill('2,000');
    await f.getByRole('button', { name: 'Half up front' }).click();
    for (const [i, title] of ['Identity', 'Website'].entries()) {
      const group = f.getByRole('group', { name: `Milestone ${i + 1}` });
      await group.getByLabel('Title').fill(title);
    }
    await f.getByRole('button', { name: 'Create project' }).click();
    await visible(f.getByRole('heading', { name: 'Brand refresh', level: 1 }));
    await waitForBadge(f, 'Identity', 'Open');

    await f.getByLabel('Add files to milestone 1').setInputFiles(files.map((x) => x.path));
    for (const file of files) {
      const row = f.locator('li.file-row').filter({ hasText: file.name });
      await visible(row.getByText('Uploaded', { exact: true }), 30_000);
    }
    await f.getByRole('button', { name: 'Share with client' }).click();
    await visible(f.locator('.access-link code'));
    const link = ((await f.locator('.access-link code').textContent()) ?? '').trim();
    expect(link).toContain('/portal#access=');
    return link;
  }

  async function deliver(f: Page): Promise<void> {
    await f.getByRole('button', { name: 'Mark delivered' }).first().click();
    await f.getByRole('button', { name: 'Yes, mark delivered' }).click();
    await waitForBadge(f, 'Identity', 'Delivered');
  }

  /** The id of the element that has focus. */
  const focused = (page: Page) => page.evaluate(() => document.activeElement?.id ?? '');

  async function waitForFocus(page: Page, id: string): Promise<void> {
    const deadline = Date.now() + 10_000;
    let last = '';
    while (Date.now() < deadline) {
      last = await focused(page);
      if (last === id) return;
      await page.waitForTimeout(100);
    }
    throw new Error(`focus is on "${last}", expected "${id}"`);
  }

  async function shoot(page: Page, name: string, words: Words): Promise<void> {
    if (words.colorScheme === 'dark') await checkAccessibility(page, `${name} @390 dark de`);
    await page.screenshot({
      path: path.join(SCREENSHOT_DIR, `${name}-390-${words.colorScheme}-${words.language}.png`),
      fullPage: true,
    });
  }

  async function journey(who: string, words: Words): Promise<void> {
    const guide = makeFile(dir, `style guide ${who}.pdf`, 40 * 1024 + 9);
    const logos = makeFile(dir, `logos ${who}.fig`, 300 * 1024 + 1);
    const files = [guide, logos];
    const { ctx: fctx, page: f } = await context({ viewport: DESKTOP, locale: 'en-GB' });
    const { ctx: cctx, page: c } = await context({
      viewport: PHONE,
      locale: words.locale,
      colorScheme: words.colorScheme,
      acceptDownloads: true,
      isMobile: true,
      hasTouch: true,
    });
    try {
      const link = await setUp(f, who, files, words.language);

      // The client opens the link and accepts the contract on the screen (before the counted
      // journey: the three actions are counted once the contract is accepted).
      await c.goto(link);
      await visible(c.getByRole('heading', { name: 'Brand refresh', level: 1 }));
      await waitForBadge(c, 'Identity', words.inProgress);
      await waitForBadge(c, 'Website', words.notStarted);
      // The freelancer's name is in the portal's header, not Milepost's.
      await visible(c.locator('header').getByText(`${who} Freelance`));
      await shoot(c, `40-portal-${who}-terms`, words);
      await acceptContractOnScreen(c, wordsFor(words.language), `Client of ${who}`);

      await deliver(f);
      const milestoneId = (
        (await c.locator('li.timeline-item').first().getAttribute('id')) ?? ''
      ).replace(/^milestone-/, '');
      expect(milestoneId).not.toBe('');

      // A mail's link to the milestone lands on its pay box, focused.
      await c.goto(`/portal/milestones/${milestoneId}`);
      await waitForBadge(c, 'Identity', words.ready);
      await waitForFocus(c, `pay-${milestoneId}`);
      // Files in words, the checksum only behind "Verify this file".
      const guideRow = c.locator('li.file-row').filter({ hasText: guide.name });
      await visible(guideRow.getByText(words.pdfKind));
      const verify = guideRow.locator('details.verify');
      expect(await verify.getAttribute('open')).toBeNull();
      expect(await guideRow.getByTestId('sha256').isVisible()).toBe(false);
      await verify.getByText(words.verify).click();
      expect(((await guideRow.getByTestId('sha256').textContent()) ?? '').trim()).toBe(
        guide.sha256,
      );
      expect(await c.getByText('application/pdf').count()).toBe(0);
      expect(await c.getByText(/MiB|KiB/).count()).toBe(0);
      // Paying by transfer: the IBAN and the reference, each with a copy button.
      await visible(c.getByTestId('iban').getByText('DE89 3704 0044 0532 0130 00'));
      await visible(c.getByRole('button', { name: words.copyIban }));
      await visible(c.getByRole('button', { name: words.copyReference }));
      await shoot(c, `41-portal-${who}-due`, words);

      // The counted journey: the client opens the link…
      let actions = 0;
      const act = async (target: Locator) => {
        actions += 1;
        await target.click();
      };
      await c.goto(link);
      const summary = c.getByTestId('portal-summary');
      await visible(summary);
      const pay = summary.getByRole('button');
      await visible(pay);
      // …and the Pay button is on the first screen of the phone, no scrolling needed.
      const box = await pay.boundingBox();
      expect(box).not.toBeNull();
      expect((box?.y ?? Infinity) + (box?.height ?? 0)).toBeLessThanOrEqual(PHONE.height);

      // 1. Pay → Stripe's page.
      await act(pay);
      await c.waitForURL(`${fake.url}/checkout/**`);
      // 2. Pay on Stripe's page → back in the portal, paid once Stripe's webhook arrived.
      await act(c.getByRole('button', { name: 'Pay' }));
      await c.waitForURL(`${server.baseUrl}/portal**`);
      await waitForBadge(c, 'Identity', words.paid, 15_000);
      await waitForBadge(c, 'Website', words.inProgress);
      // 3. Download all → one ZIP.
      const downloadAll = c.getByTestId('download-all');
      await visible(downloadAll);
      const [download] = await Promise.all([c.waitForEvent('download'), act(downloadAll)]);
      expect(actions).toBe(3);
      const zip = readZip(fs.readFileSync(await download.path()));
      expect([...zip.keys()].sort()).toEqual(files.map((x) => x.name).sort());
      for (const file of files) {
        const bytes = zip.get(file.name);
        expect(bytes?.length).toBe(file.bytes.length);
        expect(sha256(bytes ?? Buffer.alloc(0))).toBe(file.sha256);
      }
      await shoot(c, `42-portal-${who}-paid`, words);

      // A link to the files lands on the paid milestone's files, focused.
      await c.goto('/portal#files');
      await waitForFocus(c, `files-${milestoneId}`);

      // The client's language came from the freelancer; the person's own choice in the menu
      // outranks it and stays after a reload.
      let menuWords = words;
      if (words.language === 'de') {
        await c.getByRole('button', { name: words.menu }).click();
        await c.getByRole('menuitemradio', { name: 'English' }).click();
        await waitForBadge(c, 'Identity', ENGLISH.paid);
        await c.reload();
        await waitForBadge(c, 'Identity', ENGLISH.paid);
        menuWords = ENGLISH;
      }

      // "Leave project" sits in the header's small menu.
      await c.getByRole('button', { name: menuWords.menu }).click();
      await c.getByRole('menuitem', { name: menuWords.leave }).click();
      await visible(c.getByRole('textbox'));
      if (words.colorScheme === 'dark')
        await checkAccessibility(c, 'portal code form @390 dark de');
      expect(pageErrors).toEqual([]);
    } finally {
      await fctx.close();
      await cctx.close();
    }
  }

  it('pays by card and downloads the ZIP in 3 actions, in English on a light phone', async () => {
    await journey('Maya', ENGLISH);
  });

  it('does the same in German on a dark phone, with axe-core clean', async () => {
    await journey('Jonas', GERMAN);
  });
});
