/**
 * The mail templates: content and language (English and German), links (absolute, under
 * PUBLIC_URL, to the exact page), human sizes, no checksums, people's text escaped in the HTML,
 * and a text alternative beside every HTML part.
 */
import { describe, expect, it } from 'vitest';
import type { ReceiptSnapshot } from '../../src/domain/receipt';
import {
  composePasswordResetMail,
  composeTemplate,
  composeTestEmail,
  type ComposedMail,
  type MailTemplate,
} from '../../src/mail/compose';
import { inProcessRenderer } from '../../src/mail/render';
import { senderOf } from '../../src/mail/mailer';

const PUBLIC_URL = 'https://milepost.example.org';
const SHA = 'a'.repeat(16) + '0123456789abcdef'.repeat(3);
const EVIL = '<script>alert("x")</script>';

const freelancer = { name: 'Ann Lee', email: 'ann@example.org' };

function delivery(
  locale: 'en' | 'de',
  overrides: Partial<Extract<MailTemplate, { name: 'delivery' }>['input']> = {},
): MailTemplate {
  return {
    name: 'delivery',
    locale,
    input: {
      freelancer,
      client: { name: 'Dan Client', email: 'dan@example.org' },
      project: { title: 'Brand refresh' },
      milestone: { id: 'ms-42', position: 2, title: 'Logo drafts' },
      files: [
        { name: 'logo.fig', size: 1_234_567 },
        { name: 'all.zip', size: 5_368_709_120 },
      ],
      outstandingMinor: 200_000,
      currency: 'EUR',
      ...overrides,
    },
  };
}

const snapshot: ReceiptSnapshot = {
  number: 7,
  issuedAt: '2026-03-05T10:00:00.000Z',
  freelancer: { name: 'Ann Lee', businessName: 'Lee Design', email: 'ann@example.org' },
  client: { name: 'Dan Client', company: 'Dan & Co', email: 'dan@example.org' },
  project: { id: 'p-1', title: 'Brand refresh' },
  milestone: { position: 2, title: 'Logo drafts', amountMinor: 200_000 },
  payment: {
    amountMinor: 200_000,
    currency: 'EUR',
    method: 'bank_transfer',
    reference: 'INV-7',
    receivedOn: '2026-03-05',
  },
  balance: { receivedMinor: 200_000, outstandingMinor: 0, overpaidMinor: 0 },
  files: [{ name: 'logo.fig', size: 1_234_567, sha256: SHA }],
};

function receipt(
  locale: 'en' | 'de',
  audience: 'client' | 'freelancer',
  s: ReceiptSnapshot = snapshot,
): MailTemplate {
  return {
    name: 'receipt',
    locale,
    input: { audience, snapshot: s, projectId: 'p-1', milestoneId: 'ms-42' },
  };
}

/** Every href in the HTML. */
const hrefsOf = (html: string) => [...html.matchAll(/href="([^"]*)"/g)].map((m) => m[1] ?? '');

/** The checks every mail passes. */
function expectWellFormed(mail: ComposedMail, expectedLink: string) {
  expect(mail.html).toMatch(/^<!DOCTYPE html/);
  expect(mail.text.length).toBeGreaterThan(50);
  expect(mail.text).not.toMatch(/<[a-z]/i);
  const hrefs = hrefsOf(mail.html);
  expect(hrefs.length).toBeGreaterThan(0);
  for (const href of hrefs) expect(href).toBe(expectedLink);
  // The address on a line of its own in the text, so any mail client makes it a link.
  expect(mail.text.split('\n')).toContain(expectedLink);
  for (const body of [mail.html, mail.text, mail.subject]) {
    expect(body).not.toMatch(/\b[0-9a-f]{64}\b/);
    expect(body).not.toMatch(/SHA-?256/i);
    expect(body).not.toMatch(/MiB|GiB|\bbytes\b/);
  }
}

describe('delivery mail', () => {
  it('tells the client in English what arrived and links to paying for that milestone', async () => {
    const mail = await composeTemplate(inProcessRenderer, delivery('en'), PUBLIC_URL);
    expect(mail.to).toBe('dan@example.org');
    expect(mail.subject).toBe('Ann Lee delivered “Logo drafts” – Brand refresh');
    expect(mail.fromName).toBe('Ann Lee via Milepost');
    expect(mail.replyTo).toBe('ann@example.org');
    expectWellFormed(mail, `${PUBLIC_URL}/portal/milestones/ms-42`);
    expect(mail.html).toContain('lang="en"');
    for (const body of [mail.html, mail.text]) {
      expect(body).toContain('Hello ');
      expect(body).toContain('milestone 2');
      expect(body).toContain('2 files delivered:');
      expect(body).toContain('(1.2 MB)');
      expect(body).toContain('(5.4 GB)');
      expect(body).toContain('Pay €2,000.00');
    }
    expect(mail.text).toContain('Hello Dan Client,');
  });

  it('speaks German to a German client, with German amounts and sizes', async () => {
    const mail = await composeTemplate(inProcessRenderer, delivery('de'), PUBLIC_URL);
    expect(mail.subject).toBe('Ann Lee hat „Logo drafts“ geliefert – Brand refresh');
    expect(mail.fromName).toBe('Ann Lee über Milepost');
    expectWellFormed(mail, `${PUBLIC_URL}/portal/milestones/ms-42`);
    expect(mail.html).toContain('lang="de"');
    expect(mail.text).toContain('Hallo Dan Client,');
    expect(mail.text).toContain('2 Dateien geliefert:');
    expect(mail.text).toContain('(1,2 MB)');
    expect(mail.text).toContain('2.000,00\u00a0€ bezahlen:');
    expect(mail.text).not.toMatch(/\b(Hello|files|Pay)\b/);
  });

  it('when nothing is left to pay, links to downloading instead', async () => {
    const mail = await composeTemplate(
      inProcessRenderer,
      delivery('en', { outstandingMinor: 0 }),
      PUBLIC_URL,
    );
    expect(mail.text).toContain('already paid');
    expect(mail.text).toContain('Download the files:');
    expect(mail.text).not.toContain('Pay ');
  });

  it('renders people’s text inert in the HTML, and in <bdi>', async () => {
    const mail = await composeTemplate(
      inProcessRenderer,
      delivery('en', {
        client: { name: EVIL, email: 'dan@example.org' },
        milestone: { id: 'ms-42', position: 2, title: '<img src=x onerror=alert(1)>' },
        files: [{ name: '"><a href="https://evil.example">x</a>', size: 10 }],
      }),
      PUBLIC_URL,
    );
    expect(mail.html).not.toContain('<script');
    expect(mail.html).not.toContain('<img');
    expect(mail.html).not.toContain('https://evil.example"');
    expect(mail.html).toContain('<bdi>&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;</bdi>');
    expect(hrefsOf(mail.html).every((h) => h.startsWith(PUBLIC_URL))).toBe(true);
    // The text alternative shows the name as typed (it is plain text, never interpreted).
    expect(mail.text).toContain(`Hello ${EVIL},`);
  });

  it('uses PUBLIC_URL as configured, with or without a trailing slash', async () => {
    const mail = await composeTemplate(inProcessRenderer, delivery('en'), 'https://x.example/');
    expect(hrefsOf(mail.html)).toContain('https://x.example/portal/milestones/ms-42');
  });
});

describe('receipt mail', () => {
  it('to the client: from the freelancer, links to the milestone’s files, no checksums', async () => {
    const mail = await composeTemplate(inProcessRenderer, receipt('en', 'client'), PUBLIC_URL);
    expect(mail.to).toBe('dan@example.org');
    expect(mail.subject).toBe('Receipt R-000007: €2,000.00 for Brand refresh');
    expect(mail.fromName).toBe('Ann Lee via Milepost');
    expect(mail.replyTo).toBe('ann@example.org');
    expectWellFormed(mail, `${PUBLIC_URL}/portal/milestones/ms-42`);
    expect(mail.text).toContain('Ann Lee received your payment of €2,000.00 on March 5, 2026');
    expect(mail.text).toContain('Payment method: Bank transfer');
    expect(mail.text).toContain('Reference: INV-7');
    expect(mail.text).toContain('paid in full');
    expect(mail.text).toContain('Receipt R-000007 is attached as a PDF.');
    expect(mail.text).toContain('Download the files:');
  });

  it('to the freelancer: from Milepost, links to the project', async () => {
    const mail = await composeTemplate(inProcessRenderer, receipt('en', 'freelancer'), PUBLIC_URL);
    expect(mail.to).toBe('ann@example.org');
    expect(mail.fromName).toBeNull();
    expect(mail.replyTo).toBeNull();
    expectWellFormed(mail, `${PUBLIC_URL}/app/projects/p-1`);
    expect(mail.text).toContain('€2,000.00 from Dan Client received on March 5, 2026');
    expect(mail.text).toContain('Open the project:');
  });

  it('in German, with what is still outstanding', async () => {
    const partial: ReceiptSnapshot = {
      ...snapshot,
      payment: { ...snapshot.payment, amountMinor: 50_000, method: 'cash' },
      balance: { receivedMinor: 50_000, outstandingMinor: 150_000, overpaidMinor: 0 },
    };
    const mail = await composeTemplate(
      inProcessRenderer,
      receipt('de', 'client', partial),
      PUBLIC_URL,
    );
    expect(mail.subject).toBe('Quittung R-000007: 500,00\u00a0€ für Brand refresh');
    expect(mail.fromName).toBe('Ann Lee über Milepost');
    expectWellFormed(mail, `${PUBLIC_URL}/portal/milestones/ms-42`);
    expect(mail.text).toContain('am 5. März 2026');
    expect(mail.text).toContain('Zahlungsart: Bargeld');
    expect(mail.text).toContain('Für diesen Meilenstein noch offen: 1.500,00\u00a0€.');
    expect(mail.text).toContain('Meilenstein öffnen:');
  });
});

describe('mail to the freelancer', () => {
  it('the test email links to the settings, in the freelancer’s language', async () => {
    for (const [locale, subject] of [
      ['en', 'Milepost test email'],
      ['de', 'Milepost-Test-E-Mail'],
    ] as const) {
      const mail = await composeTestEmail(inProcessRenderer, {
        publicUrl: PUBLIC_URL,
        freelancer: { ...freelancer, locale },
      });
      expect(mail.subject).toBe(subject);
      expect(mail.fromName).toBeNull();
      expectWellFormed(mail, `${PUBLIC_URL}/app/settings`);
    }
  });

  it('the password reset mail carries its link and how long it works', async () => {
    const link = `${PUBLIC_URL}/reset-password#token=abc`;
    const en = await composePasswordResetMail(inProcessRenderer, {
      publicUrl: PUBLIC_URL,
      freelancer: { ...freelancer, locale: 'en' },
      link,
      validMinutes: 60,
    });
    expectWellFormed(en, link);
    expect(en.text).toContain('within 60 minutes');
    const de = await composePasswordResetMail(inProcessRenderer, {
      publicUrl: PUBLIC_URL,
      freelancer: { ...freelancer, locale: 'de' },
      link,
      validMinutes: 1,
    });
    expect(de.subject).toBe('Ihr Milepost-Passwort zurücksetzen');
    expect(de.text).toContain('innerhalb von 1 Minute:');
  });
});

describe('sender', () => {
  it('keeps the instance’s address and changes only the display name', () => {
    expect(senderOf('Milepost <mail@milepost.example.org>', 'Ann Lee via Milepost')).toEqual({
      name: 'Ann Lee via Milepost',
      address: 'mail@milepost.example.org',
    });
    expect(senderOf('mail@milepost.example.org', 'Ann via Milepost')).toEqual({
      name: 'Ann via Milepost',
      address: 'mail@milepost.example.org',
    });
    expect(senderOf('Milepost <mail@milepost.example.org>', null)).toBe(
      'Milepost <mail@milepost.example.org>',
    );
  });
});

describe('the invitation ("Share with client")', () => {
  const link = `${PUBLIC_URL}/portal#access=${'T'.repeat(43)}`;
  const invitation = (locale: 'en' | 'de', businessName = 'Lee Design'): MailTemplate => ({
    name: 'invitation',
    locale,
    input: {
      freelancer: { ...freelancer, businessName },
      client: { name: EVIL, email: 'dan@example.org' },
      project: { title: 'Brand refresh' },
      link,
      code: 'K7QM-2XPD-9RTA',
    },
  });

  it('carries the link and the code, from the freelancer via Milepost, in English', async () => {
    const mail = await composeTemplate(inProcessRenderer, invitation('en'), PUBLIC_URL);
    expect(mail.to).toBe('dan@example.org');
    expect(mail.subject).toBe('Ann Lee invites you to "Brand refresh"');
    expect(mail.fromName).toBe('Ann Lee via Milepost');
    expect(mail.replyTo).toBe('ann@example.org');
    for (const body of [mail.text, mail.html]) {
      expect(body).toContain('K7QM-2XPD-9RTA');
      expect(body).toContain(`${PUBLIC_URL}/portal`);
    }
    expect(mail.text).toContain(link);
    expect(mail.html).toContain(`href="${link}"`);
    expect(mail.text).toContain('Ann Lee (Lee Design) has set up Brand refresh for you');
    expect(mail.text).toContain('Keep this email to yourself');
    // The client's name is text, never markup.
    expect(mail.html).not.toContain('<script>');
    expect(mail.html).toContain('&lt;script&gt;');
    expect(mail.html).toContain('<bdi>Ann Lee</bdi>');
  });

  it('speaks the client’s language', async () => {
    const mail = await composeTemplate(inProcessRenderer, invitation('de', ''), PUBLIC_URL);
    expect(mail.subject).toBe('Ann Lee lädt Sie zu „Brand refresh“ ein');
    expect(mail.fromName).toBe('Ann Lee über Milepost');
    expect(mail.html).toContain('lang="de"');
    expect(mail.text).toContain('Ann Lee hat Brand refresh für Sie auf Milepost eingerichtet');
    expect(mail.text).toContain('Zugangscode');
    expect(mail.text).toContain('K7QM-2XPD-9RTA');
    expect(mail.text).toContain(link);
    expect(mail.text).not.toContain('Lee Design');
  });
});
