/**
 * Settings and invoices: the freelancer sets the portal's look (name, accent checked for
 * contrast, logo), the address and tax id, a project's VAT; delivers a milestone, issues its
 * invoice and downloads the PDF; the client's portal shows the branding and the invoice.
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
} from './support/browser';
import { startServer, type RunningServer } from './support/server';

/** A 1×1 PNG. */
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==',
  'base64',
);

describe('settings and invoices', () => {
  let server: RunningServer;
  let browser: Browser;
  let freelancer: Page;
  const pageErrors: string[] = [];
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'milepost-logo-'));

  beforeAll(async () => {
    server = await startServer();
    browser = await launchBrowser();
    ({ freelancer } = await openParties(browser, server.baseUrl, pageErrors));
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('sets the portal’s look, the address and the tax id in Settings', async () => {
    const f = freelancer;
    await signUpWithClient(f);
    await f.goto('/app/settings');
    await visible(f.getByRole('heading', { name: 'Your portal’s look' }));

    await f.getByLabel('Name shown to clients (optional)').fill('Maya Studio');
    // Too faint on white: refused before it is sent, with the ratios shown.
    const accent = f.getByLabel('Accent colour (optional)');
    await accent.fill('#ffd400');
    await visible(f.getByText(/Too faint on the portal’s white page/));
    await visible(f.getByTestId('contrast-check'));
    await f.getByRole('button', { name: 'Save look' }).click();
    await visible(f.getByText(/Too faint on the portal’s white page/));
    let saved = (await (await f.request.get('/api/settings')).json()) as {
      accentColor: string | null;
    };
    expect(saved.accentColor).toBeNull();

    await accent.fill('#1A6B52');
    expect(await f.getByText(/Too faint/).count()).toBe(0);
    await f.getByRole('button', { name: 'Save look' }).click();
    await visible(f.getByText(/Saved\. Your clients see it/));
    saved = (await (await f.request.get('/api/settings')).json()) as { accentColor: string | null };
    expect(saved.accentColor).toBe('#1a6b52');

    // The logo: previewed once uploaded, removable, and back again.
    const logo = path.join(tmp, 'logo.png');
    fs.writeFileSync(logo, PNG);
    await f.getByLabel('Choose a logo').setInputFiles(logo);
    await visible(f.getByText('Logo saved.'));
    await visible(f.getByTestId('logo-preview'));
    await f.getByRole('button', { name: 'Remove logo' }).click();
    await visible(f.getByText('Logo removed.'));
    expect(await f.getByTestId('logo-preview').count()).toBe(0);
    await f.getByLabel('Choose a logo').setInputFiles(logo);
    await visible(f.getByTestId('logo-preview'));

    await f.getByLabel('Postal address').fill('Maya Studio\nHauptstraße 1\n10115 Berlin');
    await f.getByLabel('Tax id or VAT number (optional)').fill('DE123456789');
    await f.getByRole('button', { name: 'Save address and tax id' }).click();
    await visible(f.getByText(/New invoices and receipts carry it/));
    const tax = (await (await f.request.get('/api/settings/tax')).json()) as unknown;
    expect(tax).toEqual({
      taxId: 'DE123456789',
      postalAddress: 'Maya Studio\nHauptstraße 1\n10115 Berlin',
    });
    await captureScreen(f, '80-settings-branding-tax');
    expect(pageErrors).toEqual([]);
  });
});
