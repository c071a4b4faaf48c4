/**
 * The live check of the project builder: turns what the freelancer typed into exact minor-unit
 * amounts with the same rules as the server (largest remainder for percentages) and says, in
 * words, why the milestones do not add up when they don't.
 */
import {
  allocateByBasisPoints,
  FULL_BASIS_POINTS,
  percentToBasisPoints,
} from '../domain/allocation';
import { formatMoney, isCurrencyCode } from '../domain/money';
import type { Translate } from './i18n';
import { readAmount } from './money-input';

export type AmountMode = 'percent' | 'amount';

export interface PlanRow {
  amount: string;
  percent: string;
}

export interface PlanCheck {
  ok: boolean;
  /** Why it does not add up (or null when it does). */
  message: string | null;
  /** Minor units per milestone, null where it cannot be worked out yet. */
  amounts: (number | null)[];
  /** The total the milestones come to, when known. */
  totalMinor: number | null;
  /** Per-row problems, keyed like the API's fields: "milestones.0.percent". */
  rowErrors: Record<string, string>;
  totalError: string | null;
}

/** A typed amount in minor units, or the reader's message (a refusal, or a question to confirm). */
function readTyped(
  input: string,
  locale: string,
  currency: string,
  say: Translate,
): { value: number | null; error: string | null } {
  const reading = readAmount(input, locale, currency, say);
  switch (reading.kind) {
    case 'empty':
      return { value: null, error: null };
    case 'amount':
      return { value: reading.amountMinor, error: null };
    case 'confirm':
    case 'invalid':
      return { value: null, error: reading.message };
  }
}

/**
 * `locale` is how the freelancer writes numbers ("12,50" in de, "12.50" in en); `say` puts the
 * messages into the app's language (useT), `money` formats amounts in it (useFormat's).
 */
export function checkPlan(
  mode: AmountMode,
  currency: string,
  totalInput: string,
  rows: readonly PlanRow[],
  locale: string,
  say: Translate,
  money: (amountMinor: number, currency: string) => string = formatMoney,
): PlanCheck {
  const blank = rows.map(() => null);
  if (!isCurrencyCode(currency)) {
    return {
      ok: false,
      message: say('amounts.plan.currency'),
      amounts: blank,
      totalMinor: null,
      rowErrors: {},
      totalError: null,
    };
  }
  const total = readTyped(totalInput, locale, currency, say);
  return mode === 'percent'
    ? checkPercentages(total, rows, say)
    : checkAmounts(currency, locale, total, rows, say, money);
}

function checkPercentages(
  total: { value: number | null; error: string | null },
  rows: readonly PlanRow[],
  say: Translate,
): PlanCheck {
  const rowErrors: Record<string, string> = {};
  const basisPoints: (number | null)[] = rows.map((row, i) => {
    const text = row.percent.trim();
    if (text === '') {
      rowErrors[`milestones.${i}.percent`] = say('amounts.plan.percentMissing');
      return null;
    }
    const percent = Number(text);
    if (!Number.isFinite(percent) || percent <= 0 || percent > 100) {
      rowErrors[`milestones.${i}.percent`] = say('amounts.plan.percentRange');
      return null;
    }
    try {
      return percentToBasisPoints(percent);
    } catch (err) {
      rowErrors[`milestones.${i}.percent`] = err instanceof Error ? err.message : String(err);
      return null;
    }
  });
  const result = (
    message: string,
    amounts: (number | null)[] = rows.map(() => null),
  ): PlanCheck => ({
    ok: false,
    message,
    amounts,
    totalMinor: total.value,
    rowErrors,
    totalError: total.error,
  });
  if (total.error !== null) return result(say('amounts.plan.totalInvalid', { error: total.error }));
  if (total.value === null) return result(say('amounts.plan.totalMissing'));
  const known = basisPoints.filter((bp): bp is number => bp !== null);
  if (known.length !== rows.length) return result(say('amounts.plan.percentsInvalid'));
  const sum = known.reduce((a, b) => a + b, 0);
  if (sum !== FULL_BASIS_POINTS) {
    const diff = Math.abs(FULL_BASIS_POINTS - sum) / 100;
    const values = { sum: sum / 100, diff };
    return result(
      sum < FULL_BASIS_POINTS
        ? say('amounts.plan.percentsUnder', values)
        : say('amounts.plan.percentsOver', values),
    );
  }
  const amounts = allocateByBasisPoints(total.value, known);
  const empty = amounts.findIndex((a) => a < 1);
  if (empty >= 0) {
    return result(say('amounts.plan.worthNothing', { position: empty + 1 }), amounts);
  }
  return { ok: true, message: null, amounts, totalMinor: total.value, rowErrors, totalError: null };
}

function checkAmounts(
  currency: string,
  locale: string,
  total: { value: number | null; error: string | null },
  rows: readonly PlanRow[],
  say: Translate,
  money: (amountMinor: number, currency: string) => string,
): PlanCheck {
  const rowErrors: Record<string, string> = {};
  const amounts = rows.map((row, i) => {
    const read = readTyped(row.amount, locale, currency, say);
    const error =
      read.error ??
      (read.value === null
        ? say('amounts.plan.amountMissing')
        : read.value < 1
          ? say('amounts.plan.amountZero')
          : null);
    if (error !== null) rowErrors[`milestones.${i}.amountMinor`] = error;
    return error === null ? read.value : null;
  });
  const known = amounts.filter((a): a is number => a !== null);
  const sum = known.reduce((a, b) => a + b, 0);
  const base = { amounts, rowErrors, totalError: total.error };
  if (total.error !== null)
    return {
      ...base,
      ok: false,
      message: say('amounts.plan.totalInvalid', { error: total.error }),
      totalMinor: null,
    };
  if (known.length !== rows.length) {
    return {
      ...base,
      ok: false,
      message: say('amounts.plan.amountsInvalid'),
      totalMinor: total.value,
    };
  }
  if (total.value !== null && total.value !== sum) {
    const values = {
      sum: money(sum, currency),
      total: money(total.value, currency),
      diff: money(Math.abs(total.value - sum), currency),
    };
    return {
      ...base,
      ok: false,
      message:
        sum < total.value ? say('amounts.plan.short', values) : say('amounts.plan.over', values),
      totalMinor: total.value,
    };
  }
  return { ...base, ok: true, message: null, totalMinor: sum };
}
