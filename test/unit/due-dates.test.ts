import { describe, expect, it } from 'vitest';
import { dueDateWarnings } from '../../src/domain/due-dates';

const TODAY = '2026-12-02';

describe('due date warnings', () => {
  it('says nothing about future dates in order, nor about equal dates', () => {
    expect(
      dueDateWarnings(['2026-12-10', '2026-12-20', '2026-12-20', '2027-01-05'], TODAY),
    ).toEqual([null, null, null, null]);
  });

  it('counts today as not past, yesterday as past', () => {
    expect(dueDateWarnings([TODAY], TODAY)).toEqual([null]);
    expect(dueDateWarnings(['2026-12-01'], TODAY)).toEqual([{ kind: 'past', today: TODAY }]);
  });

  it('flags both milestones of a pair out of order, each naming the other', () => {
    expect(dueDateWarnings(['2026-12-20', '2026-12-10'], TODAY)).toEqual([
      { kind: 'afterLater', other: 1, otherDue: '2026-12-10' },
      { kind: 'beforeEarlier', other: 0, otherDue: '2026-12-20' },
    ]);
  });

  it('names the earlier milestone due latest and the later one due first', () => {
    const warnings = dueDateWarnings(
      ['2026-12-10', '2027-02-01', '2026-12-15', '2027-01-20'],
      TODAY,
    );
    expect(warnings[2]).toEqual({ kind: 'beforeEarlier', other: 1, otherDue: '2027-02-01' });
    expect(warnings[1]).toEqual({ kind: 'afterLater', other: 2, otherDue: '2026-12-15' });
    expect(warnings[3]).toEqual({ kind: 'beforeEarlier', other: 1, otherDue: '2027-02-01' });
    expect(warnings[0]).toBeNull();
  });

  it('says "past" before "out of order"', () => {
    expect(dueDateWarnings(['2026-12-20', '2026-11-30'], TODAY)[1]).toEqual({
      kind: 'past',
      today: TODAY,
    });
  });

  it('ignores empty or half-typed dates, and compares around them', () => {
    expect(dueDateWarnings(['2026-12-20', '', '2026-12-10'], TODAY)).toEqual([
      { kind: 'afterLater', other: 2, otherDue: '2026-12-10' },
      null,
      { kind: 'beforeEarlier', other: 0, otherDue: '2026-12-20' },
    ]);
    expect(dueDateWarnings(['2026-1-5'], TODAY)).toEqual([null]);
  });
});
