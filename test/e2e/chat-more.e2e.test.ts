/**
 * More of the conversation in a real browser: history older than one page loads on request
 * (70 messages sent through the API, the panel shows the newest page, "Show older messages" at
 * the top brings the first ones without losing the place), the 10,000-character limit is counted
 * down, named when passed and enforced (Send disabled; the server refuses it too), and the chat
 * in German on a 390 px phone in the dark theme, axe-core clean.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Locator, Page } from 'playwright-core';
import {
  PHONE,
  checkAccessibility,
  launchBrowser,
  openParties,
  signUpWithClient,
  visible,
} from './support/browser';
import { startServer, type RunningServer } from './support/server';

const MESSAGES = 70; // more than one page of 50

function panel(page: Page, name = 'Messages'): Locator {
  return page.getByRole('complementary', { name });
}

describe('chat: history, limits, German phone', () => {
  let server: RunningServer;
  let browser: Browser;
  let freelancer: Page;
  let projectId = '';
  let headers: Record<string, string> = {};
  const pageErrors: string[] = [];

  beforeAll(async () => {
    // The sends below come faster than a person's; the rate limit has its own tests.
    server = await startServer({
      env: { CHAT_MESSAGES_PER_SECOND: '1000', CHAT_MESSAGE_BURST: '1000' },
    });
    browser = await launchBrowser();
    ({ freelancer } = await openParties(browser, server.baseUrl, pageErrors));
    await signUpWithClient(freelancer);
    const me = (await (await freelancer.request.get('/api/auth/me')).json()) as {
      csrfToken: string;
    };
    headers = { 'x-csrf-token': me.csrfToken };
    const { clients } = (await (await freelancer.request.get('/api/clients')).json()) as {
      clients: { id: string }[];
    };
    const created = await freelancer.request.post('/api/projects', {
      headers,
      data: {
        clientId: clients[0]?.id,
        title: 'Long talk',
        currency: 'EUR',
        milestones: [
          { title: 'Draft', deliverables: 'A draft', dueDate: '2026-07-01', amountMinor: 100_00 },
        ],
      },
    });
    expect(created.status()).toBe(201);
    projectId = ((await created.json()) as { project: { id: string } }).project.id;
    for (let i = 1; i <= MESSAGES; i++) {
      const sent = await freelancer.request.post(`/api/projects/${projectId}/messages`, {
        headers,
        data: { id: randomUUID(), thread: 'general', text: `Note number ${i}.` },
      });
      expect(sent.status(), `message ${i}`).toBeLessThan(300);
    }
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('older messages load by cursor from the top of the list', async () => {
    const f = freelancer;
    await f.goto(`/app/projects/${projectId}`);
    const chat = panel(f);
    await visible(chat.getByText(`Note number ${MESSAGES}.`, { exact: true }));
    // One page: the newest 50, not the first ones.
    await visible(chat.getByText('Note number 21.', { exact: true }));
    expect(await chat.getByText('Note number 1.', { exact: true }).count()).toBe(0);
    expect(await chat.getByTestId('chat-message').count()).toBe(50);
    const older = chat.getByRole('button', { name: 'Show older messages' });
    await older.scrollIntoViewIfNeeded();
    await older.click();
    await visible(chat.getByText('Note number 1.', { exact: true }));
    expect(await chat.getByTestId('chat-message').count()).toBe(MESSAGES);
    // Nothing older left: the button is gone, and the list is in order, each once.
    await expect.poll(() => older.count()).toBe(0);
    const texts = await chat.getByTestId('chat-message').allTextContents();
    const numbers = texts.map((t) => Number(/Note number (\d+)\./.exec(t)?.[1]));
    expect(numbers).toEqual(Array.from({ length: MESSAGES }, (_, i) => i + 1));
    await checkAccessibility(f, 'chat with its whole history');
    expect(pageErrors).toEqual([]);
  });

  it('the 10,000-character limit is counted, named when passed and enforced', async () => {
    const f = freelancer;
    const chat = panel(f);
    const box = chat.getByLabel('Write a message');
    const send = chat.getByRole('button', { name: 'Send' });
    await box.fill('x'.repeat(9_995));
    await visible(chat.getByText('5 characters left'));
    await box.fill('y'.repeat(10_001));
    await visible(chat.getByText('1 character too many'));
    expect(await send.isDisabled()).toBe(true);
    await box.press('Enter');
    // Exactly 10,000 goes.
    await box.fill('z'.repeat(10_000));
    await visible(chat.getByText('0 characters left'));
    expect(await send.isDisabled()).toBe(false);
    await send.click();
    await expect.poll(() => box.inputValue()).toBe('');
    const page = (await (
      await f.request.get(`/api/projects/${projectId}/messages?thread=general&limit=5`)
    ).json()) as { messages: { text: string | null }[] };
    const lengths = page.messages.map((m) => m.text?.length ?? 0);
    expect(lengths).toContain(10_000);
    expect(lengths).not.toContain(10_001);
    // The server holds the same line.
    const refused = await f.request.post(`/api/projects/${projectId}/messages`, {
      headers,
      data: { id: randomUUID(), thread: 'general', text: 'w'.repeat(10_001) },
    });
    expect(refused.status()).toBe(400);
    expect(pageErrors).toEqual([]);
  });

  it('in German on a 390 px phone, dark: the drawer and its words, axe clean', async () => {
    // The app speaks the account's saved language: Maya switches hers to German.
    const current = (await (await freelancer.request.get('/api/settings')).json()) as {
      name: string;
      businessName: string;
      paymentInstructions: string;
    };
    const switched = await freelancer.request.put('/api/settings', {
      headers,
      data: {
        name: current.name,
        businessName: current.businessName,
        paymentInstructions: current.paymentInstructions,
        locale: 'de',
      },
    });
    expect(switched.status()).toBe(200);
    const context = await browser.newContext({
      baseURL: server.baseUrl,
      viewport: PHONE,
      locale: 'de-DE',
      colorScheme: 'dark',
      storageState: await freelancer.context().storageState(),
    });
    const page = await context.newPage();
    page.on('pageerror', (error) => pageErrors.push(`de: ${error.message}`));
    await page.goto(`/app/projects/${projectId}`);
    await page.getByRole('button', { name: /^Nachrichten/ }).click();
    const chat = page.getByRole('dialog', { name: 'Nachrichten' });
    await visible(chat);
    await chat.getByRole('button', { name: /^Allgemein/ }).click();
    await visible(chat.getByLabel('Nachricht schreiben'));
    await visible(chat.getByRole('button', { name: 'Ältere Nachrichten anzeigen' }));
    await visible(chat.getByText(`Note number ${MESSAGES}.`, { exact: true }));
    expect(await page.evaluate(() => matchMedia('(prefers-color-scheme: dark)').matches)).toBe(
      true,
    );
    const width = await page.evaluate(() => [
      document.documentElement.scrollWidth,
      document.documentElement.clientWidth,
    ]);
    expect(width[0]).toBeLessThanOrEqual(width[1] ?? 0);
    await checkAccessibility(page, 'chat drawer, German, 390 px, dark');
    await context.close();
    expect(pageErrors).toEqual([]);
  });
});
