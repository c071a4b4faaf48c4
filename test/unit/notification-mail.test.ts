/** The notification templates in both languages: people's text stays text, links are exact. */
import { describe, expect, it } from 'vitest';
import { composeTemplate, type MailTemplate } from '../../src/mail/compose';
import { inProcessRenderer } from '../../src/mail/render';

const URL = 'https://milepost.example';
const EVIL = '<img src=x onerror=alert(1)>';
const freelancer = { name: 'Ann Lee', email: 'ann@example.org' };
const client = { name: 'Dan Client', email: 'dan@example.org' };
const milestone = { id: 'm-1', position: 2, title: 'Logo' };

const templates = (locale: 'en' | 'de'): MailTemplate[] => [
  {
    name: 'uploads',
    locale,
    input: {
      freelancer,
      client,
      project: { title: 'Brand' },
      milestone,
      files: [{ name: EVIL, size: 2_000 }],
    },
  },
  {
    name: 'messages',
    locale,
    input: {
      audience: 'client',
      to: client,
      freelancer,
      sender: 'Ann Lee',
      project: { id: 'p-1', title: 'Brand' },
      milestone,
      messages: [{ text: EVIL, at: '2026-03-01T10:00:00.000Z' }],
      unread: 3,
    },
  },
  {
    name: 'freelancer-notice',
    locale,
    input: {
      notice: 'downloads',
      freelancer,
      client: { name: EVIL },
      project: { id: 'p-1', title: 'Brand' },
      files: [{ name: 'logo.svg', downloads: 2 }],
    },
  },
  {
    name: 'payment-reminder',
    locale,
    input: {
      type: 'overdue',
      freelancer,
      client,
      project: { title: 'Brand' },
      milestone,
      outstandingMinor: 250_00,
      currency: 'EUR',
      deliveredAt: '2026-03-01T10:00:00.000Z',
      dueAt: '2026-03-15T10:00:00.000Z',
    },
  },
];

describe('notification mail', () => {
  for (const locale of ['en', 'de'] as const) {
    for (const template of templates(locale)) {
      it(`${template.name} in ${locale}: text stays text, with the unsubscribe link`, async () => {
        const mail = await composeTemplate(
          inProcessRenderer,
          template,
          URL,
          `${URL}/unsubscribe/tok`,
        );
        expect(mail.html).not.toContain('<img');
        expect(mail.html).toContain(`${URL}/unsubscribe/tok`);
        expect(mail.text).toContain(`${URL}/unsubscribe/tok`);
        expect(mail.subject).not.toBe('');
        expect(mail.html).toContain(`lang="${locale}"`);
      });
    }
  }

  it('speaks German to a German reader', async () => {
    const [, messages, , reminder] = templates('de');
    if (!messages || !reminder) throw new Error('missing');
    expect((await composeTemplate(inProcessRenderer, messages, URL)).subject).toBe(
      '3 neue Nachrichten von Ann Lee – Brand',
    );
    const overdue = await composeTemplate(inProcessRenderer, reminder, URL);
    expect(overdue.subject).toBe('Überfällig: 250,00\u00a0€ für „Logo“ – Brand');
    expect(overdue.text).toContain('15. März 2026');
    expect(overdue.text).toContain(`${URL}/portal/milestones/m-1`);
    expect(overdue.fromName).toBe('Ann Lee über Milepost');
  });

  it('has no unsubscribe line without a link (records, replies)', async () => {
    const [uploads] = templates('en');
    if (!uploads) throw new Error('missing');
    expect((await composeTemplate(inProcessRenderer, uploads, URL)).text).not.toContain(
      'Unsubscribe',
    );
  });
});
