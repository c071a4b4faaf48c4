/**
 * The analytics dashboard on demo data: `npm run seed:demo` fills the e2e server's database, the
 * demo freelancer logs in and opens Analytics at 1280 and 390 px, light and dark, axe-core clean
 * with screenshots; switches period and currency, drills down to the projects behind a figure
 * and downloads their CSV, whose rows must be the API's.
 */
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import {
  DESKTOP,
  PHONE,
  captureScreen,
  checkAccessibility,
  launchBrowser,
  reportCspViolations,
  visible,
} from './support/browser';
import { REPO_ROOT, SCREENSHOT_DIR } from './support/paths';
import { startServer, type RunningServer } from './support/server';

const run = promisify(execFile);

describe('analytics dashboard', () => {
  let server: RunningServer;
  let browser: Browser;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    server = await startServer();
    await run(
      path.join(REPO_ROOT, 'node_modules/.bin/tsx'),
      ['src/cli/seed-demo.ts', '--projects', '30', '--seed', '3'],
      {
        cwd: REPO_ROOT,
        env: { PATH: process.env.PATH ?? '', DATA_DIR: server.dataDir, LOG_LEVEL: 'silent' },
      },
    );
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  async function logIn(page: Page) {
    await page.goto('/login');
    await page.getByLabel('Email').fill('demo@example.com');
    await page.getByLabel('Password').fill('milepost-demo');
    await page.getByRole('button', { name: 'Log in' }).click();
    await visible(page.getByRole('heading', { name: 'Projects', level: 1 }));
  }

  it('shows the figures, switches period and currency, drills down and exports', async () => {
    const context = await browser.newContext({
      viewport: DESKTOP,
      baseURL: server.baseUrl,
      acceptDownloads: true,
    });
    const page = await context.newPage();
    page.on('pageerror', (error) => pageErrors.push(error.message));
    await reportCspViolations(page, (text) => pageErrors.push(text));
    await logIn(page);

    await page.getByRole('link', { name: 'Analytics' }).first().click();
    await visible(page.getByRole('heading', { name: 'Analytics', level: 1 }));
    await visible(page.locator('.recharts-bar-rectangle').first());
    // 1280 and 390 px light, 390 px dark (captureScreen), and 1280 px dark.
    await captureScreen(page, 'analytics');
    await page.emulateMedia({ colorScheme: 'dark' });
    await checkAccessibility(page, 'analytics @1280 dark');
    await page.screenshot({
      path: path.join(SCREENSHOT_DIR, 'analytics-1280-dark.png'),
      fullPage: true,
    });
    await page.emulateMedia({ colorScheme: 'light' });

    // Every chart's figures as a table, for screen readers and anyone who prefers numbers.
    const summaries = page.getByText('Show table');
    expect(await summaries.count()).toBe(3);
    await summaries.first().click();
    const revenueTable = page.locator('#analytics-revenue-heading ~ details table');
    await visible(revenueTable);

    // Period: last 24 months answers for 24 months.
    await page.getByLabel('Period', { exact: true }).selectOption('last24');
    await expect.poll(() => revenueTable.locator('tbody tr').count()).toBe(24);
    expect(new URL(page.url()).searchParams.get('period')).toBe('last24');

    // Currency: each has its own figures, named beside the period.
    const currency = page.getByLabel('Currency', { exact: true });
    const options = await currency.locator('option').allTextContents();
    expect(options.length).toBeGreaterThan(1);
    const other = options[1] ?? '';
    await currency.selectOption(other);
    await visible(page.getByText(new RegExp(`in ${other}$`)));
    const figures = (await (
      await page.request.get(
        `/api/analytics?${new URLSearchParams({ ...range(page.url()), currency: other }).toString()}`,
      )
    ).json()) as { revenue: { revenueMinor: number }; currency: string };
    expect(figures.currency).toBe(other);

    // Drill down: the projects behind the revenue figure.
    await page.getByRole('button', { name: 'Show projects: Revenue' }).click();
    const drill = page.locator('section.analytics-drill');
    await visible(drill.getByRole('heading', { name: /Projects: revenue in the period/ }));
    const query = new URLSearchParams({ ...range(page.url()), currency: other, metric: 'revenue' });
    const api = (await (
      await page.request.get(`/api/analytics/projects?${query.toString()}&limit=500`)
    ).json()) as { total: number; projects: { projectId: string; periodRevenueMinor: number }[] };
    expect(api.total).toBeGreaterThan(0);
    await expect.poll(() => drill.locator('tbody tr').count()).toBe(Math.min(api.total, 100));
    await checkAccessibility(page, 'analytics drill-down');
    await page.screenshot({
      path: path.join(SCREENSHOT_DIR, 'analytics-drill-1280.png'),
      fullPage: true,
    });

    // The CSV holds the same projects and amounts as the API; its revenue adds up to the figure.
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      drill.getByRole('link', { name: 'Download CSV' }).click(),
    ]);
    const csv = await readFile(await download.path(), 'utf8');
    const [header = '', ...lines] = csv.trim().split(/\r?\n/);
    const columns = header.split(',');
    const idAt = columns.indexOf('projectId');
    const revenueAt = columns.indexOf('periodRevenueMinor');
    expect(idAt).toBeGreaterThanOrEqual(0);
    expect(revenueAt).toBeGreaterThan(idAt);
    // Titles may hold commas (quoted): the id leads the row, the numbers end it.
    const rows = lines.map((line) => {
      const cells = line.split(',');
      return {
        projectId: cells[0] ?? '',
        periodRevenueMinor: Number(cells[cells.length - (columns.length - revenueAt)]),
      };
    });
    expect(rows.map((r) => r.projectId).sort()).toEqual(
      api.projects.map((p) => p.projectId).sort(),
    );
    const byId = new Map(api.projects.map((p) => [p.projectId, p.periodRevenueMinor]));
    for (const row of rows) expect(row.periodRevenueMinor).toBe(byId.get(row.projectId));
    expect(rows.reduce((sum, r) => sum + r.periodRevenueMinor, 0)).toBe(
      figures.revenue.revenueMinor,
    );

    // A project in the list opens its page.
    await drill.locator('tbody tr th a').first().click();
    await page.waitForURL(/\/app\/projects\/[^/]+$/);
    await visible(page.getByRole('heading', { level: 1 }));

    expect(pageErrors).toEqual([]);
    await context.close();
  });

  it('records costs, hours and the type on a project page at 390 px: profit and hourly rate', async () => {
    const context = await browser.newContext({ viewport: PHONE, baseURL: server.baseUrl });
    const page = await context.newPage();
    page.on('pageerror', (error) => pageErrors.push(error.message));
    await reportCspViolations(page, (text) => pageErrors.push(text));
    await logIn(page);
    await page.locator('.project-list a').first().click();
    await page.waitForURL(/\/app\/projects\/[^/]+$/);
    const projectId = new URL(page.url()).pathname.split('/').pop() ?? '';
    const panel = page.locator('section', {
      has: page.getByRole('heading', { name: 'Costs and hours', level: 2 }),
    });
    await visible(panel);
    const costsOf = async () => {
      const res = await page.request.get(`/api/projects/${projectId}/costs`);
      expect(res.status()).toBe(200);
      return ((await res.json()) as { costs: { amountMinor: number; note: string }[] }).costs;
    };
    const before = await costsOf();
    const profit = panel.getByTestId('project-profit');
    // Shown once the project's costs are loaded (never a profit without them).
    await visible(profit);
    const profitBefore = (await profit.textContent()) ?? '';

    const add = panel.getByRole('form', { name: 'Add a cost' });
    await add.getByLabel(/^Amount/).fill('123.45');
    await add.getByLabel('Category').selectOption('travel');
    await add.getByLabel('Note').fill('Train to the workshop');
    await add.getByRole('button', { name: 'Add cost' }).click();
    const row = panel.getByRole('listitem').filter({ hasText: 'Train to the workshop' });
    await visible(row);
    const after = await costsOf();
    expect(after).toHaveLength(before.length + 1);
    expect(after.find((c) => c.note === 'Train to the workshop')?.amountMinor).toBe(12_345);
    await expect.poll(() => profit.textContent()).not.toBe(profitBefore);

    const details = panel.getByRole('form', { name: 'Hours and project type' });
    await details.getByLabel('Hours spent').fill('12.5');
    await details.getByLabel('Project type').fill('Workshop');
    await details.getByRole('button', { name: 'Save hours and type' }).click();
    await visible(details.getByText('Saved.'));
    await visible(panel.getByTestId('project-hourly-rate').getByText(/an hour$/));
    const project = (await (await page.request.get(`/api/projects/${projectId}`)).json()) as {
      project: { hoursMinutes: number | null; projectType: string };
    };
    expect(project.project).toMatchObject({ hoursMinutes: 750, projectType: 'Workshop' });
    await checkAccessibility(page, 'project costs @390');
    await page.screenshot({ path: path.join(SCREENSHOT_DIR, 'project-costs-390.png') });

    await row.getByRole('button', { name: /^Remove the cost of/ }).click();
    await expect.poll(async () => (await costsOf()).length).toBe(before.length);
    await expect.poll(() => profit.textContent()).toBe(profitBefore);
    expect(pageErrors).toEqual([]);
    await context.close();
  });
});

/** The months the page asked for, from its address ("last24" → from/to as the page computes). */
function range(url: string): { from: string; to: string } {
  const period = new URL(url).searchParams.get('period') ?? 'last12';
  const now = new Date();
  const y = now.getUTCFullYear();
  const m = now.getUTCMonth();
  const month = (d: Date) => d.toISOString().slice(0, 7);
  const back = period === 'last24' ? 23 : 11;
  return { from: month(new Date(Date.UTC(y, m - back, 1))), to: month(now) };
}
