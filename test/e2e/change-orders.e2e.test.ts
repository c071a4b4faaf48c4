/**
 * Change orders in Chromium (issue #11): the client accepted the contract (through the API in
 * set-up); the freelancer proposes a change order on the project page that re-prices the last
 * milestone (the builder's live before/after shows the new total); the client sees "… proposes a
 * change" in the portal with before/after side by side, accepts with their name, and the portal
 * shows the new amount and contract version 2. At 1280 px (freelancer) and 390 px (client),
 * axe-core clean.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { PHONE, checkAccessibility, launchBrowser, openParties, visible } from './support/browser';
import { acceptContract, portalCsrf } from './support/contract';
import { startServer, type RunningServer } from './support/server';

describe('change orders', () => {
  let server: RunningServer;
  let browser: Browser;
  let freelancer: Page;
  let client: Page;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    server = await startServer();
    browser = await launchBrowser();
    ({ freelancer, client } = await openParties(browser, server.baseUrl, pageErrors, {
      client: { viewport: PHONE, locale: 'en-GB' },
      freelancer: { locale: 'en-GB' },
    }));
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('the freelancer re-prices the last milestone, the client accepts, the portal shows the new amount and contract version 2', async () => {
    const f = freelancer;
    const c = client;
    // Set-up through the API: Ann, her client, a project of two milestones, shared.
    const signup = await f.request.post('/api/auth/signup', {
      data: { email: 'ann@example.com', password: 'correct horse battery', name: 'Ann Design' },
    });
    expect(signup.status(), await signup.text()).toBe(201);
    const csrf = ((await signup.json()) as { csrfToken: string }).csrfToken;
    const headers = { 'x-csrf-token': csrf };
    const created = await f.request.post('/api/clients', {
      headers,
      data: { name: 'Bea Client', email: 'bea@example.com' },
    });
    expect(created.status(), await created.text()).toBe(201);
    const clientId = ((await created.json()) as { client: { id: string } }).client.id;
    const project = await f.request.post('/api/projects', {
      headers,
      data: {
        clientId,
        title: 'Brand refresh',
        currency: 'EUR',
        milestones: [
          {
            title: 'Logo',
            deliverables: 'Logo files',
            dueDate: '2099-03-01',
            amountMinor: 240_000,
          },
          { title: 'Website', deliverables: 'Pages', dueDate: '2099-04-01', amountMinor: 390_000 },
        ],
      },
    });
    expect(project.status(), await project.text()).toBe(201);
    const projectId = ((await project.json()) as { project: { id: string } }).project.id;
    const access = await f.request.post(`/api/projects/${projectId}/access`, { headers });
    expect(access.status()).toBe(201);
    const { link } = (await access.json()) as { link: string };

    await c.goto(link);
    await visible(c.getByRole('heading', { name: 'Brand refresh', level: 1 }));
    expect(await acceptContract(c.request, await portalCsrf(c), 'Bea Client')).toBe(1);

    // The freelancer builds the change order with a live before/after.
    await f.goto(`/app/projects/${projectId}`);
    const builder = f.locator('section[aria-labelledby="change-orders-heading"]');
    await visible(builder);
    await builder.getByRole('button', { name: 'Propose a change' }).click();
    const amount = builder.getByLabel('Amount of milestone 2');
    await amount.fill('4200');
    await visible(builder.getByTestId('co-new-total').getByText('€6,600.00'));
    await builder.getByLabel('Reason (the client reads it)').fill('A second round of page designs');
    await checkAccessibility(f, 'change-order builder 1280');
    await builder.getByRole('button', { name: 'Send to the client' }).click();
    await visible(builder.getByText(/Change order 1: waiting for the client/));

    // The client sees the proposal on the phone and accepts it.
    await c.reload();
    const card = c.locator('section.co-card');
    await visible(card.getByRole('heading', { name: /Ann Design proposes a change/ }));
    await visible(card.getByText('€3,900.00'));
    await visible(card.getByText('€4,200.00'));
    await checkAccessibility(c, 'change-order card 390');
    await card.getByLabel('Your full name').fill('Bea Client');
    await card.getByRole('button', { name: 'Accept the change' }).click();
    await visible(c.getByText('Change order 1: accepted, contract version 2.'));
    await visible(c.getByText('€4,200.00').first());
    await checkAccessibility(c, 'change-order accepted 390');
    const width = await c.evaluate(() => document.documentElement.scrollWidth);
    expect(width).toBeLessThanOrEqual(390);

    const contract = (await (await c.request.get('/api/portal/contract')).json()) as {
      current: { version: number; reason: string; acceptedAt: string | null };
    };
    expect(contract.current).toMatchObject({ version: 2, reason: 'change_order' });
    expect(contract.current.acceptedAt).not.toBeNull();
    expect(pageErrors).toEqual([]);
  });
});
