/**
 * The portal speaks the client's language — the one the freelancer chose for them — unless the
 * person picked a language on this device (the portal's menu), which always wins. The default is
 * not remembered, so a later change of the client's language by the freelancer still applies.
 */
import { useEffect } from 'react';
import { chosenLocale, useLocale, type Locale } from '../i18n';

export function usePortalLanguage(clientLocale: Locale | undefined): void {
  const { locale, setLocale } = useLocale();
  useEffect(() => {
    if (clientLocale === undefined || clientLocale === locale) return;
    if (chosenLocale() !== null) return;
    void setLocale(clientLocale, { remember: false });
    // Only a new client language from the server switches; the person's own switch stays.
  }, [clientLocale, setLocale]);
}
