/**
 * The client's side of change orders in the portal: "Ann proposes a change" with before/after
 * side by side and the new total; Accept (typed full name: the contract text it creates is
 * accepted by that act) or Decline with an optional note. Decided orders are listed with the
 * contract version they made.
 */
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState, type FormEvent } from 'react';
import { TextArea, TextField } from '../components/Field';
import { ErrorBanner } from '../components/Notice';
import { useT } from '../i18n';
import { LazyMessages } from '../i18n/lazy';
import { toApiError } from '../hooks';
import { keys } from '../queries';
import { BeforeAfter } from './BeforeAfter';
import { changeOrderApi, changeOrderKeys, type ChangeOrder } from './change-order-api';

function Proposed({
  order,
  currency,
  freelancer,
  onDone,
}: {
  order: ChangeOrder;
  currency: string;
  freelancer: string;
  onDone: () => Promise<void>;
}) {
  const t = useT();
  const [fullName, setFullName] = useState('');
  const [note, setNote] = useState('');
  const [declining, setDeclining] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const headingId = `co-${order.id}-heading`;

  async function run(action: () => Promise<unknown>) {
    setBusy(true);
    setError(null);
    try {
      await action();
      await onDone();
    } catch (err) {
      setError(toApiError(err).message);
    } finally {
      setBusy(false);
    }
  }

  function accept(event: FormEvent) {
    event.preventDefault();
    if (fullName.trim() === '') return setError(t('changes.nameMissing'));
    const sha256 = order.preview?.sha256;
    if (!sha256) return setError(t('changes.stale'));
    void run(() => changeOrderApi.accept(order.id, { fullName: fullName.trim(), sha256 }));
  }

  return (
    <section className="card stack co-card" aria-labelledby={headingId}>
      <h2 id={headingId}>{t('changes.proposes', { name: freelancer, number: order.number })}</h2>
      <p>
        {t('changes.reasonLabel')} <bdi>{order.reason}</bdi>
      </p>
      <BeforeAfter
        rows={order.rows}
        currency={currency}
        totalBeforeMinor={order.totalBeforeMinor}
        totalAfterMinor={order.totalAfterMinor}
        caption={t('changes.sideBySide')}
      />
      <ErrorBanner message={error} />
      {order.stale || !order.preview ? (
        <p className="banner banner-info">{t('changes.stale')}</p>
      ) : declining ? (
        <form
          className="stack"
          noValidate
          onSubmit={(e) => {
            e.preventDefault();
            void run(() => changeOrderApi.decline(order.id, note.trim()));
          }}
        >
          <TextArea
            label={t('changes.declineNote')}
            value={note}
            onChange={(e) => setNote(e.target.value)}
            rows={3}
          />
          <div className="row">
            <button type="submit" disabled={busy}>
              {t('changes.declineConfirm')}
            </button>
            <button type="button" className="button-secondary" onClick={() => setDeclining(false)}>
              {t('changes.cancel')}
            </button>
          </div>
        </form>
      ) : (
        <form className="stack" noValidate onSubmit={accept}>
          <p className="muted">{t('changes.acceptExplain', { version: order.preview.version })}</p>
          <TextField
            label={t('changes.fullName')}
            autoComplete="name"
            value={fullName}
            onChange={(e) => setFullName(e.target.value)}
          />
          <div className="row">
            <button type="submit" disabled={busy}>
              {t('changes.accept')}
            </button>
            <button type="button" className="button-secondary" onClick={() => setDeclining(true)}>
              {t('changes.decline')}
            </button>
          </div>
        </form>
      )}
    </section>
  );
}

function PortalChangeOrderList({ currency, freelancer }: { currency: string; freelancer: string }) {
  const t = useT();
  const queryClient = useQueryClient();
  const list = useQuery({ queryKey: changeOrderKeys.portal(), queryFn: changeOrderApi.portalList });
  // The portal's own data refetches on live events (a new order is a system entry): follow it.
  const portalUpdated = queryClient.getQueryState(keys.portal())?.dataUpdatedAt;
  useEffect(() => {
    void queryClient.invalidateQueries({ queryKey: changeOrderKeys.portal() });
  }, [portalUpdated, queryClient]);
  const orders = list.data?.changeOrders ?? [];
  if (orders.length === 0) return <ErrorBanner message={list.error?.message} />;
  const done = async () => {
    await Promise.all([
      queryClient.invalidateQueries({ queryKey: changeOrderKeys.portal() }),
      // Not exact: the portal's contract lives under its key and shows the new version.
      queryClient.invalidateQueries({ queryKey: keys.portal() }),
    ]);
  };
  const decided = orders.filter((o) => o.status !== 'proposed');
  return (
    <>
      {orders
        .filter((o) => o.status === 'proposed')
        .map((o) => (
          <Proposed
            key={o.id}
            order={o}
            currency={currency}
            freelancer={freelancer}
            onDone={done}
          />
        ))}
      {decided.length > 0 ? (
        <section className="card stack" aria-labelledby="co-history-heading">
          <h2 id="co-history-heading">{t('changes.history')}</h2>
          <ul className="stack co-list">
            {decided.map((o) => (
              <li key={o.id}>
                {o.status === 'accepted' && o.resultVersion !== null
                  ? t('changes.acceptedLine', { number: o.number, version: o.resultVersion })
                  : t('changes.closedLine', {
                      number: o.number,
                      status: t(`changes.status.${o.status}`),
                    })}{' '}
                <bdi className="muted">{o.reason}</bdi>
              </li>
            ))}
          </ul>
        </section>
      ) : null}
    </>
  );
}

export default function PortalChangeOrders(props: { currency: string; freelancer: string }) {
  return (
    <LazyMessages area="changes">
      <PortalChangeOrderList {...props} />
    </LazyMessages>
  );
}
