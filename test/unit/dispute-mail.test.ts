/**
 * The dispute mail (src/mail/templates/dispute.tsx): every step in English and German renders
 * with its own subject and body, quotes the step's text, spells out the resolution, names the
 * mediator on escalation, and goes to the other party (the client's from the freelancer via
 * Milepost, the freelancer's from Milepost).
 */
import { describe, expect, it } from 'vitest';
import { composeTemplate, type MailTemplate } from '../../src/mail/compose';
import { inProcessRenderer } from '../../src/mail/render';
import type { DisputeMailInput } from '../../src/mail/templates/dispute';

const EVENTS: DisputeMailInput['event'][] = [
  'opened',
  'statement',
  'propose',
  'accept',
  'decline',
  'escalate',
  'withdraw',
];

function mail(
  locale: 'en' | 'de',
  input: Partial<DisputeMailInput> & Pick<DisputeMailInput, 'event'>,
): MailTemplate {
  return {
    name: 'dispute',
    locale,
    input: {
      to: 'client',
      chargeback: false,
      freelancer: { name: 'Ann Lee', email: 'ann@example.org' },
      client: { name: 'Dan Client', email: 'dan@example.org' },
      project: { id: 'p-1', title: 'Brand refresh' },
      milestone: { id: 'm-1', position: 2, title: 'Logo drafts' },
      text: 'The colours differ from the brief',
      resolution: null,
      currency: 'EUR',
      mediator: '',
      ...input,
    },
  };
}

describe('dispute mail', () => {
  for (const locale of ['en', 'de'] as const) {
    it(`every step has its own subject and body (${locale})`, async () => {
      const subjects = new Set<string>();
      for (const event of EVENTS) {
        const composed = await composeTemplate(
          inProcessRenderer,
          mail(locale, { event }),
          'https://mp.example',
        );
        expect(composed.subject).toContain('Logo drafts');
        expect(composed.subject).not.toMatch(/mail\.dispute/);
        expect(composed.text).not.toMatch(/mail\.dispute/);
        expect(composed.text).toContain('The colours differ from the brief');
        expect(composed.to).toBe('dan@example.org');
        subjects.add(composed.subject);
      }
      expect(subjects.size).toBe(EVENTS.length);
    });
  }

  it('spells out the resolution, names the mediator, and goes to the freelancer from Milepost', async () => {
    const proposed = await composeTemplate(
      inProcessRenderer,
      mail('en', { event: 'propose', resolution: { kind: 'split', clientPaysMinor: 150_000 } }),
      'https://mp.example',
    );
    expect(proposed.text).toContain('Resolution: a split – the client pays €1,500.00.');
    expect(proposed.fromName).toBe('Ann Lee via Milepost');
    const escalated = await composeTemplate(
      inProcessRenderer,
      mail('de', { event: 'escalate', to: 'freelancer', mediator: 'IHK Schlichtung' }),
      'https://mp.example',
    );
    expect(escalated.to).toBe('ann@example.org');
    expect(escalated.fromName).toBeNull();
    expect(escalated.text).toContain('Schlichtung: IHK Schlichtung');
    const chargeback = await composeTemplate(
      inProcessRenderer,
      mail('en', { event: 'opened', to: 'freelancer', chargeback: true }),
      'https://mp.example',
    );
    expect(chargeback.text).toContain('card chargeback was reported');
  });

  it('says what an accepted resolution applied, in both languages', async () => {
    const reopened = await composeTemplate(
      inProcessRenderer,
      mail('en', {
        event: 'accept',
        resolution: { kind: 'revision', dueDate: '2027-02-01' },
        applied: {
          kind: 'reopened',
          dueDate: '2027-02-01',
          dueBefore: '2027-01-15',
          round: 1,
          version: 3,
        },
      }),
      'https://mp.example',
    );
    expect(reopened.text).toMatch(/Applied: milestone 2 is open again for the agreed revision/);
    expect(reopened.text).toContain('The contract’s version 3 says so');
    const repriced = await composeTemplate(
      inProcessRenderer,
      mail('de', {
        event: 'accept',
        to: 'freelancer',
        resolution: { kind: 'split', clientPaysMinor: 150_000 },
        applied: {
          kind: 'repriced',
          amountMinor: 150_000,
          amountBeforeMinor: 200_000,
          version: null,
        },
      }),
      'https://mp.example',
    );
    expect(repriced.text).toMatch(
      /Umgesetzt: Meilenstein 2 kostet jetzt 1\.500,00\s€ statt 2\.000,00\s€/,
    );
    expect(repriced.text).not.toContain('Version');
    const refund = await composeTemplate(
      inProcessRenderer,
      mail('en', {
        event: 'accept',
        resolution: { kind: 'partial_refund', amountMinor: 5_000 },
        applied: { kind: 'refund_due', amountMinor: 5_000 },
      }),
      'https://mp.example',
    );
    expect(refund.text).toContain('the freelancer refunds €50.00 to the client');
  });
});
