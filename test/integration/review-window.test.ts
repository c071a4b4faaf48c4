/**
 * The review window over simulated days (issue #11): a delivery neither approved, paid nor sent
 * back for a revision within the project's review window gets the client one reminder mail and an
 * entry in the milestone's thread and the activity; approving, asking for a revision or paying
 * before the window ends means none; a delivery made again has a window of its own; it runs once
 * across a restart; no money moves.
 */
import { simpleParser } from 'mailparser';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { z } from 'zod';
import {
  Actor,
  HOOK_TIMEOUT,
  SUITE_TIMEOUT,
  deliver,
  dialects,
  expectStatus,
  getActivity,
  getProject,
  signUp,
  type TestApp,
} from './harness';
import { threadMessages } from './chat-support';
import { persistentStorage, type Persistent } from './files-helpers';
import { mailText } from './mail-text';
import { deliveredProject, offlinePayment } from './payments-helpers';
import { mailTo, startSmtp, useAppWithSmtp, type SmtpCapture } from './smtp-helpers';

const DAY = 24 * 60 * 60_000;

async function tick(app: TestApp, ms: number): Promise<void> {
  app.clock.advance(ms);
  if (!app.runJobs) throw new Error('the app has no scheduler');
  await app.runJobs();
  await app.drainMail();
}

async function reviewMails(mail: SmtpCapture, address: string) {
  const parsed = await Promise.all(
    mailTo(mail, address).map(async (m) => ({ parsed: await simpleParser(m.raw), raw: m.raw })),
  );
  return parsed
    .filter(({ parsed: p }) => /^(Please review|Bitte prüfen)/.test(p.subject ?? ''))
    .map(({ parsed: p, raw }) => ({ subject: p.subject ?? '', text: p.text ?? mailText(raw) }));
}

async function setWindow(freelancer: Actor, days: number) {
  expectStatus(
    await freelancer.put('/api/settings/contract-terms', {
      templates: { en: '', de: '' },
      mediator: '',
      reviewWindowDays: days,
    }),
    200,
    z.object({ reviewWindowDays: z.literal(days) }),
  );
}

const reviewEntries = async (client: Actor, projectId: string, milestoneId: string) =>
  (await threadMessages(client, projectId, milestoneId)).messages.filter(
    (m) => m.event?.type === 'review.reminder',
  );

describe.each(dialects)('review window on %s', SUITE_TIMEOUT, (dialect) => {
  const running = useAppWithSmtp(dialect);

  test('one reminder when the window passes, in the thread and the activity; no money moves', async () => {
    const { app, mail } = running();
    const freelancer = await signUp(app);
    await setWindow(freelancer, 5);
    const d = await deliveredProject(app, { freelancer, title: 'Rebrand' });
    const to = d.project.clientEmail;
    await tick(app, 4 * DAY + 23 * 60 * 60_000);
    expect(await reviewMails(mail, to)).toEqual([]);
    expect(await reviewEntries(d.client, d.project.id, d.first.id)).toEqual([]);
    await tick(app, 2 * 60 * 60_000); // day 5 has passed
    const mails = await reviewMails(mail, to);
    expect(mails.map((m) => m.subject)).toEqual(['Please review “Step 1” – Rebrand']);
    expect(mails[0]?.text).toContain('The contract gives 5 days to review a delivery');
    expect(mails[0]?.text).toContain('no money moves');
    const entries = await reviewEntries(d.client, d.project.id, d.first.id);
    expect(entries.map((m) => m.event)).toEqual([
      { type: 'review.reminder', milestoneId: d.first.id, position: 1, title: 'Step 1', days: 5 },
    ]);
    const reminded = (await getActivity(freelancer, d.project.id)).entries.filter(
      (e) => e.action === 'milestone.review_reminded',
    );
    expect(reminded).toHaveLength(1);
    const after = await getProject(freelancer, d.project.id);
    expect(after.project.paidMinor).toBe(0);
    expect(after.milestones[0]?.status).toBe('delivered');
    await tick(app, 40 * DAY);
    expect(await reviewMails(mail, to)).toHaveLength(1);
    expect(await reviewEntries(d.client, d.project.id, d.first.id)).toHaveLength(1);
  });

  test('approved, sent back or paid within the window: no reminder; a new delivery has its own window', async () => {
    const { app, mail } = running();
    const freelancer = await signUp(app);
    await setWindow(freelancer, 3);
    const approved = await deliveredProject(app, { freelancer, title: 'Approved' });
    const revised = await deliveredProject(app, { freelancer, title: 'Revised' });
    const paid = await deliveredProject(app, { freelancer, title: 'Paid', amounts: [80_00] });
    await tick(app, 1 * DAY);
    expectStatus(
      await approved.client.post(`/api/portal/milestones/${approved.first.id}/approve`),
      200,
      z.unknown(),
    );
    expectStatus(
      await revised.client.post(`/api/portal/milestones/${revised.first.id}/revisions`, {
        note: 'Please use the darker blue.',
      }),
      201,
      z.unknown(),
    );
    expect((await offlinePayment(freelancer, paid.project.id, paid.first.id, 80_00)).status).toBe(
      201,
    );
    await tick(app, 5 * DAY);
    for (const d of [approved, revised, paid]) {
      expect(await reviewMails(mail, d.project.clientEmail), d.project.title).toEqual([]);
    }
    // Delivered again on day 6: reminded on day 9, once.
    await deliver(freelancer, revised.project.id, revised.first.id);
    await tick(app, 2 * DAY);
    expect(await reviewMails(mail, revised.project.clientEmail)).toEqual([]);
    await tick(app, 1 * DAY + 60_000);
    expect((await reviewMails(mail, revised.project.clientEmail)).map((m) => m.subject)).toEqual([
      'Please review “Step 1” – Revised',
    ]);
  });
});

describe.each(dialects)('review reminder runs once on %s', SUITE_TIMEOUT, (dialect) => {
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
    first.clock.advance(14 * DAY + 60_000); // the default window
    await first.runJobs?.();
    await first.drainMail();
    expect(await reviewMails(smtp, to)).toHaveLength(1);
    await first.stop();

    const second = await storage.start();
    const third = await storage.start();
    storage.clock.advance(DAY);
    await Promise.all([second.runJobs?.(), third.runJobs?.()]);
    await Promise.all([second.drainMail(), third.drainMail()]);
    expect(await reviewMails(smtp, to)).toHaveLength(1);
    const client = new Actor(second.url, 'client');
    for (const [name, value] of d.client.jar) client.jar.set(name, value);
    expect(await reviewEntries(client, d.project.id, d.first.id)).toHaveLength(1);
    await second.stop();
    await third.stop();
  });
});
