/**
 * The web app's one reader of typed amounts (src/web/money-input.ts): what Intl writes in a
 * locale reads back as the same minor units, and text written in the other convention is never
 * taken silently. MILEPOST_MONEY_RUNS sets the property runs (small by default in `npm test`).
 */
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { currencyDecimals, MAX_AMOUNT_MINOR } from '../../src/domain/money';
import { amountInputText, readAmount, readPositiveAmount } from '../../src/web/money-input';
import { wordsFor } from '../e2e/support/words';

/** The app's English words (src/web/i18n/messages), as the screens put them. */
const en = wordsFor('en');

const RUNS = Number(process.env.MILEPOST_MONEY_RUNS ?? 200);

const LOCALES = [
  'en-US',
  'en-GB',
  'en-IN',
  'de-DE',
  'de-CH',
  'de-AT',
  'fr-FR',
  'fr-CH',
  'fr-CA',
  'es-ES',
  'es-MX',
  'it-IT',
  'pt-BR',
  'pt-PT',
  'nl-NL',
  'sv-SE',
  'nb-NO',
  'da-DK',
  'fi-FI',
  'pl-PL',
  'cs-CZ',
  'ru-RU',
  'uk-UA',
  'tr-TR',
  'ja-JP',
  'zh-CN',
  'zh-TW',
  'ko-KR',
  'hi-IN',
  'bn-BD',
  'ar-EG',
  'ar-SA',
  'ar-MA',
  'fa-IR',
  'he-IL',
  'th-TH',
  'id-ID',
  'vi-VN',
  'el-GR',
  'hu-HU',
  'ro-RO',
  'bg-BG',
  'lt-LT',
  'sk-SK',
  'hr-HR',
  'mr-IN',
  'my-MM',
  'ne-NP',
  'ur-PK',
  'sw-KE',
];
const CURRENCIES = ['JPY', 'KRW', 'EUR', 'USD', 'CHF', 'INR', 'GBP', 'SEK', 'KWD', 'BHD', 'TND'];

/** What Intl writes for an amount, built from a decimal string so it is exact. */
function intlText(amountMinor: number, locale: string, options: Intl.NumberFormatOptions): string {
  const decimals = currencyDecimals(options.currency ?? 'EUR');
  const digits = String(amountMinor).padStart(decimals + 1, '0');
  const decimal =
    decimals === 0 ? digits : `${digits.slice(0, -decimals)}.${digits.slice(-decimals)}`;
  return new Intl.NumberFormat(locale, {
    ...options,
    minimumFractionDigits: decimals,
    maximumFractionDigits: decimals,
  }).format(decimal as unknown as number);
}

const amounts = fc.oneof(
  fc.integer({ min: 0, max: 10_000 }),
  fc.integer({ min: 0, max: 10_000_000 }),
  fc.integer({ min: 0, max: MAX_AMOUNT_MINOR }),
);

describe('readAmount reads back what Intl.NumberFormat writes', () => {
  test('in every locale and currency, with or without symbol, code and grouping', () => {
    fc.assert(
      fc.property(
        amounts,
        fc.constantFrom(...LOCALES),
        fc.constantFrom(...CURRENCIES),
        fc.constantFrom<Intl.NumberFormatOptions>(
          { style: 'currency', currencyDisplay: 'symbol' },
          { style: 'currency', currencyDisplay: 'narrowSymbol' },
          { style: 'currency', currencyDisplay: 'code' },
          { style: 'decimal' },
          { style: 'decimal', useGrouping: false },
        ),
        (amountMinor, locale, currency, options) => {
          const text = intlText(amountMinor, locale, { ...options, currency });
          expect(
            readAmount(text, locale, currency, en),
            `${text} (${locale}, ${currency})`,
          ).toEqual({
            kind: 'amount',
            amountMinor,
          });
        },
      ),
      { numRuns: RUNS },
    );
  });

  test('the text a form is prefilled with reads back exactly', () => {
    fc.assert(
      fc.property(
        amounts,
        fc.constantFrom(...LOCALES),
        fc.constantFrom(...CURRENCIES),
        (amountMinor, locale, currency) => {
          const text = amountInputText(amountMinor, locale, currency);
          expect(readAmount(text, locale, currency, en)).toEqual({ kind: 'amount', amountMinor });
        },
      ),
      { numRuns: RUNS },
    );
  });

  test('a reading in the other convention is a question, and its answer reads back', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 10_000_000 }), (amountMinor) => {
        // A German amount with cents (always a decimal comma) typed where English is spoken.
        const german = intlText(amountMinor, 'de-DE', { currency: 'EUR' });
        const reading = readAmount(german, 'en-US', 'EUR', en);
        if (!german.includes(',')) return; // e.g. "1.234.567" has no cents part: skip
        expect(reading).toMatchObject({ kind: 'confirm', amountMinor });
        if (reading.kind === 'confirm')
          expect(readAmount(reading.canonical, 'en-US', 'EUR', en)).toEqual({
            kind: 'amount',
            amountMinor,
          });
      }),
      { numRuns: RUNS },
    );
  });
});

describe('readAmount, as people type', () => {
  test('"12,50" is €12.50 in German, and "12.50" in English', () => {
    expect(readAmount('12,50', 'de-DE', 'EUR', en)).toEqual({ kind: 'amount', amountMinor: 1250 });
    expect(readAmount('12.50', 'en-US', 'EUR', en)).toEqual({ kind: 'amount', amountMinor: 1250 });
    expect(readAmount('1.234,5', 'de-DE', 'EUR', en)).toEqual({
      kind: 'amount',
      amountMinor: 123450,
    });
    expect(readAmount('1 234,56 €', 'fr-FR', 'EUR', en)).toEqual({
      kind: 'amount',
      amountMinor: 123456,
    });
    expect(readAmount("1'234.50", 'de-CH', 'CHF', en)).toEqual({
      kind: 'amount',
      amountMinor: 123450,
    });
    expect(readAmount('１２．５', 'ja-JP', 'EUR', en)).toEqual({
      kind: 'amount',
      amountMinor: 1250,
    });
    expect(readAmount('1.5', 'en-US', 'KWD', en)).toEqual({ kind: 'amount', amountMinor: 1500 });
  });

  test('the other convention is never taken silently: it is shown as read, to confirm', () => {
    expect(readAmount('12,50', 'en-US', 'EUR', en)).toEqual({
      kind: 'confirm',
      amountMinor: 1250,
      readAs: '€12.50',
      canonical: '12.50',
      message: 'Read as €12.50 — correct?',
    });
    expect(readAmount('1.200,50', 'en-US', 'EUR', en)).toMatchObject({
      kind: 'confirm',
      amountMinor: 120050,
      message: 'Read as €1,200.50 — correct?',
    });
    expect(readAmount('12.50', 'de-DE', 'EUR', en)).toMatchObject({
      kind: 'confirm',
      amountMinor: 1250,
      canonical: '12,50',
      message: 'Read as 12,50\u00a0€ — correct?',
    });
  });

  test('text with two readings, too many decimals, a sign or no number is refused, saying why', () => {
    const twoWays = readAmount('1.234', 'fr-FR', 'KWD', en);
    expect(twoWays.kind).toBe('invalid');
    if (twoWays.kind === 'invalid') expect(twoWays.message).toMatch(/could be .* or /);
    expect(readAmount('10.5', 'en-US', 'JPY', en)).toEqual({
      kind: 'invalid',
      message: 'JPY amounts have no decimal places.',
    });
    expect(readAmount('1.2345', 'en-US', 'KWD', en)).toEqual({
      kind: 'invalid',
      message: 'KWD amounts have at most 3 decimal places.',
    });
    expect(readAmount('-5', 'en-US', 'EUR', en)).toMatchObject({ kind: 'invalid' });
    expect(readAmount('12 50', 'en-US', 'EUR', en)).toMatchObject({ kind: 'invalid' });
    expect(readAmount('1,2,3', 'en-US', 'EUR', en)).toMatchObject({ kind: 'invalid' });
    expect(readAmount('twelve', 'en-US', 'EUR', en)).toEqual({
      kind: 'invalid',
      message: '“twelve” is not an amount: type it like 1,234.50.',
    });
    expect(readAmount('1e3', 'en-US', 'EUR', en)).toMatchObject({ kind: 'invalid' });
    expect(readAmount('9'.repeat(16), 'en-US', 'EUR', en)).toMatchObject({ kind: 'invalid' });
    expect(readAmount('   ', 'en-US', 'EUR', en)).toEqual({ kind: 'empty' });
  });

  test('readPositiveAmount: the form’s own message for nothing, the question for a confirmation', () => {
    expect(readPositiveAmount('1.234,50', 'de-DE', 'EUR', 'Enter it.', en)).toEqual({
      amountMinor: 123450,
    });
    expect(readPositiveAmount('0,00', 'de-DE', 'EUR', 'Enter it.', en)).toEqual({
      error: 'Enter it.',
    });
    expect(readPositiveAmount('', 'de-DE', 'EUR', 'Enter it.', en)).toEqual({ error: 'Enter it.' });
    expect(readPositiveAmount('12,50', 'en-US', 'EUR', 'Enter it.', en)).toEqual({
      error: 'Read as €12.50 — correct?',
    });
  });
});
