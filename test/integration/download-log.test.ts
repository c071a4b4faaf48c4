/**
 * Downloads do not grow the activity record: they go to the download log, merged per file,
 * downloader (kind and address, IPv6 by /64) and hour. The activity record is read in pages by
 * cursor (`?limit=&before=` → `nextCursor`), each page verified and linked to the one before.
 */
import { describe, expect, test } from 'vitest';
import * as C from './contract';
import {
  SUITE_TIMEOUT,
  dialects,
  deliver,
  expectError,
  expectStatus,
  getActivity,
  openPortal,
  recordPayment,
  setupProject,
  share,
  signUp,
  useApp,
  type Actor,
} from './harness';
import {
  downloadTotals,
  fetchBytes,
  listFiles,
  seededBytes,
  uploadSmall,
  type DownloadView,
} from './files-helpers';

const HOUR_MS = 3_600_000;
const SIZE = 4096 + 7;

describe.each(dialects)('the download log on %s', SUITE_TIMEOUT, (dialect) => {
  const app = useApp(dialect, { TRUST_PROXY: 'true' });

  async function paidFile() {
    const freelancer = await signUp(app());
    const { project, milestones } = await setupProject(freelancer, { amounts: [100_00] });
    const milestone = milestones[0];
    if (milestone === undefined) throw new Error('no milestone');
    const source = seededBytes(SIZE, 3);
    const fileId = await uploadSmall(app(), freelancer, milestone.id, source, 'report.pdf');
    await deliver(freelancer, project.id, milestone.id);
    const client = await openPortal(app(), { code: (await share(freelancer, project.id)).code });
    await recordPayment(freelancer, project.id, milestone);
    return { freelancer, client, projectId: project.id, fileId };
  }

  const download = async (client: Actor, fileId: string, ip: string, range?: string) => {
    const got = await fetchBytes(app(), client, `/api/files/${fileId}`, {
      headers: { 'x-forwarded-for': ip, ...(range !== undefined && { range }) },
    });
    expect(got.status).toBe(range === undefined ? 200 : 206);
  };

  /** The client's rows, once `requests` downloads have been logged (logged after the response). */
  async function clientRows(freelancer: Actor, projectId: string, requests: number) {
    for (let i = 0; i < 100; i++) {
      const rows = (await listFiles(freelancer, projectId)).downloads.filter(
        (d) => d.actorType === 'client',
      );
      if (downloadTotals(rows).requests >= requests) return rows;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error(`fewer than ${requests} downloads were logged`);
  }

  test('30 downloads add no activity entry and one log row per downloader and hour', async () => {
    // Five past the next full hour: in the future, so sessions started now outlive the test
    // (the actors drop cookies whose Expires has passed by the real clock).
    const start = Math.ceil(Date.now() / HOUR_MS) * HOUR_MS + 5 * 60_000;
    const at = new Date(start).toISOString();
    const hourLater = new Date(start + HOUR_MS).toISOString();
    app().clock.freeze();
    app().clock.set(at);
    try {
      const { freelancer, client, projectId, fileId } = await paidFile();
      const before = await getActivity(freelancer, projectId);

      for (let i = 0; i < 20; i++) await download(client, fileId, '203.0.113.5');
      for (let i = 0; i < 10; i++) {
        await download(client, fileId, '203.0.113.5', `bytes=${i * 100}-${i * 100 + 99}`);
      }
      const rows = await clientRows(freelancer, projectId, 30);
      expect(rows).toHaveLength(1);
      expect(rows[0]).toMatchObject<Partial<DownloadView>>({
        fileId,
        fileName: 'report.pdf',
        address: '203.0.113.5',
        via: 'stream',
        requests: 30,
        bytes: 20 * SIZE + 10 * 100,
        completions: 20,
        firstAt: at,
        lastAt: at,
      });

      // The activity record did not grow by a single entry.
      const after = await getActivity(freelancer, projectId);
      expect(after.entries.map((e) => e.seq)).toEqual(before.entries.map((e) => e.seq));
      expect(after.entries.some((e) => e.action === 'file.downloaded')).toBe(false);

      // Another address (IPv6, counted by /64) and the next hour start rows of their own.
      await download(client, fileId, '2001:db8:5:6::1');
      await download(client, fileId, '2001:db8:5:6::2');
      // Logged once the bytes have gone out: wait for it before the hour moves on.
      await clientRows(freelancer, projectId, 32);
      app().clock.advance(HOUR_MS);
      await download(client, fileId, '203.0.113.5');
      const later = await clientRows(freelancer, projectId, 33);
      expect(
        later
          .map((d) => [d.address, d.firstAt, d.requests])
          .sort(
            (a, b) =>
              String(a[1]).localeCompare(String(b[1])) || String(a[0]).localeCompare(String(b[0])),
          ),
      ).toEqual([
        ['2001:db8:5:6::/64', at, 2],
        ['203.0.113.5', at, 30],
        ['203.0.113.5', hourLater, 1],
      ]);
    } finally {
      app().clock.unfreeze();
    }
  });

  test('the activity record pages by cursor, each page verified', async () => {
    const freelancer = await signUp(app());
    const { project } = await setupProject(freelancer);
    for (let i = 0; i < 24; i++) {
      expectStatus(
        await freelancer.patch(`/api/projects/${project.id}`, { description: `Version ${i}` }),
        200,
        C.ProjectEnvelope,
      );
    }
    const whole = await getActivity(freelancer, project.id);
    expect(whole.nextCursor).toBeNull();
    expect(whole.chainValid).toBe(true);
    const total = whole.entries.length;
    expect(total).toBeGreaterThanOrEqual(25);

    const pages: C.ActivityList[] = [];
    let path = `/api/projects/${project.id}/activity?limit=10`;
    for (;;) {
      const page = expectStatus(await freelancer.get(path), 200, C.ActivityList);
      pages.push(page);
      expect(page.chainValid).toBe(true);
      expect(page.entries.length).toBeLessThanOrEqual(10);
      if (page.nextCursor === null) break;
      expect(page.entries[0]?.seq).toBe(Number(page.nextCursor));
      path = `/api/projects/${project.id}/activity?limit=10&before=${page.nextCursor}`;
    }
    expect(pages).toHaveLength(Math.ceil(total / 10));
    expect(pages[0]?.entries.map((e) => e.seq)).toEqual(
      Array.from({ length: 10 }, (_, i) => total - 9 + i),
    );
    // Newest page first; within a page, oldest first: reversed pages give the whole record.
    const joined = [...pages].reverse().flatMap((p) => p.entries);
    expect(joined).toEqual(whole.entries);

    for (const query of ['limit=0', 'limit=501', 'limit=x', 'before=0', 'before=abc']) {
      expectError(await freelancer.get(`/api/projects/${project.id}/activity?${query}`), {
        status: 400,
      });
    }
    const none = expectStatus(
      await freelancer.get(`/api/projects/${project.id}/activity?before=1`),
      200,
      C.ActivityList,
    );
    expect(none).toEqual({ entries: [], chainValid: true, nextCursor: null });
  });
});
