/**
 * Contract terms in Chromium (issue #11): the freelancer edits their terms in Settings → Contract
 * terms (an unknown placeholder is refused beside the field, naming it), names a mediator and a
 * review window, previews a sample project's contract, and saves; the client of a project made
 * before (its review window stays the 14 days it was made with) opens the portal and reads the
 * new words in the contract (their language's template, the mediator, the deposit
 * line), and accepts it; words saved after that acceptance do not change the accepted contract.
 * A project's own review window and mediator (name and contact) are set in the project builder
 * (a bad number refused beside the field), edited on the project page, read by the client in the
 * contract, and locked once the client accepts it.
 * English at 1280 px, light, and German on a 390 px phone, dark (support/modes.ts); axe clean.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, visible } from './support/browser';
import { acceptContractOnScreen } from './support/contract';
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

/** The server's contract words for a deposit, the mediator and review lines (src/i18n/messages). */
const SERVER_WORDS = {
  en: {
    deposit: 'Deposit — payable when the project starts',
    mediator: 'Mediator for disputes:',
    review: (days: number) => `Review window: ${days} days after each delivery`,
  },
  de: {
    deposit: 'Anzahlung — fällig bei Projektbeginn',
    mediator: 'Schlichtung bei Streitfällen:',
    review: (days: number) => `Prüfzeitraum: ${days} Tage nach jeder Lieferung`,
  },
} as const;
/** A project's own mediator: a name and a way to reach them. */
const MEDIATOR = 'Mediation Centre North, +44 20 7946 0000';

const TERMS = {
  en: 'Plain terms. {freelancer} designs for {client}; review takes up to {reviewDays} days; disputes go to {mediator}.',
  de: 'Klare Bedingungen. {freelancer} gestaltet für {client}; die Prüfung dauert bis zu {reviewDays} Tage; Streit geht an {mediator}.',
} as const;
/** The terms as filled for a client and review window. */
const filled = (lang: 'en' | 'de', client: string, days: number) =>
  lang === 'en'
    ? `Plain terms. Maya Freelance designs for ${client}; review takes up to ${days} days; disputes go to Chamber of Commerce Hamburg.`
    : `Klare Bedingungen. Maya Freelance gestaltet für ${client}; die Prüfung dauert bis zu ${days} Tage; Streit geht an Chamber of Commerce Hamburg.`;

describe('contract terms', () => {
  let server: RunningServer;
  let browser: Browser;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    server = await startServer();
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  for (const mode of MODES) describe(modeName(mode), () => journey(mode));

  function journey(mode: Mode): void {
    const w = wordsFor(mode.lang);
    const english = mode.lang === 'en';
    let freelancer: Page;
    let client: Page;
    let link = '';

    beforeAll(async () => {
      freelancer = await openPage(browser, server.baseUrl, mode, 'freelancer', pageErrors);
      client = await openPage(browser, server.baseUrl, mode, 'client', pageErrors);
    });

    it('the freelancer edits the terms in Settings, previews them and saves', async () => {
      const f = freelancer;
      await signUpWithClientIn(
        f,
        w,
        english ? 'maya.terms@example.com' : 'maya.terms.de@example.com',
        english ? 'ada.terms@example.com' : 'ada.terms.de@example.com',
      );
      // A project (a deposit, then the work) for Ada, shared, through the API.
      const me = (await (await f.request.get('/api/auth/me')).json()) as { csrfToken: string };
      const headers = { 'x-csrf-token': me.csrfToken };
      const clients = (await (await f.request.get('/api/clients')).json()) as {
        clients: { id: string }[];
      };
      const project = await f.request.post('/api/projects', {
        headers,
        data: {
          clientId: clients.clients[0]?.id,
          title: english ? 'Brand identity' : 'Markenauftritt',
          currency: 'EUR',
          milestones: [
            {
              title: english ? 'Deposit' : 'Anzahlung',
              deliverables: '',
              dueDate: '2099-03-01',
              amountMinor: 50_000,
              isDeposit: true,
              revisionRounds: 0,
            },
            { title: 'Logo', deliverables: 'SVG', dueDate: '2099-04-01', amountMinor: 150_000 },
          ],
        },
      });
      expect(project.status(), await project.text()).toBe(201);
      const projectId = ((await project.json()) as { project: { id: string } }).project.id;
      const access = await f.request.post(`/api/projects/${projectId}/access`, { headers });
      expect(access.status()).toBe(201);
      link = ((await access.json()) as { link: string }).link;

      await f.goto('/app/settings');
      const section = f.locator('section[aria-labelledby="terms-heading"]');
      await visible(section.getByRole('heading', { name: w('terms.heading') }));
      const template = section.getByLabel(w(english ? 'terms.template.en' : 'terms.template.de'), {
        exact: true,
      });
      // An unknown placeholder is refused beside the field, by name, and nothing is saved.
      await template.fill('Pay {fee} on time.');
      await section.getByRole('button', { name: w('terms.save') }).click();
      await visible(section.getByText(w('terms.error.unknown', { names: '{fee}', count: 1 })));
      const before = (await (await f.request.get('/api/settings/contract-terms')).json()) as {
        templates: Record<string, string>;
      };
      expect(before.templates).toEqual({ en: '', de: '' });

      await template.fill(TERMS[mode.lang]);
      await section
        .getByLabel(w('terms.mediator'), { exact: true })
        .fill('Chamber of Commerce Hamburg');
      await section.getByLabel(w('terms.reviewWindow'), { exact: true }).fill('10');
      await section.getByLabel(w('terms.preview.language')).selectOption(mode.lang);
      await section.getByRole('button', { name: w('terms.preview.show') }).click();
      const preview = section.getByTestId('terms-preview');
      await visible(preview.getByText(filled(mode.lang, 'Bea Kraus, Kraus GmbH', 10)));
      await visible(preview.getByText(SERVER_WORDS[mode.lang].deposit));
      await section.getByRole('button', { name: w('terms.save') }).click();
      await visible(section.getByText(w('terms.saved')));
      await capture(mode, f, 'contract-terms-settings');
      const saved = (await (await f.request.get('/api/settings/contract-terms')).json()) as {
        templates: Record<string, string>;
        mediator: string;
        reviewWindowDays: number;
      };
      expect(saved.templates[mode.lang]).toBe(TERMS[mode.lang]);
      expect(saved.mediator).toBe('Chamber of Commerce Hamburg');
      expect(saved.reviewWindowDays).toBe(10);
    });

    it('the client reads the new words in the portal’s contract and accepts them', async () => {
      const c = client;
      await c.goto(link);
      const contract = c.locator('section#contract');
      await visible(contract);
      await visible(contract.getByText(filled(mode.lang, 'Ada Client', 14)));
      await visible(
        contract.getByText(`${SERVER_WORDS[mode.lang].mediator} Chamber of Commerce Hamburg`),
      );
      await visible(contract.getByText(SERVER_WORDS[mode.lang].deposit));
      await capture(mode, c, 'contract-terms-portal');
      await acceptContractOnScreen(c, w, 'Ada Client');

      // Words saved after the acceptance reach only projects not yet accepted.
      const f = freelancer;
      const me = (await (await f.request.get('/api/auth/me')).json()) as { csrfToken: string };
      const put = await f.request.put('/api/settings/contract-terms', {
        headers: { 'x-csrf-token': me.csrfToken },
        data: {
          templates: { en: 'Changed later.', de: 'Später geändert.' },
          mediator: '',
          reviewWindowDays: 14,
        },
      });
      expect(put.status(), await put.text()).toBe(200);
      const read = (await (await c.request.get('/api/portal/contract')).json()) as {
        current: { version: number; text: string; acceptedAt: string | null };
      };
      expect(read.current.version).toBe(1);
      expect(read.current.acceptedAt).not.toBeNull();
      expect(read.current.text).toContain(filled(mode.lang, 'Ada Client', 14));
      const width = await c.evaluate(() => document.documentElement.scrollWidth);
      expect(width).toBeLessThanOrEqual(mode.viewport.width);
      expect(pageErrors).toEqual([]);
    });

    it('a project’s own review window and mediator: set in the builder, edited on its page, in the client’s contract', async () => {
      const f = freelancer;
      const title = english ? 'Packaging' : 'Verpackung';
      await f.goto('/app/projects/new');
      await f
        .getByLabel(w('builder.client'), { exact: true })
        .selectOption({ label: 'Ada Client' });
      await f.getByLabel(w('builder.projectTitle')).fill(title);
      await f.getByLabel(w('builder.money.totalWithCurrency', { currency: 'EUR' })).fill('2000');
      await f.getByRole('button', { name: w('builder.template.half') }).click();
      for (const [i, name] of ['Concept', 'Print'].entries()) {
        const group = f.getByRole('group', { name: w('builder.row.legend', { n: i + 1 }) });
        await group.getByLabel(w('project.milestone.title')).fill(name);
        await group.getByLabel(w('project.milestone.deliverables')).fill(`${name} files`);
      }
      const terms = f.locator('section[aria-labelledby="project-terms-heading"]');
      await visible(terms.getByRole('heading', { name: w('terms.project.heading') }));
      // The hint names the default that applies when the field stays empty.
      await visible(terms.getByText(w('terms.project.reviewWindow.hint', { days: 14 })));
      const days = terms.getByLabel(w('terms.reviewWindow'), { exact: true });
      await days.fill('0');
      await terms.getByLabel(w('terms.project.mediator'), { exact: true }).fill(MEDIATOR);
      await f.getByRole('button', { name: w('builder.create') }).click();
      await visible(terms.getByText(w('terms.error.days')));
      await days.fill('21');
      await capture(mode, f, 'project-terms-builder');
      await f.getByRole('button', { name: w('builder.create') }).click();
      await visible(f.getByRole('heading', { name: title, level: 1 }));
      const projectId = new URL(f.url()).pathname.split('/').at(-1) ?? '';
      const made = (await (await f.request.get(`/api/projects/${projectId}`)).json()) as {
        project: { reviewWindowDays: number; mediator: string | null };
      };
      expect(made.project).toMatchObject({ reviewWindowDays: 21, mediator: MEDIATOR });

      // Before the client accepts, milestones change directly: no change order is offered.
      await visible(f.getByText(w('changes.beforeAcceptance')));
      expect(await f.getByRole('button', { name: w('changes.start') }).count()).toBe(0);

      // On the project page: shown, and edited while the client has not accepted.
      const side = f.getByTestId('project-terms');
      await side.getByText(w('terms.project.heading')).click();
      const sideDays = side.getByLabel(w('terms.reviewWindow'), { exact: true });
      await expect.poll(() => sideDays.inputValue()).toBe('21');
      expect(await side.getByLabel(w('terms.project.mediator'), { exact: true }).inputValue()).toBe(
        MEDIATOR,
      );
      await sideDays.fill('30');
      await side.getByRole('button', { name: w('terms.project.save') }).click();
      await visible(side.getByText(w('terms.project.saved')));
      await capture(mode, f, 'project-terms-page');

      // The client reads both in the contract, and accepts it.
      const me = (await (await f.request.get('/api/auth/me')).json()) as { csrfToken: string };
      const access = await f.request.post(`/api/projects/${projectId}/access`, {
        headers: { 'x-csrf-token': me.csrfToken },
      });
      expect(access.status()).toBe(201);
      const c = await openPage(
        browser,
        server.baseUrl,
        mode,
        'client of the second project',
        pageErrors,
      );
      await c.goto(((await access.json()) as { link: string }).link);
      const contract = c.locator('section#contract');
      await visible(contract.getByText(SERVER_WORDS[mode.lang].review(30)));
      await visible(contract.getByText(`${SERVER_WORDS[mode.lang].mediator} ${MEDIATOR}`));
      // Version 2 when the project page read the contract before the edit (it keeps each text).
      const read = (await (await c.request.get('/api/portal/contract')).json()) as {
        current: { version: number; text: string };
      };
      expect(read.current.text).toContain(`${SERVER_WORDS[mode.lang].mediator} ${MEDIATOR}`);
      await acceptContractOnScreen(c, w, 'Ada Client', read.current.version);

      // Accepted: the project page shows them as the contract states them, no longer editable.
      await f.reload();
      await side.getByText(w('terms.project.heading')).click();
      await visible(side.getByText(w('terms.project.locked')));
      await visible(f.getByRole('button', { name: w('changes.start') }));
      expect(await sideDays.isDisabled()).toBe(true);
      expect(await sideDays.inputValue()).toBe('30');
      await expect
        .poll(async () => side.getByRole('button', { name: w('terms.project.save') }).count())
        .toBe(0);
      const width = await c.evaluate(() => document.documentElement.scrollWidth);
      expect(width).toBeLessThanOrEqual(mode.viewport.width);
      await c.context().close();
      expect(pageErrors).toEqual([]);
    });
  }
});
