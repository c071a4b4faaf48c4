/** "Today" where the freelancer is (src/domain/calendar.ts), around midnight at both ends of the day. */
import { describe, expect, test } from 'vitest';
import { assertNotAfterToday, canonicalTimeZone, todayIn } from '../../src/domain/calendar';

describe('todayIn', () => {
  test('one instant is three different days across the date line', () => {
    const at = new Date('2026-03-01T10:30:00Z');
    expect(todayIn('Pacific/Kiritimati', at)).toBe('2026-03-02'); // 00:30, UTC+14
    expect(todayIn('UTC', at)).toBe('2026-03-01');
    expect(todayIn('Pacific/Pago_Pago', at)).toBe('2026-02-28'); // 23:30, UTC−11
  });

  test('the day turns at local midnight, to the second', () => {
    expect(todayIn('Pacific/Kiritimati', new Date('2026-03-01T09:59:59Z'))).toBe('2026-03-01');
    expect(todayIn('Pacific/Kiritimati', new Date('2026-03-01T10:00:00Z'))).toBe('2026-03-02');
    expect(todayIn('Pacific/Pago_Pago', new Date('2026-03-01T10:59:59Z'))).toBe('2026-02-28');
    expect(todayIn('Pacific/Pago_Pago', new Date('2026-03-01T11:00:00Z'))).toBe('2026-03-01');
  });

  test('a date after today there is refused, naming the field; today is not', () => {
    const options = {
      timeZone: 'Pacific/Pago_Pago',
      now: new Date('2026-03-01T10:30:00Z'),
      field: 'receivedOn',
      what: 'A payment',
    };
    expect(() => assertNotAfterToday('2026-02-28', options)).not.toThrow();
    expect(() => assertNotAfterToday('2026-03-01', options)).toThrow(
      'A payment cannot be later than today (2026-02-28 in Pacific/Pago_Pago)',
    );
  });

  test('only IANA names the runtime knows, in its spelling', () => {
    expect(canonicalTimeZone('europe/berlin')).toBe('Europe/Berlin');
    expect(canonicalTimeZone('UTC')).toBe('UTC');
    for (const bad of ['', 'Mars/Olympus_Mons', 'Europe/Berlin\u0000', '../x', '+01:00'])
      expect(canonicalTimeZone(bad)).toBeNull();
  });
});
