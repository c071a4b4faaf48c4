/**
 * Messages and formats for one locale, through FormatJS (`@formatjs/intl`: ICU MessageFormat with
 * plurals and selects; the web app will use `react-intl` over the same messages). Amounts, sizes
 * and dates go through the runtime's Intl for the locale.
 */
import { createIntl, createIntlCache, type IntlShape } from '@formatjs/intl';
import { formatMoney } from '../domain/money';
import type { Locale } from './locales';
import de from './messages/de.json';
import en from './messages/en.json';

export type MessageId = keyof typeof en;
export type Messages = Record<MessageId, string>;

/** Every language's messages; the unit test checks that they have the same keys and placeholders. */
export const MESSAGES: Readonly<Record<Locale, Messages>> = { en, de };

export type MessageValues = Record<string, string | number | Date>;

export interface Translator {
  locale: Locale;
  intl: IntlShape<string>;
  /** The message in this locale, with its placeholders filled (plain text, not HTML). */
  t(id: MessageId, values?: MessageValues): string;
  /** "€1,234.50" / "1.234,50 €" from integer minor units. */
  money(amountMinor: number, currency: string): string;
  /** "1.2 MB" / "1,2 MB" (decimal units, as file managers and browsers show them). */
  bytes(size: number): string;
  /** A calendar date ("2026-03-05") or an instant, as "March 5, 2026" / "5. März 2026". */
  date(value: string | Date, timeZone?: string): string;
}

const cache = createIntlCache();
const translators = new Map<Locale, Translator>();

export function translator(locale: Locale): Translator {
  const known = translators.get(locale);
  if (known) return known;
  const intl = createIntl({ locale, defaultLocale: 'en', messages: MESSAGES[locale] }, cache);
  const made: Translator = {
    locale,
    intl,
    t: (id, values) => intl.formatMessage({ id }, values),
    money: (amountMinor, currency) => formatMoney(amountMinor, currency, locale),
    bytes: (size) => formatBytes(locale, size),
    date: (value, timeZone) => formatDate(locale, value, timeZone),
  };
  translators.set(locale, made);
  return made;
}

const BYTE_UNITS = ['kilobyte', 'megabyte', 'gigabyte', 'terabyte', 'petabyte'] as const;

export function formatBytes(locale: Locale, size: number): string {
  if (size < 1000) {
    return new Intl.NumberFormat(locale, {
      style: 'unit',
      unit: 'byte',
      unitDisplay: 'long',
    }).format(size);
  }
  let value = size;
  let unit: (typeof BYTE_UNITS)[number] = 'kilobyte';
  for (const next of BYTE_UNITS) {
    value /= 1000;
    unit = next;
    // 999,950 bytes would round to "1,000 kB": move up a unit instead.
    if (Math.round(value * 10) / 10 < 999.95 || next === 'petabyte') break;
  }
  return new Intl.NumberFormat(locale, {
    style: 'unit',
    unit,
    unitDisplay: 'short',
    maximumFractionDigits: value < 10 ? 1 : 0,
  }).format(value);
}

/** Calendar dates ("YYYY-MM-DD") are shown as that day wherever the reader is. */
export function formatDate(locale: Locale, value: string | Date, timeZone = 'UTC'): string {
  const calendarDay = typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value);
  const instant =
    typeof value === 'string' ? new Date(calendarDay ? `${value}T00:00:00Z` : value) : value;
  return new Intl.DateTimeFormat(locale, {
    dateStyle: 'long',
    timeZone: calendarDay ? 'UTC' : timeZone,
  }).format(instant);
}
