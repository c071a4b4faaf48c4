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
    react: loaded.filter((file) => /[\\/]node_modules[\\/](react|react-dom)[\\/]/.test(file)),
  }),
);
