/**
 * A full disk during an upload: the freelancer gets a clear 507, what was stored is kept, and the
 * upload resumes to the right SHA-256 once space is freed. The file store is put on a small
 * tmpfs mounted for the test (CI runs as root, which mounting needs). The database is untouched
 * by this, so one dialect suffices.
 */
import { execFileSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HOOK_TIMEOUT, setupProject, signUp, startApp, type TestApp } from './harness';

const MiB = 1024 * 1024;

describe('upload onto a full disk', () => {
  let app: TestApp | undefined;
  let mountPoint = '';

  beforeAll(async () => {
    app = await startApp('sqlite');
    mountPoint = path.join(app.dataDir, 'files');
    try {
      execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=24m', 'tmpfs', mountPoint]);
    } catch (error) {
      throw new Error('This test mounts a small tmpfs and needs root (as CI has)', {
        cause: error,
      });
    }
  }, HOOK_TIMEOUT);

  afterAll(async () => {
    if (mountPoint) execFileSync('umount', ['-l', mountPoint]);
    await app?.close();
  }, HOOK_TIMEOUT);

  it('answers 507, keeps the stored bytes, and resumes once space is freed', async () => {
    if (!app) throw new Error('app did not start');
    const freelancer = await signUp(app);
    const { project, milestones } = await setupProject(freelancer);
    const milestoneId = milestones[0]?.id ?? '';
    const source = randomBytes(16 * MiB);
    const expectedSha = createHash('sha256').update(source).digest('hex');
    const filler = path.join(mountPoint, 'filler.bin');
    await writeFile(filler, Buffer.alloc(14 * MiB)); // leaves ~10 MiB: not enough for 16 MiB

    const tusHeaders = {
      cookie: freelancer.cookieHeader(),
      'x-csrf-token': freelancer.csrfToken ?? '',
      'tus-resumable': '1.0.0',
    };
    const b64 = (s: string) => Buffer.from(s).toString('base64');
    const created = await fetch(`${app.url}/api/uploads`, {
      method: 'POST',
      headers: {
        ...tusHeaders,
        'upload-length': String(source.length),
        'upload-metadata': `milestoneId ${b64(milestoneId)},filename ${b64('big.bin')},filetype ${b64('application/octet-stream')}`,
      },
    });
    expect(created.status).toBe(201);
    const uploadUrl = `${app.url}${created.headers.get('location') ?? ''}`;

    const patch = (offset: number) =>
      fetch(uploadUrl, {
        method: 'PATCH',
        headers: {
          ...tusHeaders,
          'upload-offset': String(offset),
          'content-type': 'application/offset+octet-stream',
        },
        body: source.subarray(offset),
      });
    const full = await patch(0);
    const fullBody = await full.text();
    expect(full.status, fullBody).toBe(507);
    expect(fullBody).toMatch(/out of storage space/);

    const head = await fetch(uploadUrl, { method: 'HEAD', headers: tusHeaders });
    const kept = Number(head.headers.get('upload-offset'));
    expect(kept).toBeGreaterThan(0); // what fitted is kept
    expect(kept).toBeLessThan(source.length);

    await rm(filler);
    const resumed = await patch(kept);
    expect(resumed.status).toBe(204);
    expect(resumed.headers.get('upload-offset')).toBe(String(source.length));

    const listing = await freelancer.get(`/api/projects/${project.id}/files`);
    expect(listing.status).toBe(200);
    expect(listing.body).toMatchObject({
      files: [{ name: 'big.bin', size: source.length, sha256: expectedSha, status: 'complete' }],
    });
  });
});
