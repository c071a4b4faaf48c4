export { DEFAULT_LOCALE, SUPPORTED_LOCALES, isLocale, localeOr, type Locale } from './locales';
export {
  MESSAGES,
  formatBytes,
  formatDate,
  translator,
  type MessageId,
  type MessageValues,
  type Translator,
} from './intl';
