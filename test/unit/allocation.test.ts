import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  allocateByBasisPoints,
  FULL_BASIS_POINTS,
  percentToBasisPoints,
  parseTemplate,
} from '../../src/domain/allocation';
import { AppError } from '../../src/domain/errors';
import { MAX_AMOUNT_MINOR } from '../../src/domain/money';

/** 1–10 integer basis-point shares that add up to exactly 100%. */
const sharesSummingTo100 = fc
  .array(fc.integer({ min: 0, max: FULL_BASIS_POINTS }), { minLength: 0, maxLength: 9 })
  .map((cuts) => {
    const points = [...cuts].sort((a, b) => a - b);
    const bounds = [0, ...points, FULL_BASIS_POINTS];
    return bounds.slice(1).map((b, i) => b - (bounds[i] ?? 0));
  });

describe('allocateByBasisPoints (largest remainder)', () => {
  it('always sums to the total, each part within one minor unit of its exact share', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: MAX_AMOUNT_MINOR }),
        sharesSummingTo100,
        (total, shares) => {
          const parts = allocateByBasisPoints(total, shares);
          expect(parts).toHaveLength(shares.length);
          expect(parts.reduce((a, b) => a + b, 0)).toBe(total);
          parts.forEach((part, i) => {
            expect(Number.isSafeInteger(part)).toBe(true);
            // |part − total·share/10000| < 1  ⇔  |part·10000 − total·share| < 10000, in exact integers.
            const error = BigInt(part) * 10_000n - BigInt(total) * BigInt(shares[i] ?? 0);
            expect(error < 0n ? -error : error).toBeLessThan(10_000n);
          });
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('gives the left-over units to the largest remainders, ties to the earlier milestone', () => {
    expect(allocateByBasisPoints(100, [3333, 3333, 3334])).toEqual([33, 33, 34]);
    expect(allocateByBasisPoints(100001, [3000, 4000, 3000])).toEqual([30000, 40001, 30000]);
    expect(allocateByBasisPoints(2, [3333, 3334, 3333])).toEqual([1, 1, 0]);
    expect(allocateByBasisPoints(1000, [1500, 2500, 3000, 2000, 1000])).toEqual([
      150, 250, 300, 200, 100,
    ]);
  });

  it('refuses shares that do not add up to 100%', () => {
    expect(() => allocateByBasisPoints(100, [5000, 4999])).toThrow(/99.99%/);
    expect(() => allocateByBasisPoints(100, [5000, 5001])).toThrow(AppError);
  });

  it('refuses a fractional or negative total', () => {
    expect(() => allocateByBasisPoints(10.5, [10_000])).toThrow(AppError);
    expect(() => allocateByBasisPoints(-1, [10_000])).toThrow(AppError);
  });
});

describe('percentToBasisPoints', () => {
  it('reads whole and two-decimal percentages exactly', () => {
    expect(percentToBasisPoints(15)).toBe(1500);
    expect(percentToBasisPoints(33.33)).toBe(3333);
    expect(percentToBasisPoints(0.01)).toBe(1);
  });
  it('refuses more than two decimals rather than rounding them away', () => {
    expect(() => percentToBasisPoints(33.333)).toThrow(AppError);
    expect(() => percentToBasisPoints(Number.NaN)).toThrow(AppError);
  });
});

describe('parseTemplate', () => {
  it('reads 15/25/30/20/10', () => {
    expect(parseTemplate('15/25/30/20/10')).toEqual([15, 25, 30, 20, 10]);
  });
});
