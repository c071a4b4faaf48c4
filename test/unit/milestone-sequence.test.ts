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
  if (current !== 'delivered') return `refused:${current}`;
  return statuses.map((s, i) => (i === event.index ? 'paid' : i === event.index + 1 ? 'open' : s));
}

const valid = allSequences(6).filter(isValidSequence);

describe('milestone sequence', () => {
  it('knows which sequences are valid: paid…, at most one open or delivered, then locked…', () => {
    // For length n: all paid (1) + current at position k (n positions × 2 states).
    for (let n = 1; n <= 6; n++) {
      expect(valid.filter((s) => s.length === n)).toHaveLength(1 + 2 * n);
    }
    expect(isValidSequence(['open', 'open'])).toBe(false);
    expect(isValidSequence(['locked', 'open'])).toBe(false);
    expect(isValidSequence(['paid', 'locked'])).toBe(false);
    expect(isValidSequence([])).toBe(false);
  });

  it('applies every event to every valid sequence exactly as the rule says, and stays valid', () => {
    let checked = 0;
    for (const statuses of valid) {
      for (let index = 0; index < statuses.length; index++) {
        for (const type of ['deliver', 'pay'] as const) {
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

  it('restores the invariant after milestones are added or removed', () => {
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
