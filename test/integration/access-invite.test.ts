/**
 * "Share with client" by email: POST /api/projects/:id/access/invite issues a fresh code and link
 * (saying when it replaced earlier ones, which stop working) and mails them to the client, from
 * "<Freelancer> via Milepost" with Reply-To the freelancer; the freelancer gets both to copy.
 */
import { simpleParser } from 'mailparser';
import { describe, expect, test } from 'vitest';
import * as C from './contract';
import {
  Actor,
  SUITE_TIMEOUT,
  deliver,
  dialects,
  expectError,
  expectStatus,
  getPortal,
  getProject,
  openPortal,
  setupProject,
  share,
  signUp,
  tokenFromLink,
  uniqueEmail,
} from './harness';
import { decodeWords, mailHeader } from './mail-text';
import { mailTo, waitFor, useAppWithSmtp } from './smtp-helpers';

describe.each(dialects)('inviting the client on %s', SUITE_TIMEOUT, (dialect) => {
  const ready = useAppWithSmtp(dialect, {
    MAIL_FROM: 'Milepost <noreply@milepost.test>',
    PUBLIC_URL: 'http://milepost.test',
  });

  test('the client is mailed the link and code with the freelancer on it; both open the project', async () => {
    const { app, mail } = ready();
    const freelancerEmail = uniqueEmail('lukasz');
    const owner = await signUp(app, freelancerEmail, 'Łukasz Żółć');
    const { project } = await setupProject(owner, { title: 'Brand book' });

    const invited = expectStatus(
      await owner.post(`/api/projects/${project.id}/access/invite`),
      201,
      C.ClientInvited,
    );
    expect(invited.sentTo).toBe(project.clientEmail);
    expect(invited.replacedEarlierCode).toBe(false);
    expect(invited.link).toMatch(/^http:\/\/milepost\.test\/portal#access=/);

    await app.drainMail();
    await waitFor('the invitation', () => mailTo(mail, project.clientEmail).length === 1);
    const [message] = mailTo(mail, project.clientEmail);
    const raw = message?.raw ?? '';
    expect(message?.from, 'envelope sender stays MAIL_FROM').toBe('noreply@milepost.test');
    const from = decodeWords(mailHeader(raw, 'from') ?? '');
    expect(from).toMatch(/^"?Łukasz Żółć via Milepost"? <noreply@milepost\.test>$/);
    expect(mailHeader(raw, 'reply-to')).toBe(freelancerEmail);
    expect(decodeWords(mailHeader(raw, 'subject') ?? '')).toBe(
      'Łukasz Żółć invites you to "Brand book"',
    );
    // Multipart (HTML with its text alternative): the text part, decoded.
    const text = (await simpleParser(raw)).text ?? '';
    expect(text).toContain(invited.link);
    expect(text).toContain(invited.code);
    expect(text).toContain('http://milepost.test/portal');
    expect(text).toContain('Łukasz Żółć');

    // What was mailed works: the link, and the code typed at the portal.
    const byLink = await openPortal(app, { token: tokenFromLink(invited.link) }, 'by link');
    expect((await getPortal(byLink)).project.title).toBe('Brand book');
    await openPortal(app, { code: invited.code }, 'by code');

    // The delivery notice goes out on the freelancer's behalf too.
    const { milestones } = await getProject(owner, project.id);
    await deliver(owner, project.id, milestones[0]?.id ?? '');
    await app.drainMail();
    await waitFor('the delivery notice', () => mailTo(mail, project.clientEmail).length === 2);
    const notice = mailTo(mail, project.clientEmail)[1]?.raw ?? '';
    expect(decodeWords(mailHeader(notice, 'from') ?? '')).toContain('Łukasz Żółć via Milepost');
    expect(mailHeader(notice, 'reply-to')).toBe(freelancerEmail);
  });

  test('inviting again issues a fresh pair and says so; the earlier code and its sessions end', async () => {
    const { app, mail } = ready();
    const owner = await signUp(app);
    const { project } = await setupProject(owner);
    const shared = await share(owner, project.id);
    expect(shared.code).toMatch(/^[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}$/);
    const client = await openPortal(app, { code: shared.code });

    const invited = expectStatus(
      await owner.post(`/api/projects/${project.id}/access/invite`),
      201,
      C.ClientInvited,
    );
    expect(invited.replacedEarlierCode).toBe(true);
    expect(invited.code).not.toBe(shared.code);
    expect(invited.link).not.toBe(shared.link);
    expectError(await client.get('/api/portal/project'), { status: 401 });
    expectError(
      await new Actor(app.url, 'old').post('/api/portal/session', { code: shared.code }),
      {
        status: 401,
        code: 'INVALID_ACCESS',
      },
    );
    await openPortal(app, { code: invited.code });

    await app.drainMail();
    await waitFor('the invitation', () => mailTo(mail, project.clientEmail).length === 1);
    const again = await simpleParser(mailTo(mail, project.clientEmail)[0]?.raw ?? '');
    expect(again.text).toContain(invited.code);
    expect(again.html).toContain(invited.code);

    // The activity record shows it was emailed.
    const activity = expectStatus(
      await owner.get(`/api/projects/${project.id}/activity`),
      200,
      C.ActivityList,
    );
    const issued = activity.entries.filter((e) => e.action === 'access.issued');
    expect(issued.map((e) => e.details)).toEqual(
      expect.arrayContaining([{ replacedEarlierCode: true, emailedToClient: true }]),
    );
  });

  test('another freelancer cannot invite to a project that is not theirs; nothing is mailed', async () => {
    const { app, mail } = ready();
    const owner = await signUp(app);
    const { project } = await setupProject(owner);
    const stranger = await signUp(app);
    expectError(await stranger.post(`/api/projects/${project.id}/access/invite`), {
      status: 404,
      code: 'NOT_FOUND',
    });
    expectError(
      await new Actor(app.url, 'nobody').post(`/api/projects/${project.id}/access/invite`),
      { status: 401 },
    );
    await app.drainMail();
    expect(mailTo(mail, project.clientEmail)).toEqual([]);
  });
});
