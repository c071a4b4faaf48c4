/**
 * Deliverables in a real browser against the real server: the freelancer uploads two files
 * through the page (tus, resumable), sees their SHA-256, and delivers; the client sees them
 * locked, with names and checksums but no download; once an offline payment is recorded the
 * client downloads one and its bytes hash to the same SHA-256. Then, on the next milestone, an
 * upload is paused, refused delivery while unfinished, resumed while offline (it waits), and
 * carried on when the connection returns, through two dropped requests. Run in full in both
 * modes (issue #9): at 1280 px, light, in English, and on a 390 px phone, dark, in German — each
 * with its own freelancer and client, every word from the app's messages.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page, Response } from 'playwright-core';
import { launchBrowser, visible, waitForBadge } from './support/browser';
import { fileRow as anyFileRow, makeFile, sha256, shownHash, waitFor } from './support/files';
import {
  MODES,
  buildHalfAndHalfProject,
  capture,
  modeName,
  openPage,
  signUpWithClientIn,
  srName,
  wordsFor,
  type Mode,
} from './support/modes';
import { startServer, type RunningServer } from './support/server';

/** The percentage the upload row of `name` shows. */
async function uploadPercent(page: Page, name: string): Promise<number> {
  const row = page.locator('li.upload-row').filter({ hasText: name });
  return Number((await row.locator('progress').getAttribute('value')) ?? '0');
}

/**
 * Throttles or cuts the page's network. One CDP session owns the conditions: Playwright's own
 * setOffline would be overridden by the throttling.
 */
async function networkControl(context: BrowserContext, page: Page) {
  const cdp = await context.newCDPSession(page);
  await cdp.send('Network.enable');
  return async (options: { offline: boolean; uploadBytesPerSecond: number }) => {
    await cdp.send('Network.emulateNetworkConditions', {
      offline: options.offline,
      latency: options.uploadBytesPerSecond > 0 ? 20 : 0,
      downloadThroughput: -1,
      uploadThroughput: options.uploadBytesPerSecond,
    });
  };
}

describe('deliverables', () => {
  let server: RunningServer;
  let browser: Browser;
  let dir: string;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'milepost-e2e-files-'));
    server = await startServer();
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  for (const mode of MODES) describe(modeName(mode), () => journeys(mode));

  function journeys(mode: Mode): void {
    const w = wordsFor(mode.lang);
    const english = mode.lang === 'en';
    let freelancerContext: BrowserContext;
    let freelancer: Page;
    let client: Page;
    // Both the workspace and the portal name the list "Files of milestone N" (files.listLabel and
    // portal.files.listLabel say the same).
    const fileRow = (page: Page, position: number, name: string) =>
      anyFileRow(page, position, name, w('files.listLabel', { position }));
    const addFiles = (page: Page, position: number) =>
      page.getByLabel(w('files.drop.add', { position }));

    beforeAll(async () => {
      freelancer = await openPage(browser, server.baseUrl, mode, 'freelancer', pageErrors);
      freelancerContext = freelancer.context();
      client = await openPage(browser, server.baseUrl, mode, 'client', pageErrors, {
        acceptDownloads: true,
      });
    });

    it('uploads two files, shows them locked to the client, and unlocks them on payment', async () => {
      const f = freelancer;
      const c = client;
      const guide = makeFile(dir, 'brand-guide.pdf', 300 * 1024 + 17);
      const logos = makeFile(dir, 'logo pack (final).zip', 450 * 1024 + 5);

      // Sign up, a client, a two-milestone project.
      await signUpWithClientIn(
        f,
        w,
        english ? 'maya@example.com' : 'maya.de@example.com',
        english ? 'ada@example.com' : 'ada.de@example.com',
      );
      const projectUrl = await buildHalfAndHalfProject(f, w, 'Brand refresh', [
        'Identity',
        'Website',
      ]);

      // The open milestone offers a drop zone with a real, labelled file input and the limit.
      const input = addFiles(f, 1);
      await visible(input);
      await visible(f.getByText(w('files.drop.limits', { max: 5, size: '5 GiB' })));
      await capture(mode, f, '20-files-empty');

      // Two files through the input; both complete and show the SHA-256 computed here.
      await input.setInputFiles([guide.path, logos.path]);
      for (const file of [guide, logos]) {
        const row = fileRow(f, 1, file.name);
        await visible(row, 30_000);
        await visible(row.getByText(w('files.badge.uploaded'), { exact: true }));
        expect(await shownHash(row)).toBe(file.sha256);
        await visible(
          row.getByRole('link', { name: srName(w('files.download', { name: file.name })) }),
        );
      }
      expect(await f.locator('li.upload-row').count()).toBe(0);
      await visible(f.getByText(w('files.count', { used: 2, max: 5 })));
      await visible(f.getByText('300 KiB'));
      await capture(mode, f, '21-files-uploaded');

      // More than five in all is refused, with the limit named, and nothing is added.
      const extras = [1, 2, 3, 4].map((i) => makeFile(dir, `extra-${i}.bin`, 1024));
      await input.setInputFiles(extras.map((x) => x.path));
      await visible(f.getByText(w('files.reject.tooMany', { max: 5, chosen: 4, room: 3 })));
      expect(await f.locator('li.upload-row').count()).toBe(0);
      await capture(mode, f, '22-files-limit');

      // Share, and the client opens the project: milestone 1 is open, no files shown yet.
      await f.getByRole('button', { name: w('workspace.next.share.button') }).click();
      const code = ((await f.getByTestId('access-code').textContent()) ?? '').trim();
      await c.goto('/portal');
      await c.getByLabel(w('portal.code.label')).fill(code);
      await c.getByRole('button', { name: w('portal.code.submit') }).click();
      await visible(c.getByRole('heading', { name: 'Brand refresh', level: 1 }));
      await waitForBadge(c, 'Identity', w('portal.status.inProgress'));
      expect(await c.getByText('brand-guide.pdf').count()).toBe(0);

      // Delivered: the client's portal shows both files locked, with names and hashes, no download.
      await f.goto(projectUrl);
      await f
        .getByRole('button', { name: w('workspace.deliver.button') })
        .first()
        .click();
      await f.getByRole('button', { name: w('workspace.deliver.confirm') }).click();
      await waitForBadge(f, 'Identity', w('workspace.status.delivered'));
      await visible(fileRow(f, 1, guide.name).getByText(w('files.badge.locked')));
      expect(await addFiles(f, 1).count()).toBe(0);

      // No reload: the portal refreshes when its window regains focus (and every 15 s).
      await c.evaluate(() => window.dispatchEvent(new Event('focus')));
      await waitForBadge(c, 'Identity', w('portal.status.readyToPay'));
      await visible(c.getByText(w('portal.files.locked')));
      for (const file of [guide, logos]) {
        const row = fileRow(c, 1, file.name);
        await visible(row);
        expect(await shownHash(row)).toBe(file.sha256);
      }
      const downloadWord = new RegExp(w('portal.files.download'));
      expect(await c.getByRole('link', { name: downloadWord }).count()).toBe(0);
      expect(await c.getByRole('button', { name: downloadWord }).count()).toBe(0);
      // The server agrees: no bytes before payment.
      const fileHref = await fileRow(f, 1, guide.name)
        .getByRole('link', { name: srName(w('files.download', { name: guide.name })) })
        .getAttribute('href');
      expect(fileHref).toMatch(/^\/api\/files\/[0-9a-f]{32}$/);
      const early = await c.request.get(fileHref ?? '');
      expect(early.status()).toBe(402);
      await capture(mode, c, '23-portal-files-locked');

      // The freelancer records an offline payment.
      await f.getByRole('button', { name: w('project.payment.record') }).click();
      const form = f.getByRole('form', { name: w('project.payment.formLabel', { position: 1 }) });
      await form.getByRole('button', { name: w('project.payment.record') }).click();
      await f.getByRole('button', { name: w('workspace.payment.confirm') }).click();
      await waitForBadge(f, 'Identity', w('workspace.status.paid'));
      await waitForBadge(f, 'Website', w('workspace.status.open'));
      await visible(
        fileRow(f, 1, guide.name).getByText(w('files.badge.unlocked'), { exact: true }),
      );

      // The client reloads: unlocked; a download's bytes hash to the same SHA-256.
      await c.reload();
      await waitForBadge(c, 'Identity', w('portal.status.paid'));
      expect(await c.getByText(w('portal.files.locked')).count()).toBe(0);
      // The portal's link: "Download" and, for screen readers, the file's name.
      const link = c.getByRole('link', { name: `${w('portal.files.download')} ${logos.name}` });
      await visible(link);
      expect(await link.getAttribute('download')).not.toBeNull();
      await capture(mode, c, '24-portal-files-unlocked');
      const [download] = await Promise.all([c.waitForEvent('download'), link.click()]);
      expect(download.suggestedFilename()).toBe(logos.name);
      const saved = await download.path();
      const received = fs.readFileSync(saved);
      expect(received.length).toBe(logos.bytes.length);
      expect(sha256(received)).toBe(logos.sha256);

      // The freelancer's download log shows it: who, when, how many bytes.
      const who = w('payments.downloads.client');
      const line = w('payments.downloads.line', { who, file: logos.name });
      const downloaded = line.slice(line.indexOf(who) + who.length).trim();
      await waitFor('the client download in the log', async () => {
        await f.reload();
        // On a phone the side column's sections are folded: the log is there all the same,
        // once the page has its files (waited for, so a slow load is not reloaded again).
        await f.locator('#downloads-heading').waitFor({ state: 'attached' });
        return (await f.locator('.downloads li').filter({ hasText: downloaded }).count()) > 0;
      });
      const entry = f.locator('.downloads li').filter({ hasText: downloaded });
      expect(await entry.getByText(who, { exact: true }).count()).toBe(1);
      const meta =
        '450 KiB' +
        w('payments.downloads.requests', { count: 1 }) +
        w('payments.downloads.complete', { count: 1 });
      expect(
        ((await entry.locator('.activity-meta').textContent()) ?? '').replace(/\s+/g, ' '),
      ).toContain(meta.replace(/\s+/g, ' '));
      await capture(mode, f, '25-downloads-log');

      expect(pageErrors).toEqual([]);
    });

    it('pauses, refuses delivery while unfinished, and resumes through an outage', async () => {
      const f = freelancer;
      const big = makeFile(dir, 'website-source.tar', 3 * 1024 * 1024 + 123);
      await visible(addFiles(f, 2));

      // Slow the upload so there is time to pause it part-way.
      const network = await networkControl(freelancerContext, f);
      await network({ offline: false, uploadBytesPerSecond: 256 * 1024 });

      await addFiles(f, 2).setInputFiles(big.path);
      const row = f.locator('li.upload-row').filter({ hasText: big.name });
      await visible(row);
      await visible(
        row.getByRole('progressbar', { name: w('files.progressOf', { name: big.name }) }),
      );
      await waitFor('some progress', async () => (await uploadPercent(f, big.name)) >= 10);
      await visible(row.getByText(/\/s$/));

      // Paused before the screens are captured (capturing takes longer than the upload).
      await row.getByRole('button', { name: srName(w('files.pause', { name: big.name })) }).click();
      await visible(row.getByText(w('files.state.paused'), { exact: true }));
      const pausedAt = await uploadPercent(f, big.name);
      expect(pausedAt).toBeGreaterThanOrEqual(10);
      expect(pausedAt).toBeLessThan(100);
      await f.waitForTimeout(500);
      expect(await uploadPercent(f, big.name)).toBe(pausedAt);
      await capture(mode, f, '26-upload-paused-progress');

      // Delivering now is refused with the server's reason (in German, the words for its code).
      await f
        .getByRole('button', { name: w('workspace.deliver.button') })
        .first()
        .click();
      await f.getByRole('button', { name: w('workspace.deliver.confirm') }).click();
      await visible(
        f
          .getByRole('alert')
          .filter({ hasText: english ? 'still uploading' : w('common.error.UPLOADS_IN_PROGRESS') }),
      );
      await visible(f.getByText(big.name).first());
      await capture(mode, f, '27-upload-paused');

      // Resuming while offline waits for the connection instead of failing.
      await network({ offline: true, uploadBytesPerSecond: 256 * 1024 });
      await row
        .getByRole('button', { name: srName(w('files.resume', { name: big.name })) })
        .click();
      await visible(row.getByText(w('files.state.offline'), { exact: true }));
      await visible(row.getByText(w('files.upload.offline')));
      await capture(mode, f, '28-upload-offline');

      // Back online it carries on by itself; two dropped requests on the way are retried.
      let heads = 0;
      let dropped = 0;
      await f.route('**/api/uploads/*', async (route) => {
        if (route.request().method() === 'HEAD') {
          heads += 1;
          if (dropped < 2) {
            dropped += 1;
            await route.abort('connectionreset');
            return;
          }
        }
        await route.continue();
      });
      await network({ offline: false, uploadBytesPerSecond: 256 * 1024 });
      await visible(row.getByText(w('files.upload.retryingIn', { seconds: 1 })));
      await waitFor(
        'progress after resuming',
        async () => (await uploadPercent(f, big.name)) > pausedAt,
      );
      expect(heads).toBe(3);
      await network({ offline: false, uploadBytesPerSecond: -1 });

      const done = fileRow(f, 2, big.name);
      await visible(done, 60_000);
      expect(await shownHash(done)).toBe(big.sha256);
      await f.unroute('**/api/uploads/*');

      // Removing a finished file asks first, then deletes it.
      await done
        .getByRole('button', { name: srName(w('files.remove', { name: big.name })) })
        .click();
      await done.getByRole('button', { name: w('project.milestone.removeYes') }).click();
      await waitFor('the file to go', async () => (await fileRow(f, 2, big.name).count()) === 0);
      await visible(f.getByText(w('files.count', { used: 0, max: 5 })));

      // Dropping a file on the zone uploads it too.
      const dropBytes = randomBytes(64 * 1024 + 3);
      const dataTransfer = await f.evaluateHandle(
        (bytes) => {
          const transfer = new DataTransfer();
          transfer.items.add(
            new File([new Uint8Array(bytes)], 'dropped notes.txt', { type: 'text/plain' }),
          );
          return transfer;
        },
        [...dropBytes],
      );
      await f.locator('.dropzone').dispatchEvent('drop', { dataTransfer });
      const droppedRow = fileRow(f, 2, 'dropped notes.txt');
      await visible(droppedRow, 30_000);
      expect(await shownHash(droppedRow)).toBe(sha256(dropBytes));
      await visible(droppedRow.getByText('text/plain'));
      await network({ offline: false, uploadBytesPerSecond: -1 });

      expect(pageErrors).toEqual([]);
    });
    it('resumes after a reload when the same file is chosen again', async () => {
      const f = freelancer;
      const big = makeFile(dir, 'video-master.mov', 2 * 1024 * 1024 + 77);
      const network = await networkControl(freelancerContext, f);
      await network({ offline: false, uploadBytesPerSecond: 256 * 1024 });
      await addFiles(f, 2).setInputFiles(big.path);
      const row = f.locator('li.upload-row').filter({ hasText: big.name });
      await waitFor('some progress', async () => (await uploadPercent(f, big.name)) >= 15);
      await row.getByRole('button', { name: srName(w('files.pause', { name: big.name })) }).click();
      await visible(row.getByText(w('files.state.paused'), { exact: true }));
      const pausedAt = await uploadPercent(f, big.name);

      // After a reload the listing still knows the unfinished upload and says how to finish it.
      await f.reload();
      const unfinished = fileRow(f, 2, big.name);
      await visible(unfinished.getByText(w('files.badge.unfinished'), { exact: true }));
      await visible(unfinished.getByText(w('files.interrupted')));
      await capture(mode, f, '29-upload-unfinished');

      // Choosing it again continues from the server's offset rather than starting over: no new
      // upload is created, and the server reports the bytes it already holds.
      const creations: string[] = [];
      const offsets: number[] = [];
      const watch = (response: Response) => {
        const request = response.request();
        if (!new URL(request.url()).pathname.startsWith('/api/uploads')) return;
        if (request.method() === 'POST') creations.push(request.url());
        if (request.method() === 'HEAD')
          offsets.push(Number(response.headers()['upload-offset'] ?? '0'));
      };
      f.on('response', watch);
      await addFiles(f, 2).setInputFiles(big.path);
      const again = f.locator('li.upload-row').filter({ hasText: big.name });
      await visible(again.getByText(w('files.resumed')));
      await waitFor('progress beyond the pause', async () => {
        if ((await again.count()) === 0) return true;
        return (await uploadPercent(f, big.name)) >= pausedAt;
      });
      await network({ offline: false, uploadBytesPerSecond: -1 });
      const done = fileRow(f, 2, big.name);
      await visible(done.getByText(w('files.badge.uploaded'), { exact: true }), 30_000);
      expect(await shownHash(done)).toBe(big.sha256);
      f.off('response', watch);
      expect(creations).toEqual([]);
      expect(offsets.length).toBeGreaterThan(0);
      expect(offsets[0]).toBeGreaterThan(0);
      // One file, not two: the resumed upload is the same file.
      expect(await fileRow(f, 2, big.name).count()).toBe(1);
      await visible(f.getByText(w('files.count', { used: 2, max: 5 })));

      expect(pageErrors).toEqual([]);
    });
  }
});
