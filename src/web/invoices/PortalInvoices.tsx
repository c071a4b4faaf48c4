/** The client's invoices and credit notes with their PDFs (lazily loaded into the portal). */
/// <reference types="vite/client" />
import type { MessageFormatElement } from '@formatjs/icu-messageformat-parser';
import { useQuery } from '@tanstack/react-query';
import { useEffect, useMemo, useState, type ReactNode } from 'react';
import { IntlProvider, useIntl } from 'react-intl';
import { ErrorBanner } from '../components/Notice';
import { LazyMessages } from '../i18n/lazy';
import { useT } from '../i18n';
import { InvoiceRows } from './InvoiceRows';
import { invoiceApi, invoiceKeys } from './invoice-api';

function PortalInvoiceList() {
  const t = useT();
  const list = useQuery({
    queryKey: invoiceKeys.portalInvoices(),
    queryFn: invoiceApi.portalInvoices,
  });
  if (list.data && list.data.invoices.length === 0) return null;
  return (
    <section className="card stack" aria-labelledby="portal-invoices-heading">
      <h2 id="portal-invoices-heading">{t('invoices.portal.heading')}</h2>
      <ErrorBanner message={list.error?.message} />
      {list.data ? (
        <InvoiceRows
          invoices={list.data.invoices}
          realm="portal"
          label={t('invoices.portal.heading')}
        />
      ) : null}
    </section>
  );
}

type Messages = Record<string, MessageFormatElement[]>;

/** The portal fetches only its own areas in the client's language; this one comes with the list. */
const OTHER_LANGUAGES = import.meta.glob<Messages>('../i18n/messages/invoices.*.json', {
  import: 'default',
});

function ClientLanguage({ children }: { children: ReactNode }) {
  const intl = useIntl();
  const [own, setOwn] = useState<Messages | null>(null);
  const loader =
    intl.locale === 'en'
      ? undefined
      : OTHER_LANGUAGES[`../i18n/messages/invoices.${intl.locale}.json`];
  useEffect(() => {
    let live = true;
    setOwn(null);
    void loader?.().then(
      (messages) => live && setOwn(messages),
      () => undefined,
    );
    return () => {
      live = false;
    };
  }, [loader]);
  const parent = intl.messages as Messages;
  const messages = useMemo(() => ({ ...parent, ...own }), [parent, own]);
  if (loader !== undefined && own === null) return null;
  return (
    <IntlProvider
      locale={intl.locale}
      defaultLocale={intl.defaultLocale}
      messages={messages}
      onError={intl.onError}
    >
      {children}
    </IntlProvider>
  );
}

export default function PortalInvoices() {
  return (
    <LazyMessages area="invoices">
      <ClientLanguage>
        <PortalInvoiceList />
      </ClientLanguage>
    </LazyMessages>
  );
}
