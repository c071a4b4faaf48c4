/**
 * A process of its own for mail-render-off-main.test.ts: builds the real app on the database
 * its environment names (DATA_DIR, DATABASE_URL), sends one mail of each way the server renders
 * them — the settings' test email and a password reset (rendered before they are sent or
 * queued) and a template queued in a transaction (rendered by the mail worker) — then closes the
 * app and prints, as one JSON line, what was sent and which React modules this process's main
 * thread loaded. It never calls process.exit: the test also sees that nothing keeps it alive.
 *
 * Run from source (`node --import tsx`) or as an esbuild bundle beside `mail-render-worker.js`.
 */
import fs from 'node:fs/promises';
import { createRequire } from 'node:module';
import { queueTemplateMail } from '../../../src/actions/queue-mail';
import { loadConfig } from '../../../src/config';
import { openDatabase } from '../../../src/db/database';
import { buildApp } from '../../../src/http/app';

const config = loadConfig();
const app = await buildApp({ config });
const email = 'ann@example.org';
const signup = await app.inject({
  method: 'POST',
  url: '/api/auth/signup',
  payload: { email, password: 'correct horse battery staple', name: 'Ann Lee', locale: 'de' },
});
if (signup.statusCode !== 201) throw new Error(`signup: ${signup.statusCode} ${signup.body}`);
const { user, csrfToken } = signup.json<{ user: { id: string }; csrfToken: string }>();
const session = signup.cookies.find((c) => c.name === 'mp_session')?.value ?? '';

const testEmail = await app.inject({
  method: 'POST',
  url: '/api/settings/test-email',
  headers: { cookie: `mp_session=${session}`, 'x-csrf-token': csrfToken },
});
if (testEmail.statusCode !== 200) throw new Error(`test email: ${testEmail.statusCode}`);

const reset = await app.inject({
  method: 'POST',
  url: '/api/auth/password-reset',
  payload: { email },
});
if (reset.statusCode !== 202) throw new Error(`password reset: ${reset.statusCode}`);

const side = await openDatabase(config);
try {
  await side.db.transaction().execute((trx) =>
    queueTemplateMail(trx, {
      ownerId: user.id,
      kind: 'delivery',
      template: {
        name: 'delivery',
        locale: 'en',
        input: {
          freelancer: { name: 'Ann Lee', email },
          client: { name: 'Dan Client', email: 'dan@example.org' },
          project: { title: 'Brand refresh' },
          milestone: { id: 'ms-1', position: 1, title: 'Logo' },
          files: [],
          outstandingMinor: 10_000,
          currency: 'EUR',
        },
      },
      now: new Date().toISOString(),
    }),
  );
} finally {
  await side.close();
}
// A receipt, an invoice and a contract: the client accepts the contract, a deposit is invoiced
// and paid
// (the receipt mail, queued with its PDF to attach, goes out through the mail worker), and each
// PDF is downloaded.
const asFreelancer = { cookie: `mp_session=${session}`, 'x-csrf-token': csrfToken };
async function call<T>(
  method: 'GET' | 'POST',
  url: string,
  payload?: object,
  headers = asFreelancer,
) {
  const res = await app.inject({ method, url, headers, ...(payload && { payload }) });
  if (res.statusCode >= 300) throw new Error(`${method} ${url}: ${res.statusCode} ${res.body}`);
  return { json: () => res.json<T>(), res };
}
const pdfs: Record<string, number> = {};
async function download(kind: string, url: string, headers = asFreelancer) {
  const { res } = await call('GET', url, undefined, headers);
  if (
    res.headers['content-type'] !== 'application/pdf' ||
    !res.rawPayload.subarray(0, 5).equals(Buffer.from('%PDF-'))
  ) {
    throw new Error(`${url}: not a PDF`);
  }
  pdfs[kind] = (pdfs[kind] ?? 0) + 1;
}
const { client } = (
  await call<{ client: { id: string } }>('POST', '/api/clients', {
    name: 'Dan Client',
    email: 'dan@example.org',
  })
).json();
const { project, milestones } = (
  await call<{ project: { id: string }; milestones: { id: string; amountMinor: number }[] }>(
    'POST',
    '/api/projects',
    {
      clientId: client.id,
      title: 'Brand refresh',
      currency: 'EUR',
      milestones: [
        {
          title: 'Deposit',
          deliverables: 'Nothing to deliver',
          dueDate: '2099-01-01',
          amountMinor: 10_000,
          isDeposit: true,
        },
      ],
    },
  )
).json();
const deposit = milestones[0];
if (!deposit) throw new Error('no milestone');
const { code } = (
  await call<{ code: string }>('POST', `/api/projects/${project.id}/access`)
).json();
const portal = await app.inject({ method: 'POST', url: '/api/portal/session', payload: { code } });
const portalCookie = portal.cookies.find((c) => c.name === 'mp_client')?.value ?? '';
const portalCsrf = portal.json<{ csrfToken?: string }>().csrfToken ?? '';
const asClient = { cookie: `mp_client=${portalCookie}`, 'x-csrf-token': portalCsrf };
const contract = (
  await call<{ current: { id: string; version: number; sha256: string } }>(
    'GET',
    '/api/portal/contract',
    undefined,
    asClient,
  )
).json();
await call(
  'POST',
  '/api/portal/contract/accept',
  { fullName: 'Dan Client', sha256: contract.current.sha256 },
  asClient,
);
// Invoiced before it is paid (a paid milestone is not invoiced).
const { invoice } = (
  await call<{ invoice: { id: string } }>(
    'POST',
    `/api/projects/${project.id}/milestones/${deposit.id}/invoice`,
  )
).json();
await call('POST', `/api/projects/${project.id}/milestones/${deposit.id}/payments`, {
  amountMinor: deposit.amountMinor,
  method: 'bank_transfer',
  reference: 'INV-1',
  receivedOn: '2026-07-20',
});
const { receipts } = (await call<{ receipts: { id: string }[] }>('GET', '/api/receipts')).json();
for (const receipt of receipts) await download('receipt', `/api/receipts/${receipt.id}/pdf`);
await download('invoice', `/api/invoices/${invoice.id}/pdf`);
await download('contract', `/api/portal/contract/versions/${contract.current.id}/pdf`, asClient);

await app.mailWorker.drain();
await app.close();

const outbox = await fs.readdir(config.mail.outboxDir);
const messages = await Promise.all(
  outbox.map((name) => fs.readFile(`${config.mail.outboxDir}/${name}`, 'utf8')),
);
const loaded = Object.keys(createRequire(import.meta.url).cache);
console.log(
  JSON.stringify({
    subjects: messages.map((m) => /^Subject: (.*)$/m.exec(m)?.[1] ?? '').sort(),
    html: messages.filter((m) => m.includes('text/html')).length,
    attachedPdfs: messages.filter((m) => m.includes('application/pdf')).length,
    pdfs,
    react: loaded.filter((file) => /[\\/]node_modules[\\/](react|react-dom)[\\/]/.test(file)),
    // pdfkit itself is ESM here; the CommonJS modules it and fontkit load land in require.cache.
    pdfkit: loaded.filter((file) =>
      /[\\/]node_modules[\\/](pdfkit|fontkit|linebreak|unicode-trie|brotli|png-js)[\\/]/.test(file),
    ),
  }),
);
