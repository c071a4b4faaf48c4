/** The web app's reading of amounts typed into the payment and refund forms. */
import { describe, expect, test } from 'vitest';
import { readPositiveAmount } from '../../src/web/format';

describe('readPositiveAmount', () => {
  test('reads major units into minor units', () => {
    expect(readPositiveAmount('1,234.50', 'EUR', 'Enter it.')).toEqual({ amountMinor: 123450 });
    expect(readPositiveAmount('500', 'JPY', 'Enter it.')).toEqual({ amountMinor: 500 });
  });

  test('zero gives the form’s own message; text that is not an amount says why', () => {
    expect(readPositiveAmount('0.00', 'EUR', 'Enter the amount received.')).toEqual({
      error: 'Enter the amount received.',
    });
    const bad = readPositiveAmount('twelve', 'EUR', 'Enter it.');
    expect('error' in bad && bad.error.length > 0 && bad.error !== 'Enter it.').toBe(true);
  });
});
