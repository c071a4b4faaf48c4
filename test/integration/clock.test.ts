/**
 * The app reads the time from the clock it is built with: moving the test clock past a
 * session's lifetime ends the session, with no waiting and no patched globals.
 */
import { describe, expect, test } from 'vitest';
import * as C from './contract';
import {
  SUITE_TIMEOUT,
  dialects,
  expectError,
  expectStatus,
  openPortal,
  setupProject,
  share,
  signUp,
  useApp,
} from './harness';

const DAY_MS = 86_400_000;

describe.each(dialects)('the injected clock on %s', SUITE_TIMEOUT, (dialect) => {
  const app = useApp(dialect, { SESSION_DAYS: '2', CLIENT_SESSION_DAYS: '3' });

  test('sessions end once the clock passes their lifetime', async () => {
    const owner = await signUp(app());
    const { project } = await setupProject(owner);
    const client = await openPortal(app(), { code: (await share(owner, project.id)).code });

    app().clock.advance(DAY_MS + 60_000);
    expectStatus(await owner.get('/api/auth/me'), 200, C.AuthResult);
    expectStatus(await client.get('/api/portal/project'), 200, C.PortalProject);

    app().clock.advance(DAY_MS);
    expectError(await owner.get('/api/auth/me'), { status: 401, code: 'UNAUTHENTICATED' });
    expectStatus(await client.get('/api/portal/project'), 200, C.PortalProject);

    app().clock.advance(DAY_MS);
    expectError(await client.get('/api/portal/project'), { status: 401, code: 'UNAUTHENTICATED' });
    expect(app().clock.now().getTime() - Date.now()).toBeGreaterThan(3 * DAY_MS - 1_000);
  });
});
