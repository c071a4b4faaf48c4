/**
 * Disputes in Chromium (issue #11), in both modes (English at 1280 px light; German on a 390 px
 * phone, dark): on a delivered, unpaid milestone the client opens a dispute with a statement, and
 * the Pay button gives way to a message that payment waits; the freelancer reads it on the project
 * page (its Next card pointing at the dispute, not at recording a payment) and proposes a revision
 * with a new due date; the client accepts it, and the milestone is open again for the revision
 * (no Pay); the freelancer delivers again, and Pay is back with no fresh contract acceptance —
 * every step a click on the screen, axe-core clean, screenshots named by mode.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { createProjectThroughApi, deliverThroughApi, shareThroughApi } from './support/api';
import { launchBrowser, visible } from './support/browser';
import { acceptContract, portalCsrf } from './support/contract';
import { FakeStripe } from './support/fake-stripe';
import { MODES, capture, modeName, openPage, signUpWithClientIn, type Mode } from './support/modes';
import { startServer, type RunningServer } from './support/server';
import { wordsFor } from './support/words';

describe('disputes', () => {
  let fake: FakeStripe;
  let server: RunningServer;
  let browser: Browser;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    fake = await FakeStripe.start();
    server = await startServer({
      env: {
        STRIPE_SECRET_KEY: 'sk_test_e2e',
        STRIPE_WEBHOOK_SECRET: 'whsec_e2e_disputes',
        STRIPE_API_URL: fake.url,
      },
    });
    fake.appUrl = server.baseUrl;
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    await fake?.close();
  });

  for (const mode of MODES) describe(modeName(mode), () => journey(mode));

  function journey(mode: Mode): void {
    const w = wordsFor(mode.lang);
    const english = mode.lang === 'en';
    const item = (page: Page) =>
      page
        .locator('li.timeline-item')
        .filter({ has: page.getByRole('heading', { name: 'Poster' }) });
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

    it('the client disputes a delivery: Pay waits; a revision is proposed and accepted: reopened; re-delivered, Pay is back', async () => {
      await signUpWithClientIn(
        f,
        w,
        english ? 'maya.dispute@example.com' : 'maya.dispute.de@example.com',
        english ? 'ada.dispute@example.com' : 'ada.dispute.de@example.com',
      );
      const { projectId, milestoneIds } = await createProjectThroughApi(f, {
        title: 'Poster campaign',
        milestones: [
          {
            title: 'Poster',
            deliverables: 'Poster files',
            dueDate: '2027-01-15',
            amountMinor: 800_00,
          },
        ],
      });
      const milestoneId = milestoneIds[0] ?? '';
      await deliverThroughApi(f, projectId, milestoneId);
      const code = await shareThroughApi(f, projectId);

      // The client opens the portal, has accepted the contract, and can pay by card.
      await c.goto('/portal');
      await c.getByLabel(w('portal.code.label')).fill(code);
      await c.getByRole('button', { name: w('portal.code.submit') }).click();
      await visible(c.getByRole('heading', { name: 'Poster campaign', level: 1 }));
      await acceptContract(c.request, await portalCsrf(c));
      await c.reload();
      const pay = item(c).getByRole('button', {
        name: w('portal.pay.byCard', { amount: w.money(800_00, 'EUR') }),
      });
      await visible(pay);
      const summaryPay = c.getByTestId('portal-summary').getByRole('button', {
        name: w('portal.summary.pay', { amount: w.money(800_00, 'EUR') }),
      });
      await visible(summaryPay);

      // A statement is required; then the dispute is open and Pay gives way to the message.
      await item(c)
        .getByRole('button', { name: w('disputes.open.button') })
        .click();
      await item(c)
        .getByRole('button', { name: w('disputes.open.submit') })
        .click();
      await visible(item(c).getByText(w('disputes.textMissing')));
      await item(c)
        .getByLabel(w('disputes.open.statement'))
        .fill('The poster uses last year’s logo.');
      await item(c)
        .getByRole('button', { name: w('disputes.open.submit') })
        .click();
      await visible(c.getByTestId(`pay-blocked-${milestoneId}`));
      await visible(item(c).getByText(w('portal.pay.disputed')));
      expect(await pay.count()).toBe(0);
      expect(await summaryPay.count()).toBe(0);
      await visible(c.getByTestId('portal-summary').getByText(w('portal.pay.disputed')));
      await visible(item(c).getByText(w('portal.milestone.disputed'), { exact: true }));
      await visible(item(c).getByText('The poster uses last year’s logo.'));
      await capture(mode, c, '90-portal-dispute-open');

      // The freelancer sees it on the project page and proposes a revision with a new due date.
      await f.goto(`/app/projects/${projectId}`);
      const panel = f.getByTestId(`dispute-${milestoneId}`);
      await visible(panel.getByText(w('disputes.status.open'), { exact: true }));
      await visible(panel.getByText('The poster uses last year’s logo.'));
      await visible(panel.getByText(w('disputes.paymentWaits')));
      // Recording a payment waits too: the button gives way to the reason.
      await visible(f.getByTestId(`payment-waits-${milestoneId}`));
      expect(await f.getByRole('button', { name: w('project.payment.record') }).count()).toBe(0);
      // The Next card points at the dispute, not at recording a payment.
      const next = f.locator('section.next-card');
      await visible(
        next.getByText(w('workspace.next.dispute.title', { position: 1, title: 'Poster' })),
      );
      await visible(
        next.getByRole('link', { name: w('workspace.next.dispute.link', { position: 1 }) }),
      );
      expect(
        await next
          .getByRole('link', { name: w('workspace.next.payment.link', { position: 1 }) })
          .count(),
      ).toBe(0);
      await panel.getByRole('button', { name: w('disputes.propose.button') }).click();
      await panel.getByLabel(w('disputes.propose.kind')).selectOption('revision');
      await panel.getByLabel(w('disputes.propose.date')).fill('2027-02-01');
      await panel.getByLabel(w('disputes.propose.note')).fill('New logo, one more round.');
      await panel.getByRole('button', { name: w('disputes.propose.submit') }).click();
      const proposed = w('disputes.resolution.revision', { date: w.date('2027-02-01') });
      await visible(
        panel.getByText(w('disputes.proposal.mine', { who: 'Ada Client', resolution: proposed })),
      );
      await capture(mode, f, '91-project-dispute-proposed');

      // The client accepts: the dispute is resolved, and Pay is back.
      await c.reload();
      const answer = c.getByTestId(`dispute-answer-${milestoneId}`);
      await visible(
        answer.getByText(
          w('disputes.proposal.theirs', { who: 'Maya Freelance', resolution: proposed }),
        ),
      );
      await answer.getByRole('button', { name: w('disputes.accept'), exact: true }).click();
      // Applied at once: the milestone is open again for the agreed revision; Pay waits for the
      // re-delivery (no longer for the dispute).
      await visible(item(c).getByText(w('portal.revision.requested', { name: 'Maya Freelance' })));
      expect(await pay.count()).toBe(0);
      expect(await c.getByTestId(`pay-blocked-${milestoneId}`).count()).toBe(0);
      await capture(mode, c, '92-portal-dispute-resolved');

      // The freelancer delivers again: Pay is back, without a fresh contract acceptance.
      await deliverThroughApi(f, projectId, milestoneId);
      await c.reload();
      await visible(pay);
      await visible(summaryPay);
      await visible(item(c).getByText(w('disputes.closed.resolved', { resolution: proposed })));
      expect(await c.getByTestId(`pay-blocked-${milestoneId}`).count()).toBe(0);
      await capture(mode, c, '93-portal-redelivered-after-dispute');

      // The server agrees: the checkout opens.
      const started = await c.request.post(`/api/portal/milestones/${milestoneId}/checkout`, {
        headers: { 'x-csrf-token': await portalCsrf(c) },
      });
      expect(started.status(), await started.text()).toBe(200);
      expect(pageErrors).toEqual([]);
    });
  }
});
