/**
 * Notification mail through the outbox and the scheduler, over simulated time (the app's clock
 * moves; the scheduler runs what is due by it), received by a real SMTP server: the client's
 * upload mail 10 minutes after the last upload (or folded into the delivery), unread messages at
 * most once per 10 minutes and only when unread, the freelancer's first-visit, terms, download
 * and payment mail, each person's choices and the one-click unsubscribe (RFC 8058).
 */
import { simpleParser, type ParsedMail } from 'mailparser';
import { describe, expect, test } from 'vitest';
import {
  SUITE_TIMEOUT,
  dialects,
  expectStatus,
  acceptContract,
  openPortal,
  setupProject,
  share,
  signUp,
  deliver,
  type Actor,
  type TestApp,
} from './harness';
import { send } from './chat-support';
import { fetchFile, offlinePayment, uploadFile } from './payments-helpers';
import { mailTo, useAppWithSmtp, waitFor, type SmtpCapture } from './smtp-helpers';
import { z } from 'zod';

const PUBLIC_URL = 'http://milepost.test';
const MINUTE = 60_000;

async function tick(app: TestApp, ms: number): Promise<void> {
  app.clock.advance(ms);
  if (!app.runJobs) throw new Error('the app has no scheduler');
  await app.runJobs();
  await app.drainMail();
}

async function parsedTo(mail: SmtpCapture, address: string): Promise<ParsedMail[]> {
  return Promise.all(mailTo(mail, address).map((m) => simpleParser(m.raw)));
}

async function subjectsTo(mail: SmtpCapture, address: string): Promise<string[]> {
  return (await parsedTo(mail, address)).map((m) => m.subject ?? '');
}

/** The raw header block, unfolded, by lower-case name (mailparser reshapes List-* headers). */
function headersOf(raw: string): Map<string, string> {
  const head = raw.split(/\r?\n\r?\n/)[0] ?? '';
  const map = new Map<string, string>();
  for (const line of head.replace(/\r?\n[ \t]+/g, ' ').split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon > 0) map.set(line.slice(0, colon).toLowerCase(), line.slice(colon + 1).trim());
  }
  return map;
}

/** Waits until the app has logged `count` client downloads of the project (logged after the bytes go). */
async function clientDownloads(freelancer: Actor, projectId: string, count: number) {
  await waitFor(`${count} downloads logged`, async () => {
    const res = await freelancer.get(`/api/projects/${projectId}/files`);
    const body = z
      .object({ downloads: z.array(z.object({ actorType: z.string(), requests: z.number() })) })
      .parse(res.body);
    const total = body.downloads
      .filter((d) => d.actorType === 'client')
      .reduce((sum, d) => sum + d.requests, 0);
    return total >= count;
  });
}

const Subscription = z.object({
  audience: z.enum(['freelancer', 'client']),
  kind: z.string(),
  projectTitle: z.string().nullable(),
  subscribed: z.boolean(),
});

/** A project shared with its client, who has opened it. */
async function sharedProject(app: TestApp, freelancer: Actor, title = 'Website redesign') {
  const fixture = await setupProject(freelancer, { amounts: [100_00, 200_00], title });
  const access = await share(freelancer, fixture.project.id);
  const client = await openPortal(app, { code: access.code });
  const first = fixture.milestones[0];
  if (!first) throw new Error('no milestone');
  return { ...fixture, portal: client, first };
}

describe.each(dialects)('notifications on %s', SUITE_TIMEOUT, (dialect) => {
  const running = useAppWithSmtp(dialect, { PUBLIC_URL, MAIL_FROM: 'Milepost <m@milepost.test>' });

  test('uploads: one mail 10 minutes after the last, with a one-click unsubscribe', async () => {
    const { app, mail } = running();
    const freelancer = await signUp(app);
    const p = await sharedProject(app, freelancer);
    await uploadFile(app, freelancer, p.first.id, 'a.bin', Buffer.from('first'));
    app.clock.advance(5 * MINUTE);
    await uploadFile(app, freelancer, p.first.id, 'b.bin', Buffer.from('second'));
    await tick(app, 9 * MINUTE); // 14 minutes after the first, 9 after the last
    expect(await subjectsTo(mail, p.client.email)).toEqual([]);
    await tick(app, 2 * MINUTE);
    const [uploads, ...others] = await parsedTo(mail, p.client.email);
    expect(others).toEqual([]);
    expect(uploads?.subject).toBe(
      'Fiona Freelancer uploaded 2 files to “Step 1” – Website redesign',
    );
    expect(uploads?.text).toContain('a.bin');
    expect(uploads?.text).toContain('b.bin');
    const [raw] = mailTo(mail, p.client.email).map((m) => headersOf(m.raw));
    expect(raw?.get('list-unsubscribe-post')).toBe('List-Unsubscribe=One-Click');
    const listUnsubscribe = /^<([^>]+)>$/.exec(raw?.get('list-unsubscribe') ?? '')?.[1];
    expect(listUnsubscribe).toMatch(new RegExp(`^${PUBLIC_URL}/api/unsubscribe/[\\w.-]+$`));
    const token = (listUnsubscribe ?? '').split('/').pop() ?? '';
    expect(uploads?.text).toContain(`${PUBLIC_URL}/unsubscribe/${token}`);
    // Once per milestone: a later upload brings no second mail.
    await uploadFile(app, freelancer, p.first.id, 'c.bin', Buffer.from('third'));
    await tick(app, 30 * MINUTE);
    expect(await subjectsTo(mail, p.client.email)).toHaveLength(1);

    // RFC 8058: the mail client POSTs the form; no login.
    const res = await fetch(`${app.url}/api/unsubscribe/${token}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'List-Unsubscribe=One-Click',
    });
    expect(res.status).toBe(200);
    expect(Subscription.parse(await res.json())).toEqual({
      audience: 'client',
      kind: 'uploads',
      projectTitle: 'Website redesign',
      subscribed: false,
    });
    const prefs = expectStatus(
      await p.portal.get('/api/portal/notifications'),
      200,
      z.object({ mail: z.record(z.string(), z.boolean()) }),
    );
    expect(prefs.mail).toEqual({ uploads: false, delivery: true, reminders: true, messages: true });
    const page = await fetch(`${app.url}/api/unsubscribe/${token}`);
    expect(Subscription.parse(await page.json()).subscribed).toBe(false);
    const again = await fetch(`${app.url}/api/unsubscribe/${token}/resubscribe`, {
      method: 'POST',
    });
    expect(Subscription.parse(await again.json()).subscribed).toBe(true);
    // A token changed by one character is nobody's.
    const forged = token.slice(0, -1) + (token.endsWith('A') ? 'B' : 'A');
    expect((await fetch(`${app.url}/api/unsubscribe/${forged}`, { method: 'POST' })).status).toBe(
      404,
    );
  });

  test('delivered before the upload mail was due: only the delivery mail', async () => {
    const { app, mail } = running();
    const freelancer = await signUp(app);
    const p = await sharedProject(app, freelancer);
    await uploadFile(app, freelancer, p.first.id, 'final.pdf', Buffer.from('pdf'));
    app.clock.advance(2 * MINUTE);
    await deliver(freelancer, p.project.id, p.first.id);
    await tick(app, 20 * MINUTE);
    const subjects = await subjectsTo(mail, p.client.email);
    expect(subjects).toEqual(['Fiona Freelancer delivered “Step 1” – Website redesign']);
    const [delivery] = await parsedTo(mail, p.client.email);
    expect(delivery?.text).toContain('final.pdf');
    const [raw] = mailTo(mail, p.client.email).map((m) => headersOf(m.raw));
    expect(raw?.get('list-unsubscribe-post')).toBe('List-Unsubscribe=One-Click');
    expect(raw?.get('list-unsubscribe')).toMatch(/^<http:\/\/milepost\.test\/api\/unsubscribe\//);
  });

  test('unread messages: at most one mail per 10 minutes, none when read in time', async () => {
    const { app, mail } = running();
    const freelancer = await signUp(app);
    const p = await sharedProject(app, freelancer, 'Chatty');
    const subjectsOfClient = async () =>
      (await subjectsTo(mail, p.client.email)).filter((s) => s.includes('from Fiona'));
    await send(freelancer, p.project.id, 'Hello <b>there</b>');
    await tick(app, 4 * MINUTE);
    await send(freelancer, p.project.id, 'Are you around?');
    await tick(app, 5 * MINUTE);
    expect(await subjectsOfClient()).toEqual([]);
    await tick(app, 1 * MINUTE); // 10 minutes after the first message
    expect(await subjectsOfClient()).toEqual(['2 new messages from Fiona Freelancer – Chatty']);
    const [first] = (await parsedTo(mail, p.client.email)).filter((m) =>
      m.subject?.includes('new messages'),
    );
    expect(first?.text).toContain('Hello <b>there</b>');
    expect(first?.html).toContain('Hello &lt;b&gt;there&lt;/b&gt;');
    await send(freelancer, p.project.id, 'One more thing');
    await tick(app, 5 * MINUTE);
    expect(await subjectsOfClient()).toHaveLength(1);
    await tick(app, 5 * MINUTE);
    expect(await subjectsOfClient()).toHaveLength(2);

    // The freelancer reads the client's message before the mail is due: no mail.
    const fromClient = await send(p.portal, p.project.id, 'Looks good');
    await tick(app, 3 * MINUTE);
    expectStatus(
      await freelancer.post(`/api/projects/${p.project.id}/messages/read`, {
        thread: 'general',
        upTo: fromClient.seq,
      }),
      200,
      z.object({ upTo: z.number() }),
    );
    await tick(app, 10 * MINUTE);
    const toFreelancer = await subjectsTo(mail, freelancer.email ?? '');
    expect(toFreelancer.filter((s) => s.includes('message'))).toEqual([]);

    // Not read: the freelancer is mailed, in the milestone's thread.
    await send(p.portal, p.project.id, 'About step 1', { thread: p.first.id });
    await tick(app, 10 * MINUTE);
    const mailed = (await parsedTo(mail, freelancer.email ?? '')).filter((m) =>
      m.subject?.includes('message'),
    );
    expect(mailed.map((m) => m.subject)).toEqual(['New message from Clara Client – Chatty']);
    expect(mailed[0]?.text).toContain('About step 1');
    expect(mailed[0]?.text).toContain(`${PUBLIC_URL}/app/projects/${p.project.id}`);

    // The client switches message mail off in the portal: nothing more.
    expectStatus(
      await p.portal.put('/api/portal/notifications', { mail: { messages: false } }),
      200,
      z.object({ mail: z.object({ messages: z.literal(false) }) }),
    );
    await send(freelancer, p.project.id, 'Still there?');
    await tick(app, 15 * MINUTE);
    expect(await subjectsOfClient()).toHaveLength(2);
  });

  test('the freelancer hears of the client’s first visit and of terms accepted', async () => {
    const { app, mail } = running();
    const freelancer = await signUp(app);
    const email = freelancer.email ?? '';
    const p = await sharedProject(app, freelancer, 'Visits');
    await tick(app, 0);
    expect(await subjectsTo(mail, email)).toEqual(['Clara Client opened Visits']);
    // A second visit is no news.
    const access = await share(freelancer, p.project.id);
    const again = await openPortal(app, { code: access.code });
    // The portal's accept step is the contract acceptance; it still tells the freelancer.
    await acceptContract(again);
    await tick(app, 0);
    expect(await subjectsTo(mail, email)).toEqual([
      'Clara Client opened Visits',
      'Clara Client accepted the terms of Visits',
    ]);
  });

  test('downloads are reported in one mail per 10 minutes; payment mail can be switched off', async () => {
    const { app, mail } = running();
    const freelancer = await signUp(app);
    const email = freelancer.email ?? '';
    const p = await sharedProject(app, freelancer, 'Downloads');
    const file = await uploadFile(app, freelancer, p.first.id, 'logo.svg', Buffer.from('<svg/>'));
    await deliver(freelancer, p.project.id, p.first.id);
    expectStatus(
      await freelancer.put('/api/settings/notifications', {
        mail: { payment: false, client_visit: false },
      }),
      200,
      z.object({ mail: z.object({ payment: z.literal(false), downloads: z.literal(true) }) }),
    );
    expect((await offlinePayment(freelancer, p.project.id, p.first.id, 100_00)).status).toBe(201);
    const client = await openPortal(app, { code: (await share(freelancer, p.project.id)).code });
    for (let i = 0; i < 3; i++) expect((await fetchFile(app, client, file.id)).status).toBe(200);
    await clientDownloads(freelancer, p.project.id, 3);
    await tick(app, 11 * MINUTE);
    const toFreelancer = await parsedTo(mail, email);
    expect(toFreelancer.map((m) => m.subject)).toEqual([
      'Clara Client opened Downloads',
      'Clara Client downloaded files of Downloads',
    ]);
    expect(toFreelancer[1]?.text).toContain('logo.svg – 3 downloads');
    // The client's receipt is a record: it goes whatever the freelancer chose.
    const toClient = await subjectsTo(mail, p.client.email);
    expect(toClient.filter((s) => s.startsWith('Receipt'))).toHaveLength(1);
    expect((await fetchFile(app, client, file.id)).status).toBe(200);
    await clientDownloads(freelancer, p.project.id, 4);
    await tick(app, 11 * MINUTE);
    expect(await subjectsTo(mail, email)).toHaveLength(3);
  });

  test('preferences refuse what is not a choice', async () => {
    const { app } = running();
    const freelancer = await signUp(app);
    const bad = [
      { mail: { sms: true } },
      { reminders: { days: [0], paymentTermsDays: 14 } },
      { reminders: { days: [3, 3], paymentTermsDays: 14 } },
      { reminders: { days: [3], paymentTermsDays: -1 } },
    ];
    for (const body of bad) {
      const res = await freelancer.put('/api/settings/notifications', body);
      expect(res.status, JSON.stringify(body)).toBe(400);
    }
    const view = expectStatus(
      await freelancer.get('/api/settings/notifications'),
      200,
      z.object({
        reminders: z.object({ days: z.array(z.number()), paymentTermsDays: z.number() }),
      }),
    );
    expect(view.reminders).toEqual({ days: [3, 7, 14], paymentTermsDays: 14 });
    expect((await fetch(`${app.url}/api/portal/notifications`)).status).toBe(401);
  });
});
