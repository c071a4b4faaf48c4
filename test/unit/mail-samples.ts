/**
 * One sample of every mail a renderer renders (the `Record` makes a new template fail to compile
 * here until it has one), each in English and German, with and without the notification and
 * record lines: the render worker is checked against rendering in the test's own thread.
 */
import type { ReceiptSnapshot } from '../../src/domain/receipt';
import type { RenderableMail } from '../../src/mail/compose';
import type { RenderRequest } from '../../src/mail/renderer';
import type { Locale } from '../../src/i18n';

const freelancer = { name: 'Ann Lee', email: 'ann@example.org' };
const client = { name: 'Dan <Client>', email: 'dan@example.org' };
const project = { id: 'p-1', title: 'Brand refresh' };
const milestone = { id: 'ms-42', position: 2, title: 'Logo “drafts”' };

/** A receipt as the mails carry it (the PDF samples add what only the printed one shows). */
export const receiptSnapshot: ReceiptSnapshot = {
  number: 7,
  issuedAt: '2026-03-05T10:00:00.000Z',
  freelancer: { name: 'Ann Lee', businessName: 'Lee Design', email: 'ann@example.org' },
  client: { name: 'Dan Client', company: 'Dan & Co', email: 'dan@example.org' },
  project: { id: 'p-1', title: 'Brand refresh' },
  milestone: { position: 2, title: 'Logo drafts', amountMinor: 200_000 },
  payment: {
    amountMinor: 50_000,
    currency: 'EUR',
    method: 'bank_transfer',
    reference: 'INV-7',
    receivedOn: '2026-03-05',
  },
  balance: { receivedMinor: 50_000, outstandingMinor: 150_000, overpaidMinor: 0 },
  files: [{ name: 'logo.fig', size: 1_234_567, sha256: 'a'.repeat(64) }],
};

type Sample<N extends RenderableMail['name']> = Extract<RenderableMail, { name: N }>['input'];

const inputs: { [N in RenderableMail['name']]: Sample<N>[] } = {
  delivery: [
    {
      freelancer,
      client,
      project,
      milestone,
      files: [
        { name: 'logo.fig', size: 1_234_567 },
        { name: 'all.zip', size: 5_368_709_120 },
      ],
      outstandingMinor: 200_000,
      currency: 'EUR',
    },
  ],
  receipt: [
    { audience: 'client', snapshot: receiptSnapshot, projectId: 'p-1', milestoneId: 'ms-42' },
    { audience: 'freelancer', snapshot: receiptSnapshot, projectId: 'p-1', milestoneId: 'ms-42' },
  ],
  uploads: [{ freelancer, client, project, milestone, files: [{ name: 'a.png', size: 2_000 }] }],
  messages: [
    {
      audience: 'client',
      to: client,
      freelancer,
      sender: 'Ann Lee',
      project,
      milestone: null,
      messages: [{ text: 'See <b>this</b>\nand that', at: '2026-03-01T10:00:00.000Z' }],
      unread: 3,
    },
  ],
  'freelancer-notice': [
    { notice: 'client_visit', freelancer, client, project },
    {
      notice: 'downloads',
      freelancer,
      client,
      project,
      files: [{ name: 'logo.svg', downloads: 2 }],
    },
  ],
  'payment-reminder': [
    {
      type: 'overdue',
      freelancer,
      client,
      project,
      milestone,
      outstandingMinor: 25_000,
      currency: 'EUR',
      deliveredAt: '2026-03-01T10:00:00.000Z',
      dueAt: '2026-03-15T10:00:00.000Z',
    },
  ],
  invitation: [
    {
      freelancer: { ...freelancer, businessName: 'Lee Design' },
      client,
      project,
      link: 'https://milepost.example/portal#code=K7QM',
      code: 'K7QM-2XPD-9RTA',
    },
  ],
  'change-order': [
    {
      event: 'proposed',
      freelancer,
      client,
      project,
      order: { number: 3, reason: 'More pages', note: null },
      lines: ['2. Design: €2,400.00 → €3,900.00'],
      totalBeforeMinor: 240_000,
      totalAfterMinor: 390_000,
      currency: 'EUR',
    },
  ],
  'milestone-review': [
    { freelancer, client, project, milestone, outcome: 'approved' },
    {
      freelancer,
      client,
      project,
      milestone,
      outcome: 'revision_requested',
      note: 'Bigger logo',
      round: 1,
      rounds: 2,
    },
  ],
  'review-reminder': [
    { freelancer, client, project, milestone, deliveredAt: '2026-03-01T10:00:00.000Z', days: 7 },
  ],
  dispute: [
    {
      event: 'propose',
      to: 'client',
      chargeback: false,
      freelancer,
      client,
      project,
      milestone,
      text: 'The colours differ from the brief',
      resolution: { kind: 'partial_refund', amountMinor: 50_000 },
      currency: 'EUR',
      mediator: '',
    },
  ],
  'test-email': [{ name: 'Ann Lee' }],
  'password-reset': [
    { name: 'Ann Lee', link: 'https://milepost.example/reset-password#token=t', validMinutes: 60 },
  ],
};

/** Every sample, as a render request, in both languages and with the optional lines. */
export function sampleRequests(): { label: string; request: RenderRequest }[] {
  const out: { label: string; request: RenderRequest }[] = [];
  for (const locale of ['en', 'de'] as const satisfies readonly Locale[]) {
    for (const [name, list] of Object.entries(inputs)) {
      list.forEach((input, i) => {
        const mail = { name, locale, input } as RenderableMail;
        out.push({
          label: `${name} #${i} ${locale}`,
          request: { mail, publicUrl: 'https://milepost.example' },
        });
        out.push({
          label: `${name} #${i} ${locale} (unsubscribe, record)`,
          request: {
            mail,
            publicUrl: 'https://milepost.example/',
            unsubscribeUrl: 'https://milepost.example/unsubscribe/tok',
            recordHead: 'b'.repeat(64),
          },
        });
      });
    }
  }
  return out;
}
