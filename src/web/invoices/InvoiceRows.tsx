/** Invoices and credit notes, newest first, each with its dates, amounts and PDF. */
import { useT } from '../i18n';
import { useFormat } from '../i18n/format';
import { invoicePdfUrl, type Invoice } from './invoice-api';

export function InvoiceRows({
  invoices,
  realm,
  label,
}: {
  invoices: readonly Invoice[];
  realm: 'app' | 'portal';
  label: string;
}) {
  const t = useT();
  const f = useFormat();
  const sorted = [...invoices].sort((a, b) =>
    a.issuedOn === b.issuedOn
      ? b.label.localeCompare(a.label)
      : b.issuedOn.localeCompare(a.issuedOn),
  );
  return (
    <ul className="invoice-list" aria-label={label}>
      {sorted.map((invoice) => {
        const credit = invoice.kind === 'credit_note';
        const cancelledBy = invoices.find((i) => i.id === invoice.cancelledById);
        const cancels = invoices.find((i) => i.id === invoice.cancelsId);
        return (
          <li key={invoice.id} className="invoice-row" data-testid="invoice-row">
            <div className="invoice-head">
              <strong>{invoice.label}</strong>
              <span className={credit ? 'badge' : cancelledBy ? 'badge' : 'badge badge-paid'}>
                {credit
                  ? t('invoices.list.creditNote')
                  : cancelledBy
                    ? t('invoices.list.cancelled')
                    : t('invoices.list.invoice')}
              </span>
            </div>
            <p className="muted">
              {t('invoices.list.milestone', { position: invoice.milestonePosition })}{' '}
              <bdi>{invoice.milestoneTitle}</bdi>
            </p>
            <p>
              {t('invoices.list.amounts', {
                gross: f.money(invoice.grossMinor, invoice.currency),
                net: f.money(invoice.netMinor, invoice.currency),
                tax: f.money(invoice.taxMinor, invoice.currency),
              })}
            </p>
            <p className="muted">
              {invoice.dueDate
                ? t('invoices.list.datesDue', {
                    issued: f.date(invoice.issuedOn),
                    due: f.date(invoice.dueDate),
                  })
                : t('invoices.list.dates', { issued: f.date(invoice.issuedOn) })}
              {cancels ? ` · ${t('invoices.list.cancels', { label: cancels.label })}` : ''}
              {cancelledBy
                ? ` · ${t('invoices.list.cancelledBy', { label: cancelledBy.label })}`
                : ''}
            </p>
            <a
              className="button button-secondary"
              href={invoicePdfUrl(invoice.id, realm)}
              download={`${invoice.label}.pdf`}
            >
              {t('invoices.list.pdf', { label: invoice.label })}
            </a>
          </li>
        );
      })}
    </ul>
  );
}
