/**
 * Settings → Contract terms (issue #11) over HTTP: the freelancer's template per client language,
 * mediator and default review window are saved and validated (bad text, unknown placeholders
 * named in a 400, limits); the preview renders a sample project; a project's contract uses the
 * template of its client's language, the project's own mediator first; after the client accepted,
 * later edits in Settings change nothing of that contract, while projects not yet accepted get a
 * new version; an accepted project's mediator changes only through a change order.
 */
import { describe, expect, test } from 'vitest';
import { z } from 'zod';
import {
  SUITE_TIMEOUT,
  acceptContract,
  createClient,
  dialects,
  expectError,
  expectStatus,
  milestoneInput,
  openPortal,
  share,
  signUp,
  useApp,
  type Actor,
} from './harness';

const Terms = z.object({
  templates: z.object({ en: z.string(), de: z.string() }),
  defaults: z.object({ en: z.string(), de: z.string() }),
  mediator: z.string(),
  reviewWindowDays: z.number().int(),
  placeholders: z.array(z.string()),
});
const Contract = z.object({
  current: z.object({ version: z.number().int(), text: z.string(), sha256: z.string() }),
  versions: z.array(z.object({ version: z.number().int() })),
});
const Created = z.object({
  project: z.object({
    id: z.string(),
    reviewWindowDays: z.number(),
    mediator: z.string().nullable(),
  }),
});

const EN =
  'Our deal: {freelancer} works for {client}; disputes go to {mediator} within {reviewDays} days.';
const DE = 'Unsere Abmachung: {freelancer} arbeitet für {client}; Streit geht an {mediator}.';

function terms(extra: Record<string, unknown> = {}) {
  return {
    templates: { en: EN, de: DE },
    mediator: 'Chamber of Commerce Berlin',
    reviewWindowDays: 21,
    ...extra,
  };
}

async function newProject(a: Actor, locale: 'en' | 'de', extra: Record<string, unknown> = {}) {
  const client = await createClient(a);
  if (locale === 'de') {
    expectStatus(await a.patch(`/api/clients/${client.id}`, { locale: 'de' }), 200, z.unknown());
  }
  const res = await a.post('/api/projects', {
    clientId: client.id,
    title: 'Brand identity',
    currency: 'EUR',
    milestones: [
      milestoneInput(0, { amountMinor: 500_00 }),
      milestoneInput(1, { amountMinor: 900_00 }),
    ],
    ...extra,
  });
  return expectStatus(res, 201, Created).project;
}

const contractOf = async (a: Actor, projectId: string) =>
  expectStatus(await a.get(`/api/projects/${projectId}/contract`), 200, Contract);

describe.each(dialects)('contract terms on %s', SUITE_TIMEOUT, (dialect) => {
  const app = useApp(dialect);

  test('defaults, saving, reading back; a template equal to the default is the default', async () => {
    const a = await signUp(app());
    const initial = expectStatus(await a.get('/api/settings/contract-terms'), 200, Terms);
    expect(initial).toMatchObject({
      templates: { en: '', de: '' },
      mediator: '',
      reviewWindowDays: 14,
    });
    expect(initial.defaults.de).toContain('{mediator}');
    expect(initial.placeholders).toEqual(
      expect.arrayContaining(['freelancer', 'client', 'mediator', 'reviewDays', 'revisionRounds']),
    );

    const saved = expectStatus(await a.put('/api/settings/contract-terms', terms()), 200, Terms);
    expect(saved).toMatchObject({
      templates: { en: EN, de: DE },
      mediator: 'Chamber of Commerce Berlin',
      reviewWindowDays: 21,
    });
    expect(expectStatus(await a.get('/api/settings/contract-terms'), 200, Terms)).toEqual(saved);

    const back = expectStatus(
      await a.put(
        '/api/settings/contract-terms',
        terms({ templates: { en: initial.defaults.en, de: '' } }),
      ),
      200,
      Terms,
    );
    expect(back.templates).toEqual({ en: '', de: '' });
  });

  test('refusals: unknown placeholders named, control characters, lengths, window 1–90', async () => {
    const a = await signUp(app());
    const unknown = expectError(
      await a.put(
        '/api/settings/contract-terms',
        terms({ templates: { en: 'Pay {fee} by {deadline}', de: DE } }),
      ),
      { status: 400, code: 'VALIDATION_FAILED' },
    );
    expect(unknown.message).toContain('{fee}');
    expect(unknown.message).toContain('{deadline}');
    expect(unknown.field ?? unknown.message).toContain('templates.en');

    const nul = expectError(
      await a.put('/api/settings/contract-terms', terms({ templates: { en: EN, de: 'a\u0000b' } })),
      { status: 400, code: 'VALIDATION_FAILED' },
    );
    expect(nul.message).toContain('U+0000');
    expectError(await a.put('/api/settings/contract-terms', terms({ mediator: 'Dr.\nVogel' })), {
      status: 400,
    });
    expectError(await a.put('/api/settings/contract-terms', terms({ mediator: 'x'.repeat(201) })), {
      status: 400,
    });
    expectError(
      await a.put(
        '/api/settings/contract-terms',
        terms({ templates: { en: 'x'.repeat(20_001), de: '' } }),
      ),
      { status: 400 },
    );
    for (const days of [0, 91, 1.5]) {
      expectError(await a.put('/api/settings/contract-terms', terms({ reviewWindowDays: days })), {
        status: 400,
      });
    }
    expectError(
      await a.post('/api/settings/contract-terms/preview', {
        locale: 'en',
        template: '{nope}',
        mediator: '',
        reviewWindowDays: 14,
      }),
      { status: 400 },
    );
    // Nothing was saved by the refusals.
    expect(expectStatus(await a.get('/api/settings/contract-terms'), 200, Terms)).toMatchObject({
      templates: { en: '', de: '' },
      mediator: '',
      reviewWindowDays: 14,
    });
  });

  test('the preview renders a sample project with the given words, in either language', async () => {
    const a = await signUp(app());
    const Preview = z.object({ text: z.string() });
    const en = expectStatus(
      await a.post('/api/settings/contract-terms/preview', {
        locale: 'en',
        template: EN,
        mediator: 'Dr. Vogel',
        reviewWindowDays: 9,
      }),
      200,
      Preview,
    );
    expect(en.text).toContain('disputes go to Dr. Vogel within 9 days');
    expect(en.text).toContain('Deposit — payable when the project starts');
    expect(en.text).toContain('Review window: 9 days after each delivery');
    const de = expectStatus(
      await a.post('/api/settings/contract-terms/preview', {
        locale: 'de',
        template: '',
        mediator: '',
        reviewWindowDays: 14,
      }),
      200,
      Preview,
    );
    expect(de.text).toContain('Anzahlung — fällig bei Projektbeginn');
    expect(de.text).toContain('Streitfälle');
  });

  test('projects start with the default window; the contract uses the client’s language and the project’s mediator first', async () => {
    const a = await signUp(app());
    expectStatus(await a.put('/api/settings/contract-terms', terms()), 200, Terms);
    const en = await newProject(a, 'en');
    expect(en).toMatchObject({ reviewWindowDays: 21, mediator: null });
    const enText = (await contractOf(a, en.id)).current.text;
    expect(enText).toContain('Our deal:');
    expect(enText).toContain('disputes go to Chamber of Commerce Berlin within 21 days');
    expect(enText).toContain('Mediator for disputes: Chamber of Commerce Berlin');

    const de = await newProject(a, 'de', { reviewWindowDays: 30, mediator: 'IHK München' });
    expect(de).toMatchObject({ reviewWindowDays: 30, mediator: 'IHK München' });
    const deText = (await contractOf(a, de.id)).current.text;
    expect(deText).toContain('Unsere Abmachung:');
    expect(deText).toContain('Streit geht an IHK München');
    expect(deText).toContain('Prüfzeitraum: 30 Tage');
  });

  test('after acceptance the accepted terms stay; projects not yet accepted get a new version', async () => {
    const a = await signUp(app());
    expectStatus(await a.put('/api/settings/contract-terms', terms()), 200, Terms);
    const accepted = await newProject(a, 'en');
    const open = await newProject(a, 'en');
    const client = await openPortal(app(), { code: (await share(a, accepted.id)).code });
    expect(await acceptContract(client)).toBe(1);
    await contractOf(a, open.id); // version 1 of the open project, with the first words

    const NEW = 'New words: {client} and {freelancer}; mediator {mediator}.';
    expectStatus(
      await a.put(
        '/api/settings/contract-terms',
        terms({ templates: { en: NEW, de: DE }, mediator: 'Dr. Vogel' }),
      ),
      200,
      Terms,
    );
    const after = await contractOf(a, accepted.id);
    expect(after.current.version).toBe(1);
    expect(after.current.text).toContain('Our deal:');
    expect(after.current.text).toContain('Mediator for disputes: Chamber of Commerce Berlin');
    expect(after.versions).toHaveLength(1);
    // The client can still pay: their acceptance is of the current version.
    const portal = expectStatus(await client.get('/api/portal/contract'), 200, Contract);
    expect(portal.current.version).toBe(1);

    const other = await contractOf(a, open.id);
    expect(other.current.version).toBe(2);
    expect(other.current.text).toContain('New words:');
    expect(other.current.text).toContain('Mediator for disputes: Dr. Vogel');

    // The accepted project's mediator and review window are contract terms now.
    expectError(await a.patch(`/api/projects/${accepted.id}`, { mediator: 'Someone else' }), {
      status: 409,
      code: 'CHANGE_ORDER_REQUIRED',
    });
    expectError(await a.patch(`/api/projects/${accepted.id}`, { reviewWindowDays: 5 }), {
      status: 409,
      code: 'CHANGE_ORDER_REQUIRED',
    });
    // Before acceptance they change directly, and the contract follows.
    expectStatus(
      await a.patch(`/api/projects/${open.id}`, { mediator: 'IHK Köln' }),
      200,
      z.unknown(),
    );
    expect((await contractOf(a, open.id)).current.text).toContain(
      'Mediator for disputes: IHK Köln',
    );
  });
});
