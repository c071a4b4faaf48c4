/** The client's invoices and credit notes with their PDFs (lazily loaded into the portal). */
import { useQuery } from '@tanstack/react-query';
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

export default function PortalInvoices() {
  return (
    <LazyMessages area="invoices">
      <PortalInvoiceList />
    </LazyMessages>
  );
}
