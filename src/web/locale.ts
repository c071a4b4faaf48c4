/** The person's locale and time zone, as the browser reports them. */
import { DEFAULT_TIME_ZONE, isTimeZone } from '../domain/calendar';

/** How the person writes numbers and dates: the browser's first language Intl supports. */
export function userLocale(): string {
  const wanted = typeof navigator === 'undefined' ? [] : navigator.languages;
  for (const tag of wanted) {
    try {
      const [supported] = Intl.NumberFormat.supportedLocalesOf(tag);
      if (supported !== undefined) return supported;
    } catch {
      // A malformed tag: try the next one.
    }
  }
  return new Intl.NumberFormat().resolvedOptions().locale;
}

/** The browser's IANA time zone: the default for a new account. */
export function browserTimeZone(): string {
  const zone = new Intl.DateTimeFormat().resolvedOptions().timeZone;
  return isTimeZone(zone) ? zone : DEFAULT_TIME_ZONE;
}

/** Every IANA time zone the browser knows, for choosing one (with `current` always listed). */
export function timeZoneChoices(current: string): string[] {
  const known = Intl.supportedValuesOf('timeZone');
  const all = new Set([...known, 'UTC', current]);
  return [...all].sort((a, b) => a.localeCompare(b));
}
