/**
 * Amounts, dates and sizes in the app's chosen language (useLocale), not the browser's: the
 * functions of src/web/format.ts with the locale filled in. English keeps the app's established
 * look ("14 Mar 2025", "€1,200.00"); German reads "14. März 2025", "1.200,00 €".
 *
 * Typed amounts are still read the way the browser's locale writes numbers (userLocale() in
 * src/web/locale.ts, as every amount field does), whatever language the words are in.
 *
 * Use: `const f = useFormat(); f.money(amountMinor, currency); f.date(iso); f.dateTime(iso)`.
 */
import { useMemo } from 'react';
import {
  formatBytes,
  formatDate,
  formatDateTime,
  formatMoney,
  formatMoneyList,
  isOfflineMethod,
  type PAYMENT_METHODS,
} from '../format';
import { useLocale, useT, type Locale, type Translate } from './index';

/** The Intl tags behind each app language: dates in British English order, money as before. */
const TAGS: Record<Locale, { date: string; number: string }> = {
  en: { date: 'en-GB', number: 'en' },
  de: { date: 'de-DE', number: 'de-DE' },
};

type OfflineMethod = keyof typeof PAYMENT_METHODS;

export interface Format {
  locale: Locale;
  money(amountMinor: number, currency: string): string;
  /** Sums per currency, "€1.00 + $2.00", or `none` (default "Nothing" in the language). */
  moneyList(sums: readonly [string, number][], none?: string): string;
  /** A calendar date ("2025-03-14"), no time-zone shift. */
  date(isoDate: string | null | undefined): string;
  dateTime(iso: string | null | undefined): string;
  /** "1.5 KiB" / "1,5 KiB". */
  bytes(bytes: number): string;
  /** "1,234,567 bytes" / "1.234.567 Byte", for a title where the exact size matters. */
  byteCount(bytes: number): string;
  /** How money moved, in words: "bank transfer", "card (Stripe)" / "Überweisung", "Karte (Stripe)". */
  method(method: string): string;
}

export function makeFormat(locale: Locale, t: Translate): Format {
  const tags = TAGS[locale];
  const count = new Intl.NumberFormat(tags.number, {
    style: 'unit',
    unit: 'byte',
    unitDisplay: 'long',
  });
  return {
    locale,
    money: (amountMinor, currency) => formatMoney(amountMinor, currency, tags.number),
    moneyList: (sums, none) =>
      sums.length === 0 ? (none ?? t('payments.nothing')) : formatMoneyList(sums, '', tags.number),
    date: (isoDate) => formatDate(isoDate, tags.date),
    dateTime: (iso) => formatDateTime(iso, tags.date),
    bytes: (bytes) => formatBytes(bytes, tags.number),
    byteCount: (bytes) => count.format(bytes),
    method: (method) => methodLabel(method, t),
  };
}

function methodLabel(method: string, t: Translate): string {
  if (method === 'stripe') return t('payments.method.stripe');
  if (isOfflineMethod(method)) {
    const words = {
      bank_transfer: () => t('payments.method.bank_transfer'),
      cash: () => t('payments.method.cash'),
      cheque: () => t('payments.method.cheque'),
      other: () => t('payments.method.other'),
    } satisfies Record<OfflineMethod, () => string>;
    return words[method]();
  }
  return method.replace(/_/g, ' ');
}

/** The formatters for the app's current language. */
export function useFormat(): Format {
  const { locale } = useLocale();
  const t = useT();
  return useMemo(() => makeFormat(locale, t), [locale, t]);
}
