/**
 * Turns the milestones a freelancer typed into exact amounts: either every milestone names its
 * amount, or every milestone names a percentage of a total that is split by largest remainder.
 */
import { allocateByBasisPoints, percentToBasisPoints } from './allocation';
import { AppError } from './errors';
import { MAX_AMOUNT_MINOR } from './money';

export interface PlannedAmount {
  amountMinor?: number | undefined;
  percent?: number | undefined;
}

export function resolveAmounts(
  milestones: readonly PlannedAmount[],
  totalMinor?: number,
): number[] {
  const byPercent = milestones.every((m) => m.percent !== undefined && m.amountMinor === undefined);
  const byAmount = milestones.every((m) => m.amountMinor !== undefined && m.percent === undefined);
  if (!byPercent && !byAmount) {
    throw new AppError(
      'VALIDATION_FAILED',
      'Give every milestone either an amount or a percentage, not a mix',
      { field: 'milestones' },
    );
  }
  if (byPercent) {
    if (totalMinor === undefined) {
      throw new AppError('VALIDATION_FAILED', 'A total is needed to split by percentages', {
        field: 'totalMinor',
      });
    }
    const basisPoints = milestones.map((m, i) => {
      try {
        return percentToBasisPoints(m.percent ?? 0);
      } catch (error) {
        if (error instanceof AppError) {
          throw new AppError(error.code, error.message, { field: `milestones.${i}.percent` });
        }
        throw error;
      }
    });
    const amounts = allocateByBasisPoints(totalMinor, basisPoints);
    const empty = amounts.findIndex((a) => a < 1);
    if (empty >= 0) {
      throw new AppError(
        'VALIDATION_FAILED',
        `Milestone ${empty + 1} would be worth nothing: raise the total or its share`,
        {
          field: `milestones.${empty}.percent`,
        },
      );
    }
    return amounts;
  }
  const amounts = milestones.map((m) => m.amountMinor ?? 0);
  const sum = amounts.reduce((a, b) => a + b, 0);
  if (sum > MAX_AMOUNT_MINOR) {
    throw new AppError(
      'VALIDATION_FAILED',
      'The milestones add up to more than the largest amount allowed',
      {
        field: 'milestones',
      },
    );
  }
  if (totalMinor !== undefined && totalMinor !== sum) {
    throw new AppError(
      'AMOUNTS_DO_NOT_ADD_UP',
      `The milestones add up to ${sum} minor units but the total is ${totalMinor}`,
      { field: 'totalMinor' },
    );
  }
  return amounts;
}
