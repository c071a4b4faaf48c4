/**
 * Who may call what. Freelancer A owns a client, two projects and a shared portal; every route
 * of the contract is then called against A's ids by freelancer B (→ 404, never revealing that
 * the thing exists), by an anonymous caller (→ 401) and by A's client's portal session
 * (→ 401 outside /api/portal). Every write is also sent with A's own cookie but without (or
 * with a wrong) CSRF token (→ 403). After each refused call, everything A can see through the
 * API is deep-equal to what it was before.
 */
import { beforeAll, describe, expect, test } from 'vitest';
import * as C from './contract';
import {
  Actor,
  HOOK_TIMEOUT,
  SUITE_TIMEOUT,
  createClient,
  createProject,
  deliver,
  dialects,
  expectError,
  expectNoContent,
  expectStatus,
  getPortal,
  getProject,
  logIn,
  milestoneInput,
  milestonesByAmount,
  openPortal,
  ownerSnapshot,
  paymentBody,
  setupProject,
  share,
  signUp,
  useApp,
  type Method,
} from './harness';

type Ids = Readonly<Record<string, string>>;

interface RouteCase {
  method: Method;
  template: string;
  body?: (ids: Ids) => unknown;
}

const SECRET_TITLE = 'Secret merger microsite';

/**
 * Every contract route that names one of A's resources, with a body that would succeed for A
 * (so a missing check shows up as a changed snapshot, not as a validation error).
 * :deliveredMilestoneId is delivered (payable), :openMilestoneId of :openProjectId is open
 * (deliverable), :milestoneId is locked (editable, removable).
 */
const ID_ROUTES: readonly RouteCase[] = [
  { method: 'GET', template: '/api/clients/:clientId' },
  {
    method: 'PATCH',
    template: '/api/clients/:clientId',
    body: () => ({ name: 'Hijacked', company: 'Evil' }),
  },
  { method: 'POST', template: '/api/clients/:clientId/archive' },
  { method: 'POST', template: '/api/clients/:clientId/unarchive' },
  {
    method: 'POST',
    template: '/api/projects',
    body: (ids) => ({
      clientId: ids.clientId,
      title: 'Planted project',
      currency: 'EUR',
      milestones: milestonesByAmount([1_00]),
    }),
  },
  { method: 'GET', template: '/api/projects/:projectId' },
  {
    method: 'PATCH',
    template: '/api/projects/:projectId',
    body: () => ({ title: 'Hijacked', tags: ['x'] }),
  },
  { method: 'POST', template: '/api/projects/:projectId/archive' },
  { method: 'POST', template: '/api/projects/:projectId/unarchive' },
  {
    method: 'POST',
    template: '/api/projects/:projectId/milestones',
    body: () => ({ ...milestoneInput(5), amountMinor: 1_00 }),
  },
  {
    method: 'PATCH',
    template: '/api/projects/:projectId/milestones/:milestoneId',
    body: () => ({ title: 'Hijacked', amountMinor: 1 }),
  },
  { method: 'DELETE', template: '/api/projects/:projectId/milestones/:milestoneId' },
  { method: 'POST', template: '/api/projects/:openProjectId/milestones/:openMilestoneId/deliver' },
  {
    method: 'POST',
    template: '/api/projects/:projectId/milestones/:deliveredMilestoneId/payments',
    body: () => paymentBody(100_00),
  },
  { method: 'GET', template: '/api/projects/:projectId/activity' },
  { method: 'POST', template: '/api/projects/:projectId/access' },
  { method: 'DELETE', template: '/api/projects/:projectId/access' },
  { method: 'GET', template: '/api/projects/:projectId/files' },
  { method: 'GET', template: '/api/projects/:projectId/receipts' },
  {
    method: 'POST',
    template: '/api/projects/:projectId/milestones/:deliveredMilestoneId/refunds',
    body: () => ({ amountMinor: 1, reference: 'planted', refundedOn: '2026-11-27' }),
  },
];

/**
 * Freelancer routes scoped to the caller's own account (no ids of A). Logout is left out of the
 * 401 checks: refusing or accepting a logout without a session are both harmless.
 */
const OWNER_ROUTES: readonly RouteCase[] = [
  { method: 'GET', template: '/api/auth/me' },
  {
    method: 'POST',
    template: '/api/auth/password',
    body: () => ({
      currentPassword: 'correct horse battery staple',
      newPassword: 'a brand new password',
    }),
  },
  { method: 'GET', template: '/api/settings' },
  {
    method: 'PUT',
    template: '/api/settings',
    body: () => ({ name: 'Hijacked', businessName: 'Evil', paymentInstructions: 'Pay me instead' }),
  },
  { method: 'GET', template: '/api/clients' },
  {
    method: 'POST',
    template: '/api/clients',
    body: () => ({ name: 'Planted', email: 'planted@example.test' }),
  },
  { method: 'GET', template: '/api/projects' },
  { method: 'GET', template: '/api/receipts' },
  { method: 'GET', template: '/api/settings/payments' },
  {
    method: 'PUT',
    template: '/api/settings/stripe',
    body: () => ({ secretKey: 'sk_test_planted', webhookSecret: 'whsec_planted' }),
  },
  { method: 'DELETE', template: '/api/settings/stripe' },
  { method: 'POST', template: '/api/settings/test-email' },
];

const PORTAL_ROUTES: readonly RouteCase[] = [
  { method: 'GET', template: '/api/portal/project' },
  { method: 'POST', template: '/api/portal/terms', body: () => ({ accept: true }) },
  { method: 'GET', template: '/api/portal/files' },
  { method: 'GET', template: '/api/portal/receipts' },
  { method: 'POST', template: '/api/portal/milestones/:deliveredMilestoneId/checkout' },
];

function fill(template: string, ids: Ids): string {
  return template.replace(/:(\w+)/g, (_, key: string) => {
    const value = ids[key];
    if (value === undefined) throw new Error(`no id for :${key}`);
    return value;
  });
}

function call(actor: Actor, route: RouteCase, ids: Ids, options?: { csrf?: boolean | string }) {
  return actor.request(route.method, fill(route.template, ids), route.body?.(ids), options);
}

// A type alias (not an interface) so it is assignable to Ids.
type WorldIds = {
  clientId: string;
  projectId: string;
  milestoneId: string;
  deliveredMilestoneId: string;
  openProjectId: string;
  openMilestoneId: string;
};

interface World {
  a: Actor;
  b: Actor;
  anonymous: Actor;
  portalP: Actor;
  portalQ: Actor;
  ids: WorldIds;
}

describe.each(dialects)('authorization on %s', SUITE_TIMEOUT, (dialect) => {
  const app = useApp(dialect);
  let world: World | undefined;
  const w = (): World => {
    if (world === undefined) throw new Error('the world was not set up');
    return world;
  };

  beforeAll(async () => {
    const a = await signUp(app(), undefined, 'Alice A');
    const client = await createClient(a, { name: 'Acme Confidential' });
    const p = await createProject(a, {
      clientId: client.id,
      title: SECRET_TITLE,
      currency: 'EUR',
      milestones: milestonesByAmount([100_00, 200_00, 300_00]),
    });
    const q = await createProject(a, {
      clientId: client.id,
      title: 'Second project',
      currency: 'USD',
      milestones: milestonesByAmount([50_00, 60_00]),
    });
    const [p1, p2] = p.milestones;
    const [q1] = q.milestones;
    if (p1 === undefined || p2 === undefined || q1 === undefined)
      throw new Error('missing milestones');
    await deliver(a, p.project.id, p1.id);
    const portalP = await openPortal(
      app(),
      { code: (await share(a, p.project.id)).code },
      'client of P',
    );
    const portalQ = await openPortal(
      app(),
      { code: (await share(a, q.project.id)).code },
      'client of Q',
    );

    const b = await signUp(app(), undefined, 'Bob B');
    await setupProject(b, { title: 'Bob project' });

    world = {
      a,
      b,
      anonymous: new Actor(app().url, 'anonymous'),
      portalP,
      portalQ,
      ids: {
        clientId: client.id,
        projectId: p.project.id,
        milestoneId: p2.id,
        deliveredMilestoneId: p1.id,
        openProjectId: q.project.id,
        openMilestoneId: q1.id,
      },
    };
  }, HOOK_TIMEOUT);

  /** Runs one refused call and proves A's data and A's client's session are untouched. */
  async function expectRefusedWithoutEffect(run: () => Promise<void>): Promise<void> {
    const before = await ownerSnapshot(w().a);
    await run();
    expect(await ownerSnapshot(w().a)).toEqual(before);
    expect((await getPortal(w().portalP)).project.id).toBe(w().ids.projectId);
  }

  describe("freelancer B against A's ids", () => {
    test.each(ID_ROUTES)('$method $template → 404', async (route) => {
      await expectRefusedWithoutEffect(async () => {
        const res = await call(w().b, route, w().ids);
        expectError(res, { status: 404, code: 'NOT_FOUND' });
        expect(res.text).not.toContain(SECRET_TITLE);
        expect(res.text).not.toContain('Acme Confidential');
      });
    });

    test("B's own lists never show A's clients or projects", async () => {
      const clients = expectStatus(
        await w().b.get('/api/clients?includeArchived=true'),
        200,
        C.ClientList,
      );
      expect(clients.clients.map((c) => c.id)).not.toContain(w().ids.clientId);
      expect(clients.clients).toHaveLength(1);
      const projects = expectStatus(
        await w().b.get('/api/projects?includeArchived=true'),
        200,
        C.ProjectList,
      );
      expect(projects.projects.map((p) => p.title)).toEqual(['Bob project']);
    });
  });

  describe('anonymous callers', () => {
    test.each([...ID_ROUTES, ...OWNER_ROUTES, ...PORTAL_ROUTES])(
      '$method $template → 401',
      async (route) => {
        await expectRefusedWithoutEffect(async () => {
          expectError(await call(w().anonymous, route, w().ids), { status: 401 });
        });
      },
    );
  });

  describe("A's client (portal session) on freelancer routes", () => {
    test.each([...ID_ROUTES, ...OWNER_ROUTES])('$method $template → 401', async (route) => {
      await expectRefusedWithoutEffect(async () => {
        expectError(await call(w().portalP, route, w().ids), { status: 401 });
      });
    });
  });

  describe('a freelancer session is not a portal session', () => {
    test.each(PORTAL_ROUTES)('$method $template with only mp_session → 401', async (route) => {
      await expectRefusedWithoutEffect(async () => {
        expectError(await call(w().a, route, w().ids), { status: 401 });
      });
    });
  });

  test('a portal session sees only its own project', async () => {
    const viewQ = await getPortal(w().portalQ);
    expect(viewQ.project.id).toBe(w().ids.openProjectId);
    expect(viewQ.project.currency).toBe('USD');
    expect(JSON.stringify(viewQ)).not.toContain(SECRET_TITLE);
    const viewP = await getPortal(w().portalP);
    expect(viewP.project.id).toBe(w().ids.projectId);
    expect(viewP.milestones.map((m) => m.id)).not.toContain(w().ids.openMilestoneId);

    // Accepting terms in Q's portal touches Q only.
    expectStatus(
      await w().portalQ.post('/api/portal/terms', { accept: true }),
      200,
      C.TermsAccepted,
    );
    expect((await getProject(w().a, w().ids.openProjectId)).project.termsAcceptedAt).not.toBeNull();
    expect((await getProject(w().a, w().ids.projectId)).project.termsAcceptedAt).toBeNull();
  });

  test("A's own ids under the wrong parent, or unknown ids, are 404 and change nothing", async () => {
    const { ids, a } = w();
    const unknown = '00000000-0000-4000-8000-000000000000';
    const cases: RouteCase[] = [
      // A milestone of P addressed under Q, and Q's milestone under P.
      {
        method: 'PATCH',
        template: '/api/projects/:openProjectId/milestones/:milestoneId',
        body: () => ({ title: 'x' }),
      },
      { method: 'DELETE', template: '/api/projects/:openProjectId/milestones/:milestoneId' },
      { method: 'POST', template: '/api/projects/:projectId/milestones/:openMilestoneId/deliver' },
      {
        method: 'POST',
        template: '/api/projects/:openProjectId/milestones/:deliveredMilestoneId/payments',
        body: () => paymentBody(100_00),
      },
      { method: 'GET', template: `/api/projects/${unknown}` },
      { method: 'GET', template: `/api/clients/${unknown}` },
      {
        method: 'PATCH',
        template: `/api/projects/:projectId/milestones/${unknown}`,
        body: () => ({ title: 'x' }),
      },
      { method: 'POST', template: `/api/projects/${unknown}/access` },
    ];
    for (const route of cases) {
      await expectRefusedWithoutEffect(async () => {
        expectError(await call(a, route, ids), { status: 404, code: 'NOT_FOUND' });
      });
    }
  });

  describe('CSRF: a cookie-authenticated write needs the x-csrf-token header', () => {
    const writes = [...ID_ROUTES, ...OWNER_ROUTES].filter(
      (r) => r.method !== 'GET' && r.template !== '/api/auth/password',
    );
    test.each(writes)('$method $template without the header → 403', async (route) => {
      await expectRefusedWithoutEffect(async () => {
        expectError(await call(w().a, route, w().ids, { csrf: false }), {
          status: 403,
          code: 'CSRF_TOKEN_INVALID',
        });
      });
    });
    test.each(writes)("$method $template with another session's token → 403", async (route) => {
      const foreign = w().b.csrfToken;
      if (foreign === undefined) throw new Error('B has no csrf token');
      await expectRefusedWithoutEffect(async () => {
        expectError(await call(w().a, route, w().ids, { csrf: foreign }), {
          status: 403,
          code: 'CSRF_TOKEN_INVALID',
        });
      });
    });

    test('password change and logout without the header are refused and leave the session alone', async () => {
      const c = await signUp(app(), undefined, 'Carol C');
      const email = c.email ?? '';
      expectError(
        await c.post(
          '/api/auth/password',
          { currentPassword: 'correct horse battery staple', newPassword: 'another password 1' },
          { csrf: false },
        ),
        { status: 403, code: 'CSRF_TOKEN_INVALID' },
      );
      expectError(await c.post('/api/auth/logout', undefined, { csrf: false }), {
        status: 403,
        code: 'CSRF_TOKEN_INVALID',
      });
      expectError(await c.post('/api/auth/logout', undefined, { csrf: 'not-the-token' }), {
        status: 403,
        code: 'CSRF_TOKEN_INVALID',
      });
      expectStatus(await c.get('/api/auth/me'), 200, C.AuthResult);
      // The old password still works: nothing was changed.
      await logIn(app(), email);
    });

    test('portal writes need the client token too', async () => {
      const a = w().a;
      const { project } = await setupProject(a, { title: 'CSRF portal' });
      const portal = await openPortal(app(), { token: (await share(a, project.id)).token });
      expectError(await portal.post('/api/portal/terms', { accept: true }, { csrf: false }), {
        status: 403,
        code: 'CSRF_TOKEN_INVALID',
      });
      const freelancerToken = a.csrfToken;
      if (freelancerToken === undefined) throw new Error('A has no csrf token');
      expectError(
        await portal.post('/api/portal/terms', { accept: true }, { csrf: freelancerToken }),
        {
          status: 403,
          code: 'CSRF_TOKEN_INVALID',
        },
      );
      expectError(await portal.post('/api/portal/logout', undefined, { csrf: false }), {
        status: 403,
        code: 'CSRF_TOKEN_INVALID',
      });
      expect((await getPortal(portal)).project.termsAcceptedAt).toBeNull();
      expect((await getProject(a, project.id)).project.termsAcceptedAt).toBeNull();
      // And with the token, the same calls work.
      expectStatus(await portal.post('/api/portal/terms', { accept: true }), 200, C.TermsAccepted);
      expectNoContent(await portal.post('/api/portal/logout'));
      expectError(await portal.get('/api/portal/project'), { status: 401 });
    });
  });

  test('an unknown /api path is a JSON 404, not the web app', async () => {
    const res = await w().a.get('/api/no-such-route');
    expectError(res, { status: 404 });
    expect(res.headers.get('content-type')).toMatch(/application\/json/);
  });
});
