/**
 * Message areas whose English is not bundled with the app (see ENGLISH in index.tsx) but fetched
 * with the screens that use them, so the portal's first download does not carry their words.
 * Other languages load as usual (every file of a language at once). Wrap such a screen in
 * `<LazyMessages area="notify">`; it shows nothing until the words are there.
 */
/// <reference types="vite/client" />
import { useEffect, useMemo, useState, type ReactNode } from 'react';
import type { MessageFormatElement } from '@formatjs/icu-messageformat-parser';
import { IntlProvider, useIntl } from 'react-intl';

type Messages = Record<string, MessageFormatElement[]>;

const LOADERS: Record<string, () => Promise<Messages>> = import.meta.glob<Messages>(
  ['./messages/notify.en.json', './messages/invoices.en.json'],
  { import: 'default' },
);

export type LazyArea = 'notify' | 'invoices';

const fetched = new Map<LazyArea, Messages>();

function loaderOf(area: LazyArea): () => Promise<Messages> {
  const load = LOADERS[`./messages/${area}.en.json`];
  if (load === undefined) throw new Error(`no lazy message area ${area}`);
  return load;
}

export function LazyMessages({ area, children }: { area: LazyArea; children: ReactNode }) {
  const outer = useIntl();
  const [english, setEnglish] = useState<Messages | undefined>(() => fetched.get(area));
  useEffect(() => {
    if (english !== undefined) return;
    let live = true;
    void loaderOf(area)()
      .then((messages) => {
        fetched.set(area, messages);
        if (live) setEnglish(messages);
      })
      .catch(() => {
        // Offline or a stale deployment: the ids show instead, and the next visit tries again.
        if (live) setEnglish({});
      });
    return () => {
      live = false;
    };
  }, [area, english]);
  // The current language's own words win; English fills in (it is the fallback everywhere).
  const messages = useMemo(
    () => ({ ...english, ...(outer.messages as Messages) }),
    [english, outer.messages],
  );
  if (english === undefined) return null;
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
