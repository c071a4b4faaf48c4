/**
 * Message areas not loaded with the rest of their language (the portal fetches only its own
 * areas, English bundled; see index.tsx) but fetched with the screens that use them, in English
 * (the fallback) and in the current language, so the portal's first download does not carry their
 * words and a German client still reads German. Wrap such a screen in `<LazyMessages
 * area="notify">`; it shows nothing until the words are there.
 */
/// <reference types="vite/client" />
import { useEffect, useMemo, useState, type ReactNode } from 'react';
import type { MessageFormatElement } from '@formatjs/icu-messageformat-parser';
import { IntlProvider, useIntl } from 'react-intl';

type Messages = Record<string, MessageFormatElement[]>;

const LOADERS: Record<string, () => Promise<Messages>> = import.meta.glob<Messages>(
  [
    './messages/notify.*.json',
    './messages/invoices.*.json',
    './messages/changes.*.json',
    './messages/revisions.*.json',
    './messages/disputes.*.json',
    './messages/amounts.*.json',
  ],
  { import: 'default' },
);

export type LazyArea = 'notify' | 'invoices' | 'changes' | 'revisions' | 'disputes' | 'amounts';

/** Fetched words by "area.locale". */
const fetched = new Map<string, Messages>();

async function load(area: LazyArea, locale: string): Promise<Messages> {
  const key = `${area}.${locale}`;
  const known = fetched.get(key);
  if (known) return known;
  const loader = LOADERS[`./messages/${key}.json`];
  if (loader === undefined) return {}; // a language without this area: English fills in
  const messages = await loader();
  fetched.set(key, messages);
  return messages;
}

export function LazyMessages({ area, children }: { area: LazyArea; children: ReactNode }) {
  const outer = useIntl();
  const locale = outer.locale;
  const ready = (): Messages | undefined => {
    const english = fetched.get(`${area}.en`);
    const own = locale === 'en' ? {} : fetched.get(`${area}.${locale}`);
    return english && own ? { ...english, ...own } : undefined;
  };
  const [words, setWords] = useState<Messages | undefined>(ready);
  useEffect(() => {
    let live = true;
    void Promise.all([load(area, 'en'), locale === 'en' ? {} : load(area, locale)])
      .then(([english, own]) => live && setWords({ ...english, ...own }))
      // Offline or a stale deployment: the ids show instead, and the next visit tries again.
      .catch(() => live && setWords({}));
    return () => {
      live = false;
    };
  }, [area, locale]);
  // The language's words already loaded (the rest of the screen) win over the area's English.
  const messages = useMemo(
    () => ({ ...words, ...(outer.messages as Messages) }),
    [words, outer.messages],
  );
  if (words === undefined) return null;
  return (
    <IntlProvider
      locale={outer.locale}
      defaultLocale={outer.defaultLocale}
      messages={messages}
      onError={outer.onError}
    >
      {children}
    </IntlProvider>
  );
}
