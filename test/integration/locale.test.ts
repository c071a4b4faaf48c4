/**
 * Each person's language: the freelancer's (users.locale, from Accept-Language at sign-up unless
 * chosen, changeable in Settings) and each client's (clients.locale, set by the freelancer;
 * the freelancer's by default). Only supported locales pass the schemas.
 */
import { describe, expect, test } from 'vitest';
import { z } from 'zod';
import * as C from './contract';
import {
  Actor,
  PASSWORD,
  SUITE_TIMEOUT,
  dialects,
  expectError,
  expectStatus,
  milestonesByAmount,
  openPortal,
  share,
  signUp,
  uniqueEmail,
  useApp,
  type TestApp,
} from './harness';

const Locale = z.enum(['en', 'de']);
const SignedUp = z.object({ user: C.User.extend({ locale: Locale }) });
const Settings = z.object({ locale: Locale });
const ClientWithLocale = z.object({ client: C.Client.extend({ locale: Locale }) });
const ClientsWithLocale = z.object({ clients: z.array(C.Client.extend({ locale: Locale })) });

async function signUpWith(app: TestApp, headers: Record<string, string>, extra = {}) {
  const email = uniqueEmail('lang');
  const actor = new Actor(app.url, email);
  const body = expectStatus(
    await actor.post(
      '/api/auth/signup',
      { email, password: PASSWORD, name: 'Lena', ...extra },
      { headers },
    ),
    201,
    SignedUp,
  );
  return { actor, locale: body.user.locale };
}

const settings = (locale?: unknown) => ({
  name: 'Fiona Freelancer',
  businessName: '',
  paymentInstructions: '',
  ...(locale !== undefined && { locale }),
});

describe.each(dialects)('languages on %s', SUITE_TIMEOUT, (dialect) => {
  const app = useApp(dialect);

  test('sign-up takes the language from Accept-Language unless one is chosen', async () => {
    const german = await signUpWith(app(), { 'accept-language': 'de-AT,de;q=0.9,en;q=0.5' });
    expect(german.locale).toBe('de');
    expect(expectStatus(await german.actor.get('/api/settings'), 200, Settings).locale).toBe('de');
    expect(
      expectStatus(await german.actor.get('/api/auth/me'), 200, SignedUp.pick({ user: true })).user
        .locale,
    ).toBe('de');
    expect((await signUpWith(app(), { 'accept-language': 'fr-FR, fr;q=0.9' })).locale).toBe('en');
    expect((await signUpWith(app(), {})).locale).toBe('en');
    expect((await signUpWith(app(), { 'accept-language': 'de' }, { locale: 'en' })).locale).toBe(
      'en',
    );

    const email = uniqueEmail('lang');
    expectError(
      await new Actor(app().url, email).post('/api/auth/signup', {
        email,
        password: PASSWORD,
        name: 'Lena',
        locale: 'fr',
      }),
      { status: 400, field: 'locale' },
    );
  });

  test('settings change the freelancer’s language; unsupported ones are refused', async () => {
    const actor = await signUp(app());
    expect(expectStatus(await actor.get('/api/settings'), 200, Settings).locale).toBe('en');
    expect(
      expectStatus(await actor.put('/api/settings', settings('de')), 200, Settings).locale,
    ).toBe('de');
    // Left out, it stays.
    expect(expectStatus(await actor.put('/api/settings', settings()), 200, Settings).locale).toBe(
      'de',
    );
    for (const bad of ['fr', 'DE', 'de-DE', '', 'de\u0000', 7, null]) {
      expectError(await actor.put('/api/settings', settings(bad)), {
        status: 400,
        field: 'locale',
      });
    }
    expect(expectStatus(await actor.get('/api/settings'), 200, Settings).locale).toBe('de');
  });

  test('each client has a language, the freelancer’s unless set', async () => {
    const actor = await signUp(app());
    await actor.put('/api/settings', settings('de'));
    const byDefault = expectStatus(
      await actor.post('/api/clients', { name: 'Dan', email: uniqueEmail('dan') }),
      201,
      ClientWithLocale,
    ).client;
    expect(byDefault.locale).toBe('de');
    const english = expectStatus(
      await actor.post('/api/clients', { name: 'Eve', email: uniqueEmail('eve'), locale: 'en' }),
      201,
      ClientWithLocale,
    ).client;
    expect(english.locale).toBe('en');

    const changed = expectStatus(
      await actor.patch(`/api/clients/${english.id}`, { locale: 'de' }),
      200,
      ClientWithLocale,
    ).client;
    expect(changed.locale).toBe('de');
    expect(
      expectStatus(await actor.get(`/api/clients/${english.id}`), 200, ClientWithLocale).client
        .locale,
    ).toBe('de');
    const listed = expectStatus(await actor.get('/api/clients'), 200, ClientsWithLocale).clients;
    expect(listed.map((c) => c.locale)).toEqual(['de', 'de']);

    expectError(await actor.patch(`/api/clients/${english.id}`, { locale: 'xx' }), {
      status: 400,
      field: 'locale',
    });
    expectError(
      await actor.post('/api/clients', { name: 'F', email: uniqueEmail('f'), locale: 'en-US' }),
      { status: 400, field: 'locale' },
    );
  });

  test('the portal reports the client’s language, and follows a change of it', async () => {
    const actor = await signUp(app());
    await actor.put('/api/settings', settings('en'));
    const client = expectStatus(
      await actor.post('/api/clients', { name: 'Dana', email: uniqueEmail('dana'), locale: 'de' }),
      201,
      ClientWithLocale,
    ).client;
    const created = expectStatus(
      await actor.post('/api/projects', {
        clientId: client.id,
        title: 'Logo',
        currency: 'EUR',
        milestones: milestonesByAmount([100_00]),
      }),
      201,
      z.object({ project: z.object({ id: z.string() }) }),
    );
    const portal = await openPortal(app(), { code: (await share(actor, created.project.id)).code });
    const PortalLocale = z.object({ locale: Locale });
    expect(expectStatus(await portal.get('/api/portal/project'), 200, PortalLocale).locale).toBe(
      'de',
    );
    await actor.patch(`/api/clients/${client.id}`, { locale: 'en' });
    expect(expectStatus(await portal.get('/api/portal/project'), 200, PortalLocale).locale).toBe(
      'en',
    );
  });
});
