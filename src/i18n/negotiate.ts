/**
 * The best supported language for an HTTP request's Accept-Language header (server side only:
 * the web app reads navigator.languages). Negotiator weighs q-values and matches "de-AT" to "de".
 */
import Negotiator from 'negotiator';
import { DEFAULT_LOCALE, isLocale, SUPPORTED_LOCALES, type Locale } from './locales';

export function localeFromAcceptLanguage(header: string | undefined): Locale {
  if (header === undefined || header.trim() === '') return DEFAULT_LOCALE;
  const [best] = new Negotiator({ headers: { 'accept-language': header } }).languages([
    ...SUPPORTED_LOCALES,
  ]);
  return isLocale(best) ? best : DEFAULT_LOCALE;
}
