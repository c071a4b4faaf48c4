import { describe, expect, test } from 'vitest';
import {
  mailState,
  nextAttemptAfterFailure,
  retryDelaySeconds,
  type MailRetryPolicy,
} from '../../src/domain/mail-retry';

const policy: MailRetryPolicy = {
  firstSeconds: 60,
  maxSeconds: 3600,
  failingAfterAttempts: 3,
  giveUpHours: 72,
};

describe('mail retry schedule', () => {
  test('doubles from the first wait and stops growing at the maximum', () => {
    const delays = Array.from({ length: 10 }, (_, i) => retryDelaySeconds(i + 1, policy));
    expect(delays).toEqual([60, 120, 240, 480, 960, 1920, 3600, 3600, 3600, 3600]);
  });

  test('stays finite and capped after any number of attempts', () => {
    for (const attempts of [0, 1, 60, 1_000, 1e9]) {
      const delay = retryDelaySeconds(attempts, policy);
      expect(Number.isFinite(delay)).toBe(true);
      expect(delay).toBeGreaterThanOrEqual(60);
      expect(delay).toBeLessThanOrEqual(3600);
    }
  });

  test('the next attempt is the delay after the failure, until the give-up time', () => {
    const queuedAt = new Date('2026-07-01T00:00:00Z');
    const now = new Date('2026-07-01T00:10:00Z');
    expect(nextAttemptAfterFailure({ attempts: 2, queuedAt, now }, policy)?.toISOString()).toBe(
      '2026-07-01T00:12:00.000Z',
    );
    const late = new Date(queuedAt.getTime() + 72 * 3_600_000);
    expect(nextAttemptAfterFailure({ attempts: 40, queuedAt, now: late }, policy)).toBeNull();
    const justBefore = new Date(late.getTime() - 1);
    expect(nextAttemptAfterFailure({ attempts: 40, queuedAt, now: justBefore }, policy)).not.toBe(
      null,
    );
  });

  test('shown as failing from the configured number of failed attempts on', () => {
    const pending = { status: 'pending' as const, lastError: 'connect ECONNREFUSED' };
    expect(mailState({ ...pending, attempts: 2 }, policy)).toBe('pending');
    expect(mailState({ ...pending, attempts: 3 }, policy)).toBe('failing');
    expect(mailState({ ...pending, attempts: 3, lastError: null }, policy)).toBe('pending');
    expect(mailState({ status: 'failed', attempts: 9, lastError: 'x' }, policy)).toBe('failed');
    expect(mailState({ status: 'sent', attempts: 1, lastError: null }, policy)).toBe('sent');
  });
});
