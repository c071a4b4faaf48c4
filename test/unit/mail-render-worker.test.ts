/**
 * The mail render worker (src/mail/renderer.ts): every mail renders in a thread of its own to
 * exactly what rendering in the calling thread gives, and the worker's life — a crash fails the
 * renders it had and the next render starts a new thread; close ends it.
 */
import { readFileSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { threadId } from 'node:worker_threads';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config';
import { inProcessRenderer } from '../../src/mail/render';
import { WorkerRenderer, renderWorkerEnv, renderWorkerFile } from '../../src/mail/renderer';
import { sampleRequests } from './mail-samples';

describe('mail render worker', () => {
  const renderer = new WorkerRenderer();
  afterAll(() => renderer.close());

  it('renders every mail off this thread, byte for byte as rendered here', async () => {
    const samples = sampleRequests();
    expect(new Set(samples.map((s) => s.request.mail.name)).size).toBe(13);
    const threads = new Set<number>();
    for (const { label, request } of samples) {
      const { threadId: renderedOn, ...body } = await renderer.renderOnThread(request);
      threads.add(renderedOn);
      expect(body, label).toEqual(await inProcessRenderer.render(request));
      expect(body.html, label).toMatch(/^<!DOCTYPE html/);
    }
    expect(threads.size).toBe(1);
    expect(threads.has(threadId)).toBe(false);
  });

  it('sends mail on its thread: the .eml in the outbox, attachment and all', async () => {
    const outboxDir = await mkdtemp(path.join(os.tmpdir(), 'milepost-send-worker-'));
    try {
      const pdf = Buffer.from('%PDF-1.4 not really a receipt');
      const mail = { ...loadConfig({ DATA_DIR: outboxDir }).mail, outboxDir };
      const { threadId: sentOn } = await renderer.sendOnThread({
        mail,
        message: {
          to: 'client@example.com',
          subject: 'Sent off the event loop',
          text: 'Plain text body',
          html: '<p>HTML body</p>',
          fromName: 'Ann Lee via Milepost',
          attachments: [{ filename: 'receipt.pdf', content: pdf, contentType: 'application/pdf' }],
          unsubscribeUrl: 'https://milepost.example/u/one-click',
        },
      });
      expect(sentOn).not.toBe(threadId);
      const files = await readdir(outboxDir);
      expect(files.filter((f) => f.endsWith('.eml'))).toHaveLength(1);
      const eml = await readFile(
        path.join(outboxDir, files.find((f) => f.endsWith('.eml')) ?? ''),
        'utf8',
      );
      expect(eml).toContain('Subject: Sent off the event loop');
      expect(eml).toContain('To: client@example.com');
      expect(eml).toContain('List-Unsubscribe-Post: List-Unsubscribe=One-Click');
      expect(eml).toContain('filename=receipt.pdf');
      expect(eml).toContain(pdf.toString('base64'));
      // The app's mailer goes the same way.
      await renderer
        .mailer(mail)
        .send({ to: 'freelancer@example.com', subject: 'Second', text: 'x' });
      expect((await readdir(outboxDir)).filter((f) => f.endsWith('.eml'))).toHaveLength(2);
    } finally {
      await rm(outboxDir, { recursive: true, force: true });
    }
  });

  it('answers with the body alone', async () => {
    const [sample] = sampleRequests();
    if (!sample) throw new Error('no sample');
    expect(Object.keys(await renderer.render(sample.request)).sort()).toEqual(['html', 'text']);
  });
});

describe('the worker file', () => {
  it('is the tsx loader beside the source, or mail-render-worker beside a bundle', () => {
    const here = fileURLToPath(new URL('../../src/mail/', import.meta.url));
    expect(renderWorkerFile()).toBe(`${here}render-worker-from-source.mjs`);
    expect(renderWorkerFile('file:///srv/milepost/dist/server/server.js')).toBe(
      '/srv/milepost/dist/server/mail-render-worker.js',
    );
    expect(renderWorkerFile('file:///tmp/bench/milepost-server.mjs')).toBe(
      '/tmp/bench/mail-render-worker.mjs',
    );
  });

  it('is built beside every bundle `npm run build:server` makes', () => {
    const pkg = JSON.parse(
      readFileSync(new URL('../../package.json', import.meta.url), 'utf8'),
    ) as {
      scripts: Record<string, string>;
    };
    const entries = (pkg.scripts['build:server'] ?? '')
      .split(/\s+/)
      .filter((word) => word.startsWith('src/') || /^[\w/-]+=src\//.test(word));
    const bundles = entries.filter((e) => !e.includes('='));
    expect(bundles).toContain('src/server.ts');
    for (const entry of bundles) {
      const folder = path.posix.dirname(path.posix.relative('src', entry));
      const worker = path.posix.join(folder, 'mail-render-worker');
      expect(entries, entry).toContain(`${worker}=src/mail/render-worker.ts`);
    }
  });
});

describe('the worker’s environment', () => {
  it('is the process’s, with React’s production build unless NODE_ENV is set', () => {
    expect(renderWorkerEnv({ PATH: '/bin' })).toEqual({ PATH: '/bin', NODE_ENV: 'production' });
    expect(renderWorkerEnv({ NODE_ENV: 'test' })).toEqual({ NODE_ENV: 'test' });
    expect(renderWorkerEnv({ NODE_ENV: 'development' })).toEqual({ NODE_ENV: 'development' });
  });
});

describe('the worker’s life', () => {
  const file = fileURLToPath(new URL('./support/crashing-render-worker.mjs', import.meta.url));
  const request = (publicUrl: string) => ({
    mail: { name: 'test-email' as const, locale: 'en' as const, input: { name: 'A' } },
    publicUrl,
  });

  it('a crash fails its render and those queued behind it; the next starts a new thread', async () => {
    const errors: Error[] = [];
    const renderer = new WorkerRenderer({ file, onError: (e) => errors.push(e) });
    try {
      const first = await renderer.renderOnThread(request('https://a.example'));
      // The crash, and one render queued behind it.
      const results = await Promise.allSettled([
        renderer.renderOnThread(request('crash')),
        renderer.renderOnThread(request('https://a.example')),
      ]);
      expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
      const next = await renderer.renderOnThread(request('https://a.example'));
      expect(next.threadId).not.toBe(first.threadId);
      expect(next.threadId).not.toBe(threadId);
      expect(errors).toEqual([]);
    } finally {
      await renderer.close();
    }
  });

  it('a worker that cannot load fails each render instead of leaving it waiting', async () => {
    const renderer = new WorkerRenderer({ file: `${file}.missing.mjs` });
    try {
      for (let i = 0; i < 2; i++) {
        await expect(renderer.render(request('https://a.example'))).rejects.toThrow(/missing/);
      }
    } finally {
      await renderer.close();
    }
  });

  it('after close, renders fail and start no thread', async () => {
    const renderer = new WorkerRenderer({ file });
    await renderer.renderOnThread(request('https://a.example'));
    await renderer.close();
    await expect(renderer.render(request('https://a.example'))).rejects.toThrow(/closed/);
  });
});
