/**
 * Every page and state in all eight combinations — 1280 and 390 px, light and dark, English and
 * German — checked by axe-core (no serious or critical violation, colour contrast included), for
 * sideways scrolling on the phone, and, in German, for English left on the screen; a screenshot
 * of each in the folder `npm run e2e` prints.
 *
 * The data is made through the API with the browser's own sessions (the journeys test the screens
 * that make it): a project with a paid, a delivered-and-unpaid and an open milestone, shared and
 * accepted by the client, with files; and a draft never shared, one milestone overdue.
 */
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import {
  DESKTOP,
  PHONE,
  checkAccessibility,
  launchBrowser,
  reportCspViolations,
  visible,
} from './support/browser';
import { REPO_ROOT, SCREENSHOT_DIR } from './support/paths';
import { acceptContract } from './support/contract';
import { startServer, type RunningServer } from './support/server';

type Lang = 'en' | 'de';
interface Combo {
  lang: Lang;
  scheme: 'light' | 'dark';
  viewport: typeof DESKTOP;
}
const COMBOS: Combo[] = (['en', 'de'] as const).flatMap((lang) =>
  (['light', 'dark'] as const).flatMap((scheme) =>
    [DESKTOP, PHONE].map((viewport) => ({ lang, scheme, viewport })),
  ),
);
const comboName = (c: Combo) => `${c.lang}-${c.scheme}-${c.viewport.width}`;

/**
 * English the German screens must not show: the fixed parts (between placeholders and tags) of
 * every English message that differs from its German one, where the part is a phrase (≥ 3 words).
 */
function englishPhrases(): string[] {
  const dir = path.join(REPO_ROOT, 'src/web/i18n/messages');
  const phrases = new Set<string>();
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.en.json'))) {
    const en = JSON.parse(readFileSync(path.join(dir, file), 'utf8')) as Record<string, string>;
    const de = JSON.parse(
      readFileSync(path.join(dir, file.replace('.en.json', '.de.json')), 'utf8'),
    ) as Record<string, string>;
    for (const [key, text] of Object.entries(en)) {
      if (de[key] === text) continue;
      // Plural and select branches hold text too: take the text between any braces and tags.
      for (const part of text.split(/[{}<>]|\b(?:one|other|plural|select)\b[^{]*/)) {
        const phrase = part.trim();
        if (phrase.split(/\s+/).length >= 3 && /[a-z]/.test(phrase)) phrases.add(phrase);
      }
    }
  }
  return [...phrases];
}

/** English formats of dates and amounts ("10 Jan 2024", "€400.01"): German writes "10. Jan. 2024", "400,01 €". */
const ENGLISH_FORMATS =
  /\b\d{1,2} (?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4}\b|[€$£]\d/;

/** Words only English uses, as a net for text written into the code instead of a message. */
const ENGLISH_WORDS =
  /\b(the|your|you|and|with|this|will|been|has|have|from|paid|pay|waiting|milestone|project|files?|settings|receipts?|clients?|payments?|due|open|locked)\b/gi;

describe('every page in eight combinations', () => {
  let server: RunningServer;
  let browser: Browser;
  let freelancerState: Awaited<ReturnType<BrowserContext['storageState']>>;
  let clientState: Awaited<ReturnType<BrowserContext['storageState']>>;
  let csrf = '';
  let clientId = '';
  let project = '';
  let draft = '';
  const pageErrors: string[] = [];
  const phrases = englishPhrases();
  const leftovers = new Map<string, string[]>();

  async function call(
    page: Page,
    method: 'get' | 'post' | 'put' | 'patch',
    url: string,
    data?: unknown,
  ): Promise<Record<string, unknown>> {
    const res = await page.request[method](url, {
      headers: csrf === '' ? {} : { 'x-csrf-token': csrf },
      ...(data === undefined ? {} : { data }),
    });
    expect(res.ok(), `${method.toUpperCase()} ${url} → ${res.status()} ${await res.text()}`).toBe(
      true,
    );
    return res.status() === 204 ? {} : ((await res.json()) as Record<string, unknown>);
  }

  beforeAll(async () => {
    server = await startServer();
    browser = await launchBrowser();
    const setup = await browser.newContext({ baseURL: server.baseUrl });
    const f = await setup.newPage();
    const me = await call(f, 'post', '/api/auth/signup', {
      email: 'maya@example.com',
      password: 'correct horse battery',
      name: 'Maya Freelance',
      timeZone: 'Europe/Berlin',
      locale: 'en',
    });
    csrf = String(me.csrfToken);
    const settings = await call(f, 'get', '/api/settings');
    await call(f, 'put', '/api/settings', {
      name: settings.name,
      businessName: 'Maya Studio',
      paymentInstructions: 'IBAN DE89 3704 0044 0532 0130 00\nBIC COBADEFFXXX',
      locale: 'en',
    });
    const { client } = (await call(f, 'post', '/api/clients', {
      name: 'Ada Kundin',
      email: 'ada@example.com',
      company: 'Lovelace GmbH',
    })) as { client: { id: string } };
    clientId = client.id;
    const created = (await call(f, 'post', '/api/projects', {
      clientId: client.id,
      title: 'Markenauftritt',
      currency: 'EUR',
      milestones: [
        {
          title: 'Skizzen',
          deliverables: 'Drei Skizzen',
          dueDate: '2099-01-10',
          amountMinor: 300_00,
        },
        {
          title: 'Entwurf',
          deliverables: 'Ein Entwurf',
          dueDate: '2099-02-10',
          amountMinor: 400_01,
        },
        {
          title: 'Übergabe',
          deliverables: 'Alle Dateien',
          dueDate: '2099-03-10',
          amountMinor: 300_00,
        },
      ],
    })) as { project: { id: string }; milestones: { id: string }[] };
    project = created.project.id;
    const [m1, m2] = created.milestones.map((m) => m.id);
    const access = (await call(f, 'post', `/api/projects/${project}/access`)) as { code: string };

    const upload = async (milestoneId: string, name: string, bytes: Buffer) => {
      const b64 = (s: string) => Buffer.from(s).toString('base64');
      const res = await f.request.post('/api/uploads', {
        headers: {
          'x-csrf-token': csrf,
          'tus-resumable': '1.0.0',
          'upload-length': String(bytes.length),
          'upload-metadata': `milestoneId ${b64(milestoneId)},filename ${b64(name)},filetype ${b64('application/pdf')}`,
          'content-type': 'application/offset+octet-stream',
        },
        data: bytes,
      });
      expect(res.status(), await res.text()).toBe(201);
    };
    await upload(m1 ?? '', 'skizzen.pdf', Buffer.alloc(1_234_567, 1));
    await call(f, 'post', `/api/projects/${project}/milestones/${m1}/deliver`);
    await call(f, 'post', `/api/projects/${project}/milestones/${m1}/payments`, {
      amountMinor: 300_00,
      method: 'bank_transfer',
      receivedOn: '2026-11-20',
    });
    await upload(m2 ?? '', 'entwurf.pdf', Buffer.alloc(2_345_678, 2));
    await call(f, 'post', `/api/projects/${project}/milestones/${m2}/deliver`);

    const other = (await call(f, 'post', '/api/projects', {
      clientId: client.id,
      title: 'Plakat',
      currency: 'EUR',
      milestones: [
        { title: 'Idee', deliverables: 'Eine Idee', dueDate: '2024-01-10', amountMinor: 100_00 },
      ],
    })) as { project: { id: string } };
    draft = other.project.id;
    freelancerState = await setup.storageState();

    const portal = await browser.newContext({ baseURL: server.baseUrl });
    const c = await portal.newPage();
    const opened = await c.request.post('/api/portal/session', { data: { code: access.code } });
    expect(opened.status()).toBe(200);
    const { csrfToken } = (await opened.json()) as { csrfToken: string };
    await acceptContract(c.request, csrfToken);
    clientState = await portal.storageState();
    await portal.close();
    await setup.close();
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  /** The freelancer's and the client's languages are saved on the server: set both for the half of the sweep. */
  async function setFreelancerLanguage(lang: Lang) {
    const context = await browser.newContext({
      baseURL: server.baseUrl,
      storageState: freelancerState,
    });
    const f = await context.newPage();
    const settings = await call(f, 'get', '/api/settings');
    await call(f, 'put', '/api/settings', {
      name: settings.name,
      businessName: settings.businessName,
      paymentInstructions: settings.paymentInstructions,
      locale: lang,
    });
    // The portal speaks the client's language, which the freelancer sets per client.
    await call(f, 'patch', `/api/clients/${clientId}`, { locale: lang });
    await context.close();
  }

  async function check(page: Page, combo: Combo, screen: string, ready: () => Promise<unknown>) {
    await ready();
    // Every query answered (the chat's 2 s poll leaves quiet gaps) and nothing still loading.
    await page.waitForLoadState('networkidle');
    await page
      .locator('[aria-busy="true"]')
      .first()
      .waitFor({ state: 'detached', timeout: 15_000 });
    await page.evaluate(
      () => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))),
    );
    const name = `${screen} [${comboName(combo)}]`;
    if (combo.scheme === 'dark') {
      expect(await page.evaluate(() => matchMedia('(prefers-color-scheme: dark)').matches)).toBe(
        true,
      );
    }
    await checkAccessibility(page, name);
    if (combo.viewport.width === PHONE.width) {
      const { scrollWidth, width } = await page.evaluate(() => ({
        scrollWidth: document.documentElement.scrollWidth,
        width: document.documentElement.clientWidth,
      }));
      expect(scrollWidth, `${name} scrolls sideways`).toBeLessThanOrEqual(width);
    }
    expect(await page.evaluate(() => document.documentElement.lang)).toBe(combo.lang);
    if (combo.lang === 'de') {
      // Text marked as written in another language (a contract accepted in English, with its
      // own lang attribute) is the document itself, not the app's words: left out of the check.
      const text = await page.evaluate(() => {
        const foreign = [...document.body.querySelectorAll<HTMLElement>('[lang]')].filter(
          (el) => !el.lang.startsWith('de'),
        );
        const shown = foreign.map((el) => el.style.display);
        for (const el of foreign) el.style.display = 'none';
        const visible = document.body.innerText;
        foreign.forEach((el, i) => (el.style.display = shown[i] ?? ''));
        return visible;
      });
      const found = new Set<string>();
      for (const phrase of phrases) if (text.includes(phrase)) found.add(phrase);
      // Lines holding an English word (user data here is German, so English is the app's).
      for (const line of text.split('\n')) {
        ENGLISH_WORDS.lastIndex = 0;
        if (ENGLISH_WORDS.test(line) || ENGLISH_FORMATS.test(line))
          found.add(line.trim().slice(0, 120));
      }
      if (found.size > 0) leftovers.set(name, [...found]);
    }
    await page.screenshot({
      path: path.join(SCREENSHOT_DIR, `sweep-${screen}-${comboName(combo)}.png`),
      fullPage: true,
    });
  }

  for (const [index, combo] of COMBOS.entries()) {
    it(`shows every page at ${comboName(combo)}`, async () => {
      if (index === 0 || COMBOS[index - 1]?.lang !== combo.lang)
        await setFreelancerLanguage(combo.lang);
      const options = {
        baseURL: server.baseUrl,
        viewport: combo.viewport,
        colorScheme: combo.scheme,
        locale: combo.lang === 'de' ? 'de-DE' : 'en-GB',
      } as const;
      const errors = (who: string, page: Page) => {
        page.on('pageerror', (error) => pageErrors.push(`${who}: ${error.message}`));
        return reportCspViolations(page, (text) => pageErrors.push(`${who}: ${text}`));
      };

      // Signed out.
      const anon = await browser.newContext(options);
      const a = await anon.newPage();
      await errors('anonymous', a);
      for (const [screen, url] of [
        ['login', '/login'],
        ['signup', '/signup'],
        ['forgot-password', '/forgot-password'],
        ['portal-code', '/portal'],
      ] as const) {
        await a.goto(url);
        await check(a, combo, screen, () => visible(a.getByRole('heading', { level: 1 })));
      }
      await anon.close();

      // The freelancer's workspace.
      const work = await browser.newContext({ ...options, storageState: freelancerState });
      const f = await work.newPage();
      await errors('freelancer', f);
      const heading = () => visible(f.getByRole('heading', { level: 1 }));
      for (const [screen, url, ready] of [
        ['dashboard', '/app', heading],
        ['clients', '/app/clients', heading],
        ['builder', '/app/projects/new', heading],
        ['project', `/app/projects/${project}`, () => visible(f.getByText('Entwurf').first())],
        ['project-draft', `/app/projects/${draft}`, () => visible(f.getByText('Idee').first())],
        ['receipts', '/app/receipts', heading],
        ['settings', '/app/settings', heading],
        ['not-found', '/app/nowhere', heading],
      ] as const) {
        await f.goto(url);
        await check(f, combo, screen, ready);
      }
      await work.close();

      // The client's portal.
      const portal = await browser.newContext({ ...options, storageState: clientState });
      const c = await portal.newPage();
      await errors('client', c);
      await c.goto('/portal');
      await check(c, combo, 'portal-project', () =>
        visible(c.getByRole('heading', { name: 'Markenauftritt' })),
      );
      await portal.close();
      expect(pageErrors).toEqual([]);
    });
  }

  it('leaves no English on the German screens', () => {
    const report = [...leftovers.entries()]
      .map(([screen, found]) => `${screen}:\n  ${found.slice(0, 30).join('\n  ')}`)
      .join('\n');
    expect(report).toBe('');
  });
});
