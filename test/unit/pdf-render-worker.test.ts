/**
 * PDFs through the render worker (src/mail/renderer.ts, the `pdf` task): every kind prints in a
 * thread of its own to exactly what printing in the calling thread gives — but for the creation
 * date and the file ID pdfkit derives from it, which it takes from the clock (withoutClock) — and
 * the thread can be started before anything renders, as the server does.
 */
import { threadId } from 'node:worker_threads';
import { afterAll, describe, expect, it } from 'vitest';
import { inProcessRenderer } from '../../src/mail/render';
import { WorkerRenderer } from '../../src/mail/renderer';
import { inThreadPdfRenderer } from '../../src/pdf/render-pdf';
import { pdfSamples, withoutClock } from './pdf-samples';

const images = (pdf: Uint8Array) =>
  (
    Buffer.from(pdf)
      .toString('latin1')
      .match(/\/Subtype \/Image/g) ?? []
  ).length;

describe('PDFs in the render worker', () => {
  const renderer = new WorkerRenderer();
  afterAll(() => renderer.close());

  it('prints every kind off this thread, byte for byte as printed here but for the clock', async () => {
    const samples = pdfSamples();
    expect(new Set(samples.map((s) => s.request.kind))).toEqual(
      new Set(['receipt', 'invoice', 'contract']),
    );
    const threads = new Set<number>();
    for (const { label, request } of samples) {
      const { pdf, threadId: renderedOn } = await renderer.pdfOnThread(request);
      threads.add(renderedOn);
      const here = await inThreadPdfRenderer.pdf(request);
      expect(Buffer.from(pdf).subarray(0, 5).toString('latin1'), label).toBe('%PDF-');
      expect(pdf.byteLength, label).toBe(here.byteLength);
      expect(withoutClock(pdf) === withoutClock(here), label).toBe(true);
      // The logo crosses to the thread (as a plain Uint8Array) and is drawn there.
      const logo = request.kind === 'receipt' && request.logo !== undefined;
      expect(images(pdf), label).toBe(logo ? 1 : 0);
    }
    expect(threads.size).toBe(1);
    expect(threads.has(threadId)).toBe(false);
  });

  it('answers with a Buffer', async () => {
    const [sample] = pdfSamples();
    if (!sample) throw new Error('no sample');
    expect(Buffer.isBuffer(await renderer.pdf(sample.request))).toBe(true);
  });

  it('mail and PDFs share the one thread', async () => {
    const [sample] = pdfSamples();
    if (!sample) throw new Error('no sample');
    const mail = await renderer.renderOnThread({
      mail: { name: 'test-email', locale: 'en', input: { name: 'A' } },
      publicUrl: 'https://a.example',
    });
    expect((await renderer.pdfOnThread(sample.request)).threadId).toBe(mail.threadId);
    expect(mail.html).toBe(
      (
        await inProcessRenderer.render({
          mail: { name: 'test-email', locale: 'en', input: { name: 'A' } },
          publicUrl: 'https://a.example',
        })
      ).html,
    );
  });
});

describe('starting the worker', () => {
  it('at the first render unless started; start() starts its thread at once', async () => {
    const lazy = new WorkerRenderer();
    const eager = new WorkerRenderer();
    try {
      eager.start();
      expect(lazy.threads).toBe(0);
      expect(eager.threads).toBe(1);
      const [sample] = pdfSamples();
      if (!sample) throw new Error('no sample');
      await eager.pdf(sample.request);
      expect(eager.threads).toBe(1);
    } finally {
      await Promise.all([lazy.close(), eager.close()]);
    }
  });

  it('after close, start() starts nothing', async () => {
    const renderer = new WorkerRenderer();
    await renderer.close();
    renderer.start();
    expect(renderer.threads).toBe(0);
  });
});
