import { describe, expect, it } from 'vitest';
import { AppError } from '../../src/domain/errors';
import {
  applyEvent,
  assertCount,
  initialStatuses,
  isEditable,
  isValidSequence,
  MAX_MILESTONES,
  MILESTONE_STATUSES,
  normalizeSequence,
  progressOf,
  type MilestoneStatus,
  type SequenceEvent,
} from '../../src/domain/milestone-sequence';

/** Every list of statuses of length 1..n (4^n of each length). */
function allSequences(maxLength: number): MilestoneStatus[][] {
  const result: MilestoneStatus[][] = [];
  let layer: MilestoneStatus[][] = [[]];
  for (let length = 1; length <= maxLength; length++) {
    layer = layer.flatMap((prefix) => MILESTONE_STATUSES.map((s) => [...prefix, s]));
    result.push(...layer);
  }
  return result;
}

/** The rule written the slow, obvious way, to check the machine against. */
function expectedAfter(
  statuses: MilestoneStatus[],
  event: SequenceEvent,
): MilestoneStatus[] | string {
  const current = statuses[event.index];
  if (event.type === 'deliver') {
    if (current !== 'open') return `refused:${current}`;
    return statuses.map((s, i) => (i === event.index ? 'delivered' : s));
  }
  if (event.type === 'refund') {
    if (current !== 'paid') return `refused:${current}`;
    return statuses.map((s, i) => (i === event.index ? 'delivered' : s));
  }
  if (current !== 'delivered') return `refused:${current}`;
  return statuses.map((s, i) =>
    i === event.index ? 'paid' : i === event.index + 1 && s === 'locked' ? 'open' : s,
  );
}

/**
 * The invariant written the slow way: a word over p(aid) d(elivered) o(pen) l(ocked) of the
 * form [pd]* o? l*, where a locked milestone right after a settled one needs it delivered.
 */
function slowValid(statuses: MilestoneStatus[]): boolean {
  const word = statuses.map((s) => s[0]).join('');
  return /^[pd]*o?l*$/.test(word) && !/^l/.test(word) && !/pl/.test(word);
}

const valid = allSequences(6).filter(isValidSequence);

describe('milestone sequence', () => {
  it('knows which sequences are valid: paid or delivered…, at most one open, then locked…', () => {
    for (const statuses of allSequences(6))
      expect(isValidSequence(statuses), statuses.join(',')).toBe(slowValid(statuses));
    // Without refunds the old reading holds: paid…, one open or delivered, locked….
    for (const statuses of [
      ['paid', 'paid', 'delivered', 'locked'],
      ['paid', 'open', 'locked'],
      ['paid', 'paid'],
    ] as MilestoneStatus[][])
      expect(isValidSequence(statuses)).toBe(true);
    // A milestone refunded in full is delivered again; those after it kept their state.
    expect(isValidSequence(['delivered', 'open', 'locked'])).toBe(true);
    expect(isValidSequence(['delivered', 'delivered', 'locked'])).toBe(true);
    expect(isValidSequence(['delivered', 'paid', 'paid'])).toBe(true);
    expect(isValidSequence(['open', 'paid'])).toBe(false);
    expect(isValidSequence(['open', 'open'])).toBe(false);
    expect(isValidSequence(['locked', 'open'])).toBe(false);
    expect(isValidSequence(['paid', 'locked'])).toBe(false);
    expect(isValidSequence([])).toBe(false);
  });

  it('applies every event to every valid sequence exactly as the rule says, and stays valid', () => {
    let checked = 0;
    for (const statuses of valid) {
      for (let index = 0; index < statuses.length; index++) {
        for (const type of ['deliver', 'pay', 'refund'] as const) {
          const event = { type, index };
          const expected = expectedAfter(statuses, event);
          if (typeof expected === 'string') {
            expect(() => applyEvent(statuses, event)).toThrow(AppError);
          } else {
            const next = applyEvent(statuses, event);
            expect(next).toEqual(expected);
            expect(isValidSequence(next)).toBe(true);
          }
          checked++;
        }
      }
    }
    expect(checked).toBeGreaterThan(100);
  });

  it('explains each refusal with a stable code', () => {
    const codeOf = (statuses: MilestoneStatus[], event: SequenceEvent): string => {
      try {
        applyEvent(statuses, event);
        return 'accepted';
      } catch (error) {
        return error instanceof AppError ? error.code : 'unexpected';
      }
    };
    expect(codeOf(['open', 'locked'], { type: 'deliver', index: 1 })).toBe('MILESTONE_LOCKED');
    expect(codeOf(['delivered', 'locked'], { type: 'deliver', index: 0 })).toBe(
      'MILESTONE_NOT_OPEN',
    );
    expect(codeOf(['open', 'locked'], { type: 'pay', index: 0 })).toBe('MILESTONE_NOT_DELIVERED');
    expect(codeOf(['paid', 'open'], { type: 'pay', index: 0 })).toBe('MILESTONE_ALREADY_PAID');
    expect(codeOf(['open'], { type: 'pay', index: 3 })).toBe('NOT_FOUND');
  });

  it('never mutates its input', () => {
    const statuses: MilestoneStatus[] = ['delivered', 'locked'];
    applyEvent(statuses, { type: 'pay', index: 0 });
    expect(statuses).toEqual(['delivered', 'locked']);
  });

  it('runs a whole project to completion and opens the next milestone on each payment', () => {
    let statuses = initialStatuses(3);
    expect(statuses).toEqual(['open', 'locked', 'locked']);
    for (let i = 0; i < 3; i++) {
      statuses = applyEvent(statuses, { type: 'deliver', index: i });
      expect(progressOf(statuses)).toBe('active');
      statuses = applyEvent(statuses, { type: 'pay', index: i });
    }
    expect(statuses).toEqual(['paid', 'paid', 'paid']);
    expect(progressOf(statuses)).toBe('complete');
  });

  it('a full refund returns a paid milestone to delivered and leaves later ones as they are', () => {
    let statuses: MilestoneStatus[] = ['paid', 'paid', 'delivered', 'locked'];
    statuses = applyEvent(statuses, { type: 'refund', index: 0 });
    expect(statuses).toEqual(['delivered', 'paid', 'delivered', 'locked']);
    expect(progressOf(['paid', 'paid'])).toBe('complete');
    expect(progressOf(applyEvent(['paid', 'paid'], { type: 'refund', index: 1 }))).toBe('active');
    // Paid again: paid, and nothing after it moves (the next one was already open or further).
    statuses = applyEvent(statuses, { type: 'pay', index: 0 });
    expect(statuses).toEqual(['paid', 'paid', 'delivered', 'locked']);
    expect(applyEvent(['delivered', 'open'], { type: 'pay', index: 0 })).toEqual(['paid', 'open']);
    expect(() => applyEvent(['delivered', 'locked'], { type: 'refund', index: 0 })).toThrow(
      AppError,
    );
  });

  it('restores the invariant after milestones are added or removed', () => {
    expect(normalizeSequence(['delivered', 'open', 'locked', 'locked'])).toEqual([
      'delivered',
      'open',
      'locked',
      'locked',
    ]);
    expect(normalizeSequence(['delivered', 'locked'])).toEqual(['delivered', 'locked']);
    expect(normalizeSequence(['locked', 'locked'])).toEqual(['open', 'locked']);
    for (const statuses of allSequences(5))
      expect(isValidSequence(normalizeSequence(statuses)), statuses.join(',')).toBe(true);
    expect(normalizeSequence(['paid', 'locked', 'locked'])).toEqual(['paid', 'open', 'locked']);
    expect(normalizeSequence(['paid', 'delivered', 'locked'])).toEqual([
      'paid',
      'delivered',
      'locked',
    ]);
    expect(normalizeSequence(['paid', 'paid', 'locked'])).toEqual(['paid', 'paid', 'open']);
    for (const statuses of valid) expect(normalizeSequence(statuses)).toEqual(statuses);
  });

  it('lets only milestones not yet delivered be edited', () => {
    expect(MILESTONE_STATUSES.filter(isEditable)).toEqual(['locked', 'open']);
  });

  it('allows 1 to 10 milestones, or fewer if the operator lowers the limit', () => {
    expect(() => assertCount(0)).toThrow(AppError);
    expect(() => assertCount(MAX_MILESTONES)).not.toThrow();
    expect(() => assertCount(MAX_MILESTONES + 1)).toThrow(/at most 10/);
    expect(() => assertCount(6, 5)).toThrow(/at most 5/);
    expect(() => assertCount(11, 50)).toThrow(/at most 10/);
  });
});
