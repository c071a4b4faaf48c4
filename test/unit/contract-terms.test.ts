import { describe, expect, it } from 'vitest';
import { renderContract, TEMPLATE_PLACEHOLDERS } from '../../src/domain/contract';
import {
  MAX_TEMPLATE_LENGTH,
  storedTemplate,
  templateProblem,
  termsForProject,
  unknownPlaceholders,
} from '../../src/domain/contract-terms';
import { contractWords } from '../../src/i18n/contract';

describe('terms template validation', () => {
  it('accepts every placeholder the contract fills, the defaults, and an empty template', () => {
    expect(templateProblem(TEMPLATE_PLACEHOLDERS.map((n) => `{${n}}`).join(' '))).toBeNull();
    expect(templateProblem(contractWords('en').template)).toBeNull();
    expect(templateProblem(contractWords('de').template)).toBeNull();
    expect(templateProblem('')).toBeNull();
    expect(templateProblem('Line one\n\tLine two')).toBeNull();
  });

  it('names unknown placeholders, each once, in order', () => {
    expect(unknownPlaceholders('{client} pays {fee} by {deadline}, {fee} in full; {}')).toEqual([
      'fee',
      'deadline',
      '',
    ]);
    const problem = templateProblem('{client} pays {fee} by {due date}');
    expect(problem).toMatch(
      /^has unknown placeholders: \{fee\}, \{due date\} \(known: \{freelancer\}/,
    );
  });

  it('refuses NUL and control characters other than tab and newline, and over-long text', () => {
    expect(templateProblem('a\u0000b')).toContain('U+0000');
    expect(templateProblem('a\u001bb')).toContain('U+001B');
    expect(templateProblem('a\rb')).toContain('U+000D');
    expect(templateProblem('x'.repeat(MAX_TEMPLATE_LENGTH))).toBeNull();
    expect(templateProblem('x'.repeat(MAX_TEMPLATE_LENGTH + 1))).toContain(
      `at most ${MAX_TEMPLATE_LENGTH}`,
    );
  });

  it('stores an empty or blank template as "the default"', () => {
    expect(storedTemplate('  \r\n ')).toBeNull();
    expect(storedTemplate(' Terms\r\nhere ')).toBe('Terms\nhere');
  });
});

describe('which terms a project uses', () => {
  const freelancer = { template: 'Mine: {mediator}', mediator: 'Chamber of Commerce' };
  const defaultTemplate = 'Default';

  it('before acceptance: the freelancer’s current terms, the project’s own mediator first', () => {
    expect(
      termsForProject({
        accepted: false,
        project: { contractTemplate: null, mediator: null },
        freelancer,
        defaultTemplate,
      }),
    ).toEqual({ template: 'Mine: {mediator}', mediator: 'Chamber of Commerce' });
    expect(
      termsForProject({
        accepted: false,
        project: { contractTemplate: null, mediator: 'Dr. Vogel' },
        freelancer: { template: null, mediator: '' },
        defaultTemplate,
      }),
    ).toEqual({ template: 'Default', mediator: 'Dr. Vogel' });
  });

  it('after acceptance: what was accepted, never the freelancer’s later terms', () => {
    expect(
      termsForProject({
        accepted: true,
        project: { contractTemplate: 'Accepted', mediator: 'Old mediator' },
        freelancer,
        defaultTemplate,
      }),
    ).toEqual({ template: 'Accepted', mediator: 'Old mediator' });
    // Accepted before the settings existed: the default template, no mediator named.
    expect(
      termsForProject({
        accepted: true,
        project: { contractTemplate: null, mediator: null },
        freelancer,
        defaultTemplate,
      }),
    ).toEqual({ template: 'Default', mediator: '' });
  });
});

describe('contract text: deposits, rounds, review window, mediator', () => {
  function render(locale: 'en' | 'de', mediator: string | null) {
    const { labels } = contractWords(locale);
    return renderContract({
      locale,
      projectTitle: 'Brand',
      currency: 'EUR',
      freelancer: 'Ann Lee',
      client: 'Bea Kraus',
      mediator,
      reviewWindowDays: 10,
      milestones: [
        {
          position: 1,
          title: 'Deposit',
          deliverables: '',
          dueDate: '2026-03-01',
          amountMinor: 500_00,
          revisionRounds: 0,
          isDeposit: true,
        },
        {
          position: 2,
          title: 'Logo',
          deliverables: 'SVG',
          dueDate: '2026-04-01',
          amountMinor: 1500_00,
          revisionRounds: 3,
        },
      ],
      template: 'Reviews within {reviewDays} days; rounds {revisionRounds}; disputes: {mediator}.',
      labels,
    }).text;
  }

  it('states per milestone its rounds and whether it is a deposit, then window and mediator', () => {
    const text = render('en', 'Chamber of Commerce Berlin');
    expect(text).toMatch(
      /1\. Deposit\n {2}Amount: €500\.00\n {2}Due: March 1, 2026\n {2}Revision rounds included: 0\n {2}Deposit — payable when the project starts\n/,
    );
    expect(text).toMatch(
      /2\. Logo\n {2}Amount: €1,500\.00\n.*\n {2}Revision rounds included: 3\n {2}Deliverables:/,
    );
    expect(text.match(/Deposit — payable/g)).toHaveLength(1);
    expect(text).toContain('Review window: 10 days after each delivery');
    expect(text).toContain('Mediator for disputes: Chamber of Commerce Berlin');
    expect(text).toContain(
      'Reviews within 10 days; rounds 0/3; disputes: Chamber of Commerce Berlin.',
    );
  });

  it('in German, with no mediator named', () => {
    const text = render('de', '');
    expect(text).toContain('Anzahlung — fällig bei Projektbeginn');
    expect(text).toContain('Prüfzeitraum: 10 Tage nach jeder Lieferung');
    expect(text).toContain(
      'Schlichtung bei Streitfällen: eine von beiden Seiten akzeptierte Schlichtungsperson',
    );
  });
});
