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
import {
  createContext,
  useCallback,
  useContext,
  useEffect,
  useMemo,
  useRef,
  useState,
  type ReactNode,
} from 'react';
import type { MessageFormatElement } from '@formatjs/icu-messageformat-parser';
import { FormattedMessage, IntlProvider, useIntl, type PrimitiveType } from 'react-intl';
import { DEFAULT_LOCALE, isLocale, SUPPORTED_LOCALES, type Locale } from '../../i18n/locales';
import { setErrorWords } from '../error-words';

export type { Locale };
export { SUPPORTED_LOCALES };

/** Each file arrives compiled to FormatJS's message AST (see precompiledMessages in vite.config.ts). */
type Messages = Record<string, MessageFormatElement[]>;

function merge(modules: Record<string, Messages>): Messages {
  const all: Messages = {};
  for (const messages of Object.values(modules)) Object.assign(all, messages);
  return all;
}

/**
 * Which words a screen needs. The client portal ships only its own areas (PORTAL_AREAS: the
 * portal, chat, the shared common words and the payment-method names), English bundled; the
 * freelancer's areas ('app') are fetched before the freelancer's routes render (AppMessages),
 * so the portal's first download never carries them. Areas in lazy.tsx load with their screens.
 */
export type MessageScope = 'portal' | 'app';

const PORTAL_AREAS = new Set(['common', 'portal', 'chat', 'payments']);

/** English of the portal's areas: in the first download (keep this list and PORTAL_AREAS alike). */
const ENGLISH = merge(
  import.meta.glob<Messages>(
    [
      './messages/common.en.json',
      './messages/portal.en.json',
      './messages/chat.en.json',
      './messages/payments.en.json',
    ],
    { eager: true, import: 'default' },
  ),
);

/** Every other file, by locale, each its own chunk (English of the app's areas among them). */
const LOADERS: Record<Locale, Record<string, () => Promise<Messages>>> = {
  en: import.meta.glob<Messages>(
    [
      './messages/*.en.json',
      '!./messages/common.en.json',
      '!./messages/portal.en.json',
      '!./messages/chat.en.json',
      '!./messages/payments.en.json',
      '!./messages/notify.en.json',
      '!./messages/invoices.en.json',
      '!./messages/changes.en.json',
      '!./messages/revisions.en.json',
    ],
    { import: 'default' },
  ),
  de: import.meta.glob<Messages>('./messages/*.de.json', { import: 'default' }),
};

function areaOf(file: string): string {
  return /([\w-]+)\.[\w-]+\.json$/.exec(file)?.[1] ?? '';
}

/** What has been fetched so far, per language; English starts with the portal's areas. */
const loaded = new Map<Locale, Messages>([['en', ENGLISH]]);
const fetchedScopes = new Set<string>(['en:portal']);

/**
 * Fetches the words of a scope in a language (and English of that scope, the fallback), once.
 * 'app' includes 'portal'. Resolves to the language's messages loaded so far.
 */
export async function loadMessages(
  locale: Locale,
  scope: MessageScope = 'portal',
): Promise<Messages> {
  const wanted: [Locale, MessageScope][] = [];
  for (const lang of new Set<Locale>([DEFAULT_LOCALE, locale]))
    for (const s of scope === 'app' ? (['portal', 'app'] as const) : (['portal'] as const))
      if (!fetchedScopes.has(`${lang}:${s}`)) wanted.push([lang, s]);
  await Promise.all(
    wanted.map(async ([lang, s]) => {
      const files = Object.entries(LOADERS[lang]).filter(
        ([file]) => PORTAL_AREAS.has(areaOf(file)) === (s === 'portal'),
      );
      const parts = await Promise.all(files.map(([, load]) => load()));
      loaded.set(lang, Object.assign({}, loaded.get(lang), ...parts));
      fetchedScopes.add(`${lang}:${s}`);
    }),
  );
  return loaded.get(locale) ?? ENGLISH;
}

function isFetched(locale: Locale, scope: MessageScope): boolean {
  const scopes = scope === 'app' ? ['portal', 'app'] : ['portal'];
  return [DEFAULT_LOCALE, locale].every((lang) =>
    scopes.every((s) => fetchedScopes.has(`${lang}:${s}`)),
  );
}

const STORAGE_KEY = 'milepost.locale';

/** The language the person chose on this device, if they did. */
export function chosenLocale(): Locale | null {
  try {
    const chosen = globalThis.localStorage?.getItem(STORAGE_KEY);
    if (isLocale(chosen)) return chosen;
  } catch {
    // Storage can be refused (private mode, policies): nothing was chosen that we can see.
  }
  return null;
}

/** The person's language: the one they chose on this device, else the browser's best match. */
export function initialLocale(): Locale {
  const chosen = chosenLocale();
  if (chosen !== null) return chosen;
  const wanted = typeof navigator === 'undefined' ? [] : navigator.languages;
  for (const tag of wanted) {
    const primary = tag.toLowerCase().split('-')[0];
    if (isLocale(primary)) return primary;
  }
  return DEFAULT_LOCALE;
}

interface LocaleValue {
  locale: Locale;
  /**
   * Switch the app's language (fetching it first); remembered on this device unless
   * `remember: false` (a default someone else chose, such as the client's language the
   * freelancer set, which must not outrank the person's own later choice).
   */
  setLocale: (locale: Locale, options?: { remember?: boolean }) => Promise<void>;
  /** Fetch a scope's words in the current language; the provider re-renders with them. */
  needScope: (scope: MessageScope) => Promise<void>;
  /** The widest scope fetched for the current language. */
  scope: MessageScope;
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
  const localeRef = useRef(locale);
  const [scope, setScope] = useState<MessageScope>(() =>
    isFetched(startLocale, 'app') ? 'app' : 'portal',
  );
  const scopeRef = useRef(scope);
  // Bumped when a scope's words arrive, so the merged messages below are read again.
  const [version, setVersion] = useState(0);
  const needScope = useCallback(async (wanted: MessageScope) => {
    if (wanted === 'portal') return;
    scopeRef.current = 'app';
    try {
      await loadMessages(localeRef.current, 'app');
    } catch {
      // Offline or a stale deployment: the screens render (showing ids) rather than nothing.
    }
    setScope('app');
    setVersion((v) => v + 1);
  }, []);
  const setLocale = useCallback(async (next: Locale, options?: { remember?: boolean }) => {
    await loadMessages(next, scopeRef.current);
    localeRef.current = next;
    if (options?.remember !== false) {
      try {
        globalThis.localStorage?.setItem(STORAGE_KEY, next);
      } catch {
        // Not remembered on this device; the choice still applies until the page is closed.
      }
    }
    document.documentElement.lang = next;
    setLocaleState(next);
  }, []);
  const value = useMemo(
    () => ({ locale, setLocale, needScope, scope }),
    [locale, setLocale, needScope, scope],
  );
  const messages = useMemo(() => {
    const english = loaded.get(DEFAULT_LOCALE) ?? ENGLISH;
    return locale === DEFAULT_LOCALE ? english : { ...english, ...loaded.get(locale) };
  }, [locale, version]);
  return (
    <LocaleContext.Provider value={value}>
      <IntlProvider
        locale={locale}
        defaultLocale={DEFAULT_LOCALE}
        messages={messages}
        onError={reportMissing}
      >
        <ErrorWordsBridge />
        {children}
      </IntlProvider>
    </LocaleContext.Provider>
  );
}

/** Lends the current language's words to the API client, which words the server's refusals. */
function ErrorWordsBridge() {
  const intl = useIntl();
  // During render, so requests made by the children's first effects already have the words.
  setErrorWords(intl.locale, (id, values) =>
    id in intl.messages ? intl.formatMessage({ id }, values) : undefined,
  );
  return null;
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

/**
 * The freelancer's screens: renders its children once the app's words (beyond the portal's) are
 * there in the current language — at once when main.tsx fetched them before the first render.
 */
export function AppMessages({ children }: { children: ReactNode }) {
  const { scope, needScope } = useLocale();
  useEffect(() => {
    if (scope !== 'app') void needScope('app');
  }, [scope, needScope]);
  return scope === 'app' ? children : null;
}
