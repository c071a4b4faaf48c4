/**
 * Deposits, approval and revisions in Chromium (issue #11), run in full in both modes (English at
 * 1280 px light; German on a 390 px phone, dark): the freelancer builds a project of a deposit
 * and a normal milestone on the screen, the client accepts the contract, the freelancer records
 * the deposit's transfer, uploads a file and delivers; the client asks for a revision with a
 * note; the freelancer reads it, uploads the file anew under the same name and delivers again;
 * the client sees the old file in "Replaced", approves, and the freelancer records the payment —
 * every decision a click on the screen, axe-core clean, screenshots named by mode.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, visible, waitForBadge } from './support/browser';
import { acceptContractOnScreen } from './support/contract';
import { fileRow as anyFileRow, makeFile, waitFor } from './support/files';
import { MODES, capture, modeName, openPage, signUpWithClientIn, type Mode } from './support/modes';
import { startServer, type RunningServer } from './support/server';
import { wordsFor } from './support/words';

describe('deposits, approval and revisions', () => {
  let server: RunningServer;
  let browser: Browser;
  let dir: string;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'milepost-e2e-revisions-'));
    server = await startServer();
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  for (const mode of MODES) describe(modeName(mode), () => journey(mode));

  function journey(mode: Mode): void {
    const w = wordsFor(mode.lang);
    const english = mode.lang === 'en';
    const money = (minor: number) => w.money(minor, 'EUR');
    const fileRow = (page: Page, position: number, name: string) =>
      anyFileRow(page, position, name, w('files.listLabel', { position }));
    const milestoneItem = (page: Page, title: string) =>
      page.locator('li.timeline-item').filter({ has: page.getByRole('heading', { name: title }) });
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

    /** The freelancer records the client's transfer for a milestone, through the form. */
    async function recordTransfer(position: number, button: string, reference: string) {
      await milestoneItem(f, position === 1 ? 'Deposit' : 'Logo')
        .getByRole('button', { name: button })
        .click();
      const form = f.getByRole('form', { name: w('project.payment.formLabel', { position }) });
      await visible(form);
      await form.getByLabel(w('project.payment.reference')).fill(reference);
      await form.getByRole('button', { name: w('project.payment.record') }).click();
      await f.getByRole('button', { name: w('workspace.payment.confirm') }).click();
    }

    it('a deposit is paid while open; a revision is asked for, re-delivered with a replaced file, approved and paid', async () => {
      const first = makeFile(dir, 'logo.svg', 20 * 1024 + 3);
      const email = english ? 'maya.rev@example.com' : 'maya.rev.de@example.com';
      const clientEmail = english ? 'ada.rev@example.com' : 'ada.rev.de@example.com';
      await signUpWithClientIn(f, w, email, clientEmail);

      // The builder: a deposit of 500 and the logo of 1,500, the deposit ticked as such.
      await f.goto('/app/projects/new');
      await f
        .getByLabel(w('builder.client'), { exact: true })
        .selectOption({ label: 'Ada Client' });
      await f.getByLabel(w('builder.projectTitle')).fill('Logo project');
      await f.getByLabel(w('builder.money.totalWithCurrency', { currency: 'EUR' })).fill('2000');
      await f.getByRole('button', { name: w('builder.template.half') }).click();
      const group = (n: number) =>
        f.getByRole('group', { name: w('builder.row.legend', { n }), exact: true });
      for (const [i, title] of ['Deposit', 'Logo'].entries()) {
        await group(i + 1)
          .getByLabel(w('project.milestone.title'))
          .fill(title);
        await group(i + 1)
          .getByLabel(w('project.milestone.deliverables'))
          .fill(`${title} work`);
      }
      await group(1).getByLabel(w('builder.row.share')).fill('25');
      await group(2).getByLabel(w('builder.row.share')).fill('75');
      await group(1).getByLabel(w('project.milestone.depositLabel')).check();
      expect(await group(2).getByLabel(w('project.milestone.depositLabel')).isChecked()).toBe(
        false,
      );
      await capture(mode, f, '70-builder-deposit');
      await f.getByRole('button', { name: w('builder.create') }).click();
      await visible(f.getByRole('heading', { name: 'Logo project', level: 1 }));
      await waitForBadge(f, 'Deposit', w('workspace.status.open'));
      await visible(milestoneItem(f, 'Deposit').getByText(w('project.milestone.deposit')));
      await waitForBadge(f, 'Logo', w('workspace.status.locked'));

      // Share; the client opens the link, sees the deposit ready to pay, accepts the contract.
      await f.getByRole('button', { name: w('workspace.next.share.button') }).click();
      await visible(f.locator('.access-link code'));
      const link = ((await f.locator('.access-link code').textContent()) ?? '').trim();
      expect(link).toContain('/portal#access=');
      await c.goto(link);
      await visible(c.getByRole('heading', { name: 'Logo project', level: 1 }));
      await waitForBadge(c, 'Deposit', w('portal.status.readyToPay'));
      await visible(milestoneItem(c, 'Deposit').getByText(w('portal.milestone.depositExplain')));
      await visible(
        c
          .getByTestId('portal-summary')
          .getByText(w('portal.summary.due', { position: 1, amount: money(500_00) })),
      );
      await acceptContractOnScreen(c, w, 'Ada Client');
      await visible(
        milestoneItem(c, 'Deposit').getByText(w('portal.pay.due', { amount: money(500_00) })),
      );
      await capture(mode, c, '71-portal-deposit');

      // The freelancer records the deposit's transfer: it is paid with nothing delivered; the logo opens.
      await f.reload();
      await recordTransfer(1, w('project.payment.recordDeposit'), 'DEP-1');
      await waitForBadge(f, 'Deposit', w('workspace.status.paid'));
      await waitForBadge(f, 'Logo', w('workspace.status.open'));

      // The logo: a file, delivered.
      await f.getByLabel(w('files.drop.add', { position: 2 })).setInputFiles(first.path);
      await visible(
        fileRow(f, 2, first.name).getByText(w('files.badge.uploaded'), { exact: true }),
        30_000,
      );
      await milestoneItem(f, 'Logo')
        .getByRole('button', { name: w('workspace.deliver.button') })
        .click();
      await f.getByRole('button', { name: w('workspace.deliver.confirm') }).click();
      await waitForBadge(f, 'Logo', w('workspace.status.delivered'));

      // The client reviews: 0 of 2 revisions used; a note is required; the request is sent.
      await c.reload();
      await waitForBadge(c, 'Deposit', w('portal.status.paid'));
      await waitForBadge(c, 'Logo', w('portal.status.readyToPay'));
      const review = c.locator('section.review-box');
      await visible(review.getByRole('heading', { name: w('revisions.heading') }));
      await visible(review.getByText(w('revisions.roundsUsed', { used: 0, rounds: 2 })));
      await visible(
        c.getByTestId('portal-summary').getByRole('link', { name: w('portal.summary.review') }),
      );
      await capture(mode, c, '72-portal-review');
      await review.getByRole('button', { name: w('revisions.request') }).click();
      await review.getByRole('button', { name: w('revisions.send') }).click();
      await visible(review.getByText(w('revisions.noteMissing')));
      const note = english ? 'Make the blue darker, please.' : 'Bitte das Blau dunkler machen.';
      await review.getByLabel(w('revisions.noteLabel')).fill(note);
      await capture(mode, c, '73-portal-revision-note');
      await review.getByRole('button', { name: w('revisions.send') }).click();
      const state = milestoneItem(c, 'Logo');
      await visible(state.getByText(w('portal.revision.requested', { name: 'Maya Freelance' })));
      await visible(state.locator('bdi.revision-note', { hasText: note }));
      await waitForBadge(c, 'Logo', w('portal.status.inProgress'));
      await visible(
        c
          .getByTestId('portal-summary')
          .getByText(w('portal.summary.revision', { name: 'Maya Freelance', position: 2 })),
      );
      expect(await c.locator('section.review-box').count()).toBe(0);
      await capture(mode, c, '74-portal-revision-requested');

      // The freelancer reads the note and the rounds, uploads the logo anew and delivers again.
      await f.reload();
      await waitForBadge(f, 'Logo', w('workspace.status.open'));
      const request = milestoneItem(f, 'Logo').locator('section.revision-request');
      await visible(request.getByRole('heading', { name: w('project.revision.heading') }));
      await visible(request.locator('bdi', { hasText: note }));
      await visible(
        milestoneItem(f, 'Logo').getByText(
          w('project.revision.roundsUsed', { used: 1, rounds: 2 }),
        ),
      );
      await capture(mode, f, '75-project-revision-requested');
      const second = makeFile(dir, 'logo.svg', 24 * 1024 + 9);
      expect(second.sha256).not.toBe(first.sha256);
      await f.getByLabel(w('files.drop.add', { position: 2 })).setInputFiles(second.path);
      await waitFor(
        'the new upload beside the old file',
        async () =>
          (await fileRow(f, 2, 'logo.svg')
            .getByText(w('files.badge.uploaded'), { exact: true })
            .count()) === 2,
        30_000,
      );
      await milestoneItem(f, 'Logo')
        .getByRole('button', { name: w('workspace.deliver.button') })
        .click();
      await f.getByRole('button', { name: w('workspace.deliver.confirm') }).click();
      await waitForBadge(f, 'Logo', w('workspace.status.delivered'));
      // The old file is kept and marked replaced; no remove button on it.
      await visible(
        fileRow(f, 2, 'logo.svg').getByText(w('files.badge.replaced'), { exact: true }),
      );
      await visible(fileRow(f, 2, 'logo.svg').getByText(w('files.replacedHint')));
      await capture(mode, f, '76-project-redelivered');

      // The client: the current file, the old one under "Replaced" with no download; approves.
      await c.reload();
      await waitForBadge(c, 'Logo', w('portal.status.readyToPay'));
      const logo = milestoneItem(c, 'Logo');
      await visible(fileRow(c, 2, 'logo.svg'));
      expect(await fileRow(c, 2, 'logo.svg').count()).toBe(1);
      const replaced = logo.locator('details.replaced-files');
      await replaced.locator('summary').click();
      await visible(replaced.getByText(w('portal.files.replaced'), { exact: true }));
      expect(await replaced.getByRole('link').count()).toBe(0);
      await visible(
        c
          .locator('section.review-box')
          .getByText(w('revisions.roundsUsed', { used: 1, rounds: 2 })),
      );
      await capture(mode, c, '77-portal-redelivered');
      await c
        .locator('section.review-box')
        .getByRole('button', { name: w('revisions.approve') })
        .click();
      await visible(logo.getByText(w('portal.fact.approved'), { exact: true }));
      expect(await c.locator('section.review-box').count()).toBe(0);
      await visible(logo.getByText(w('portal.pay.due', { amount: money(1500_00) })));
      await capture(mode, c, '78-portal-approved');

      // The client's transfer arrives: the freelancer records it; the logo is paid and unlocked.
      await f.reload();
      await visible(milestoneItem(f, 'Logo').getByText(w('project.milestone.approved')));
      await recordTransfer(2, w('project.payment.record'), 'LOGO-1');
      await waitForBadge(f, 'Logo', w('workspace.status.paid'));
      await c.reload();
      await waitForBadge(c, 'Logo', w('portal.status.paid'));
      await visible(c.getByTestId('download-all'));
      expect(await c.getByTestId('download-all').textContent()).toBe(
        w('portal.files.downloadAll', { count: 1 }),
      );
      await visible(c.getByTestId('portal-summary').getByText(w('portal.summary.complete')));
      await capture(mode, c, '79-portal-paid');

      // What the server holds: the old file superseded by the new one, the milestone approved.
      const files = (await (await c.request.get('/api/portal/files')).json()) as {
        files: {
          name: string;
          sha256: string;
          supersededAt: string | null;
          supersededBy: string | null;
        }[];
      };
      const old = files.files.find((x) => x.sha256 === first.sha256);
      const current = files.files.find((x) => x.sha256 === second.sha256);
      expect(old?.supersededAt).not.toBeNull();
      expect(current?.supersededAt).toBeNull();
      expect(pageErrors).toEqual([]);
    });

    it('past the included rounds the request is not offered: more changes need a change order', async () => {
      // Set-up through the API (Maya is signed in above): one milestone of no revision rounds,
      // delivered, shared; the client's screen is what is tested.
      const me = (await (await f.request.get('/api/auth/me')).json()) as { csrfToken: string };
      const headers = { 'x-csrf-token': me.csrfToken };
      const { clients } = (await (await f.request.get('/api/clients')).json()) as {
        clients: { id: string }[];
      };
      const created = await f.request.post('/api/projects', {
        headers,
        data: {
          clientId: clients[0]?.id,
          title: 'Poster',
          currency: 'EUR',
          milestones: [
            {
              title: 'Poster design',
              deliverables: 'One poster',
              dueDate: '2099-05-01',
              amountMinor: 300_00,
              revisionRounds: 0,
            },
          ],
        },
      });
      expect(created.status(), await created.text()).toBe(201);
      const { project, milestones } = (await created.json()) as {
        project: { id: string };
        milestones: { id: string }[];
      };
      const milestoneId = milestones[0]?.id ?? '';
      const delivered = await f.request.post(
        `/api/projects/${project.id}/milestones/${milestoneId}/deliver`,
        { headers },
      );
      expect(delivered.status(), await delivered.text()).toBeLessThan(300);
      const access = await f.request.post(`/api/projects/${project.id}/access`, { headers });
      expect(access.status()).toBe(201);
      const { link } = (await access.json()) as { link: string };

      await c.goto(link);
      await visible(c.getByRole('heading', { name: 'Poster', level: 1 }));
      const review = c.locator('section.review-box');
      await visible(review.getByText(w('revisions.noneIncluded')));
      await visible(review.getByText(w('revisions.changeOrderNeeded', { name: 'Maya Freelance' })));
      expect(await review.getByRole('button', { name: w('revisions.request') }).count()).toBe(0);
      await visible(review.getByRole('button', { name: w('revisions.approve') }));
      await capture(mode, c, '80-portal-rounds-used');
      // The server agrees: a request now is refused as a change order's work.
      const csrf = (
        (await (await c.request.get('/api/portal/project')).json()) as {
          csrfToken: string;
        }
      ).csrfToken;
      const refused = await c.request.post(`/api/portal/milestones/${milestoneId}/revisions`, {
        headers: { 'x-csrf-token': csrf },
        data: { note: 'One more change' },
      });
      expect(refused.status()).toBe(409);
      expect(((await refused.json()) as { error: { code: string } }).error.code).toBe(
        'REVISION_ROUNDS_USED',
      );
      expect(pageErrors).toEqual([]);
    });
  }
});
