/**
 * `npm run bench:mail-render [-- --mails 100]`
 *
 * What rendering mail costs the server's event loop: `--mails` mails (every template, in turn)
 * rendered one after another as the mail worker does, first in the render worker thread
 * (src/mail/renderer.ts, as the server renders now), then in this thread (as it rendered
 * before), each twice — the first round loads react-dom/server. For each: the main thread's
 * event-loop delay (perf_hooks.monitorEventLoopDelay: max, p99, mean) and the wall time. Run
 * with NODE_ENV unset, as a server is: the worker picks React's production build itself, this
 * thread keeps the development build a server without NODE_ENV used to render with.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { inProcessRenderer } from '../src/mail/render';
import { createRenderer, type MailRenderer } from '../src/mail/renderer';
import { sampleRequests } from '../test/unit/mail-samples';

const { values } = parseArgs({ options: { mails: { type: 'string', default: '100' } } });
const mails = Number(values.mails);
if (!Number.isInteger(mails) || mails < 1) throw new Error('--mails must be a whole number ≥ 1');
const samples = sampleRequests();

interface Round {
  label: string;
  maxMs: number;
  p99Ms: number;
  meanMs: number;
  wallMs: number;
}

async function round(label: string, renderer: MailRenderer): Promise<Round> {
  const delay = monitorEventLoopDelay({ resolution: 1 });
  const started = performance.now();
  delay.enable();
  for (let i = 0; i < mails; i++) {
    const sample = samples[i % samples.length];
    if (sample) await renderer.render(sample.request);
  }
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

console.log(`${mails} mails per round; NODE_ENV=${process.env.NODE_ENV ?? '(unset)'}`);
const worker = createRenderer();
const rounds: Round[] = [];
try {
  // The worker first: rendering here turns on async hooks in this thread for good.
  rounds.push(await round('worker, first', worker));
  rounds.push(await round('worker, again', worker));
} finally {
  await worker.close();
}
rounds.push(await round('this thread, first', inProcessRenderer));
rounds.push(await round('this thread, again', inProcessRenderer));

const pad = (s: string, n: number) => s.padEnd(n);
const num = (n: number) => n.toFixed(1).padStart(9);
console.log(
  `${pad('render in', 20)}${['delay max', 'p99', 'mean', 'wall'].map((h) => h.padStart(9)).join('')}  (ms)`,
);
for (const r of rounds) {
  console.log(`${pad(r.label, 20)}${num(r.maxMs)}${num(r.p99Ms)}${num(r.meanMs)}${num(r.wallMs)}`);
}
const [wFirst, wAgain, tFirst, tAgain] = rounds;
if (wFirst && wAgain && tFirst && tAgain) {
  const ratio = (a: number, b: number) => (a / b).toFixed(1);
  console.log(
    `event-loop delay max, this thread / worker: ${ratio(tFirst.maxMs, wFirst.maxMs)}x (first), ` +
      `${ratio(tAgain.maxMs, wAgain.maxMs)}x (again)`,
  );
}
