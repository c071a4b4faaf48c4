/**
 * Set-up through the HTTP API with a signed-in browser page's own session, for the steps of a
 * journey that are not what its test is about: the freelancer's CSRF token, the first client,
 * a project, a delivery and the client's access code.
 */
import { expect } from 'vitest';
import type { Page } from 'playwright-core';

export interface PlannedMilestone {
  title: string;
  deliverables: string;
  dueDate: string;
  amountMinor: number;
  revisionRounds?: number;
  deposit?: boolean;
}

/** The header the API asks of a signed-in freelancer's writes. */
export async function csrfHeaders(page: Page): Promise<Record<string, string>> {
  const me = (await (await page.request.get('/api/auth/me')).json()) as { csrfToken: string };
  return { 'x-csrf-token': me.csrfToken };
}

/** A project for the freelancer's first client; answers its id and its milestones' ids. */
export async function createProjectThroughApi(
  page: Page,
  project: { title: string; milestones: PlannedMilestone[]; currency?: string },
): Promise<{ projectId: string; milestoneIds: string[] }> {
  const headers = await csrfHeaders(page);
  const { clients } = (await (await page.request.get('/api/clients')).json()) as {
    clients: { id: string }[];
  };
  const created = await page.request.post('/api/projects', {
    headers,
    data: {
      clientId: clients[0]?.id,
      title: project.title,
      currency: project.currency ?? 'EUR',
      milestones: project.milestones,
    },
  });
  expect(created.status(), await created.text()).toBe(201);
  const body = (await created.json()) as {
    project: { id: string };
    milestones: { id: string }[];
  };
  return { projectId: body.project.id, milestoneIds: body.milestones.map((m) => m.id) };
}

/** Marks a milestone delivered. */
export async function deliverThroughApi(
  page: Page,
  projectId: string,
  milestoneId: string,
): Promise<void> {
  const res = await page.request.post(
    `/api/projects/${projectId}/milestones/${milestoneId}/deliver`,
    { headers: await csrfHeaders(page) },
  );
  expect(res.status(), await res.text()).toBe(200);
}

/** Issues the client's access code; answers it. */
export async function shareThroughApi(page: Page, projectId: string): Promise<string> {
  const res = await page.request.post(`/api/projects/${projectId}/access`, {
    headers: await csrfHeaders(page),
  });
  expect(res.status(), await res.text()).toBe(201);
  return ((await res.json()) as { code: string }).code;
}
