/**
 * The record anchored outside the server: every mail to the client carries the project's
 * activity chain head as it stood when the mail was written — 16 hex digits in the HTML, the
 * whole hash in the plain text, in the client's language. A bundle exported later contains that
 * head (verify-bundle --head).
 */
import { simpleParser } from 'mailparser';
import { describe, expect, test } from 'vitest';
import { z } from 'zod';
import {
  SUITE_TIMEOUT,
  createClient,
  createProject,
  deliver,
  dialects,
  expectStatus,
  getActivity,
  milestoneInput,
  signUp,
} from './harness';
import { uploadFile } from './payments-helpers';
import { mailTo, useAppWithSmtp, waitFor } from './smtp-helpers';

const HEAD_LINE = /Record: ([0-9a-f]{64}) — keep this mail; it proves the project's record/;

describe.each(dialects)('the record line in client mail on %s', SUITE_TIMEOUT, (dialect) => {
  const ctx = useAppWithSmtp(dialect);

  test('invitation and delivery mail carry the chain head as it stood when each was written', async () => {
    const { app, mail } = ctx();
    const freelancer = await signUp(app);
    const client = await createClient(freelancer, { email: 'record-client@example.com' });
    const created = await createProject(freelancer, {
      clientId: client.id,
      milestones: [milestoneInput(0, { amountMinor: 500_00 })],
    });
    const projectId = created.project.id;
    const first = created.milestones[0];
    if (!first) throw new Error('no milestone');
    expectStatus(
      await freelancer.post(`/api/projects/${projectId}/access/invite`),
      201,
      z.unknown(),
    );
    await app.drainMail();
    await waitFor('the invitation', () => mailTo(mail, 'record-client@example.com').length === 1);
    const headAfterInvite = (await getActivity(freelancer, projectId)).entries.at(-1)?.hash;
    const invitation = await simpleParser(mailTo(mail, 'record-client@example.com')[0]?.raw ?? '');
    expect(invitation.text?.match(HEAD_LINE)?.[1]).toBe(headAfterInvite);
    const html = invitation.html === false ? '' : (invitation.html ?? '');
    expect(html).toContain(`Record: ${headAfterInvite?.slice(0, 16)} — keep this mail`);
    expect(html).not.toContain(headAfterInvite ?? 'x');

    await uploadFile(app, freelancer, first.id, 'a.txt', Buffer.from('a'));
    await deliver(freelancer, projectId, first.id);
    await app.drainMail();
    await waitFor(
      'the delivery mail',
      () => mailTo(mail, 'record-client@example.com').length === 2,
    );
    const head = (await getActivity(freelancer, projectId)).entries.at(-1)?.hash;
    const delivery = await simpleParser(mailTo(mail, 'record-client@example.com')[1]?.raw ?? '');
    expect(delivery.text?.match(HEAD_LINE)?.[1]).toBe(head);
    expect(head).not.toBe(headAfterInvite);
  });

  test('in German for a German client', async () => {
    const { app, mail } = ctx();
    const freelancer = await signUp(app);
    const client = await createClient(freelancer, { email: 'protokoll@example.com' });
    expectStatus(
      await freelancer.patch(`/api/clients/${client.id}`, { locale: 'de' }),
      200,
      z.unknown(),
    );
    const created = await createProject(freelancer, {
      clientId: client.id,
      milestones: [milestoneInput(0, { amountMinor: 500_00 })],
    });
    expectStatus(
      await freelancer.post(`/api/projects/${created.project.id}/access/invite`),
      201,
      z.unknown(),
    );
    await app.drainMail();
    await waitFor('the invitation', () => mailTo(mail, 'protokoll@example.com').length === 1);
    const head = (await getActivity(freelancer, created.project.id)).entries.at(-1)?.hash ?? '';
    const text = (await simpleParser(mailTo(mail, 'protokoll@example.com')[0]?.raw ?? '')).text;
    expect(text).toContain(
      `Protokoll: ${head} — bewahren Sie diese E-Mail auf; sie belegt den Verlauf des Projekts`,
    );
  });
});
