/**
 * `npm run bench:mail-render [-- --mails 100 --pdfs 100]`
 *
 * What rendering mail and PDFs costs the server's event loop: `--mails` mails (every template, in
 * turn) rendered one after another as the mail worker does, then `--pdfs` PDFs (receipts with and
 * without a logo, invoices, credit notes, contracts, in turn) as the download routes and the
 * evidence bundle do — first in the render worker thread (src/mail/renderer.ts, as the server
 * renders now), then in this thread (as it rendered before), each twice: the first round loads
 * react-dom/server or pdfkit. For each: the main thread's event-loop delay
 * (perf_hooks.monitorEventLoopDelay: max, p99, mean) and the wall time. Run with NODE_ENV unset,
 * as a server is: the worker picks React's production build itself, this thread keeps the
 * development build a server without NODE_ENV used to render with.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { inProcessRenderer } from '../src/mail/render';
import { createRenderer, type MailRenderer, type PdfRenderer } from '../src/mail/renderer';
import { inThreadPdfRenderer } from '../src/pdf/render-pdf';
import { sampleRequests } from '../test/unit/mail-samples';
import { pdfSamples } from '../test/unit/pdf-samples';

const { values } = parseArgs({
  options: {
    mails: { type: 'string', default: '100' },
    pdfs: { type: 'string', default: '100' },
  },
});
const mails = Number(values.mails);
const pdfs = Number(values.pdfs);
if (!Number.isInteger(mails) || mails < 0) throw new Error('--mails must be a whole number ≥ 0');
if (!Number.isInteger(pdfs) || pdfs < 0) throw new Error('--pdfs must be a whole number ≥ 0');
const mailSamples = sampleRequests();
const documents = pdfSamples();

interface Round {
  label: string;
  maxMs: number;
  p99Ms: number;
  meanMs: number;
  wallMs: number;
}

async function round(label: string, count: number, render: (i: number) => Promise<unknown>) {
  const delay = monitorEventLoopDelay({ resolution: 1 });
  const started = performance.now();
  delay.enable();
  for (let i = 0; i < count; i++) await render(i);
  delay.disable();
  const wallMs = performance.now() - started;
  const ms = (ns: number) => ns / 1e6;
  return {
    label,
    maxMs: ms(delay.max),
    p99Ms: ms(delay.percentile(99)),
    meanMs: ms(delay.mean),
    wallMs,
  };
}

/** The i-th of `list`, round and round. */
function nth<T>(list: readonly T[], i: number): T {
  const item = list[i % list.length];
  if (item === undefined) throw new Error('no samples');
  return item;
}
const mailRound = (label: string, renderer: MailRenderer) =>
  round(label, mails, (i) => renderer.render(nth(mailSamples, i).request));
const pdfRound = (label: string, renderer: PdfRenderer) =>
  round(label, pdfs, (i) => renderer.pdf(nth(documents, i).request));

console.log(
  `${mails} mails, ${pdfs} PDFs per round; NODE_ENV=${process.env.NODE_ENV ?? '(unset)'}`,
);
const worker = createRenderer();
const rounds: Round[] = [];
try {
  // The worker first: rendering mail here turns on async hooks in this thread for good.
  if (mails > 0) {
    rounds.push(await mailRound('mail, worker, first', worker));
    rounds.push(await mailRound('mail, worker, again', worker));
  }
  if (pdfs > 0) {
    rounds.push(await pdfRound('PDF, worker, first', worker));
    rounds.push(await pdfRound('PDF, worker, again', worker));
  }
} finally {
  await worker.close();
}
if (mails > 0) {
  rounds.push(await mailRound('mail, here, first', inProcessRenderer));
  rounds.push(await mailRound('mail, here, again', inProcessRenderer));
}
if (pdfs > 0) {
  rounds.push(await pdfRound('PDF, here, first', inThreadPdfRenderer));
  rounds.push(await pdfRound('PDF, here, again', inThreadPdfRenderer));
}

const pad = (s: string, n: number) => s.padEnd(n);
const num = (n: number) => n.toFixed(1).padStart(9);
console.log(
  `${pad('render in', 22)}${['delay max', 'p99', 'mean', 'wall'].map((h) => h.padStart(9)).join('')}  (ms)`,
);
for (const r of rounds) {
  console.log(`${pad(r.label, 22)}${num(r.maxMs)}${num(r.p99Ms)}${num(r.meanMs)}${num(r.wallMs)}`);
}
const byLabel = new Map(rounds.map((r) => [r.label, r]));
const ratio = (a: number, b: number) => (a / b).toFixed(1);
for (const what of ['mail', 'PDF']) {
  const of = (where: string, when: string) => byLabel.get(`${what}, ${where}, ${when}`);
  const [wFirst, wAgain, tFirst, tAgain] = [
    of('worker', 'first'),
    of('worker', 'again'),
    of('here', 'first'),
    of('here', 'again'),
  ];
  if (wFirst && wAgain && tFirst && tAgain) {
    console.log(
      `${what}: event-loop delay max, this thread / worker: ${ratio(tFirst.maxMs, wFirst.maxMs)}x (first), ` +
        `${ratio(tAgain.maxMs, wAgain.maxMs)}x (again)`,
    );
  }
}
