/**
 * Mail that cannot be sent is not lost. Mail is queued in the mail_outbox table in the same
 * transaction as what caused it (a delivery, a payment's receipt) and sent by a worker: with the
 * loopback SMTP server stopped, every message is kept, its attempts and backoff recorded, and
 * the freelancer sees it failing (recipient, subject, attempts, last error — never the body);
 * once the server is up, each message is delivered exactly once and its body is deleted from
 * the database. Two workers on one database never send the same message twice. Retries are
 * reached by moving the app's clock and draining the worker, not by waiting.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { loadConfig } from '../../src/config';
import { sendQueuedMail } from '../../src/actions/send-queued-mail';
import { openDatabase, type Database } from '../../src/db/database';
import { enqueueMail } from '../../src/db/queries/mail-outbox';
import { createMailer } from '../../src/mail/mailer';
import { inProcessRenderer } from '../../src/mail/render';
import { inThreadPdfRenderer } from '../../src/pdf/render-pdf';
import * as C from './contract';
import {
  HOOK_TIMEOUT,
  SUITE_TIMEOUT,
  dialects,
  expectError,
  expectStatus,
  signUp,
  startApp,
  type Actor,
  type TestApp,
} from './harness';
import { deliveredProject, offlinePayment } from './payments-helpers';
import { mailTo, startSmtp, waitFor, type SmtpCapture } from './smtp-helpers';

const RETRY = {
  MAIL_POLL_SECONDS: '3600', // only wakes and explicit drains send: the test sets the clock
  MAIL_RETRY_FIRST_SECONDS: '60',
  MAIL_RETRY_MAX_SECONDS: '600',
  MAIL_FAILING_AFTER_ATTEMPTS: '3',
  MAIL_GIVE_UP_HOURS: '2',
};

async function outbox(actor: Actor): Promise<C.UnsentMail[]> {
  return expectStatus(await actor.get('/api/mail/outbox'), 200, C.MailOutbox).messages;
}

/** Moves the app's clock to `at` (epoch ms) and lets the mail worker try what is due then. */
async function drainAt(app: TestApp, at: number): Promise<void> {
  app.clock.set(new Date(at));
  await app.drainMail();
}

/** The database beside the running app, as a second app instance would open it. */
async function openBeside(app: TestApp, env: Record<string, string> = {}): Promise<Database> {
  return openDatabase(
    loadConfig({
      DATA_DIR: app.dataDir,
      ...(app.dbUrl !== undefined && { DATABASE_URL: app.dbUrl }),
      ...env,
    }),
  );
}

describe.each(dialects)('mail outbox on %s', SUITE_TIMEOUT, (dialect) => {
  let app: TestApp | undefined;
  let port = 0;
  let smtp: SmtpCapture | undefined;
  let side: Database | undefined;
  beforeAll(async () => {
    // A port where nothing listens yet: the mail server is "down" until the test starts it.
    const probe = await startSmtp();
    port = Number(new URL(probe.url).port);
    await probe.close();
    app = await startApp(dialect, { SMTP_URL: `smtp://127.0.0.1:${port}`, ...RETRY });
    side = await openBeside(app);
  }, HOOK_TIMEOUT);
  afterAll(async () => {
    await side?.close();
    await app?.close();
    await smtp?.close();
  }, HOOK_TIMEOUT);
  const ready = () => {
    if (!app || !side) throw new Error(`the ${dialect} app did not start`);
    return { app, db: side.db };
  };
  const rowsOf = (ownerId: string) =>
    ready()
      .db.selectFrom('mail_outbox')
      .selectAll()
      .where('owner_id', '=', ownerId)
      .orderBy('created_at')
      .orderBy('to_address')
      .execute();

  test('SMTP down: mail is kept with attempts and backoff, shown failing; SMTP up: sent once, body gone', async () => {
    const { app } = ready();
    // Only the delivery and the receipts here: the client's first visit is not news to mail.
    const freelancer = await signUp(app);
    expect(
      (await freelancer.put('/api/settings/notifications', { mail: { client_visit: false } }))
        .status,
    ).toBe(200);
    // The freelancer records the money (not gated by the contract); no acceptance, so no
    // "terms accepted" mail joins the three this test follows.
    const d = await deliveredProject(app, { freelancer, amounts: [250_00], acceptContract: false });
    const ownerId = d.freelancer.user?.id ?? '';
    const freelancerEmail = d.freelancer.email ?? '';
    expectStatus(
      await offlinePayment(d.freelancer, d.project.id, d.first.id, 250_00),
      201,
      C.OfflinePaymentResult,
    );
    // The payment and its receipt mails were committed together, whatever the mail server does.
    await app.drainMail();
    // From here the app's clock stands still, and the test moves it to each retry.
    app.clock.freeze();
    const t0 = app.clock.now().getTime();
    let rows = await rowsOf(ownerId);
    expect(rows.map((r) => [r.kind, r.to_address]).sort()).toEqual(
      [
        ['delivery', d.project.clientEmail],
        ['receipt', d.project.clientEmail],
        ['receipt', freelancerEmail],
      ].sort(),
    );
    for (const row of rows) {
      expect(row.status).toBe('pending');
      expect(row.attempts, `${row.kind} to ${row.to_address}`).toBe(1);
      // Rendered by the worker at its first attempt, and kept for the next.
      expect(row.body_text).not.toBeNull();
      expect(row.body_html).toMatch(/^<!DOCTYPE html/);
      expect(row.last_error).toMatch(/ECONNREFUSED/);
    }

    // Not failing yet after one attempt; the next attempt is the first backoff (60 s) away.
    let listed = await outbox(d.freelancer);
    expect(listed).toHaveLength(3);
    for (const m of listed) {
      expect(m.state).toBe('pending');
      expect(m.attempts).toBe(1);
      const wait = Date.parse(m.nextAttemptAt ?? '') - Date.parse(rows[0]?.created_at ?? '');
      expect(wait).toBeGreaterThanOrEqual(60_000);
      expect(wait).toBeLessThan(70_000);
    }

    // Nothing is due before then; at +61 s the second attempt, then +120 s later the third.
    await drainAt(app, t0 + 30_000);
    expect((await rowsOf(ownerId)).map((r) => r.attempts)).toEqual([1, 1, 1]);
    await drainAt(app, t0 + 61_000);
    rows = await rowsOf(ownerId);
    expect(rows.map((r) => r.attempts)).toEqual([2, 2, 2]);
    for (const row of rows) expect(row.next_attempt_at).toBe(new Date(t0 + 181_000).toISOString());
    await drainAt(app, t0 + 181_000);

    listed = await outbox(d.freelancer);
    expect(listed).toHaveLength(3);
    for (const m of listed) {
      expect(m.state, `${m.kind} to ${m.to}`).toBe('failing');
      expect(m.attempts).toBe(3);
      expect(m.lastError).toMatch(/ECONNREFUSED/);
      expect(m.nextAttemptAt).toBe(new Date(t0 + 181_000 + 240_000).toISOString());
    }
    const receiptToClient = listed.find(
      (m) => m.kind === 'receipt' && m.to === d.project.clientEmail,
    );
    expect(receiptToClient?.subject).toMatch(/^Receipt R-000001: /);
    // Never the body (which may carry access links): not in the API, whatever the key.
    const raw = (await d.freelancer.get('/api/mail/outbox')).text;
    expect(raw).not.toContain('The receipt is attached as a PDF');
    expect(raw).not.toContain('Open your project');

    // Another freelancer sees none of it and cannot retry it.
    const stranger = await signUp(app);
    expect(await outbox(stranger)).toEqual([]);
    expectError(await stranger.post(`/api/mail/outbox/${receiptToClient?.id ?? ''}/retry`), {
      status: 404,
      code: 'NOT_FOUND',
    });

    // The mail server comes up. "Retry" sends that message now, without waiting for its turn.
    smtp = await startSmtp(port);
    const mail = smtp;
    expectStatus(
      await d.freelancer.post(`/api/mail/outbox/${receiptToClient?.id ?? ''}/retry`),
      200,
      C.MailOutbox,
    );
    await waitFor('the retried receipt', () => mailTo(mail, d.project.clientEmail).length === 1);
    expect(mailTo(mail, d.project.clientEmail)[0]?.raw).toMatch(/R-000001\.pdf/);

    // The others go at their next attempt; draining again later sends nothing twice.
    await drainAt(app, t0 + 181_000 + 240_000);
    await drainAt(app, t0 + 3 * 3_600_000);
    expect(mailTo(mail, freelancerEmail)).toHaveLength(1);
    expect(mailTo(mail, d.project.clientEmail)).toHaveLength(2);
    expect(mail.messages).toHaveLength(3);
    for (const address of [freelancerEmail, d.project.clientEmail]) {
      const receipts = mailTo(mail, address).filter((m) => /R-000001\.pdf/.test(m.raw));
      expect(receipts, `one receipt to ${address}`).toHaveLength(1);
      expect(receipts[0]?.raw).toMatch(/Content-Type: application\/pdf/i);
    }
    expect(
      mailTo(mail, d.project.clientEmail).some((m) =>
        /has delivered milestone 1/.test(m.raw.replace(/=\r?\n/g, '')),
      ),
    ).toBe(true);

    // Sent: nothing listed; the rows keep who, what and when, but not the body.
    expect(await outbox(d.freelancer)).toEqual([]);
    for (const row of await rowsOf(ownerId)) {
      expect(row.status).toBe('sent');
      expect(row.sent_at).not.toBeNull();
      expect(row.body_text).toBeNull();
      expect(row.body_html).toBeNull();
      expect(row.template).toBeNull();
      expect(row.attachment).toBeNull();
      expect(row.subject).not.toBe('');
      expect(row.attempts).toBe(4);
    }
    expectError(await d.freelancer.post(`/api/mail/outbox/${receiptToClient?.id ?? ''}/retry`), {
      status: 404,
      code: 'NOT_FOUND',
    });
  });

  test('a message failing past MAIL_GIVE_UP_HOURS is given up, listed as failed, and retried by hand', async () => {
    const { app } = ready();
    const freelancer = await signUp(app);
    const ownerId = freelancer.user?.id ?? '';
    const t0 = app.clock.now().getTime();
    const mailId = await enqueueMail(ready().db, {
      ownerId,
      kind: 'delivery',
      to: 'refuse-me@example.test',
      subject: 'Delivered: a step',
      text: 'secret link',
      now: new Date(t0).toISOString(),
    });
    const mail = smtp;
    if (!mail) throw new Error('the previous test starts the SMTP server');
    mail.refuse = /^refuse-/;
    try {
      await drainAt(app, t0 + 1_000);
      await drainAt(app, t0 + 3 * 3_600_000);
      const [given] = await outbox(freelancer);
      expect(given).toMatchObject({ id: mailId, state: 'failed', attempts: 2 });
      expect(given?.lastError).toMatch(/550|mailbox unavailable/);
      expect(given?.nextAttemptAt).toBeNull();
      await drainAt(app, t0 + 30 * 3_600_000);
      expect((await outbox(freelancer))[0]?.attempts).toBe(2);
    } finally {
      mail.refuse = undefined;
    }
    expectStatus(await freelancer.post(`/api/mail/outbox/${mailId}/retry`), 200, C.MailOutbox);
    await waitFor('the retried message', () => mailTo(mail, 'refuse-me@example.test').length > 0);
    await app.drainMail();
    expect(await outbox(freelancer)).toEqual([]);
    expect(mailTo(mail, 'refuse-me@example.test')).toHaveLength(1);
  });

  test('two workers on one database send each of 40 messages exactly once', async () => {
    const { app, db } = ready();
    const mail = smtp;
    if (!mail) throw new Error('the first test starts the SMTP server');
    const freelancer = await signUp(app);
    const ownerId = freelancer.user?.id ?? '';
    const now = new Date().toISOString();
    const subjects: string[] = [];
    for (let i = 0; i < 40; i++) {
      subjects.push(`Parallel ${i}`);
      await enqueueMail(db, {
        ownerId,
        kind: 'delivery',
        to: `parallel-${i}@example.test`,
        subject: `Parallel ${i}`,
        text: `message ${i}`,
        now,
      });
    }
    // Two instances, each with its own connection(s) to the database and its own transport.
    const env = { SMTP_URL: mail.url, ...RETRY };
    const second = await openBeside(app, env);
    try {
      const config = loadConfig({ DATA_DIR: app.dataDir, ...env });
      const worker = (database: Database) =>
        sendQueuedMail({
          db: database.db,
          mailer: createMailer(config.mail),
          // Messages queued rendered: nothing to render.
          renderer: { ...inProcessRenderer, ...inThreadPdfRenderer },
          policy: config.mail.retry,
          publicUrl: config.publicUrl,
        });
      const first = side;
      if (!first) throw new Error('no side database');
      const [a, b] = await Promise.all([worker(first), worker(second)]);
      expect(a.failed + b.failed).toBe(0);
      expect(a.sent + b.sent).toBe(40);
    } finally {
      await second.close();
    }
    const received = mail.messages
      .filter((m) => m.to.some((to) => to.startsWith('parallel-')))
      .map((m) => /Subject: (Parallel \d+)/.exec(m.raw)?.[1]);
    expect(received.sort()).toEqual(subjects.sort());
    const rows = await db
      .selectFrom('mail_outbox')
      .selectAll()
      .where('owner_id', '=', ownerId)
      .execute();
    expect(rows.every((r) => r.status === 'sent' && r.attempts === 1 && r.body_text === null)).toBe(
      true,
    );
  });
});
