/** Files to upload and the listings that show them: shared by the deliverables and payments journeys. */
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { visible } from './browser';

export interface SourceFile {
  name: string;
  path: string;
  bytes: Buffer;
  sha256: string;
}

export function sha256(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** Writes `size` random bytes to `dir/name`. */
export function makeFile(dir: string, name: string, size: number): SourceFile {
  const bytes = randomBytes(size);
  const file = path.join(dir, name);
  fs.writeFileSync(file, bytes);
  return { name, path: file, bytes, sha256: sha256(bytes) };
}

/** The row of a finished file in the freelancer's or the client's listing. */
export function fileRow(
  page: Page,
  milestone: number,
  name: string,
  /** The list's name in the page's language (English by default). */
  listName = `Files of milestone ${milestone}`,
): Locator {
  return page
    .getByRole('list', { name: listName, exact: true })
    .locator('li.file-row')
    .filter({ has: page.locator('.file-name', { hasText: name }) });
}

/** Opens the row's SHA-256 and returns the full value shown. */
export async function shownHash(row: Locator): Promise<string> {
  const details = row.locator('details.hash');
  if ((await details.getAttribute('open')) === null) await row.locator('summary').click();
  const code = row.getByTestId('sha256');
  await visible(code);
  return ((await code.textContent()) ?? '').trim();
}

export async function waitFor(
  what: string,
  check: () => Promise<boolean>,
  timeout = 20_000,
): Promise<void> {
  const deadline = Date.now() + timeout;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`Timed out waiting for ${what}`);
}
