/**
 * Settings and invoices: the freelancer sets the portal's look (name, accent checked for
 * contrast, logo), the address and tax id, a project's VAT; delivers a milestone, issues its
 * invoice and downloads the PDF; the client's portal shows the branding and the invoice. Run in
 * full in both modes (issue #9): at 1280 px, light, in English, and on a 390 px phone, dark, in
 * German — each with its own freelancer and client, every word from the app's messages.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { PDFParse } from 'pdf-parse';
import { checkAccessibility, launchBrowser, visible } from './support/browser';
import {
  createProjectThroughApi,
  csrfHeaders,
  deliverThroughApi,
  shareThroughApi,
} from './support/api';
import { verifyBundle } from '../../src/evidence/verify-bundle';
import { waitFor } from './support/files';
import {
  MODES,
  capture,
  modeName,
  openPage,
  signUpWithClientIn,
  wordsFor,
  type Mode,
} from './support/modes';
import { startServer, type RunningServer } from './support/server';

/** A 1×1 PNG. */
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==',
  'base64',
);

describe('settings and invoices', () => {
  let server: RunningServer;
  let browser: Browser;
  const pageErrors: string[] = [];
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'milepost-logo-'));

  beforeAll(async () => {
    server = await startServer();
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  for (const mode of MODES) describe(modeName(mode), () => journeys(mode));

  function journeys(mode: Mode): void {
    const w = wordsFor(mode.lang);
    const english = mode.lang === 'en';
    const money = (minor: number) => w.money(minor, 'EUR');
    let freelancer: Page;
    let client: Page;

    beforeAll(async () => {
      freelancer = await openPage(browser, server.baseUrl, mode, 'freelancer', pageErrors);
      client = await openPage(browser, server.baseUrl, mode, 'client', pageErrors, {
        acceptDownloads: true,
      });
    });

    it('sets the portal’s look, the address and the tax id in Settings', async () => {
      const f = freelancer;
      await signUpWithClientIn(
        f,
        w,
        english ? 'maya@example.com' : 'maya.de@example.com',
        english ? 'ada@example.com' : 'ada.de@example.com',
      );
      await f.goto('/app/settings');
      await visible(f.getByRole('heading', { name: w('invoices.brand.heading') }));

      await f.getByLabel(w('invoices.brand.name')).fill('Maya Studio');
      // Too faint on white: refused before it is sent, with the ratios shown.
      const accent = f.getByLabel(w('invoices.brand.accent'));
      await accent.fill('#ffd400');
      await visible(f.getByText(w('invoices.brand.accentFaint')));
      await visible(f.getByTestId('contrast-check'));
      await f.getByRole('button', { name: w('invoices.brand.save') }).click();
      await visible(f.getByText(w('invoices.brand.accentFaint')));
      let saved = (await (await f.request.get('/api/settings')).json()) as {
        accentColor: string | null;
      };
      expect(saved.accentColor).toBeNull();

      await accent.fill('#1A6B52');
      expect(await f.getByText(w('invoices.brand.accentFaint')).count()).toBe(0);
      await f.getByRole('button', { name: w('invoices.brand.save') }).click();
      await visible(f.getByText(w('invoices.brand.saved')));
      saved = (await (await f.request.get('/api/settings')).json()) as {
        accentColor: string | null;
      };
      expect(saved.accentColor).toBe('#1a6b52');

      // The logo: previewed once uploaded, removable, and back again.
      const logo = path.join(tmp, 'logo.png');
      fs.writeFileSync(logo, PNG);
      await f.getByLabel(w('invoices.logo.choose')).setInputFiles(logo);
      await visible(f.getByText(w('invoices.logo.saved')));
      await visible(f.getByTestId('logo-preview'));
      await f.getByRole('button', { name: w('invoices.logo.remove') }).click();
      await visible(f.getByText(w('invoices.logo.removed')));
      expect(await f.getByTestId('logo-preview').count()).toBe(0);
      await f.getByLabel(w('invoices.logo.choose')).setInputFiles(logo);
      await visible(f.getByTestId('logo-preview'));

      await f
        .getByLabel(w('invoices.tax.address'))
        .fill('Maya Studio\nHauptstraße 1\n10115 Berlin');
      await f.getByLabel(w('invoices.tax.id')).fill('DE123456789');
      await f.getByRole('button', { name: w('invoices.tax.save') }).click();
      await visible(f.getByText(w('invoices.tax.saved')));
      const tax = (await (await f.request.get('/api/settings/tax')).json()) as unknown;
      expect(tax).toEqual({
        taxId: 'DE123456789',
        postalAddress: 'Maya Studio\nHauptstraße 1\n10115 Berlin',
      });
      await capture(mode, f, '80-settings-branding-tax');
      expect(pageErrors).toEqual([]);
    });

    it('sets the project’s VAT, issues and downloads an invoice; the portal shows it in the brand', async () => {
      const f = freelancer;
      const headers = await csrfHeaders(f);
      const { projectId, milestoneIds } = await createProjectThroughApi(f, {
        title: 'Brand book',
        milestones: [
          { title: 'Moodboard', deliverables: 'PDF', dueDate: '2099-01-01', amountMinor: 1190_00 },
          { title: 'Guide', deliverables: 'PDF', dueDate: '2099-02-01', amountMinor: 500_00 },
        ],
      });
      const code = await shareThroughApi(f, projectId);

      await f.goto(`/app/projects/${projectId}`);
      await visible(f.getByRole('heading', { name: w('invoices.vat.heading'), exact: true }));
      await f.getByLabel(w('invoices.vat.rate')).fill('19');
      await f.getByRole('button', { name: w('invoices.vat.save') }).click();
      await visible(f.getByText(w('invoices.vat.saved')));
      expect(await (await f.request.get(`/api/projects/${projectId}/vat`)).json()).toEqual({
        mode: 'standard',
        rateBp: 1900,
      });

      // This project's own bank details, over the default.
      await f
        .getByLabel(w('invoices.projectOffline.label'))
        .fill('IBAN DE02 1203 0000 0000 2020 51');
      await f.getByRole('button', { name: w('invoices.projectOffline.save') }).click();
      await visible(f.getByText(w('invoices.projectOffline.saved')));

      // Deliver milestone 1 (its invoice comes by itself)…
      await deliverThroughApi(f, projectId, milestoneIds[0] ?? '');
      await f.reload();
      const invoices = f.getByRole('list', { name: w('invoices.list.heading') });
      await visible(invoices.getByText('INV-', { exact: false }));
      const firstLabel = ((await invoices.locator('strong').first().textContent()) ?? '').trim();
      expect(firstLabel).toMatch(/^INV-\d{4}-0001$/);
      await visible(
        invoices.getByText(
          w('invoices.list.amounts', {
            gross: money(1190_00),
            net: money(1000_00),
            tax: money(190_00),
          }),
        ),
      );

      // A change of VAT cancels it with a credit note and reissues it (INV-…-0002, CN-…-0001).
      await f.getByLabel(w('invoices.vat.mode')).selectOption('small_business');
      await f.getByRole('button', { name: w('invoices.vat.save') }).click();
      await visible(f.getByText(w('invoices.vat.saved')));
      await visible(invoices.getByText(w('invoices.list.creditNote')));
      const labels = async () =>
        (await invoices.locator('strong').allTextContents()).map((l) => l.trim());
      await waitFor('the reissued invoice', async () => (await labels()).length === 3);
      const year = firstLabel.slice(4, 8);
      expect((await labels()).sort()).toEqual([
        `CN-${year}-0001`,
        `INV-${year}-0001`,
        `INV-${year}-0002`,
      ]);

      // Cancelled without a new one, the delivered, unpaid milestone offers "Invoice milestone 1".
      const { invoices: listed } = (await (
        await f.request.get(`/api/projects/${projectId}/invoices`)
      ).json()) as { invoices: { id: string; label: string }[] };
      const standing = listed.find((i) => i.label === `INV-${year}-0002`);
      const cancelled = await f.request.post(`/api/invoices/${standing?.id ?? ''}/cancel`, {
        headers,
        data: { reissue: false },
      });
      expect(cancelled.status()).toBe(200);
      await f.reload();
      await f.getByRole('button', { name: w('invoices.issue.button', { position: 1 }) }).click();
      await visible(f.getByRole('alertdialog'));
      await visible(
        f.getByText(w('invoices.issue.what', { amount: money(1190_00), title: 'Moodboard' })),
      );
      await checkAccessibility(f, `issue invoice dialog (${modeName(mode)})`);
      await f.getByRole('button', { name: w('invoices.issue.confirm') }).click();
      const live = `INV-${year}-0003`;
      await visible(f.getByText(w('invoices.issue.done', { label: live })));
      // The dialog closes once the list is refetched.
      await waitFor(
        'the dialog to close',
        async () => (await f.getByRole('alertdialog').count()) === 0,
      );
      expect(
        await f.getByRole('button', { name: w('invoices.issue.button', { position: 1 }) }).count(),
      ).toBe(0);
      expect((await labels()).sort()).toEqual([
        `CN-${year}-0001`,
        `CN-${year}-0002`,
        `INV-${year}-0001`,
        `INV-${year}-0002`,
        live,
      ]);
      await visible(
        invoices.getByText(
          w('invoices.list.amounts', { gross: money(1190_00), net: money(1190_00), tax: money(0) }),
        ),
      );
      await capture(mode, f, '81-project-invoices');

      // The PDF of the newest invoice: a PDF naming its number.
      const link = f.getByRole('link', { name: w('invoices.list.pdf', { label: live }) });
      const [download] = await Promise.all([f.waitForEvent('download'), link.click()]);
      const file = await download.path();
      const bytes = fs.readFileSync(file);
      expect(bytes.subarray(0, 5).toString('latin1')).toBe('%PDF-');
      const parser = new PDFParse({ data: new Uint8Array(bytes) });
      const text = (await parser.getText()).text;
      await parser.destroy();
      expect(text).toContain(live);
      expect(text).toContain('DE123456789');
      expect(text).toContain('Hauptstraße 1');

      // The evidence bundle, exported from the project page, verifies as intact.
      const [bundle] = await Promise.all([
        f.waitForEvent('download'),
        f.getByTestId('export-evidence').click(),
      ]);
      const exported = await verifyBundle(await bundle.path());
      expect(exported.problems).toEqual([]);
      expect(exported.intact).toBe(true);

      // The client's portal: Maya Studio's name, accent and logo, and the invoices with PDFs.
      const c = client;
      await c.goto('/portal');
      await c.getByLabel(w('portal.code.label')).fill(code);
      await c.getByRole('button', { name: w('portal.code.submit') }).click();
      await visible(c.getByRole('heading', { name: 'Brand book', level: 1 }));
      await visible(c.getByText('Maya Studio').first());
      await visible(c.locator('img.portal-logo').first());
      const portalList = c.getByRole('list', { name: w('invoices.portal.heading') });
      await visible(
        portalList.getByRole('link', { name: w('invoices.list.pdf', { label: live }) }),
      );
      const pdf = await c.request.get(
        (await portalList
          .getByRole('link', { name: w('invoices.list.pdf', { label: live }) })
          .getAttribute('href')) ?? '',
      );
      expect(pdf.status()).toBe(200);
      expect(pdf.headers()['content-type']).toBe('application/pdf');
      const accent = await c.evaluate(() => {
        const el = document.querySelector('.button-brand, .summary');
        return el ? getComputedStyle(el).getPropertyValue('--brand').trim() : '';
      });
      expect(accent).toBe('#1a6b52');
      await capture(mode, c, '82-portal-invoices');

      // The client's copy of the evidence, from the portal's menu, verifies too.
      await c.getByRole('button', { name: w('portal.menu.open') }).click();
      const [copy] = await Promise.all([
        c.waitForEvent('download'),
        c.getByTestId('portal-evidence').click(),
      ]);
      const clients = await verifyBundle(await copy.path());
      expect(clients.problems).toEqual([]);
      expect(clients.intact).toBe(true);
      expect(pageErrors).toEqual([]);
    });
  }
});
