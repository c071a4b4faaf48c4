/**
 * The two ways every journey runs in full (issue #9): at 1280 px, light, in English, and on a
 * 390 px phone, dark, in German. A mode opens browser contexts of its own (locale, colour
 * scheme, viewport, touch), captures screens with the mode in their names, and reaches the
 * workspace's pages the way a person would at that width.
 */
import path from 'node:path';
import type { Browser, BrowserContextOptions, Page } from 'playwright-core';
import {
  DESKTOP,
  PHONE,
  captureScreen,
  checkAccessibility,
  reportCspViolations,
  visible,
  waitForBadge,
} from './browser';
import { SCREENSHOT_DIR } from './paths';
import { wordsFor, type Lang, type Words } from './words';

export interface Mode {
  lang: Lang;
  viewport: { width: number; height: number };
  colorScheme: 'light' | 'dark';
}

export const MODES: readonly Mode[] = [
  { lang: 'en', viewport: DESKTOP, colorScheme: 'light' },
  { lang: 'de', viewport: PHONE, colorScheme: 'dark' },
];

export const modeName = (mode: Mode): string =>
  `${mode.lang}, ${mode.viewport.width} px, ${mode.colorScheme}`;

/** The browser context options of a mode: its language, theme, width, and a phone's touch. */
export function contextOptions(mode: Mode, baseURL: string): BrowserContextOptions {
  const phone = mode.viewport.width < DESKTOP.width;
  return {
    baseURL,
    viewport: mode.viewport,
    colorScheme: mode.colorScheme,
    locale: mode.lang === 'en' ? 'en-GB' : 'de-DE',
    ...(phone ? { isMobile: true, hasTouch: true } : {}),
  };
}

/** A page in a fresh context of the mode; its errors and CSP violations go to `pageErrors`. */
export async function openPage(
  browser: Browser,
  baseURL: string,
  mode: Mode,
  who: string,
  pageErrors: string[],
  extra: BrowserContextOptions = {},
): Promise<Page> {
  const context = await browser.newContext({ ...contextOptions(mode, baseURL), ...extra });
  const page = await context.newPage();
  page.on('pageerror', (error) => pageErrors.push(`${who} (${mode.lang}): ${error.message}`));
  await reportCspViolations(page, (text) => pageErrors.push(`${who} (${mode.lang}): ${text}`));
  return page;
}

/**
 * Captures a screen: in English at 1280 px it is shot at both widths and dark (captureScreen);
 * in German on the phone, axe-checked and shot as it stands, named with the mode.
 */
export async function capture(mode: Mode, page: Page, screen: string): Promise<void> {
  if (mode.lang === 'en') {
    await captureScreen(page, screen);
    return;
  }
  const tag = `${mode.lang}-${mode.viewport.width}-${mode.colorScheme}`;
  await checkAccessibility(page, `${screen} (${modeName(mode)})`);
  await page.screenshot({
    path: path.join(SCREENSHOT_DIR, `${screen}-${tag}.png`),
    fullPage: true,
  });
}

/** A page of the workspace through the header's links, folded into "Menu" on a phone. */
export async function go(page: Page, w: Words, name: string): Promise<void> {
  const main = page.getByRole('navigation', { name: w('workspace.nav.main') });
  if (await main.isVisible()) {
    await main.getByRole('link', { name, exact: true }).click();
  } else {
    await page.getByRole('button', { name: w('workspace.nav.menu'), exact: true }).click();
    // The current section's item also says so to screen readers ("… (current page)").
    await page.getByRole('menuitem', { name: new RegExp(`^${name}( |$)`) }).click();
  }
}

/**
 * Signs Maya up in the page's language (the browser's, which the account takes on) and adds her
 * client Ada, who takes on the same language, through the screens.
 */
export async function signUpWithClientIn(
  f: Page,
  w: Words,
  email = 'maya@example.com',
  clientEmail = 'ada@example.com',
): Promise<void> {
  await f.goto('/signup');
  await f.getByLabel(w('auth.signup.name')).fill('Maya Freelance');
  await f.getByLabel(w('auth.email')).fill(email);
  await f.getByLabel(w('auth.password')).fill('correct horse battery');
  await f.getByRole('button', { name: w('auth.signup.submit') }).click();
  await visible(f.getByRole('heading', { name: w('workspace.dashboard.title'), level: 1 }));
  await f.goto('/app/clients');
  await f.getByLabel(w('clients.form.name'), { exact: true }).fill('Ada Client');
  await f.getByLabel(w('clients.form.email'), { exact: true }).fill(clientEmail);
  await f.getByRole('button', { name: w('clients.add.submit') }).click();
  await visible(f.getByText(w('clients.added', { name: 'Ada Client' })));
}

/**
 * Through the project builder, as the freelancer does it: a project for Ada Client of `total`
 * euros split half and half into two milestones titled `titles`; waits for its page, with the
 * first milestone open. Answers the project page's URL.
 */
export async function buildHalfAndHalfProject(
  f: Page,
  w: Words,
  title: string,
  titles: readonly [string, string],
  total = '2000',
): Promise<string> {
  await f.goto('/app/projects/new');
  await f.getByLabel(w('builder.client'), { exact: true }).selectOption({ label: 'Ada Client' });
  await f.getByLabel(w('builder.projectTitle')).fill(title);
  await f.getByLabel(w('builder.money.totalWithCurrency', { currency: 'EUR' })).fill(total);
  await f.getByRole('button', { name: w('builder.template.half') }).click();
  for (const [i, name] of titles.entries()) {
    const group = f.getByRole('group', { name: w('builder.row.legend', { n: i + 1 }) });
    await group.getByLabel(w('project.milestone.title')).fill(name);
    await group.getByLabel(w('project.milestone.deliverables')).fill(`${name} files`);
  }
  await f.getByRole('button', { name: w('builder.create') }).click();
  await visible(f.getByRole('heading', { name: title, level: 1 }));
  await waitForBadge(f, titles[0], w('workspace.status.open'));
  return f.url();
}

/**
 * A button's accessible name from a message with screen-reader-only words ("Bearbeiten<hidden>:
 * Meilenstein 2</hidden>"): Chromium may put a space where the visually hidden part begins.
 */
export function srName(text: string): RegExp {
  const escaped = text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`^${escaped.replace(/: /g, '\\s*: ').replace(/ /g, '\\s+')}$`);
}

export { wordsFor };
