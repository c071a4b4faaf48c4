/**
 * The languages Milepost speaks. One list for the server (mail, PDFs, the API's schemas) and the
 * web app; adding a language means adding it here and a complete messages/<locale>.json.
 */
export const SUPPORTED_LOCALES = ['en', 'de'] as const;
export type Locale = (typeof SUPPORTED_LOCALES)[number];
export const DEFAULT_LOCALE: Locale = 'en';

export function isLocale(value: unknown): value is Locale {
  return typeof value === 'string' && (SUPPORTED_LOCALES as readonly string[]).includes(value);
}

/** A stored value read back: anything unknown (an older row, a removed language) is English. */
export function localeOr(value: unknown, fallback: Locale = DEFAULT_LOCALE): Locale {
  return isLocale(value) ? value : fallback;
}
