import { useQuery } from '@tanstack/react-query';
import { ErrorBanner, Loading } from '../components/Notice';
import { ReceiptList } from '../components/ReceiptList';
import { formatMoneyList, sumByCurrency } from '../format';
import { queries } from '../queries';
import { Link } from 'react-router';
import { useTitle } from '../hooks';

/** Every receipt the freelancer has issued, across projects, newest first. */
export function ReceiptsPage() {
  useTitle('Receipts');
  const { data, error, isPending: loading } = useQuery(queries.receipts());
  const receipts = data?.receipts ?? [];
  return (
    <>
      <h1>Receipts</h1>
      <p className="lead">
        Every credited payment gets the next number in one gapless series (R-000001, R-000002…).
        Each receipt was emailed to you and your client with its PDF, which names the files
        delivered and their SHA-256.
      </p>
      <ErrorBanner message={error?.message} />
      {loading && !data ? <Loading what="receipts" /> : null}
      {data && receipts.length === 0 ? (
        <section className="card empty">
          <h2>No receipts yet</h2>
          <p>
            A receipt is issued when a client pays a milestone by card, or when you record a payment
            on a <Link to="/app">project</Link>.
          </p>
        </section>
      ) : null}
      {receipts.length > 0 ? (
        <section className="card stack" aria-labelledby="all-receipts-heading">
          <h2 id="all-receipts-heading">
            {receipts.length} receipt{receipts.length === 1 ? '' : 's'}
            <span className="muted">
              {' '}
              ·{' '}
              {formatMoneyList(
                sumByCurrency(
                  receipts.map((r) => ({ currency: r.currency, amountMinor: r.amountMinor })),
                ),
              )}
            </span>
          </h2>
          <ReceiptList receipts={receipts} realm="app" showProject label="All receipts" />
        </section>
      ) : null}
    </>
  );
}
