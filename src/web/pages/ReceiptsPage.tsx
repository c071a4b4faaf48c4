import { useQuery } from '@tanstack/react-query';
import { ErrorBanner, Loading } from '../components/Notice';
import { ReceiptList } from '../components/ReceiptList';
import { sumByCurrency } from '../format';
import { T, useT } from '../i18n';
import { useFormat } from '../i18n/format';
import { queries } from '../queries';
import { Link } from 'react-router';
import { useTitle } from '../hooks';

/** Every receipt the freelancer has issued, across projects, newest first. */
export function ReceiptsPage() {
  const t = useT();
  const f = useFormat();
  useTitle(t('receipts.title'));
  const { data, error, isPending: loading } = useQuery(queries.receipts());
  const receipts = data?.receipts ?? [];
  return (
    <>
      <h1>{t('receipts.title')}</h1>
      <p className="lead">{t('receipts.lead')}</p>
      <ErrorBanner message={error?.message} />
      {loading && !data ? <Loading what={t('receipts.loading')} /> : null}
      {data && receipts.length === 0 ? (
        <section className="card empty">
          <h2>{t('receipts.empty.heading')}</h2>
          <p>
            <T
              id="receipts.empty.explain"
              values={{ link: (chunks) => <Link to="/app">{chunks}</Link> }}
            />
          </p>
        </section>
      ) : null}
      {receipts.length > 0 ? (
        <section className="card stack" aria-labelledby="all-receipts-heading">
          <h2 id="all-receipts-heading">
            {t('receipts.count', { count: receipts.length })}
            <span className="muted">
              {' '}
              ·{' '}
              {f.moneyList(
                sumByCurrency(
                  receipts.map((r) => ({ currency: r.currency, amountMinor: r.amountMinor })),
                ),
              )}
            </span>
          </h2>
          <ReceiptList receipts={receipts} realm="app" showProject label={t('receipts.all')} />
        </section>
      ) : null}
    </>
  );
}
