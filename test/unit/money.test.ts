import { describe, expect, it } from 'vitest';
import { currencyDecimals, formatMoney, isCurrencyCode } from '../../src/domain/money';

describe('money', () => {
  it('knows each currency’s own decimals', () => {
    expect(currencyDecimals('EUR')).toBe(2);
    expect(currencyDecimals('JPY')).toBe(0);
    expect(currencyDecimals('KWD')).toBe(3);
  });

  it('formats minor units with those decimals, exactly, even for large amounts', () => {
    expect(formatMoney(12345, 'EUR')).toBe('€123.45');
    expect(formatMoney(12345, 'JPY')).toBe('¥12,345');
    expect(formatMoney(1234567, 'KWD').replace(/\u00a0/g, ' ')).toBe('KWD 1,234.567');
    expect(formatMoney(90_071_992_547_409, 'USD')).toBe('$900,719,925,474.09');
  });

  it('accepts only ISO 4217 codes in capitals', () => {
    expect(isCurrencyCode('EUR')).toBe(true);
    expect(isCurrencyCode('usd')).toBe(false);
    expect(isCurrencyCode('XYZ')).toBe(false);
    expect(isCurrencyCode('EURO')).toBe(false);
  });
});
