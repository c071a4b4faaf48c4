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

function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** A typed amount in minor units, or the reader's message (a refusal, or a question to confirm). */
function readTyped(
  input: string,
  locale: string,
  currency: string,
): { value: number | null; error: string | null } {
  const reading = readAmount(input, locale, currency);
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

/** `locale` is how the freelancer writes numbers ("12,50" in de, "12.50" in en). */
export function checkPlan(
  mode: AmountMode,
  currency: string,
  totalInput: string,
  rows: readonly PlanRow[],
  locale: string,
): PlanCheck {
  const blank = rows.map(() => null);
  if (!isCurrencyCode(currency)) {
    return {
      ok: false,
      message: 'Choose a currency (a three-letter ISO 4217 code such as EUR).',
      amounts: blank,
      totalMinor: null,
      rowErrors: {},
      totalError: null,
    };
  }
  const total = readTyped(totalInput, locale, currency);
  return mode === 'percent'
    ? checkPercentages(currency, total, rows)
    : checkAmounts(currency, locale, total, rows);
}

function checkPercentages(
  currency: string,
  total: { value: number | null; error: string | null },
  rows: readonly PlanRow[],
): PlanCheck {
  const rowErrors: Record<string, string> = {};
  const basisPoints: (number | null)[] = rows.map((row, i) => {
    const text = row.percent.trim();
    if (text === '') {
      rowErrors[`milestones.${i}.percent`] = 'Enter a percentage.';
      return null;
    }
    const percent = Number(text);
    try {
      if (!Number.isFinite(percent) || percent <= 0 || percent > 100)
        throw new Error('Use a percentage above 0 and at most 100.');
      return percentToBasisPoints(percent);
    } catch (err) {
      rowErrors[`milestones.${i}.percent`] = errorMessage(err);
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
  if (total.error !== null) return result(`The total is not valid: ${total.error}`);
  if (total.value === null) return result('Enter the project total to split it by percentages.');
  const known = basisPoints.filter((bp): bp is number => bp !== null);
  if (known.length !== rows.length) return result('Give every milestone a valid percentage.');
  const sum = known.reduce((a, b) => a + b, 0);
  if (sum !== FULL_BASIS_POINTS) {
    const diff = Math.abs(FULL_BASIS_POINTS - sum) / 100;
    return result(
      `The percentages add up to ${sum / 100}%, not 100%: ${diff}% ${sum < FULL_BASIS_POINTS ? 'is still unallocated' : 'too much'}.`,
    );
  }
  const amounts = allocateByBasisPoints(total.value, known);
  const empty = amounts.findIndex((a) => a < 1);
  if (empty >= 0) {
    return result(
      `Milestone ${empty + 1} would be worth nothing: raise the total or its share.`,
      amounts,
    );
  }
  return { ok: true, message: null, amounts, totalMinor: total.value, rowErrors, totalError: null };
}

function checkAmounts(
  currency: string,
  locale: string,
  total: { value: number | null; error: string | null },
  rows: readonly PlanRow[],
): PlanCheck {
  const rowErrors: Record<string, string> = {};
  const amounts = rows.map((row, i) => {
    const read = readTyped(row.amount, locale, currency);
    const error =
      read.error ??
      (read.value === null
        ? 'Enter an amount.'
        : read.value < 1
          ? 'A milestone must be worth more than nothing.'
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
      message: `The total is not valid: ${total.error}`,
      totalMinor: null,
    };
  if (known.length !== rows.length) {
    return {
      ...base,
      ok: false,
      message: 'Give every milestone a valid amount.',
      totalMinor: total.value,
    };
  }
  if (total.value !== null && total.value !== sum) {
    const diff = formatMoney(Math.abs(total.value - sum), currency);
    return {
      ...base,
      ok: false,
      message: `The milestones add up to ${formatMoney(sum, currency)} but the total is ${formatMoney(total.value, currency)}: ${diff} ${sum < total.value ? 'short' : 'over'}.`,
      totalMinor: total.value,
    };
  }
  return { ...base, ok: true, message: null, totalMinor: sum };
}
