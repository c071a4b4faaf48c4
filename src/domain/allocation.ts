/**
 * Splitting a project total across milestones by percentage, exactly.
 *
 * Percentages are held as basis points (1% = 100 bp) so that "33.33" stays an integer.
 * Each milestone gets the floor of its share; the minor units left over go, one each, to the
 * milestones with the largest remainders (ties to the earlier milestone). The parts always sum
 * to the total and each part is within one minor unit of its exact share.
 */
import { AppError } from './errors';

export const FULL_BASIS_POINTS = 10_000;

/** "15" → 1500, "33.33" → 3333; more than two decimals is refused rather than rounded. */
export function percentToBasisPoints(percent: number): number {
  const bp = Math.round(percent * 100);
  if (!Number.isFinite(percent) || percent < 0 || Math.abs(bp - percent * 100) > 1e-6) {
    throw new AppError(
      'VALIDATION_FAILED',
      `${percent}% must be a percentage with at most two decimals`,
    );
  }
  return bp;
}

export function allocateByBasisPoints(
  totalMinor: number,
  basisPoints: readonly number[],
): number[] {
  if (!Number.isSafeInteger(totalMinor) || totalMinor < 0) {
    throw new AppError(
      'VALIDATION_FAILED',
      'Total must be a non-negative whole number of minor units',
      {
        field: 'totalMinor',
      },
    );
  }
  const sum = basisPoints.reduce((a, b) => a + b, 0);
  if (sum !== FULL_BASIS_POINTS || basisPoints.some((bp) => !Number.isInteger(bp) || bp < 0)) {
    throw new AppError('AMOUNTS_DO_NOT_ADD_UP', `Percentages add up to ${sum / 100}%, not 100%`, {
      field: 'milestones',
    });
  }
  const total = BigInt(totalMinor);
  const exact = basisPoints.map((bp) => total * BigInt(bp));
  const floors = exact.map((e) => e / BigInt(FULL_BASIS_POINTS));
  const remainders = exact.map((e, index) => ({ index, rest: e % BigInt(FULL_BASIS_POINTS) }));
  let leftOver = Number(total - floors.reduce((a, b) => a + b, 0n));
  remainders.sort((a, b) => (a.rest === b.rest ? a.index - b.index : a.rest > b.rest ? -1 : 1));
  const parts = floors.map(Number);
  for (const { index } of remainders) {
    if (leftOver === 0) break;
    parts[index] = (parts[index] ?? 0) + 1;
    leftOver -= 1;
  }
  return parts;
}

/** Percentages from a template string such as "15/25/30/20/10". */
export function parseTemplate(template: string): number[] {
  const parts = template.split('/').map((p) => Number(p.trim()));
  if (parts.length === 0 || parts.some((p) => !Number.isFinite(p))) {
    throw new AppError('VALIDATION_FAILED', `"${template}" is not a template like 15/25/30/20/10`);
  }
  return parts;
}

export const MILESTONE_TEMPLATES: Readonly<Record<string, readonly number[]>> = {
  'Single payment': [100],
  'Half up front': [50, 50],
  'Three steps (30/40/30)': [30, 40, 30],
  'Five steps (15/25/30/20/10)': [15, 25, 30, 20, 10],
};
