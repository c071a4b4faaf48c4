/**
 * Bad input gets a 4xx with `{ error: { code, message, field? } }` naming the field, and never
 * changes what is stored: wrong types, missing fields, oversize strings, bad currencies,
 * negative/fractional/huge amounts, impossible dates, unknown fields, malformed or non-JSON
 * bodies. Each case compares everything the freelancer can see before and after.
 */
import { beforeAll, describe, expect, test } from 'vitest';
import * as C from './contract';
import {
  Actor,
  HOOK_TIMEOUT,
  SUITE_TIMEOUT,
  deliver,
  dialects,
  expectError,
  expectStatus,
  getPortal,
  milestoneInput,
  milestonesByAmount,
  milestonesByPercent,
  openPortal,
  ownerSnapshot,
  paymentBody,
  setupProject,
  share,
  signUp,
  uniqueEmail,
  useApp,
  type Method,
} from './harness';

type Ids = Readonly<Record<string, string>>;

interface BadCase {
  name: string;
  method: Method;
  path: string;
  /** Who sends it; the freelancer A by default. */
  as?: 'freelancer' | 'anonymous' | 'portal';
  body?: (ids: Ids) => unknown;
  raw?: { body: string; contentType?: string };
  /** The field the error must name; omitted where the contract makes `field` optional. */
  field?: string;
  /** An exact status; any 4xx when omitted. */
  status?: number;
}

const KB100 = 'x'.repeat(100 * 1024);

const project = (ids: Ids, patch: Record<string, unknown> = {}) => ({
  clientId: ids.clientId,
  title: 'Valid title',
  currency: 'EUR',
  milestones: milestonesByAmount([100_00, 200_00]),
  ...patch,
});
const withMilestone = (ids: Ids, extra: Record<string, unknown>, index = 0) => {
  const milestones: Record<string, unknown>[] = milestonesByAmount([100_00, 200_00]).map((m) => ({
    ...m,
  }));
  milestones[index] = { ...milestones[index], ...extra };
  return project(ids, { milestones });
};
const withoutKey = (value: Record<string, unknown>, key: string) =>
  Object.fromEntries(Object.entries(value).filter(([k]) => k !== key));

const P = '/api/projects';
// One case per line reads as a table; prettier would spread each over six lines.
// prettier-ignore
const CASES: readonly BadCase[] = [
  // --- sign-up (anonymous)
  { name: 'signup without email', method: 'POST', path: '/api/auth/signup', as: 'anonymous', body: () => ({ password: 'long enough password', name: 'N' }), field: 'email' },
  { name: 'signup with a malformed email', method: 'POST', path: '/api/auth/signup', as: 'anonymous', body: () => ({ email: 'not-an-email', password: 'long enough password', name: 'N' }), field: 'email' },
  { name: 'signup with a numeric email', method: 'POST', path: '/api/auth/signup', as: 'anonymous', body: () => ({ email: 42, password: 'long enough password', name: 'N' }), field: 'email' },
  { name: 'signup with a 9-char password', method: 'POST', path: '/api/auth/signup', as: 'anonymous', body: () => ({ email: uniqueEmail('v'), password: '123456789', name: 'N' }), field: 'password' },
  { name: 'signup with a 201-char password', method: 'POST', path: '/api/auth/signup', as: 'anonymous', body: () => ({ email: uniqueEmail('v'), password: 'p'.repeat(201), name: 'N' }), field: 'password' },
  { name: 'signup without name', method: 'POST', path: '/api/auth/signup', as: 'anonymous', body: () => ({ email: uniqueEmail('v'), password: 'long enough password' }), field: 'name' },

  // --- clients
  { name: 'client without name', method: 'POST', path: '/api/clients', body: () => ({ email: 'c@example.test' }), field: 'name' },
  { name: 'client without email', method: 'POST', path: '/api/clients', body: () => ({ name: 'C' }), field: 'email' },
  { name: 'client name of wrong type', method: 'POST', path: '/api/clients', body: () => ({ name: 123, email: 'c@example.test' }), field: 'name' },
  { name: 'client with empty name', method: 'POST', path: '/api/clients', body: () => ({ name: '', email: 'c@example.test' }), field: 'name' },
  { name: 'client with a 100 KB name', method: 'POST', path: '/api/clients', body: () => ({ name: KB100, email: 'c@example.test' }), field: 'name' },
  { name: 'client with a malformed email', method: 'POST', path: '/api/clients', body: () => ({ name: 'C', email: 'nope' }), field: 'email' },
  { name: 'client company of wrong type', method: 'POST', path: '/api/clients', body: () => ({ name: 'C', email: 'c@example.test', company: 5 }), field: 'company' },
  { name: 'client with an unknown field', method: 'POST', path: '/api/clients', body: () => ({ name: 'C', email: 'c@example.test', isAdmin: true }), field: 'isAdmin' },
  { name: 'client patch with a malformed email', method: 'PATCH', path: '/api/clients/:clientId', body: () => ({ email: 'nope' }), field: 'email' },
  { name: 'client patch with a 100 KB name', method: 'PATCH', path: '/api/clients/:clientId', body: () => ({ name: KB100 }), field: 'name' },

  // --- projects: fields
  { name: 'project without title', method: 'POST', path: P, body: (ids) => withoutKey(project(ids), 'title'), field: 'title' },
  { name: 'project with a numeric title', method: 'POST', path: P, body: (ids) => project(ids, { title: 12 }), field: 'title' },
  { name: 'project with a 100 KB title', method: 'POST', path: P, body: (ids) => project(ids, { title: KB100 }), field: 'title' },
  { name: 'project without clientId', method: 'POST', path: P, body: (ids) => withoutKey(project(ids), 'clientId'), field: 'clientId' },
  { name: 'project without milestones', method: 'POST', path: P, body: (ids) => withoutKey(project(ids), 'milestones'), field: 'milestones' },
  { name: 'project with milestones of wrong type', method: 'POST', path: P, body: (ids) => project(ids, { milestones: 'three' }), field: 'milestones' },
  { name: 'project with zero milestones', method: 'POST', path: P, body: (ids) => project(ids, { milestones: [] }), field: 'milestones' },
  { name: 'project with tags of wrong type', method: 'POST', path: P, body: (ids) => project(ids, { tags: 'a,b' }), field: 'tags' },
  { name: 'project with a non-string tag', method: 'POST', path: P, body: (ids) => project(ids, { tags: ['ok', 7] }), field: 'tags.1' },
  { name: 'project with an unknown field', method: 'POST', path: P, body: (ids) => project(ids, { ownerId: 'someone-else' }), field: 'ownerId' },
  { name: 'project milestone with an unknown field', method: 'POST', path: P, body: (ids) => withMilestone(ids, { status: 'paid' }), field: 'milestones.0.status' },

  // --- projects: currency
  ...['XYZ', 'usd', 'EURO', '', 'EU'].map((currency): BadCase => ({
    name: `project with currency ${JSON.stringify(currency)}`,
    method: 'POST',
    path: P,
    body: (ids) => project(ids, { currency }),
    field: 'currency',
  })),
  { name: 'project with a numeric currency', method: 'POST', path: P, body: (ids) => project(ids, { currency: 978 }), field: 'currency' },
  { name: 'project patch with currency usd', method: 'PATCH', path: `${P}/:projectId`, body: () => ({ currency: 'usd' }), field: 'currency' },

  // --- projects: amounts
  ...[
    ['negative', -1],
    ['fractional', 12.5],
    ['huge (1e15)', 1e15],
    ['beyond 2^53', 2 ** 53 + 2],
    ['a string', '100'],
    ['null', null],
  ].map(([label, amountMinor]): BadCase => ({
    name: `project milestone amount ${String(label)}`,
    method: 'POST',
    path: P,
    body: (ids) => withMilestone(ids, { amountMinor }, 1),
    field: 'milestones.1.amountMinor',
  })),
  ...[
    ['negative', -100],
    ['fractional', 1000.5],
    ['huge (1e16)', 1e16],
  ].map(([label, totalMinor]): BadCase => ({
    name: `project total ${String(label)}`,
    method: 'POST',
    path: P,
    body: (ids) => project(ids, { totalMinor, milestones: milestonesByPercent([50, 50]) }),
    field: 'totalMinor',
  })),
  { name: 'project milestone percent of wrong type', method: 'POST', path: P, body: (ids) => project(ids, { totalMinor: 1000, milestones: [{ ...milestoneInput(0), percent: 'fifty' }, milestoneInput(1, { percent: 50 })] }), field: 'milestones.0.percent' },
  { name: 'project milestone percent negative', method: 'POST', path: P, body: (ids) => project(ids, { totalMinor: 1000, milestones: milestonesByPercent([-10, 110]) }), field: 'milestones.0.percent' },

  // --- projects: dates
  ...['2026-13-45', '2026-02-30', '01/07/2026', '2026-7-1', 'tomorrow', ''].map((date): BadCase => ({
    name: `project milestone due date ${JSON.stringify(date)}`,
    method: 'POST',
    path: P,
    body: (ids) => withMilestone(ids, { dueDate: date }, 1),
    field: 'milestones.1.dueDate',
  })),
  { name: 'project milestone without title', method: 'POST', path: P, body: (ids) => project(ids, { milestones: [withoutKey({ ...milestoneInput(0), amountMinor: 1 }, 'title')] }), field: 'milestones.0.title' },
  { name: 'project milestone with a 100 KB deliverables text', method: 'POST', path: P, body: (ids) => withMilestone(ids, { deliverables: KB100 }), field: 'milestones.0.deliverables' },
  { name: 'project patch with a 100 KB title', method: 'PATCH', path: `${P}/:projectId`, body: () => ({ title: KB100 }), field: 'title' },
  { name: 'project patch with an unknown field', method: 'PATCH', path: `${P}/:projectId`, body: () => ({ status: 'complete' }), field: 'status' },

  // --- milestones
  { name: 'append milestone with a negative amount', method: 'POST', path: `${P}/:projectId/milestones`, body: () => ({ ...milestoneInput(3), amountMinor: -5 }), field: 'amountMinor' },
  { name: 'append milestone with a bad date', method: 'POST', path: `${P}/:projectId/milestones`, body: () => ({ ...milestoneInput(3), amountMinor: 5, dueDate: '2026-13-45' }), field: 'dueDate' },
  { name: 'append milestone without title', method: 'POST', path: `${P}/:projectId/milestones`, body: () => withoutKey({ ...milestoneInput(3), amountMinor: 5 }, 'title'), field: 'title' },
  { name: 'patch milestone with a fractional amount', method: 'PATCH', path: `${P}/:projectId/milestones/:milestoneId`, body: () => ({ amountMinor: 1.5 }), field: 'amountMinor' },
  { name: 'patch milestone with a bad date', method: 'PATCH', path: `${P}/:projectId/milestones/:milestoneId`, body: () => ({ dueDate: '2026-13-45' }), field: 'dueDate' },
  { name: 'patch milestone with a null title', method: 'PATCH', path: `${P}/:projectId/milestones/:milestoneId`, body: () => ({ title: null }), field: 'title' },
  { name: 'patch milestone status (unknown field)', method: 'PATCH', path: `${P}/:projectId/milestones/:milestoneId`, body: () => ({ status: 'paid' }), field: 'status' },

  // --- payments (milestone 1 is delivered)
  { name: 'payment amount as a string', method: 'POST', path: `${P}/:projectId/milestones/:deliveredId/payments`, body: () => ({ ...paymentBody(100_00), amountMinor: '10000' }), field: 'amountMinor' },
  { name: 'payment amount fractional', method: 'POST', path: `${P}/:projectId/milestones/:deliveredId/payments`, body: () => ({ ...paymentBody(100_00), amountMinor: 10000.5 }), field: 'amountMinor' },
  { name: 'payment method unknown', method: 'POST', path: `${P}/:projectId/milestones/:deliveredId/payments`, body: () => paymentBody(100_00, { method: 'bitcoin' }), field: 'method' },
  { name: 'payment without method', method: 'POST', path: `${P}/:projectId/milestones/:deliveredId/payments`, body: () => withoutKey(paymentBody(100_00), 'method'), field: 'method' },
  { name: 'payment received on 2026-13-45', method: 'POST', path: `${P}/:projectId/milestones/:deliveredId/payments`, body: () => paymentBody(100_00, { receivedOn: '2026-13-45' }), field: 'receivedOn' },
  { name: 'payment without receivedOn', method: 'POST', path: `${P}/:projectId/milestones/:deliveredId/payments`, body: () => withoutKey(paymentBody(100_00), 'receivedOn'), field: 'receivedOn' },
  { name: 'payment with a 100 KB reference', method: 'POST', path: `${P}/:projectId/milestones/:deliveredId/payments`, body: () => paymentBody(100_00, { reference: KB100 }), field: 'reference' },
  { name: 'payment with an unknown field', method: 'POST', path: `${P}/:projectId/milestones/:deliveredId/payments`, body: () => ({ ...paymentBody(100_00), currency: 'USD' }), field: 'currency' },

  // --- settings and password
  { name: 'settings without name', method: 'PUT', path: '/api/settings', body: () => ({ businessName: 'B', paymentInstructions: 'P' }), field: 'name' },
  { name: 'settings with a 100 KB name', method: 'PUT', path: '/api/settings', body: () => ({ name: KB100, businessName: 'B', paymentInstructions: 'P' }), field: 'name' },
  { name: 'new password too short', method: 'POST', path: '/api/auth/password', body: () => ({ currentPassword: 'correct horse battery staple', newPassword: 'short' }), field: 'newPassword' },

  // --- portal
  { name: 'portal session with a numeric code', method: 'POST', path: '/api/portal/session', as: 'anonymous', body: () => ({ code: 123 }), field: 'code' },
  { name: 'portal terms not accepted', method: 'POST', path: '/api/portal/terms', as: 'portal', body: () => ({ accept: false }), field: 'accept' },
  { name: 'portal terms accept of wrong type', method: 'POST', path: '/api/portal/terms', as: 'portal', body: () => ({ accept: 'yes' }), field: 'accept' },

  // --- bodies that are not JSON objects
  { name: 'malformed JSON', method: 'POST', path: '/api/clients', raw: { body: '{"name": "C", "email":', contentType: 'application/json' }, status: 400 },
  { name: 'JSON array body', method: 'POST', path: '/api/clients', raw: { body: '[]', contentType: 'application/json' } },
  { name: 'JSON null body', method: 'POST', path: '/api/clients', raw: { body: 'null', contentType: 'application/json' } },
  { name: 'empty JSON body', method: 'POST', path: '/api/clients', raw: { body: '', contentType: 'application/json' } },
  { name: 'form-encoded body', method: 'POST', path: '/api/clients', raw: { body: 'name=C&email=c%40example.test', contentType: 'application/x-www-form-urlencoded' } },
  { name: 'JSON sent as text/plain', method: 'POST', path: '/api/clients', raw: { body: '{"name":"C","email":"c@example.test"}', contentType: 'text/plain' } },
  { name: 'a 2 MB JSON body', method: 'POST', path: '/api/clients', raw: { body: JSON.stringify({ name: 'x'.repeat(2 * 1024 * 1024), email: 'c@example.test' }), contentType: 'application/json' } },
  { name: 'malformed JSON to the portal', method: 'POST', path: '/api/portal/session', as: 'anonymous', raw: { body: '{code:', contentType: 'application/json' }, status: 400 },
];

function fill(template: string, ids: Ids): string {
  return template.replace(/:(\w+)/g, (_, key: string) => {
    const value = ids[key];
    if (value === undefined) throw new Error(`no id for :${key}`);
    return value;
  });
}

interface World {
  a: Actor;
  anonymous: Actor;
  portal: Actor;
  ids: Ids;
}

describe.each(dialects)('validation on %s', SUITE_TIMEOUT, (dialect) => {
  const app = useApp(dialect);
  let world: World | undefined;
  const w = (): World => {
    if (world === undefined) throw new Error('the world was not set up');
    return world;
  };

  beforeAll(async () => {
    const a = await signUp(app());
    const { client, project: p, milestones } = await setupProject(a);
    const [m1, m2] = milestones;
    if (m1 === undefined || m2 === undefined) throw new Error('missing milestones');
    await deliver(a, p.id, m1.id);
    const portal = await openPortal(app(), { code: (await share(a, p.id)).code });
    world = {
      a,
      anonymous: new Actor(app().url, 'anonymous'),
      portal,
      ids: { clientId: client.id, projectId: p.id, milestoneId: m2.id, deliveredId: m1.id },
    };
  }, HOOK_TIMEOUT);

  test.each(CASES)('$name → 4xx naming the field, nothing changes', async (bad) => {
    const { a, anonymous, portal, ids } = w();
    const sender = bad.as === 'anonymous' ? anonymous : bad.as === 'portal' ? portal : a;
    const before = await ownerSnapshot(a);
    const termsBefore = (await getPortal(portal)).project.termsAcceptedAt;
    const res = bad.raw
      ? await sender.request(bad.method, fill(bad.path, ids), undefined, {
          rawBody: bad.raw.body,
          ...(bad.raw.contentType === undefined ? {} : { contentType: bad.raw.contentType }),
        })
      : await sender.request(bad.method, fill(bad.path, ids), bad.body?.(ids));
    const error = expectError(res, { status: bad.status ?? 'client' });
    expect(
      [401, 403, 404, 409, 429],
      'a validation failure, not an auth or state refusal',
    ).not.toContain(res.status);
    if (bad.field !== undefined)
      expect(error.field, `${res.request} → ${res.text.slice(0, 300)}`).toBe(bad.field);
    expect(res.text.length, 'the error does not echo a huge input back').toBeLessThan(4096);
    expect(await ownerSnapshot(a)).toEqual(before);
    expect((await getPortal(portal)).project.termsAcceptedAt).toBe(termsBefore);
  });

  test('garbage path ids are a 4xx, never a 5xx', async () => {
    const { a } = w();
    for (const path of [
      '/api/projects/%00',
      "/api/projects/' OR 1=1 --",
      '/api/clients/..%2F..%2Fetc',
      `/api/projects/${'9'.repeat(500)}`,
    ]) {
      expectError(await a.get(path), { status: 'client' });
    }
  });

  test('a signup refused for a short password created no account', async () => {
    const email = uniqueEmail('short');
    const anonymous = new Actor(app().url, 'anonymous');
    expectError(await anonymous.post('/api/auth/signup', { email, password: 'short', name: 'N' }), {
      status: 'client',
      field: 'password',
    });
    expectError(await anonymous.post('/api/auth/login', { email, password: 'short' }), {
      status: 401,
      code: 'INVALID_CREDENTIALS',
    });
    // And the address is still free.
    expectStatus(
      await anonymous.post('/api/auth/signup', {
        email,
        password: 'long enough password',
        name: 'N',
      }),
      201,
      C.AuthResult,
    );
  });
});
