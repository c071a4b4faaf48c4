/**
 * Citing chat messages in a dispute, in Chromium, in both modes (English at 1280 px light;
 * German on a 390 px phone, dark): the client opens a dispute on a delivered milestone and, in
 * the statement form, opens the message picker — the milestone's thread and the general one —
 * and chooses the freelancer's message by click and their own by keyboard; the history then
 * quotes both with author and first words, and the freelancer sees the same quotes on the
 * project page. Axe-core clean with the picker open and with the quotes shown.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import {
  createProjectThroughApi,
  csrfHeaders,
  deliverThroughApi,
  shareThroughApi,
} from './support/api';
import { launchBrowser, visible } from './support/browser';
import { acceptContract, portalCsrf } from './support/contract';
import { MODES, capture, modeName, openPage, signUpWithClientIn, type Mode } from './support/modes';
import { startServer, type RunningServer } from './support/server';
import { wordsFor } from './support/words';

describe('dispute evidence', () => {
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
    const item = (page: Page) =>
      page.locator('li.timeline-item').filter({ has: page.getByRole('heading', { name: 'Logo' }) });
    let f: Page;
    let c: Page;

    beforeAll(async () => {
      f = await openPage(browser, server.baseUrl, mode, 'freelancer', pageErrors);
      c = await openPage(browser, server.baseUrl, mode, 'client', pageErrors);
    });

    afterAll(async () => {
      await f?.context().close();
      await c?.context().close();
    });

    it('the client cites two messages in a dispute; both parties see them quoted', async () => {
      await signUpWithClientIn(
        f,
        w,
        english ? 'maya.evidence@example.com' : 'maya.evidence.de@example.com',
        english ? 'ada.evidence@example.com' : 'ada.evidence.de@example.com',
      );
      const { projectId, milestoneIds } = await createProjectThroughApi(f, {
        title: 'Logo refresh',
        milestones: [
          { title: 'Logo', deliverables: 'Logo files', dueDate: '2027-01-15', amountMinor: 600_00 },
        ],
      });
      const milestoneId = milestoneIds[0] ?? '';
      await deliverThroughApi(f, projectId, milestoneId);
      const theirs = await f.request.post(`/api/projects/${projectId}/messages`, {
        headers: await csrfHeaders(f),
        data: { id: randomUUID(), thread: milestoneId, text: 'Final logo attached, in red.' },
      });
      expect(theirs.status(), await theirs.text()).toBe(201);
      const theirsId = ((await theirs.json()) as { message: { id: string } }).message.id;
      const code = await shareThroughApi(f, projectId);

      await c.goto('/portal');
      await c.getByLabel(w('portal.code.label')).fill(code);
      await c.getByRole('button', { name: w('portal.code.submit') }).click();
      await visible(c.getByRole('heading', { name: 'Logo refresh', level: 1 }));
      const csrf = await portalCsrf(c);
      await acceptContract(c.request, csrf);
      const mine = await c.request.post('/api/portal/messages', {
        headers: { 'x-csrf-token': csrf },
        data: { id: randomUUID(), thread: 'general', text: 'We agreed on a green logo on Monday.' },
      });
      expect(mine.status(), await mine.text()).toBe(201);
      const mineId = ((await mine.json()) as { message: { id: string } }).message.id;
      await c.reload();

      // The statement form, then the picker: both threads, each message a labelled checkbox.
      await item(c)
        .getByRole('button', { name: w('disputes.open.button') })
        .click();
      await item(c)
        .getByLabel(w('disputes.open.statement'))
        .fill('The logo is red; we agreed on green.');
      const picker = item(c).getByRole('button', { name: w('disputes.cite.button', { count: 0 }) });
      expect(await picker.getAttribute('aria-expanded')).toBe('false');
      await picker.click();
      expect(
        await item(c)
          .getByRole('button', { name: w('disputes.cite.button', { count: 0 }) })
          .getAttribute('aria-expanded'),
      ).toBe('true');
      const milestoneThread = item(c).getByRole('group', {
        name: w('disputes.cite.milestoneThread', { position: 1, title: 'Logo' }),
      });
      const general = item(c).getByRole('group', { name: w('disputes.cite.generalThread') });
      const theirsBox = milestoneThread.getByRole('checkbox', {
        name: /Final logo attached, in red\./,
      });
      const mineBox = general.getByRole('checkbox', { name: /We agreed on a green logo/ });
      await visible(theirsBox);
      await visible(mineBox);
      // The label names the author: the freelancer by name, the client's own as "You".
      await visible(milestoneThread.getByTestId(`cite-${theirsId}`).getByText('Maya Freelance'));
      await visible(
        general.getByTestId(`cite-${mineId}`).getByText(w('disputes.you'), { exact: false }),
      );
      await theirsBox.click();
      await mineBox.focus();
      await c.keyboard.press('Space');
      expect(await mineBox.isChecked()).toBe(true);
      await visible(item(c).getByRole('button', { name: w('disputes.cite.button', { count: 2 }) }));
      await capture(mode, c, '93-portal-dispute-cite');
      await item(c)
        .getByRole('button', { name: w('disputes.open.submit') })
        .click();

      // The history quotes both, in the order shown to the client (newest first per thread).
      const quoteOf = (page: Page, id: string) => page.getByTestId(`cited-${id}`);
      await visible(quoteOf(c, theirsId).getByText('Final logo attached, in red.'));
      await visible(quoteOf(c, theirsId).getByText(/Maya Freelance/));
      await visible(quoteOf(c, mineId).getByText('We agreed on a green logo on Monday.'));
      await visible(quoteOf(c, mineId).getByText(new RegExp(w('disputes.you'))));
      await capture(mode, c, '94-portal-dispute-quotes');

      // The freelancer sees the same quotes, the client's message under the client's name.
      await f.goto(`/app/projects/${projectId}`);
      const panel = f.getByTestId(`dispute-${milestoneId}`);
      await visible(panel.getByText('The logo is red; we agreed on green.'));
      await visible(quoteOf(f, mineId).getByText('We agreed on a green logo on Monday.'));
      await visible(quoteOf(f, mineId).getByText(/Ada Client/));
      await visible(quoteOf(f, theirsId).getByText(new RegExp(w('disputes.you'))));
      expect(
        await panel
          .getByRole('list', { name: w('disputes.evidence.heading') })
          .getByRole('listitem')
          .count(),
      ).toBe(2);
      await capture(mode, f, '95-project-dispute-quotes');
      expect(pageErrors).toEqual([]);
    });
  }
});
