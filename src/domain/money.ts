/**
 * Money is an integer count of a currency's minor units (cents, pence; yen have none).
 * Never a float. The number of decimals comes from ISO 4217 as the runtime's ICU knows it.
 */
/** Largest amount we accept: well inside Number.MAX_SAFE_INTEGER, so sums of 10 stay exact. */
export const MAX_AMOUNT_MINOR = 100_000_000_000_000; // 10^14 minor units

const knownCurrencies = new Set(Intl.supportedValuesOf('currency'));

export function isCurrencyCode(code: string): boolean {
  return /^[A-Z]{3}$/.test(code) && knownCurrencies.has(code);
}

const decimalsByCurrency = new Map<string, number>();

export function currencyDecimals(currency: string): number {
  const known = decimalsByCurrency.get(currency);
  if (known !== undefined) return known;
  const decimals =
    new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions()
      .maximumFractionDigits ?? 2;
  decimalsByCurrency.set(currency, decimals);
  return decimals;
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
