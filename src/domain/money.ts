/**
 * Money is an integer count of a currency's minor units (cents, pence; yen have none).
 * Never a float. The number of decimals comes from ISO 4217 as the runtime's ICU knows it.
 */
import { AppError } from './errors';

/** Largest amount we accept: well inside Number.MAX_SAFE_INTEGER, so sums of 10 stay exact. */
export const MAX_AMOUNT_MINOR = 100_000_000_000_000; // 10^14 minor units

const knownCurrencies = new Set(Intl.supportedValuesOf('currency'));

export function isCurrencyCode(code: string): boolean {
  return /^[A-Z]{3}$/.test(code) && knownCurrencies.has(code);
}

export function currencyDecimals(currency: string): number {
  return (
    new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions()
      .maximumFractionDigits ?? 2
  );
}

/** "12345" EUR → "€123.45"; JPY 12345 → "¥12,345". */
export function formatMoney(amountMinor: number, currency: string, locale = 'en'): string {
  const decimals = currencyDecimals(currency);
  const negative = amountMinor < 0;
  const abs = BigInt(Math.abs(amountMinor));
  const scale = 10n ** BigInt(decimals);
  const whole = abs / scale;
  const fraction = (abs % scale).toString().padStart(decimals, '0');
  // Format via a decimal string so large amounts never pass through float division.
  const formatted = new Intl.NumberFormat(locale, {
    style: 'currency',
    currency,
    minimumFractionDigits: decimals,
    maximumFractionDigits: decimals,
  }).format(
    `${negative ? '-' : ''}${whole}${decimals > 0 ? '.' + fraction : ''}` as unknown as number,
  );
  return formatted;
}

/** Parses a typed amount such as "1,234.50" into minor units, refusing excess decimals. */
export function parseMoney(input: string, currency: string): number {
  const decimals = currencyDecimals(currency);
  const cleaned = input.replace(/[\s,]/g, '');
  const match = /^(\d+)(?:\.(\d*))?$/.exec(cleaned);
  if (!match) throw new AppError('VALIDATION_FAILED', `"${input}" is not an amount`);
  const [, whole = '0', fraction = ''] = match;
  if (fraction.length > decimals) {
    throw new AppError('VALIDATION_FAILED', `${currency} has ${decimals} decimal places`);
  }
  const minor =
    BigInt(whole) * 10n ** BigInt(decimals) + BigInt(fraction.padEnd(decimals, '0') || '0');
  if (minor > BigInt(MAX_AMOUNT_MINOR)) throw new AppError('VALIDATION_FAILED', 'Amount too large');
  return Number(minor);
}
