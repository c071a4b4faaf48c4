/**
 * The web app's words, through react-intl (FormatJS: ICU MessageFormat with plurals and selects —
 * the same engine src/i18n uses for mail and PDFs). Messages live in per-area files,
 * `messages/<area>.<locale>.json`, each key starting with `<area>.`; test/unit/web-i18n.test.ts
 * checks that every language has every key with the same placeholders and that every key the
 * code names exists.
 *
 * English is bundled with the app (it is also the fallback for a missing key); another language
 * is fetched as its own small chunk before the first render, and again when the person picks it.
 *
 * Use: `const t = useT(); t('common.loading', { what })`, or `<T id="common.copied" values={{ … }} />`
 * where a message holds rich text (`<b>…</b>` tags map to elements through `values`).
 */
/// <reference types="vite/client" />
import { createContext, useCallback, useContext, useMemo, useState, type ReactNode } from 'react';
import type { MessageFormatElement } from '@formatjs/icu-messageformat-parser';
import { FormattedMessage, IntlProvider, useIntl, type PrimitiveType } from 'react-intl';
import { DEFAULT_LOCALE, isLocale, SUPPORTED_LOCALES, type Locale } from '../../i18n/locales';

export type { Locale };
export { SUPPORTED_LOCALES };

/** Each file arrives compiled to FormatJS's message AST (see precompiledMessages in vite.config.ts). */
type Messages = Record<string, MessageFormatElement[]>;

function merge(modules: Record<string, Messages>): Messages {
  const all: Messages = {};
  for (const messages of Object.values(modules)) Object.assign(all, messages);
  return all;
}

// Areas listed in lazy.tsx are left out: their English arrives with the screens that use them.
const ENGLISH = merge(
  import.meta.glob<Messages>(
    ['./messages/*.en.json', '!./messages/notify.en.json', '!./messages/invoices.en.json'],
    {
      eager: true,
      import: 'default',
    },
  ),
);

/** Loaders for every other language's files, by locale (each file becomes its own chunk). */
const LAZY: Partial<Record<Locale, Record<string, () => Promise<Messages>>>> = {
  de: import.meta.glob<Messages>('./messages/*.de.json', { import: 'default' }),
};

const loaded = new Map<Locale, Messages>([['en', ENGLISH]]);

/** The messages of one language, fetched once. */
export async function loadMessages(locale: Locale): Promise<Messages> {
  const known = loaded.get(locale);
  if (known) return known;
  const loaders = LAZY[locale] ?? {};
  const parts = await Promise.all(Object.values(loaders).map((load) => load()));
  const messages = merge(Object.fromEntries(parts.map((part, i) => [String(i), part])));
  loaded.set(locale, messages);
  return messages;
}

const STORAGE_KEY = 'milepost.locale';

/** The person's language: the one they chose on this device, else the browser's best match. */
export function initialLocale(): Locale {
  try {
    const chosen = globalThis.localStorage?.getItem(STORAGE_KEY);
    if (isLocale(chosen)) return chosen;
  } catch {
    // Storage can be refused (private mode, policies): fall back to the browser's languages.
  }
  const wanted = typeof navigator === 'undefined' ? [] : navigator.languages;
  for (const tag of wanted) {
    const primary = tag.toLowerCase().split('-')[0];
    if (isLocale(primary)) return primary;
  }
  return DEFAULT_LOCALE;
}

interface LocaleValue {
  locale: Locale;
  /** Switch the app's language (fetching it first); remembered on this device. */
  setLocale: (locale: Locale) => Promise<void>;
}

const LocaleContext = createContext<LocaleValue | null>(null);

export function I18nProvider({
  locale: startLocale,
  children,
}: {
  /** The language to start in; its messages must already be loaded (see loadMessages). */
  locale: Locale;
  children: ReactNode;
}) {
  const [locale, setLocaleState] = useState<Locale>(startLocale);
  const setLocale = useCallback(async (next: Locale) => {
    await loadMessages(next);
    try {
      globalThis.localStorage?.setItem(STORAGE_KEY, next);
    } catch {
      // Not remembered on this device; the choice still applies until the page is closed.
    }
    document.documentElement.lang = next;
    setLocaleState(next);
  }, []);
  const value = useMemo(() => ({ locale, setLocale }), [locale, setLocale]);
  const messages = loaded.get(locale) ?? ENGLISH;
  return (
    <LocaleContext.Provider value={value}>
      <IntlProvider
        locale={locale}
        defaultLocale={DEFAULT_LOCALE}
        messages={locale === DEFAULT_LOCALE ? ENGLISH : { ...ENGLISH, ...messages }}
        onError={reportMissing}
      >
        {children}
      </IntlProvider>
    </LocaleContext.Provider>
  );
}

function reportMissing(error: { code?: string; message: string }) {
  // English text stands in for a missing translation; say so in the console, not to the person.
  if (error.code === 'MISSING_TRANSLATION') return;
  console.error(error.message);
}

export function useLocale(): LocaleValue {
  const value = useContext(LocaleContext);
  if (value === null) throw new Error('useLocale outside I18nProvider');
  return value;
}

export type MessageValues = Record<string, PrimitiveType | Date>;
export type Translate = (id: string, values?: MessageValues) => string;

/** `t(id, values)`: a message as plain text in the current language. */
export function useT(): Translate {
  const intl = useIntl();
  return useCallback(
    (id: string, values?: MessageValues) =>
      intl.formatMessage({ id }, values as Record<string, PrimitiveType>),
    [intl],
  );
}

/** A message that may contain rich text: `<T id="common.copied" values={{ b: (s) => <b>{s}</b> }} />`. */
export function T({
  id,
  values,
}: {
  id: string;
  values?: Record<string, ReactNode | PrimitiveType | ((chunks: ReactNode[]) => ReactNode)>;
}) {
  return <FormattedMessage id={id} values={values as never} />;
}

/** For `<hidden>` in a message: words only a screen reader needs ("Edit<hidden> milestone 2</hidden>"). */
export function srOnly(chunks: ReactNode[]) {
  return <span className="visually-hidden">{chunks}</span>;
}
