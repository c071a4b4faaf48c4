/**
 * Reads an amount as the person typing it meant it: in their locale's own way of writing numbers
 * (decimal comma or point, its grouping separator, its digits), with or without the currency's
 * symbol or code. Pure — locale and currency in, minor units or a clear answer out — so every
 * amount field in the web app reads amounts the same way.
 *
 * What the locale's own convention reads is taken as typed. Text that does not read that way but
 * reads exactly one way in the other common convention ("12.50" in German, "1.200,50" in English)
 * is not guessed silently: it comes back as a question showing how it was read
 * ("Read as €1,200.50 — correct?"), with the locale's own spelling of it to put in the field.
 */
import { currencyDecimals, formatMoney, MAX_AMOUNT_MINOR } from '../domain/money';
import type { Translate } from './i18n';

export type AmountReading =
  | { kind: 'empty' }
  | { kind: 'amount'; amountMinor: number }
  | {
      kind: 'confirm';
      amountMinor: number;
      /** The amount as the app understood it, formatted in the locale: "€1,200.50". */
      readAs: string;
      /** The locale's own way of typing it, to replace what was typed: "1200.50". */
      canonical: string;
      message: string;
    }
  | { kind: 'invalid'; message: string };

interface Convention {
  decimal: readonly string[];
  group: readonly string[];
}

type Attempt = { ok: true; minor: bigint } | { ok: false; why: 'shape' | 'grouping' | 'decimals' };

/** Marks that shape text direction but carry no meaning (Intl puts them around amounts). */
const FORMAT_MARKS = /[\u200b-\u200f\u061c\u202a-\u202e\u2066-\u2069\ufeff]/g;
const MINUS = /^[-\u2212\u2012\u2013]/;
/** Separators that group digits in every convention, never mark decimals. */
const ALWAYS_GROUP = new Set([' ', "'", '\u066c']);
/** The Arabic decimal separator marks decimals in every convention. */
const ALWAYS_DECIMAL = '\u066b';
const ALLOWED = /^[\p{Nd}.,'\s\u066b\u066c]+$/u;
const POINT: Convention = { decimal: ['.'], group: [','] };
const COMMA: Convention = { decimal: [','], group: ['.'] };

function normalise(text: string): string {
  return text
    .normalize('NFKC')
    .replace(FORMAT_MARKS, '')
    .replace(/[\u2019\u02bc]/g, "'")
    .replace(/\s/g, ' ');
}

const conventions = new Map<string, Convention>();

/**
 * The locale's decimal and grouping separators, as Intl writes them for plain numbers and for
 * money (which differ in some locales: de-AT groups 1 000 but € 1.000).
 */
export function localeConvention(locale: string): Convention {
  const cached = conventions.get(locale);
  if (cached) return cached;
  const decimal = new Set<string>();
  const group = new Set<string>();
  for (const options of [{}, { style: 'currency', currency: 'EUR' }] as const) {
    const parts = new Intl.NumberFormat(locale, { ...options, useGrouping: true }).formatToParts(
      1234567.5,
    );
    for (const part of parts) {
      if (part.type === 'decimal') decimal.add(normalise(part.value));
      if (part.type === 'group') group.add(normalise(part.value));
    }
  }
  const convention = { decimal: [...decimal], group: [...group].filter((g) => !decimal.has(g)) };
  conventions.set(locale, convention);
  return convention;
}

function sameConvention(a: Convention, b: Convention): boolean {
  const same = (x: readonly string[], y: readonly string[]) =>
    x.length === y.length && x.every((c) => y.includes(c));
  return same(a.decimal, b.decimal) && same(a.group, b.group);
}

const currencyTokens = new Map<string, string[]>();

/** The ways a currency is written next to an amount (symbol, narrow symbol, code), longest first. */
function tokensFor(locale: string, currency: string): string[] {
  const key = `${locale}|${currency}`;
  const cached = currencyTokens.get(key);
  if (cached) return cached;
  const tokens = new Set<string>([currency.toLowerCase()]);
  for (const loc of [locale, 'en']) {
    for (const currencyDisplay of ['symbol', 'narrowSymbol', 'code', 'name'] as const) {
      for (const sample of currencyDisplay === 'name' ? [1, 2, 5] : [1]) {
        const parts = new Intl.NumberFormat(loc, {
          style: 'currency',
          currency,
          currencyDisplay,
        }).formatToParts(sample);
        for (const part of parts) {
          const token = normalise(part.value).trim().toLowerCase();
          if (part.type === 'currency' && token !== '') tokens.add(token);
        }
      }
    }
  }
  const list = [...tokens].sort((a, b) => b.length - a.length);
  currencyTokens.set(key, list);
  return list;
}

/** Takes the currency (before or after) and a minus sign off the number; null if no number is left. */
function stripDecorations(
  text: string,
  tokens: readonly string[],
): { number: string; negative: boolean } {
  let rest = text.trim();
  let negative = false;
  for (let pass = 0; pass < 3; pass++) {
    const before = rest;
    if (MINUS.test(rest)) {
      negative = true;
      rest = rest.slice(1).trim();
    }
    const lower = rest.toLowerCase();
    const lead = tokens.find((t) => lower.startsWith(t));
    if (lead !== undefined) rest = rest.slice(lead.length).trim();
    const lowerRest = rest.toLowerCase();
    const trail = tokens.find((t) => lowerRest.endsWith(t) && lowerRest.length > t.length);
    if (trail !== undefined) rest = rest.slice(0, rest.length - trail.length).trim();
    if (/[-\u2212]$/.test(rest)) {
      negative = true;
      rest = rest.slice(0, -1).trim();
    }
    if (rest === before) break;
  }
  return { number: rest, negative };
}

/** Any script's decimal digit as 0–9: digits come in runs of ten starting at zero in Unicode. */
function asciiDigits(text: string): string {
  return text.replace(/\p{Nd}/gu, (ch) => {
    let cp = ch.codePointAt(0) ?? 0;
    let run = 0;
    while (/\p{Nd}/u.test(String.fromCodePoint(cp - 1))) {
      cp -= 1;
      run += 1;
    }
    return String(run % 10);
  });
}

function isGroup(ch: string, convention: Convention): boolean {
  return convention.group.includes(ch) || ALWAYS_GROUP.has(ch);
}

function groupingValid(whole: string, separator: string): boolean {
  const groups = whole.split(separator);
  if (groups.length === 1) return true;
  const [first = '', ...rest] = groups;
  const last = rest[rest.length - 1] ?? '';
  const middle = rest.slice(0, -1);
  if (!/^[1-9]\d{0,2}$/.test(first) || !/^\d{3}$/.test(last)) return false;
  // Thousands (1,234,567) or the Indian lakh and crore grouping (12,34,567).
  return middle.every((g) => /^\d{3}$/.test(g)) || middle.every((g) => /^\d{2}$/.test(g));
}

/** Reads digits and separators (already ASCII digits) in one convention. */
function readIn(text: string, convention: Convention, decimals: number): Attempt {
  const isDecimal = (ch: string) => convention.decimal.includes(ch) || ch === ALWAYS_DECIMAL;
  const decimalAt = [...text].flatMap((ch, i) => (isDecimal(ch) ? [i] : []));
  if (decimalAt.length > 1) return { ok: false, why: 'shape' };
  const at = decimalAt[0] ?? text.length;
  const whole = text.slice(0, at);
  const fraction = text.slice(at + 1);
  if (!/^\d*$/.test(fraction)) return { ok: false, why: 'shape' };
  const separators = new Set([...whole].filter((ch) => !/\d/.test(ch)));
  if ([...separators].some((ch) => !isGroup(ch, convention)) || separators.size > 1)
    return { ok: false, why: 'shape' };
  if (whole === '' && fraction === '') return { ok: false, why: 'shape' };
  const [separator] = separators;
  if (separator !== undefined && !groupingValid(whole, separator))
    return { ok: false, why: 'grouping' };
  if (fraction.length > decimals) return { ok: false, why: 'decimals' };
  const digits = separator === undefined ? whole : whole.split(separator).join('');
  const minor =
    BigInt(digits === '' ? '0' : digits) * 10n ** BigInt(decimals) +
    BigInt(fraction.padEnd(decimals, '0') || '0');
  return { ok: true, minor };
}

/** A decimal string for Intl, so no amount ever passes through float division. */
function decimalString(amountMinor: number, decimals: number): string {
  const digits = String(Math.abs(amountMinor)).padStart(decimals + 1, '0');
  const sign = amountMinor < 0 ? '-' : '';
  if (decimals === 0) return sign + digits;
  return `${sign}${digits.slice(0, -decimals)}.${digits.slice(-decimals)}`;
}

const plainFormats = new Map<string, Intl.NumberFormat>();

/** A cached number format with the currency's decimals (Intl's constructor is slow). */
function plainFormat(locale: string, decimals: number, useGrouping: boolean): Intl.NumberFormat {
  const key = `${locale}|${decimals}|${useGrouping}`;
  let format = plainFormats.get(key);
  if (!format) {
    format = new Intl.NumberFormat(locale, {
      minimumFractionDigits: decimals,
      maximumFractionDigits: decimals,
      useGrouping,
    });
    plainFormats.set(key, format);
  }
  return format;
}

/** How the locale types an amount, without grouping: 123450 EUR → "1234.50" (en), "1234,50" (de). */
export function amountInputText(amountMinor: number, locale: string, currency: string): string {
  const decimals = currencyDecimals(currency);
  return plainFormat(locale, decimals, false).format(
    decimalString(amountMinor, decimals) as unknown as number,
  );
}

/** An example of how to type an amount in the locale, for messages: "1,234.50". */
function example(locale: string, currency: string): string {
  const decimals = currencyDecimals(currency);
  const minor = 123450 * 10 ** Math.max(0, decimals - 2);
  return plainFormat(locale, decimals, true).format(
    decimalString(minor, decimals) as unknown as number,
  );
}

function decimalsMessage(say: Translate, currency: string, decimals: number): string {
  if (decimals === 0) return say('amounts.noDecimals', { currency });
  return say('amounts.maxDecimals', { currency, decimals });
}

/** Reads what was typed into an amount field, in the user's locale, for the given currency. */
export function readAmount(
  input: string,
  locale: string,
  currency: string,
  say: Translate,
): AmountReading {
  const decimals = currencyDecimals(currency);
  const cleaned = normalise(input).trim();
  if (cleaned === '') return { kind: 'empty' };
  const { number, negative } = stripDecorations(cleaned, tokensFor(locale, currency));
  const notAmount = (): AmountReading => ({
    kind: 'invalid',
    message: say('amounts.notAmount', { input: input.trim(), example: example(locale, currency) }),
  });
  if (number === '' || !ALLOWED.test(number)) return notAmount();
  if (negative) return { kind: 'invalid', message: say('amounts.noMinus') };
  const text = asciiDigits(number);
  const own = localeConvention(locale);
  const ownReading = readIn(text, own, decimals);
  const checked = (minor: bigint): AmountReading | null =>
    minor > BigInt(MAX_AMOUNT_MINOR) ? { kind: 'invalid', message: say('amounts.tooLarge') } : null;
  if (ownReading.ok) {
    return checked(ownReading.minor) ?? { kind: 'amount', amountMinor: Number(ownReading.minor) };
  }
  const others = [POINT, COMMA].filter((c) => !sameConvention(c, own));
  const attempts = others.map((c) => readIn(text, c, decimals));
  const readings = [...new Set(attempts.flatMap((a) => (a.ok ? [a.minor] : [])))];
  const [only] = readings;
  if (readings.length === 1 && only !== undefined) {
    const tooLarge = checked(only);
    if (tooLarge) return tooLarge;
    const amountMinor = Number(only);
    const readAs = formatMoney(amountMinor, currency, locale);
    return {
      kind: 'confirm',
      amountMinor,
      readAs,
      canonical: amountInputText(amountMinor, locale, currency),
      message: say('amounts.readAs', { amount: readAs }),
    };
  }
  if (readings.length > 1) {
    const ways = readings
      .map((m) => formatMoney(Number(m), currency, locale))
      .reduce((a, b) => say('amounts.or', { a, b }));
    return {
      kind: 'invalid',
      message: say('amounts.couldBe', {
        input: input.trim(),
        ways,
        example: example(locale, currency),
      }),
    };
  }
  if ([ownReading, ...attempts].some((a) => !a.ok && a.why === 'decimals'))
    return { kind: 'invalid', message: decimalsMessage(say, currency, decimals) };
  return notAmount();
}

/**
 * An amount above zero from a form field, or the message to show under it: `whenMissing` for an
 * empty field or zero, the question for a reading that needs confirming.
 */
export function readPositiveAmount(
  input: string,
  locale: string,
  currency: string,
  whenMissing: string,
  say: Translate,
): { amountMinor: number } | { error: string } {
  const reading = readAmount(input, locale, currency, say);
  switch (reading.kind) {
    case 'empty':
      return { error: whenMissing };
    case 'invalid':
    case 'confirm':
      return { error: reading.message };
    case 'amount':
      return reading.amountMinor < 1
        ? { error: whenMissing }
        : { amountMinor: reading.amountMinor };
  }
}
