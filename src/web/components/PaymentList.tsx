import { useT, type Translate } from '../i18n';
import { useFormat, type Format } from '../i18n/format';
import type { Payment } from '../types';

function WarningIcon() {
  return (
    <svg className="icon" viewBox="0 0 16 16" width="16" height="16" aria-hidden="true">
      <path
        fill="currentColor"
        d="M8.9 1.6a1 1 0 0 0-1.8 0L.6 13.5A1 1 0 0 0 1.5 15h13a1 1 0 0 0 .9-1.5L8.9 1.6ZM7.2 5.5h1.6l-.3 5H7.5l-.3-5Zm.8 6.3a.95.95 0 1 1 0 1.9.95.95 0 0 1 0-1.9Z"
      />
    </svg>
  );
}

/** One line in words: what came in (or went back), how, when, with which reference. */
function describe(p: Payment, t: Translate, f: Format): string {
  const values = {
    amount: f.money(p.amountMinor, p.currency),
    date: f.date(p.receivedOn),
    ref: p.reference ? t('payments.describe.ref', { reference: p.reference }) : '',
  };
  if (p.kind === 'refund') {
    return p.source === 'stripe'
      ? t('payments.describe.refundStripe', values)
      : t('payments.describe.refundRecorded', values);
  }
  if (p.status === 'flagged') return t('payments.describe.flagged', values);
  if (p.source === 'stripe') return t('payments.describe.stripe', values);
  return t('payments.describe.recorded', { ...values, method: f.method(p.method) });
}

/**
 * The money movements of one milestone, oldest first: payments (offline or by Stripe) and
 * refunds. A flagged Stripe payment is recorded but not counted, and says why, loudly.
 */
export function PaymentList({
  payments,
  position,
  flagReasons,
}: {
  payments: Payment[];
  position: number;
  /** payment id → why Stripe's payment was flagged (from the activity record). */
  flagReasons: ReadonlyMap<string, string>;
}) {
  const t = useT();
  const f = useFormat();
  if (payments.length === 0) return null;
  const ordered = [...payments].sort((a, b) => a.createdAt.localeCompare(b.createdAt));
  return (
    <ul className="payment-list" aria-label={t('payments.list.label', { position })}>
      {ordered.map((p) => {
        const flagged = p.status === 'flagged';
        return (
          <li key={p.id} className={`payment-row${flagged ? ' is-flagged' : ''}`}>
            <div className="payment-head">
              <span className="payment-amount">
                {p.kind === 'refund' ? '−' : ''}
                {f.money(p.amountMinor, p.currency)}
              </span>
              <span className="payment-badges">
                <span className={`badge ${p.kind === 'refund' ? 'badge-delivered' : 'badge-open'}`}>
                  {p.kind === 'refund' ? t('payments.badge.refund') : t('payments.badge.payment')}
                </span>
                <span className="badge badge-locked">
                  {p.source === 'stripe' ? t('payments.badge.stripe') : t('payments.badge.offline')}
                </span>
                <span className={`badge ${flagged ? 'badge-danger' : 'badge-paid'}`}>
                  {flagged ? t('payments.badge.flagged') : t('payments.badge.credited')}
                </span>
              </span>
            </div>
            <p>{describe(p, t, f)}</p>
            {flagged ? (
              <div className="flag-note">
                <WarningIcon />
                <div>
                  <p>
                    <strong>{t('payments.flagged.notCounted')}</strong>{' '}
                    {t('payments.flagged.reason', {
                      reason: flagReasons.get(p.id) ?? t('payments.flagged.noReason'),
                    })}
                  </p>
                  <p>{t('payments.flagged.what')}</p>
                </div>
              </div>
            ) : null}
          </li>
        );
      })}
    </ul>
  );
}
