/**
 * Reminder days as typed ("3, 7, 14"): whole days after delivery, 1–365, each once, at most 10 —
 * the server's rule (src/domain/notifications.ts), checked here first so the form can say what
 * is wrong next to the field.
 */
export const MAX_DAY = 365;
export const MAX_REMINDER_DAYS = 10;

export type DaysProblem = 'notDays' | 'tooMany' | 'repeated';

export function parseDays(text: string): { days: number[] } | { problem: DaysProblem } {
  const parts = text.split(/[\s,;]+/).filter((part) => part !== '');
  if (!parts.every((part) => /^\d{1,3}$/.test(part))) return { problem: 'notDays' };
  const days = parts.map(Number);
  if (days.some((day) => day < 1 || day > MAX_DAY)) return { problem: 'notDays' };
  if (days.length > MAX_REMINDER_DAYS) return { problem: 'tooMany' };
  if (new Set(days).size !== days.length) return { problem: 'repeated' };
  return { days: days.sort((a, b) => a - b) };
}

export const formatDays = (days: readonly number[]): string => days.join(', ');
