import { describe, expect, it } from 'vitest';
import { TestClock } from '../integration/harness';

describe('TestClock', () => {
  it('runs with real time until moved', () => {
    const clock = new TestClock();
    const before = Date.now();
    const read = clock.now().getTime();
    expect(read).toBeGreaterThanOrEqual(before);
    expect(read).toBeLessThanOrEqual(Date.now());
  });

  it('moves forward by advance and jumps by set', () => {
    const clock = new TestClock();
    clock.advance(3 * 86_400_000);
    expect(clock.now().getTime() - Date.now()).toBeGreaterThan(3 * 86_400_000 - 1_000);
    clock.set('2030-01-01T00:00:00Z');
    expect(clock.now().toISOString().slice(0, 10)).toBe('2030-01-01');
  });

  it('stands still when frozen, and moves only by advance', () => {
    const clock = new TestClock();
    clock.set('2030-01-01T00:00:00Z');
    clock.freeze();
    const frozen = clock.now().getTime();
    clock.advance(1_000);
    expect(clock.now().getTime()).toBe(frozen + 1_000);
  });
});
