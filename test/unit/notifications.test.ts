import { describe, expect, test } from 'vitest';
import { createUnsubscribeTokens } from '../../src/auth/unsubscribe-tokens';
import {
  parseReminderDays,
  paymentDueAt,
  reminderDays,
  reminderSchedule,
} from '../../src/domain/notifications';

describe('reminder schedule', () => {
  test('the default days, then the overdue notice the day after the due date', () => {
    const steps = reminderSchedule({
      milestoneId: 'm1',
      deliveredAt: '2026-03-01T10:00:00.000Z',
      days: [3, 7, 14],
      termsDays: 14,
    });
    expect(steps.map((s) => [s.type, s.day, s.dueAt])).toEqual([
      ['reminder', 3, '2026-03-04T10:00:00.000Z'],
      ['reminder', 7, '2026-03-08T10:00:00.000Z'],
      ['reminder', 14, '2026-03-15T10:00:00.000Z'],
      ['overdue', 15, '2026-03-16T10:00:00.000Z'],
    ]);
    expect(new Set(steps.map((s) => s.key)).size).toBe(4);
    expect(paymentDueAt('2026-03-01T10:00:00.000Z', 14).toISOString()).toBe(
      '2026-03-15T10:00:00.000Z',
    );
  });

  test('a new delivery of the same milestone gets new keys', () => {
    const a = reminderSchedule({
      milestoneId: 'm',
      deliveredAt: '2026-03-01T00:00:00.000Z',
      days: [3],
      termsDays: 14,
    });
    const b = reminderSchedule({
      milestoneId: 'm',
      deliveredAt: '2026-04-01T00:00:00.000Z',
      days: [3],
      termsDays: 14,
    });
    expect(a.map((s) => s.key).filter((k) => b.some((s) => s.key === k))).toEqual([]);
  });

  test('chosen days are validated and sorted; stored days read back', () => {
    expect(reminderDays([14, 3, 7])).toEqual([3, 7, 14]);
    expect(() => reminderDays([0])).toThrow(/1 to 365/);
    expect(() => reminderDays([3, 3])).toThrow(/once/);
    expect(() => reminderDays([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11])).toThrow(/at most 10/);
    expect(parseReminderDays('3,7,14')).toEqual([3, 7, 14]);
    expect(parseReminderDays('')).toEqual([]);
  });
});

describe('unsubscribe tokens', () => {
  const tokens = createUnsubscribeTokens(Buffer.alloc(32, 1));

  test('name one person and one kind, and cannot be altered', () => {
    const token = tokens.sign({ audience: 'client', subjectId: 'p-1', kind: 'reminders' });
    expect(tokens.verify(token)).toEqual({
      audience: 'client',
      subjectId: 'p-1',
      kind: 'reminders',
    });
    const [payload, mac] = token.split('.');
    const other = Buffer.from('f|p-1|payment').toString('base64url');
    expect(tokens.verify(`${other}.${mac}`)).toBeUndefined();
    expect(tokens.verify(`${payload}.${mac}x`)).toBeUndefined();
    expect(tokens.verify('garbage')).toBeUndefined();
    const elsewhere = createUnsubscribeTokens(Buffer.alloc(32, 2));
    expect(elsewhere.verify(token)).toBeUndefined();
  });

  test('refuse a kind that belongs to the other audience', () => {
    const payload = Buffer.from('c|p-1|payment').toString('base64url');
    const forged = tokens.sign({ audience: 'freelancer', subjectId: 'u', kind: 'payment' });
    expect(tokens.verify(`${payload}.${forged.split('.')[1]}`)).toBeUndefined();
  });
});
