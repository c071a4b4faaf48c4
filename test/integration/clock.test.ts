/**
 * The app reads the time from the clock it is built with: moving the test clock past a
 * session's lifetime ends the session, with no waiting and no patched globals.
 */
import { describe, expect, test } from 'vitest';
import { openDatabase } from '../../src/db/database';
import * as C from './contract';
import { createUpload, listFiles, seededBytes, uploadSmall } from './files-helpers';
import {
  SUITE_TIMEOUT,
  dialects,
  expectError,
  expectNoContent,
  expectStatus,
  getActivity,
  openPortal,
  setupProject,
  share,
  signUp,
  storageConfig,
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

describe.each(dialects)(
  'file and milestone changes on the injected clock on %s',
  SUITE_TIMEOUT,
  (dialect) => {
    const app = useApp(dialect);

    test('uploads, file removals and milestone removals are dated by the app’s clock', async () => {
      const at = '2031-03-04T05:06:07.000Z';
      // Frozen first, then set: set-then-freeze reads the clock again, a millisecond later at times.
      app().clock.freeze();
      app().clock.set(at);
      try {
        const owner = await signUp(app());
        const { project, milestones } = await setupProject(owner);
        const [first, , third] = milestones;
        if (!first || !third) throw new Error('setupProject made three milestones');

        const fileId = await uploadSmall(app(), owner, first.id, seededBytes(1000, 7));
        const [file] = (await listFiles(owner, project.id)).files;
        expect(file?.id).toBe(fileId);
        expect(file?.createdAt).toBe(at);
        expect(file?.completedAt).toBe(at);
        // An upload that starts now expires UPLOAD_EXPIRY_HOURS from the app's clock: a sweep
        // an hour later (by that clock) leaves it alone.
        const started = await createUpload(app(), owner, { milestoneId: first.id, length: 1000 });
        const handle = await openDatabase(storageConfig(app()));
        try {
          const row = await handle.db
            .selectFrom('files')
            .select(['created_at', 'expires_at'])
            .where('id', '=', started.id)
            .executeTakeFirstOrThrow();
          expect(row.created_at).toBe(at);
          expect(row.expires_at).toBe(new Date(Date.parse(at) + 48 * 3600_000).toISOString());
        } finally {
          await handle.close();
        }

        expectNoContent(await owner.delete(`/api/uploads/${fileId}`));
        expectNoContent(await owner.delete(`/api/projects/${project.id}/milestones/${third.id}`));
        const entries = (await getActivity(owner, project.id)).entries;
        const dated = (action: string) => entries.find((e) => e.action === action)?.createdAt;
        expect(dated('file.uploaded')).toBe(at);
        expect(dated('file.removed')).toBe(at);
        expect(dated('milestone.removed')).toBe(at);
      } finally {
        app().clock.unfreeze();
      }
    });
  },
);
