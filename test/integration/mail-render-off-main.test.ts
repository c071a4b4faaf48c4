/**
 * Mail and PDFs are rendered off the server's event loop: in a process of its own
 * (support/mail-off-main.ts) the real app sends a test email, a password reset, a queued template
 * mail and a receipt mail with its PDF, and serves a receipt, an invoice and a contract PDF, and
 * its main thread never loads React or pdfkit — react-dom/server is CommonJS, so whatever loads
 * it, even through `import`, lands in require.cache; so do the CommonJS modules pdfkit loads. Run from the TypeScript source, as `tsx src/server.ts` runs,
 * and bundled with the render worker beside it, as `npm run build:server` builds. The process
 * must also end by itself once the app is closed: the worker thread keeps nothing alive.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleWithRenderWorker } from './crash-helpers';
import { dialects, HOOK_TIMEOUT, provisionStorage, SUITE_TIMEOUT, TEST_ENV } from './harness';

const REPO_ROOT = path.resolve(import.meta.dirname, '../..');
const CHILD = path.join(REPO_ROOT, 'test/integration/support/mail-off-main.ts');

interface Report {
  subjects: string[];
  html: number;
  attachedPdfs: number;
  pdfs: Record<string, number>;
  react: string[];
  pdfkit: string[];
}

/** Runs the child to its end (it must end by itself) and reads its report. */
async function runChild(args: string[], env: Record<string, string>): Promise<Report> {
  const childEnv: NodeJS.ProcessEnv = { ...process.env, ...TEST_ENV, LOG_LEVEL: 'warn', ...env };
  // As a server is started: React's production build is the worker's own choice.
  delete childEnv.NODE_ENV;
  const child = spawn(process.execPath, args, {
    cwd: REPO_ROOT,
    env: childEnv,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.setEncoding('utf8').on('data', (s: string) => (out += s));
  child.stderr.setEncoding('utf8').on('data', (s: string) => (out += s));
  const guard = setTimeout(() => child.kill('SIGKILL'), 50_000);
  const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve) =>
    child.once('close', (c, s) => resolve([c, s])),
  );
  clearTimeout(guard);
  expect(signal, `the process did not end by itself:\n${out}`).toBeNull();
  expect(code, out).toBe(0);
  const line = out.split('\n').find((l) => l.startsWith('{"subjects"'));
  if (line === undefined) throw new Error(`no report:\n${out}`);
  return JSON.parse(line) as Report;
}

function expectRenderedOffMain(report: Report) {
  // The test email, the password reset, the queued delivery mail, the notices of the client
  // opening the project and accepting its terms, and the receipt mail to each party: each with
  // its HTML part; the receipt mails with their PDF.
  expect(report.subjects).toHaveLength(7);
  expect(report.html).toBe(7);
  expect(report.attachedPdfs).toBe(2);
  expect(report.pdfs).toEqual({ receipt: 1, invoice: 1, contract: 1 });
  expect(report.react).toEqual([]);
  expect(report.pdfkit).toEqual([]);
}

let bundle: { entry: string; remove(): Promise<void> } | undefined;

beforeAll(async () => {
  bundle = await bundleWithRenderWorker(CHILD, 'mail-off-main');
}, HOOK_TIMEOUT);

afterAll(async () => {
  await bundle?.remove();
});

describe.each(dialects)('mail rendered off the main thread (%s)', (dialect) => {
  it('from the TypeScript source (node --import tsx)', SUITE_TIMEOUT, async () => {
    const storage = await provisionStorage(dialect);
    try {
      expectRenderedOffMain(await runChild(['--import', 'tsx', CHILD], storage.env));
    } finally {
      await storage.dispose();
    }
  });

  it('bundled, the worker beside the bundle', SUITE_TIMEOUT, async () => {
    if (!bundle) throw new Error('the bundle was not built');
    const storage = await provisionStorage(dialect);
    try {
      expectRenderedOffMain(await runChild([bundle.entry], storage.env));
    } finally {
      await storage.dispose();
    }
  });
});
