/**
 * The contract's versions and the client's acceptance (issue #11, first slice): the text is
 * generated from the project, each change to it is a new version and every version is kept;
 * an acceptance records the typed name, the hash, IP and user agent, and lands in the activity
 * chain; a stale hash, another project's contract and bad names are refused.
 */
import { createHash } from 'node:crypto';
import { describe, expect, test } from 'vitest';
import { z } from 'zod';
import * as C from './contract';
import {
  Actor,
  SUITE_TIMEOUT,
  dialects,
  expectError,
  expectStatus,
  getActivity,
  openPortal,
  setupProject,
  share,
  signUp,
  useApp,
} from './harness';

const Acceptance = z.object({
  id: z.string(),
  versionId: z.string(),
  version: z.number().int(),
  fullName: z.string(),
  acceptedAt: z.string(),
  ip: z.string(),
  userAgent: z.string(),
  sha256: z.string(),
});
const Version = z.object({
  id: z.string(),
  version: z.number().int(),
  locale: z.string(),
  text: z.string(),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  reason: z.enum(['initial', 'changed']),
  createdAt: z.string(),
  acceptedAt: z.string().nullable(),
});
const Record_ = z.object({
  current: Version,
  versions: z.array(Version),
  acceptances: z.array(Acceptance),
});
const Accepted = z.object({ acceptance: Acceptance });

const sha = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');
const UA = 'Mozilla/5.0 (contract test) Milepost/1';

describe.each(dialects)('contract versions on %s', SUITE_TIMEOUT, (dialect) => {
  const app = useApp(dialect);

  async function sharedProject() {
    const freelancer = await signUp(app());
    const fixture = await setupProject(freelancer, {
      amounts: [240_050, 390_000],
      title: 'Brand refresh',
    });
    const access = await share(freelancer, fixture.project.id);
    const client = await openPortal(app(), { code: access.code });
    return { ...fixture, freelancer, client };
  }

  test('version 1 on first read; a change makes version 2 and keeps version 1; both parties see the same', async () => {
    const { freelancer, client, project, milestones } = await sharedProject();
    const first = expectStatus(await client.get('/api/portal/contract'), 200, Record_);
    expect(first.current.version).toBe(1);
    expect(first.current.reason).toBe('initial');
    expect(first.current.sha256).toBe(sha(first.current.text));
    expect(first.current.text).toContain('Brand refresh');
    expect(first.current.text).toContain('€2,400.50');
    expect(first.current.text).toContain('€3,900.00');
    expect(first.current.text).toContain('Total: €6,300.50');
    expect(first.versions).toHaveLength(1);
    expect(first.acceptances).toEqual([]);

    // Reading again changes nothing.
    const again = expectStatus(
      await freelancer.get(`/api/projects/${project.id}/contract`),
      200,
      Record_,
    );
    expect(again.versions).toEqual(first.versions);

    const second = milestones[1];
    if (!second) throw new Error('two milestones expected');
    expectStatus(
      await freelancer.patch(`/api/projects/${project.id}/milestones/${second.id}`, {
        title: 'Logo and type',
      }),
      200,
      z.unknown(),
    );
    const changed = expectStatus(
      await freelancer.get(`/api/projects/${project.id}/contract`),
      200,
      Record_,
    );
    expect(changed.current.version).toBe(2);
    expect(changed.current.reason).toBe('changed');
    expect(changed.current.text).toContain('Logo and type');
    expect(changed.versions.map((v) => v.version)).toEqual([1, 2]);
    expect(changed.versions[0]).toEqual(first.current);
    expect(changed.current.sha256).not.toBe(first.current.sha256);
    const portal = expectStatus(await client.get('/api/portal/contract'), 200, Record_);
    expect(portal.versions).toEqual(changed.versions);

    const actions = (await getActivity(freelancer, project.id)).entries.map((e) => e.action);
    expect(actions.filter((a) => a === 'contract.version_created')).toHaveLength(2);
  });

  test("the client's language sets the contract's until it is accepted; afterwards the agreement keeps its own", async () => {
    const { freelancer, client, project } = await sharedProject();
    const clientId = project.clientId;
    const setLanguage = async (locale: string) =>
      expectStatus(
        await freelancer.patch(`/api/clients/${clientId}`, { locale }),
        200,
        z.unknown(),
      );
    const read = async () => expectStatus(await client.get('/api/portal/contract'), 200, Record_);
    expect((await read()).current.locale).toBe('en');
    // Not yet accepted: the contract follows the client's language, as a new version.
    await setLanguage('de');
    const german = await read();
    expect(german.current).toMatchObject({ version: 2, locale: 'de', reason: 'changed' });
    expect(german.current.text).toContain('6.300,50');
    const accepted = await client.post(
      '/api/portal/contract/accept',
      { fullName: 'Bea Kraus', sha256: german.current.sha256 },
      { headers: { 'user-agent': UA } },
    );
    expectStatus(accepted, 200, Accepted);
    // Accepted: the language can change for screens and mail, not the agreement the client
    // accepted — no new version to accept again before paying.
    await setLanguage('en');
    const after = await read();
    expect(after.versions.map((v) => [v.version, v.locale])).toEqual([
      [1, 'en'],
      [2, 'de'],
    ]);
    expect(after.current).toMatchObject({ version: 2, locale: 'de' });
    expect(after.current.acceptedAt).not.toBeNull();
  });

  test('acceptance records name, time, IP, user agent and hash, in the activity chain too', async () => {
    const { freelancer, client, project } = await sharedProject();
    const { current } = expectStatus(await client.get('/api/portal/contract'), 200, Record_);
    const res = await client.post(
      '/api/portal/contract/accept',
      { fullName: '  Bea Kraus ', sha256: current.sha256 },
      { headers: { 'user-agent': UA } },
    );
    const { acceptance } = expectStatus(res, 200, Accepted);
    expect(acceptance).toMatchObject({
      versionId: current.id,
      version: 1,
      fullName: 'Bea Kraus',
      sha256: current.sha256,
      userAgent: UA,
    });
    expect(acceptance.ip).toMatch(/127\.0\.0\.1|::1/);
    expect(Date.parse(acceptance.acceptedAt)).not.toBeNaN();

    const record = expectStatus(
      await freelancer.get(`/api/projects/${project.id}/contract`),
      200,
      Record_,
    );
    expect(record.acceptances).toEqual([acceptance]);
    expect(record.current.acceptedAt).toBe(acceptance.acceptedAt);

    // Accepting the same version again returns the first acceptance.
    const twice = expectStatus(
      await client.post('/api/portal/contract/accept', {
        fullName: 'Someone Else',
        sha256: current.sha256,
      }),
      200,
      Accepted,
    );
    expect(twice.acceptance).toEqual(acceptance);

    const activity = await getActivity(freelancer, project.id);
    expect(activity.chainValid).toBe(true);
    const accepted = activity.entries.filter((e) => e.action === 'contract.accepted');
    expect(accepted).toHaveLength(1);
    expect(accepted[0]?.actorType).toBe('client');
    expect(accepted[0]?.details).toMatchObject({
      version: 1,
      sha256: current.sha256,
      fullName: 'Bea Kraus',
      userAgent: UA,
    });
  });

  test('a stale hash is refused with 409 naming the current version, and nothing is recorded', async () => {
    const { freelancer, client, project, milestones } = await sharedProject();
    const v1 = expectStatus(await client.get('/api/portal/contract'), 200, Record_).current;
    const first = milestones[0];
    if (!first) throw new Error('milestone expected');
    expectStatus(
      await freelancer.patch(`/api/projects/${project.id}/milestones/${first.id}`, {
        deliverables: 'Moodboard and interviews',
      }),
      200,
      z.unknown(),
    );
    // The client still holds version 1: refused, even before anyone read version 2.
    const stale = expectError(
      await client.post('/api/portal/contract/accept', { fullName: 'Bea', sha256: v1.sha256 }),
      { status: 409, code: 'CONFLICT', field: 'sha256' },
    );
    expect(stale.message).toContain('version 1');
    expect(stale.message).toContain('version 2 is current');
    const unknown = expectError(
      await client.post('/api/portal/contract/accept', { fullName: 'Bea', sha256: sha('x') }),
      { status: 409, code: 'CONFLICT', field: 'sha256' },
    );
    expect(unknown.message).toContain('version 2');

    const record = expectStatus(await client.get('/api/portal/contract'), 200, Record_);
    expect(record.current.version).toBe(2);
    expect(record.current.text).toContain('Moodboard and interviews');
    expect(record.acceptances).toEqual([]);
    expectStatus(
      await client.post('/api/portal/contract/accept', {
        fullName: 'Bea',
        sha256: record.current.sha256,
      }),
      200,
      Accepted,
    );
  });

  test("another freelancer's project is not found; the portal needs a session", async () => {
    const { project } = await sharedProject();
    const stranger = await signUp(app());
    expectError(await stranger.get(`/api/projects/${project.id}/contract`), {
      status: 404,
      code: 'NOT_FOUND',
    });
    const anonymous = new Actor(app().url, 'anonymous');
    expectError(await anonymous.get('/api/portal/contract'), { status: 401 });
    expectError(
      await anonymous.post('/api/portal/contract/accept', { fullName: 'X', sha256: sha('x') }),
      { status: 401 },
    );
    // Another project's client sees their own contract only.
    const other = await sharedProject();
    const theirs = expectStatus(await other.client.get('/api/portal/contract'), 200, Record_);
    expect(theirs.current.text).toContain('Brand refresh');
    const mine = expectStatus(
      await other.freelancer.get(`/api/projects/${other.project.id}/contract`),
      200,
      Record_,
    );
    expect(mine.current.id).toBe(theirs.current.id);
    expectError(await other.freelancer.get(`/api/projects/${project.id}/contract`), {
      status: 404,
    });
  });

  test('bad names and hashes are refused with the field named', async () => {
    const { client } = await sharedProject();
    const { current } = expectStatus(await client.get('/api/portal/contract'), 200, Record_);
    for (const fullName of [
      '',
      '   ',
      'Bea\u0000Kraus',
      'Bea\u0007',
      'Bea\nKraus',
      'x'.repeat(201),
    ]) {
      expectError(
        await client.post('/api/portal/contract/accept', { fullName, sha256: current.sha256 }),
        { status: 400, field: 'fullName' },
      );
    }
    expectError(
      await client.post('/api/portal/contract/accept', { fullName: 'Bea', sha256: 'ABC' }),
      { status: 400, field: 'sha256' },
    );
    expectError(await client.post('/api/portal/contract/accept', { sha256: current.sha256 }), {
      status: 400,
      field: 'fullName',
    });
    const record = expectStatus(await client.get('/api/portal/contract'), 200, Record_);
    expect(record.acceptances).toEqual([]);
  });
});

// Keeps the shared response contract's activity actions in step with what this suite expects.
test('the activity contract knows the contract actions', () => {
  expect(C.ACTIVITY_ACTIONS).toContain('contract.accepted');
  expect(C.ACTIVITY_ACTIONS).toContain('contract.version_created');
});
