/** Chromium from Debian, axe-core checks, and screenshots at desktop and phone widths. */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import {
  chromium,
  type Browser,
  type BrowserContext,
  type BrowserContextOptions,
  type Locator,
  type Page,
} from 'playwright-core';
import { SCREENSHOT_DIR } from './paths';

const require = createRequire(import.meta.url);
const AXE_PATH = require.resolve('axe-core/axe.min.js');

export const DESKTOP = { width: 1280, height: 900 };
export const PHONE = { width: 390, height: 844 };

export interface Parties {
  freelancerContext: BrowserContext;
  clientContext: BrowserContext;
  freelancer: Page;
  client: Page;
}

/**
 * The freelancer and the client, each in a browser context of their own at desktop width; errors
 * thrown in either page are collected into `pageErrors`.
 */
export async function openParties(
  browser: Browser,
  baseURL: string,
  pageErrors: string[],
  options: { freelancer?: BrowserContextOptions; client?: BrowserContextOptions } = {},
): Promise<Parties> {
  const freelancerContext = await browser.newContext({
    viewport: DESKTOP,
    baseURL,
    ...options.freelancer,
  });
  const clientContext = await browser.newContext({ viewport: DESKTOP, baseURL, ...options.client });
  const freelancer = await freelancerContext.newPage();
  const client = await clientContext.newPage();
  for (const [who, page] of [
    ['freelancer', freelancer],
    ['client', client],
  ] as const) {
    page.on('pageerror', (error) => pageErrors.push(`${who}: ${error.message}`));
    await reportCspViolations(page, (text) => pageErrors.push(`${who}: ${text}`));
  }
  return { freelancerContext, clientContext, freelancer, client };
}

/**
 * Every Content-Security-Policy violation on the page — the `securitypolicyviolation` event and
 * Chromium's console report of a refused resource — is passed to `report`, so a journey that
 * meets one fails on its pageErrors check.
 */
export async function reportCspViolations(
  page: Page,
  report: (text: string) => void,
): Promise<void> {
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (event) => {
      console.error(
        `CSP violation: ${event.violatedDirective} blocked ${event.blockedURI || 'inline'} at ${event.sourceFile}:${event.lineNumber}`,
      );
    });
  });
  page.on('console', (message) => {
    const text = message.text();
    if (message.type() === 'error' && /CSP violation|Content Security Policy/.test(text)) {
      report(text);
    }
  });
}

/** Signs Maya up as a freelancer and adds her client Ada, through the screens. */
export async function signUpWithClient(f: Page): Promise<void> {
  await f.goto('/signup');
  await f.getByLabel('Your name').fill('Maya Freelance');
  await f.getByLabel('Email').fill('maya@example.com');
  await f.getByLabel('Password').fill('correct horse battery');
  await f.getByRole('button', { name: 'Create account' }).click();
  await visible(f.getByRole('heading', { name: 'Projects', level: 1 }));
  await f.goto('/app/clients');
  await f.getByLabel('Name', { exact: true }).fill('Ada Client');
  await f.getByLabel('Email', { exact: true }).fill('ada@example.com');
  await f.getByRole('button', { name: 'Add client' }).click();
  await visible(f.getByText('Ada Client added.'));
}

export function launchBrowser(): Promise<Browser> {
  // Playwright refuses --user-data-dir with launch(); it gives every launch a fresh temporary
  // profile of its own, which is what we want. Never download a browser: use Debian's.
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--disable-quic',
    ],
  });
}

interface Violation {
  id: string;
  impact: string | null;
  help: string;
  helpUrl: string;
  nodes: { target: string; html: string; summary: string }[];
}

declare global {
  interface Window {
    axe?: { run: (context?: unknown, options?: unknown) => Promise<{ violations: unknown[] }> };
  }
}

/** Runs axe-core on the page; fails on serious or critical violations, printed readably. */
export async function checkAccessibility(page: Page, screen: string): Promise<void> {
  // Evaluated through the DevTools protocol, not added as an inline <script>: the app's CSP
  // (script-src 'self') rightly refuses inline scripts.
  if (!(await page.evaluate(() => window.axe !== undefined)))
    await page.evaluate(`${readFileSync(AXE_PATH, 'utf8')}\n;window.axe = axe;`);
  const violations = await page.evaluate(async (): Promise<Violation[]> => {
    const axe = window.axe;
    if (axe === undefined) throw new Error('axe-core did not load');
    const result = await axe.run(document, { resultTypes: ['violations'] });
    return (result.violations as Violation[]).map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      helpUrl: v.helpUrl,
      // axe calls a node's explanation failureSummary; `summary` is what we print.
      nodes: (
        v.nodes as unknown as { target: unknown; html: string; failureSummary?: string }[]
      ).map((n) => ({ target: String(n.target), html: n.html, summary: n.failureSummary ?? '' })),
    }));
  });
  const bad = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  if (bad.length > 0) {
    const text = bad
      .map(
        (v) =>
          `- [${v.impact}] ${v.id}: ${v.help} (${v.helpUrl})\n` +
          v.nodes
            .map(
              (n) =>
                `    at ${n.target}\n      ${n.html}\n      ${n.summary.replace(/\n/g, '\n      ')}`,
            )
            .join('\n'),
      )
      .join('\n');
    throw new Error(
      `axe-core found ${bad.length} serious/critical violation(s) on "${screen}":\n${text}`,
    );
  }
}

/**
 * Screenshots the screen at 1280 px and 390 px (full page), checking axe and horizontal scroll at
 * both, and axe again at 390 px in the dark theme.
 */
export async function captureScreen(page: Page, screen: string): Promise<void> {
  await page.setViewportSize(DESKTOP);
  await settle(page);
  await checkAccessibility(page, `${screen} @1280`);
  await page.screenshot({ path: path.join(SCREENSHOT_DIR, `${screen}-1280.png`), fullPage: true });

  await page.setViewportSize(PHONE);
  await settle(page);
  const overflow = await page.evaluate(() => {
    const width = document.documentElement.clientWidth;
    const wide = [...document.querySelectorAll<HTMLElement>('body *')]
      .filter((el) => el.getBoundingClientRect().right > width + 1)
      .slice(0, 5)
      .map(
        (el) =>
          `${el.tagName.toLowerCase()}${el.className ? '.' + String(el.className).split(' ').join('.') : ''}`,
      );
    return { scrollWidth: document.documentElement.scrollWidth, width, wide };
  });
  if (overflow.scrollWidth > overflow.width) {
    throw new Error(
      `"${screen}" scrolls sideways at 390 px (${overflow.scrollWidth} > ${overflow.width}); too wide: ${overflow.wide.join(', ')}`,
    );
  }
  await checkAccessibility(page, `${screen} @390`);
  await page.screenshot({ path: path.join(SCREENSHOT_DIR, `${screen}-390.png`), fullPage: true });

  // The dark theme (prefers-color-scheme) on the phone: the same contrast, nothing serious.
  await page.emulateMedia({ colorScheme: 'dark' });
  await settle(page);
  if (!(await page.evaluate(() => matchMedia('(prefers-color-scheme: dark)').matches)))
    throw new Error(`"${screen}": dark colour scheme not emulated`);
  await checkAccessibility(page, `${screen} @390 dark`);
  await page.screenshot({
    path: path.join(SCREENSHOT_DIR, `${screen}-390-dark.png`),
    fullPage: true,
  });
  await page.emulateMedia({ colorScheme: 'light' });
  await page.setViewportSize(DESKTOP);
}

async function settle(page: Page): Promise<void> {
  await page.evaluate(
    () => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))),
  );
}

export async function visible(locator: Locator, timeout = 15_000): Promise<Locator> {
  await locator.first().waitFor({ state: 'visible', timeout });
  return locator;
}

/** The status badge of the milestone whose heading contains `title`, as its text. */
export async function milestoneBadge(page: Page, title: string): Promise<string> {
  const item = page
    .locator('li.timeline-item')
    .filter({ has: page.getByRole('heading', { name: title }) });
  await visible(item);
  return ((await item.locator('.badge').first().textContent()) ?? '').trim();
}

/** Waits until the milestone's badge reads `status`. */
export async function waitForBadge(
  page: Page,
  title: string,
  status: string,
  timeout = 15_000,
): Promise<void> {
  const deadline = Date.now() + timeout;
  let last = '';
  while (Date.now() < deadline) {
    last = await milestoneBadge(page, title);
    if (last === status) return;
    await page.waitForTimeout(100);
  }
  throw new Error(`Milestone "${title}" shows "${last}", expected "${status}"`);
}
