import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { fillPlaceholders, renderContract, type ContractInput } from '../../src/domain/contract';
import { contractWords } from '../../src/i18n/contract';

function input(overrides: Partial<ContractInput> = {}): ContractInput {
  const { labels, template } = contractWords('en');
  return {
    locale: 'en',
    projectTitle: 'Brand refresh',
    currency: 'EUR',
    freelancer: 'Ann Lee',
    client: 'Bea Kraus',
    milestones: [
      {
        position: 2,
        title: 'Logo',
        deliverables: 'Final logo\r\nSVG + PNG',
        dueDate: '2026-04-01',
        amountMinor: 390000,
      },
      {
        position: 1,
        title: 'Research',
        deliverables: '',
        dueDate: '2026-03-05',
        amountMinor: 240050,
        revisionRounds: 1,
      },
    ],
    template,
    labels,
    ...overrides,
  };
}

describe('renderContract', () => {
  it('lists milestones in order with amounts, dates, rounds and deliverables', () => {
    const { text } = renderContract(input());
    expect(text).toContain('Contract: Brand refresh');
    expect(text).toContain('Freelancer: Ann Lee');
    expect(text).toContain('Client: Bea Kraus');
    expect(text).toContain('Currency: EUR');
    expect(text.indexOf('1. Research')).toBeLessThan(text.indexOf('2. Logo'));
    expect(text).toContain('Amount: €2,400.50');
    expect(text).toContain('Amount: €3,900.00');
    expect(text).toContain('Due: March 5, 2026');
    expect(text).toContain('Due: April 1, 2026');
    expect(text).toMatch(
      /1\. Research\n {2}Amount: €2,400\.50\n {2}Due: March 5, 2026\n {2}Revision rounds included: 1\n/,
    );
    expect(text).toMatch(
      /Revision rounds included: 2\n {2}Deliverables:\n {4}Final logo\n {4}SVG \+ PNG\n/,
    );
    expect(text).toContain('Total: €6,300.50');
    expect(text).toContain('Review window: 14 days after each delivery');
  });

  it('fills the template placeholders', () => {
    const { text } = renderContract(input({ mediator: 'Chamber of Commerce Berlin' }));
    expect(text).toContain(
      'Ann Lee delivers the work of Brand refresh to Bea Kraus in 2 milestones',
    );
    expect(text).toContain('for a total of €6,300.50 (EUR)');
    expect(text).toContain('within 14 days');
    expect(text).toContain('Each milestone includes 1/2 revision rounds');
    expect(text).toContain('the dispute goes to Chamber of Commerce Berlin');
    expect(text).not.toMatch(/\{[a-zA-Z]+\}/);
  });

  it('names a mediator both agree on when none is given, and honours a review window', () => {
    const { text } = renderContract(input({ reviewWindowDays: 7 }));
    expect(text).toContain('goes to a mediator both parties agree on');
    expect(text).toContain('Review window: 7 days');
  });

  it('is deterministic and hashes the exact UTF-8 text', () => {
    const a = renderContract(input());
    const b = renderContract(input());
    expect(b.text).toBe(a.text);
    expect(a.sha256).toBe(createHash('sha256').update(Buffer.from(a.text, 'utf8')).digest('hex'));
    expect(a.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(a.text.endsWith('\n')).toBe(true);
    expect(a.text).not.toContain('\r');
  });

  it('changes its hash when an amount or date changes by the smallest step', () => {
    const base = renderContract(input());
    const [first, second] = input().milestones;
    if (!first || !second) throw new Error('fixture');
    const cent = renderContract(
      input({ milestones: [{ ...first, amountMinor: first.amountMinor + 1 }, second] }),
    );
    const day = renderContract(
      input({ milestones: [{ ...first, dueDate: '2026-04-02' }, second] }),
    );
    expect(cent.sha256).not.toBe(base.sha256);
    expect(day.sha256).not.toBe(base.sha256);
    expect(new Set([base.sha256, cent.sha256, day.sha256]).size).toBe(3);
  });

  it('normalizes the same words to the same bytes (NFC, line endings)', () => {
    const composed = renderContract(input({ client: 'Zoë' }));
    const decomposed = renderContract(input({ client: 'Zoe\u0308' }));
    expect(decomposed.sha256).toBe(composed.sha256);
  });

  it('renders German with German amounts and dates', () => {
    const { labels, template } = contractWords('de');
    const { text } = renderContract(input({ locale: 'de', labels, template }));
    expect(text).toContain('Vertrag: Brand refresh');
    expect(text).toContain('Betrag: 2.400,50\u00a0€');
    expect(text).toContain('Fällig: 5. März 2026');
    expect(text).toContain('Gesamt: 6.300,50\u00a0€');
    expect(text).toContain('Prüfzeitraum: 14 Tage');
    expect(text).toContain('eine von beiden Seiten akzeptierte Schlichtungsperson');
    expect(text).not.toMatch(/\{[a-zA-Z]+\}/);
  });

  it('formats currencies without minor units exactly', () => {
    const { text } = renderContract(
      input({
        currency: 'JPY',
        milestones: [
          { position: 1, title: 'A', deliverables: '', dueDate: '2026-01-01', amountMinor: 12345 },
        ],
      }),
    );
    expect(text).toContain('Amount: ¥12,345');
    expect(text).toContain('Total: ¥12,345');
  });
});

describe('fillPlaceholders', () => {
  it('fills known names and keeps unknown ones', () => {
    expect(fillPlaceholders('{a} and {b} and {constructor}', { a: 'x' })).toBe(
      'x and {b} and {constructor}',
    );
    expect(fillPlaceholders('{a}', { a: '{a}$&' })).toBe('{a}$&');
  });
});
