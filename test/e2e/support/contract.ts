/**
 * The client's acceptance of the contract, which every payment needs first (issue #11): through
 * the API for a journey's set-up, or on the screen as the client does it.
 */
import { expect } from 'vitest';
import type { APIRequestContext, Page } from 'playwright-core';
import { visible } from './browser';
import type { Words } from './words';

/** Reads the portal's current contract and accepts it with a typed name; returns its version. */
export async function acceptContract(
  request: APIRequestContext,
  csrfToken: string,
  fullName = 'Client Person',
): Promise<number> {
  const read = await request.get('/api/portal/contract');
  expect(read.status()).toBe(200);
  const { current } = (await read.json()) as { current: { version: number; sha256: string } };
  const accepted = await request.post('/api/portal/contract/accept', {
    headers: { 'x-csrf-token': csrfToken },
    data: { fullName, sha256: current.sha256 },
  });
  expect(accepted.status(), await accepted.text()).toBe(200);
  return current.version;
}

/** The CSRF token of the portal session the page holds. */
export async function portalCsrf(page: Page): Promise<string> {
  const res = await page.request.get('/api/portal/project');
  expect(res.status()).toBe(200);
  return ((await res.json()) as { csrfToken: string }).csrfToken;
}

/** On the portal screen: types the name, ticks the box, accepts, and sees it accepted. */
export async function acceptContractOnScreen(
  page: Page,
  w: Words,
  fullName: string,
  version = 1,
): Promise<void> {
  const section = page.locator('section#contract');
  await visible(section);
  await section.getByLabel(w('portal.contract.fullName')).fill(fullName);
  await section.getByLabel(w('portal.contract.agree', { version })).check();
  await section.getByRole('button', { name: w('portal.contract.accept') }).click();
  await visible(section.getByTestId('contract-accepted'));
}
