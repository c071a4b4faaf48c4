/**
 * Calendar days as a person lives them: "today" depends on where the freelancer is, not on the
 * server's clock or UTC. Time zones are IANA names ("Europe/Berlin"), checked against the
 * runtime's ICU.
 */
import { AppError } from './errors';

/** The zone used when none was given (users from before time zones were asked). */
export const DEFAULT_TIME_ZONE = 'UTC';

const IANA_SHAPE = /^(?:[A-Za-z][A-Za-z0-9_+-]*)(?:\/[A-Za-z0-9_+-]+)*$/;

/** The runtime's own spelling of an IANA time zone name, or null if it knows no such zone. */
export function canonicalTimeZone(name: string): string | null {
  if (name.length > 64 || !IANA_SHAPE.test(name)) return null;
  try {
    return new Intl.DateTimeFormat('en-US', { timeZone: name }).resolvedOptions().timeZone;
  } catch {
    return null;
  }
}

export function isTimeZone(name: string): boolean {
  return canonicalTimeZone(name) !== null;
}

const dayFormats = new Map<string, Intl.DateTimeFormat>();

/** The calendar date (YYYY-MM-DD) it is at `now` in `timeZone`. */
export function todayIn(timeZone: string, now: Date): string {
  let format = dayFormats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
    });
    dayFormats.set(timeZone, format);
  }
  const part = (type: string) => format.formatToParts(now).find((p) => p.type === type)?.value;
  const year = (part('year') ?? '').padStart(4, '0');
  return `${year}-${part('month') ?? '01'}-${part('day') ?? '01'}`;
}

/**
 * Refuses a date later than today where the freelancer is: money cannot have been received (or
 * given back) tomorrow. Today itself is allowed everywhere on Earth it is still today.
 */
export function assertNotAfterToday(
  date: string,
  options: { timeZone: string; now: Date; field: string; what: string },
): void {
  const today = todayIn(options.timeZone, options.now);
  if (date > today) {
    throw new AppError(
      'VALIDATION_FAILED',
      `${options.what} cannot be later than today (${today} in ${options.timeZone})`,
      { field: options.field },
    );
  }
}
