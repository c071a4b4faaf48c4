/**
 * The project conversation in a real browser: the freelancer (app) and the client (portal), each
 * in a browser context of their own, chat live in the general thread and a milestone's thread —
 * both directions, a quoted reply, an edit, a deletion, unread badges, "Seen", links made
 * clickable and markup kept as text, a delivery appearing as a system entry — beside the
 * timeline at 1280 px and in a drawer at 390 px, light and dark, axe clean. Then the client goes
 * offline: the draft is kept, a message written offline waits and is sent once when back.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import {
  PHONE,
  DESKTOP,
  captureScreen,
  checkAccessibility,
  launchBrowser,
  openParties,
  signUpWithClient,
  visible,
  waitForBadge,
} from './support/browser';
import { SCREENSHOT_DIR } from './support/paths';
import { startServer, type RunningServer } from './support/server';

function panel(page: Page): Locator {
  return page.getByRole('complementary', { name: 'Messages' });
}

function message(scope: Page | Locator, text: string): Locator {
  return scope.getByTestId('chat-message').filter({ hasText: text });
}

async function write(scope: Page | Locator, text: string): Promise<void> {
  const box = scope.getByLabel('Write a message');
  await box.fill(text);
  await box.press('Enter');
}

async function until(check: () => Promise<boolean>, what: string, timeout = 15_000) {
  const deadline = Date.now() + timeout;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`Timed out waiting for ${what}`);
}

describe('chat', () => {
  let server: RunningServer;
  let browser: Browser;
  let clientContext: BrowserContext;
  let freelancer: Page;
  let client: Page;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    server = await startServer();
    browser = await launchBrowser();
    ({ clientContext, freelancer, client } = await openParties(
      browser,
      server.baseUrl,
      pageErrors,
    ));
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('freelancer and client chat live, reply, edit, delete, see unread badges and "Seen"', async () => {
    const f = freelancer;
    const c = client;
    await signUpWithClient(f);
    await f.goto('/app/projects/new');
    await f.getByLabel('Client', { exact: true }).selectOption({ label: 'Ada Client' });
    await f.getByLabel('Project title').fill('Brand refresh');
    await f.getByLabel('Project total (EUR)').fill('2,000');
    await f.getByRole('button', { name: 'Half up front' }).click();
    for (const [i, title] of ['Identity', 'Website'].entries()) {
      const group = f.getByRole('group', { name: `Milestone ${i + 1}` });
      await group.getByLabel('Title').fill(title);
      await group.getByLabel('Deliverables').fill(`${title} files`);
    }
    await f.getByRole('button', { name: 'Create project' }).click();
    await visible(f.getByRole('heading', { name: 'Brand refresh', level: 1 }));
    await waitForBadge(f, 'Identity', 'Open');
    await f.getByRole('button', { name: 'Share with client' }).click();
    const code = ((await f.getByTestId('access-code').textContent()) ?? '').trim();
    await c.goto('/portal');
    await c.getByLabel('Access code').fill(code);
    await c.getByRole('button', { name: 'Open project' }).click();
    await visible(c.getByRole('heading', { name: 'Brand refresh', level: 1 }));

    // Beside the timeline at 1280 px, for both.
    const fp = panel(f);
    const cp = panel(c);
    await visible(fp.getByRole('heading', { name: 'Messages' }));
    await visible(cp.getByText('No messages here yet. Write the first one below.'));

    // Freelancer → client, live; the link is clickable, markup stays text.
    await write(fp, 'Hello Ada, the plan is at https://example.com/plan <b>bold?</b>');
    await visible(message(fp, 'Hello Ada'));
    const arrived = message(cp, 'Hello Ada');
    await visible(arrived);
    await visible(arrived.getByRole('link', { name: 'https://example.com/plan' }));
    expect(await arrived.locator('b').count()).toBe(0);
    await visible(arrived.getByText('<b>bold?</b>', { exact: false }));
    await visible(arrived.getByText('Maya Freelance'));
    // The client's screen reader hears it.
    await until(
      async () =>
        ((await c.getByTestId('chat-announcer').textContent()) ?? '').includes(
          'New message from Maya Freelance: Hello Ada',
        ),
      'the announcement',
    );
    // The client read it (the panel shows it): the freelancer sees "Seen".
    await visible(message(fp, 'Hello Ada').getByText('Seen'));

    // Client → freelancer, as a quoted reply.
    await arrived.getByRole('button', { name: 'Reply' }).click();
    await visible(cp.getByText('Replying to Maya Freelance'));
    await write(cp, 'Thanks! Looks good.');
    const reply = message(fp, 'Thanks! Looks good.');
    await visible(reply);
    await visible(reply.getByText('In reply to You'));
    await visible(reply.getByText('Ada Client'));

    // The client edits it within ten minutes: shown as edited on both sides.
    await message(cp, 'Thanks! Looks good.').getByRole('button', { name: 'Edit' }).click();
    const box = cp.getByLabel('Write a message');
    // The composer takes the message's text after the click has rendered the edit mode.
    await until(
      async () => (await box.inputValue()) === 'Thanks! Looks good.',
      'the message to edit in the box',
    );
    await box.fill('Thanks! Looks very good.');
    await box.press('Enter');
    await visible(message(fp, 'Thanks! Looks very good.').getByText('edited'));
    await visible(message(cp, 'Thanks! Looks very good.').getByText('edited'));

    // The freelancer deletes a message of theirs: a tombstone on both sides.
    await write(fp, 'Wrong project, sorry');
    await visible(message(cp, 'Wrong project, sorry'));
    await message(fp, 'Wrong project, sorry').getByRole('button', { name: 'Delete' }).click();
    const confirm = f.getByRole('alertdialog', { name: 'Delete this message?' });
    await visible(confirm);
    await confirm.getByRole('button', { name: 'Delete' }).click();
    await visible(message(fp, 'This message was deleted.'));
    await visible(message(cp, 'This message was deleted.'));
    await until(
      async () => (await message(cp, 'Wrong project, sorry').count()) === 0,
      'the deleted text to go',
    );

    // A message in a milestone's thread: an unread badge on that thread for the freelancer.
    await cp.getByRole('button', { name: /^1\. Identity/ }).click();
    await write(cp, 'A question about the logo colours');
    const identity = fp.getByRole('button', { name: /^1\. Identity/ });
    await visible(identity.getByText('1 unread'));
    await until(
      async () =>
        ((await f.getByTestId('chat-announcer').textContent()) ?? '').includes(
          'New message from Ada Client in 1. Identity',
        ),
      'the announcement of the other thread',
    );
    await captureScreen(f, '60-chat-freelancer');
    await identity.click();
    await visible(message(fp, 'A question about the logo colours'));
    await until(async () => (await identity.getByText('1 unread').count()) === 0, 'badge gone');

    // A delivery appears in the milestone's thread for the client, without reloading.
    await f.getByRole('button', { name: 'Mark delivered' }).click();
    await f.getByRole('alertdialog').getByRole('button', { name: 'Yes, mark delivered' }).click();
    await visible(message(cp, 'Milestone 1, Identity, was delivered.'));
    await captureScreen(c, '61-chat-client');

    // On a phone: a button with the unread count opens the conversation in a drawer.
    await c.setViewportSize(PHONE);
    await cp.waitFor({ state: 'detached' });
    await fp.getByRole('button', { name: /^General/ }).click();
    await write(fp, 'Are you on your phone?');
    const fab = c.getByRole('button', { name: /^Messages/ });
    await visible(fab.getByText('1 unread message'));
    await fab.click();
    const drawer = c.getByRole('dialog', { name: 'Messages' });
    await visible(drawer);
    await drawer.getByRole('button', { name: /^General/ }).click();
    await visible(message(drawer, 'Are you on your phone?'));
    await visible(message(fp, 'Are you on your phone?').getByText('Seen'));
    await write(drawer, 'Yes, from the train');
    await visible(message(fp, 'Yes, from the train'));
    await checkAccessibility(c, 'chat drawer @390');
    await c.emulateMedia({ colorScheme: 'dark' });
    await checkAccessibility(c, 'chat drawer @390 dark');
    await c.screenshot({ path: path.join(SCREENSHOT_DIR, '62-chat-drawer-390-dark.png') });
    await c.emulateMedia({ colorScheme: 'light' });
    await c.keyboard.press('Escape');
    await drawer.waitFor({ state: 'detached' });
    await until(async () => (await fab.getByText(/unread/).count()) === 0, 'the badge to go');
    await c.setViewportSize(DESKTOP);
    expect(pageErrors).toEqual([]);
  });

  it('keeps the draft, queues what is written offline and sends it once when back', async () => {
    const f = freelancer;
    const c = client;
    const cp = panel(c);
    await visible(cp);
    await cp.getByRole('button', { name: /^General/ }).click();

    // A draft survives a reload.
    await cp.getByLabel('Write a message').fill('Half a thought');
    await c.reload();
    await visible(panel(c).getByLabel('Write a message'));
    expect(await panel(c).getByLabel('Write a message').inputValue()).toBe('Half a thought');

    // Offline: the banner says so; a message written now waits, then goes once when back.
    await clientContext.setOffline(true);
    await visible(panel(c).getByText('You are offline.', { exact: false }));
    await write(panel(c), 'Written in a tunnel');
    const pending = panel(c).getByTestId('chat-pending').filter({ hasText: 'Written in a tunnel' });
    await visible(pending.getByText('Not sent yet', { exact: false }));
    expect(await panel(c).getByLabel('Write a message').inputValue()).toBe('');
    await new Promise((r) => setTimeout(r, 1_000));
    expect(await message(panel(f), 'Written in a tunnel').count()).toBe(0);
    await clientContext.setOffline(false);
    await visible(message(panel(f), 'Written in a tunnel'));
    await visible(message(panel(c), 'Written in a tunnel'));
    await until(
      async () => (await panel(c).getByText('You are offline.', { exact: false }).count()) === 0,
      'the banner to go',
    );
    expect(await panel(c).getByTestId('chat-pending').count()).toBe(0);
    // Sent exactly once.
    await new Promise((r) => setTimeout(r, 2_500));
    expect(await message(panel(f), 'Written in a tunnel').count()).toBe(1);
    expect(pageErrors).toEqual([]);
  });
});
