import { parse } from '@formatjs/icu-messageformat-parser';
import { describe, expect, it } from 'vitest';
import {
  MESSAGES,
  SUPPORTED_LOCALES,
  formatBytes,
  formatDate,
  isLocale,
  localeOr,
  translator,
} from '../../src/i18n';
import { localeFromAcceptLanguage } from '../../src/i18n/negotiate';
import { argumentsOf, pluralsWithoutOther } from './icu-arguments';

describe('messages', () => {
  const english = Object.keys(MESSAGES.en).sort();

  it('has a message set for every supported locale', () => {
    expect(Object.keys(MESSAGES).sort()).toEqual([...SUPPORTED_LOCALES].sort());
  });

  it.each(SUPPORTED_LOCALES.filter((l) => l !== 'en'))('%s has exactly the English keys', (l) => {
    expect(Object.keys(MESSAGES[l]).sort()).toEqual(english);
  });

  it.each(SUPPORTED_LOCALES)(
    'every %s message parses as ICU with the English placeholders',
    (l) => {
      for (const id of english) {
        const source = (MESSAGES[l] as Record<string, string>)[id];
        expect(typeof source, id).toBe('string');
        const own = parse(source as string);
        const reference = parse((MESSAGES.en as Record<string, string>)[id] as string);
        expect([...argumentsOf(own)].sort(), `${l} ${id}`).toEqual(
          [...argumentsOf(reference)].sort(),
        );
        expect(pluralsWithoutOther(own), `${l} ${id}`).toEqual([]);
        expect(source, `${l} ${id} is empty`).not.toBe('');
      }
    },
  );

  it('a message with a missing placeholder fails the check', () => {
    const withCount = argumentsOf(parse('{count, plural, one {# file} other {# files}}'));
    const without = argumentsOf(parse('{n, plural, one {# Datei} other {# Dateien}}'));
    expect([...without]).not.toEqual([...withCount]);
  });

  it('formats plurals in each language', () => {
    expect(translator('en').t('common.files', { count: 1 })).toBe('1 file');
    expect(translator('en').t('common.files', { count: 3 })).toBe('3 files');
    expect(translator('de').t('common.files', { count: 1 })).toBe('1 Datei');
    expect(translator('de').t('common.files', { count: 1200 })).toBe('1.200 Dateien');
  });
});

describe('formats', () => {
  it('amounts follow the locale', () => {
    expect(translator('en').money(123450, 'EUR')).toBe('€1,234.50');
    expect(translator('de').money(123450, 'EUR')).toBe('1.234,50\u00a0€');
    expect(translator('de').money(500, 'JPY')).toBe('500\u00a0¥');
  });

  it('sizes are human, in decimal units, in the locale', () => {
    expect(formatBytes('en', 0)).toBe('0 bytes');
    expect(formatBytes('en', 1)).toBe('1 byte');
    expect(formatBytes('de', 999)).toBe('999 Byte');
    expect(formatBytes('en', 1000)).toBe('1 kB');
    expect(formatBytes('en', 1_234_567)).toBe('1.2 MB');
    expect(formatBytes('de', 1_234_567)).toBe('1,2 MB');
    expect(formatBytes('en', 56_700_000)).toBe('57 MB');
    expect(formatBytes('en', 999_960)).toBe('1 MB');
    expect(formatBytes('en', 5_368_709_120)).toBe('5.4 GB');
  });

  it('calendar dates are that day, instants are in the given zone', () => {
    expect(formatDate('en', '2026-03-05')).toBe('March 5, 2026');
    expect(formatDate('de', '2026-03-05')).toBe('5. März 2026');
    expect(formatDate('en', '2026-03-05T23:30:00Z', 'Europe/Berlin')).toBe('March 6, 2026');
  });
});

describe('locales', () => {
  it('knows only the supported ones', () => {
    expect(isLocale('de')).toBe(true);
    expect(isLocale('fr')).toBe(false);
    expect(isLocale('DE')).toBe(false);
    expect(localeOr('fr')).toBe('en');
    expect(localeOr('de')).toBe('de');
  });

  it.each([
    ['de-DE,de;q=0.9,en;q=0.8', 'de'],
    ['de-AT', 'de'],
    ['en-GB,en;q=0.9', 'en'],
    ['fr-CH, fr;q=0.9, de;q=0.5', 'de'],
    ['fr', 'en'],
    ['*', 'en'],
    ['', 'en'],
    [undefined, 'en'],
    ['garbage;;;q=x', 'en'],
  ])('Accept-Language %j reads as %s', (header, locale) => {
    expect(localeFromAcceptLanguage(header)).toBe(locale);
  });
});
