/**
 * Payment reminders over simulated days: for a delivered, unpaid milestone the client is reminded
 * on the freelancer's days (default 3, 7, 14 after delivery) and told when it is overdue (the day
 * after delivery + payment terms); each appears in the milestone's thread; they stop when paid or
 * paused; and each runs once — across a restart, and with two instances on one database.
 */
import { simpleParser } from 'mailparser';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { z } from 'zod';
import {
  Actor,
  HOOK_TIMEOUT,
  SUITE_TIMEOUT,
  dialects,
  expectStatus,
  signUp,
  type TestApp,
} from './harness';
import { threadMessages } from './chat-support';
import { persistentStorage, type Persistent } from './files-helpers';
import { deliveredProject, offlinePayment } from './payments-helpers';
import { mailTo, startSmtp, useAppWithSmtp, type SmtpCapture } from './smtp-helpers';

const DAY = 24 * 60 * 60_000;

async function tick(app: TestApp, ms: number): Promise<void> {
  app.clock.advance(ms);
  if (!app.runJobs) throw new Error('the app has no scheduler');
  await app.runJobs();
  await app.drainMail();
}

async function reminderSubjects(mail: SmtpCapture, address: string): Promise<string[]> {
  const parsed = await Promise.all(mailTo(mail, address).map((m) => simpleParser(m.raw)));
  return parsed
    .map((m) => m.subject ?? '')
    .filter((s) => s.startsWith('Reminder') || s.startsWith('Overdue'));
}

const RemindersView = z.object({
  paused: z.boolean(),
  days: z.array(z.number()).nullable(),
  effectiveDays: z.array(z.number()),
  paymentTermsDays: z.number(),
});

describe.each(dialects)('payment reminders on %s', SUITE_TIMEOUT, (dialect) => {
  const running = useAppWithSmtp(dialect);

  test('default days 3, 7 and 14, then overdue on day 15, each also in the milestone’s thread', async () => {
    const { app, mail } = running();
    const d = await deliveredProject(app, { amounts: [250_00, 100_00], title: 'Rebrand' });
    const to = d.project.clientEmail;
    await tick(app, 2 * DAY);
    expect(await reminderSubjects(mail, to)).toEqual([]);
    await tick(app, 1 * DAY);
    expect(await reminderSubjects(mail, to)).toEqual(['Reminder: €250.00 for “Step 1” – Rebrand']);
    await tick(app, 4 * DAY); // day 7
    await tick(app, 7 * DAY); // day 14
    expect(await reminderSubjects(mail, to)).toHaveLength(3);
    const [raw] = mailTo(mail, to).filter((m) => m.raw.includes('Reminder'));
    expect(raw?.raw).toMatch(/^List-Unsubscribe-Post: List-Unsubscribe=One-Click/im);
    await tick(app, 1 * DAY); // day 15: the due date (day 14) has passed
    expect(await reminderSubjects(mail, to)).toEqual([
      'Reminder: €250.00 for “Step 1” – Rebrand',
      'Reminder: €250.00 for “Step 1” – Rebrand',
      'Reminder: €250.00 for “Step 1” – Rebrand',
      'Overdue: €250.00 for “Step 1” – Rebrand',
    ]);
    await tick(app, 30 * DAY);
    expect(await reminderSubjects(mail, to)).toHaveLength(4);
    // Each one is in the milestone's thread, for both parties.
    const thread = await threadMessages(d.client, d.project.id, d.first.id);
    const events = thread.messages
      .map((m) => m.event?.type)
      .filter((t) => t === 'payment.reminder' || t === 'payment.overdue');
    expect(events).toEqual([
      'payment.reminder',
      'payment.reminder',
      'payment.reminder',
      'payment.overdue',
    ]);
  });

  test('a project override, a pause, and payment stop reminders', async () => {
    const { app, mail } = running();
    const freelancer = await signUp(app);
    expectStatus(
      await freelancer.put('/api/settings/notifications', {
        reminders: { days: [2, 4], paymentTermsDays: 5 },
      }),
      200,
      z.object({ reminders: z.object({ days: z.array(z.number()) }) }),
    );
    // Paused project: nothing at all.
    const paused = await deliveredProject(app, { freelancer, title: 'Paused' });
    const view = expectStatus(
      await freelancer.put(`/api/projects/${paused.project.id}/reminders`, {
        paused: true,
        days: null,
      }),
      200,
      RemindersView,
    );
    expect(view).toEqual({ paused: true, days: null, effectiveDays: [2, 4], paymentTermsDays: 5 });
    // Own days: only day 1.
    const own = await deliveredProject(app, { freelancer, title: 'Own days' });
    expectStatus(
      await freelancer.put(`/api/projects/${own.project.id}/reminders`, {
        paused: false,
        days: [1],
      }),
      200,
      RemindersView,
    );
    // Paid on day 3: day 4's reminder and the overdue notice never go.
    const paid = await deliveredProject(app, { freelancer, title: 'Paid', amounts: [80_00] });
    await tick(app, 1 * DAY);
    await tick(app, 2 * DAY);
    expect(await reminderSubjects(mail, own.project.clientEmail)).toEqual([
      'Reminder: €1,234.56 for “Step 1” – Own days',
    ]);
    expect(await reminderSubjects(mail, paid.project.clientEmail)).toEqual([
      'Reminder: €80.00 for “Step 1” – Paid',
    ]);
    expect((await offlinePayment(freelancer, paid.project.id, paid.first.id, 80_00)).status).toBe(
      201,
    );
    await tick(app, 10 * DAY);
    expect(await reminderSubjects(mail, paused.project.clientEmail)).toEqual([]);
    expect(await reminderSubjects(mail, paid.project.clientEmail)).toHaveLength(1);
    // Own days replace the freelancer's, but the overdue notice (day 6) still goes.
    expect(await reminderSubjects(mail, own.project.clientEmail)).toEqual([
      'Reminder: €1,234.56 for “Step 1” – Own days',
      'Overdue: €1,234.56 for “Step 1” – Own days',
    ]);
  });

  test('a client who switched reminders off in the portal gets none', async () => {
    const { app, mail } = running();
    const d = await deliveredProject(app, { title: 'Quiet' });
    expectStatus(
      await d.client.put('/api/portal/notifications', { mail: { reminders: false } }),
      200,
      z.object({ mail: z.object({ reminders: z.literal(false) }) }),
    );
    await tick(app, 20 * DAY);
    expect(await reminderSubjects(mail, d.project.clientEmail)).toEqual([]);
  });
});

describe.each(dialects)('reminders run once on %s', SUITE_TIMEOUT, (dialect) => {
  let smtp: SmtpCapture | undefined;
  let storage: Persistent | undefined;
  beforeAll(async () => {
    smtp = await startSmtp();
    storage = await persistentStorage(dialect, { SMTP_URL: smtp.url });
  }, HOOK_TIMEOUT);
  afterAll(async () => {
    await storage?.dispose();
    await smtp?.close();
  }, HOOK_TIMEOUT);

  test('across a restart, and with two instances on one database', async () => {
    if (!storage || !smtp) throw new Error('not started');
    const first = await storage.start();
    const d = await deliveredProject(first, { title: 'Once' });
    const to = d.project.clientEmail;
    first.clock.advance(3 * DAY);
    await first.runJobs?.();
    await first.drainMail();
    expect(await reminderSubjects(smtp, to)).toHaveLength(1);
    await first.stop();

    // The scheduler restarts on the same database: day 3's reminder is not sent again.
    const second = await storage.start();
    await second.runJobs?.();
    await second.drainMail();
    expect(await reminderSubjects(smtp, to)).toHaveLength(1);

    // Day 7 with two instances running the scheduler at the same moment: one reminder.
    const third = await storage.start();
    storage.clock.advance(4 * DAY);
    await Promise.all([second.runJobs?.(), third.runJobs?.(), second.runJobs?.()]);
    await Promise.all([second.drainMail(), third.drainMail()]);
    expect(await reminderSubjects(smtp, to)).toHaveLength(2);
    await second.stop();
    await third.stop();
    const again = await storage.start();
    await again.runJobs?.();
    await again.drainMail();
    expect(await reminderSubjects(smtp, to)).toHaveLength(2);
    // Both entries are in the thread once each.
    const client = new Actor(again.url, 'client');
    for (const [name, value] of d.client.jar) client.jar.set(name, value);
    const thread = await threadMessages(client, d.project.id, d.first.id);
    expect(thread.messages.filter((m) => m.event?.type === 'payment.reminder')).toHaveLength(2);
    await again.stop();
  });
});
