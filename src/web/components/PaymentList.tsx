import { formatDate, formatMoney, methodLabel } from '../format';
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
function describe(p: Payment): string {
  const amount = formatMoney(p.amountMinor, p.currency);
  const ref = p.reference ? ` (ref. ${p.reference})` : '';
  if (p.kind === 'refund') {
    return p.source === 'stripe'
      ? `Refunded through Stripe: ${amount}, on ${formatDate(p.receivedOn)}${ref}.`
      : `Refund recorded: ${amount}, refunded ${formatDate(p.receivedOn)}${ref}.`;
  }
  if (p.status === 'flagged')
    return `Stripe reported a card payment of ${amount} on ${formatDate(p.receivedOn)}${ref}.`;
  if (p.source === 'stripe')
    return `Paid by card through Stripe: ${amount}, received ${formatDate(p.receivedOn)}${ref}.`;
  return `Payment recorded: ${amount} by ${methodLabel(p.method)}, received ${formatDate(p.receivedOn)}${ref}.`;
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
  if (payments.length === 0) return null;
  const ordered = [...payments].sort((a, b) => a.createdAt.localeCompare(b.createdAt));
  return (
    <ul className="payment-list" aria-label={`Payments and refunds of milestone ${position}`}>
      {ordered.map((p) => {
        const flagged = p.status === 'flagged';
        return (
          <li key={p.id} className={`payment-row${flagged ? ' is-flagged' : ''}`}>
            <div className="payment-head">
              <span className="payment-amount">
                {p.kind === 'refund' ? '−' : ''}
                {formatMoney(p.amountMinor, p.currency)}
              </span>
              <span className="payment-badges">
                <span className={`badge ${p.kind === 'refund' ? 'badge-delivered' : 'badge-open'}`}>
                  {p.kind === 'refund' ? 'Refund' : 'Payment'}
                </span>
                <span className="badge badge-locked">
                  {p.source === 'stripe' ? 'Stripe' : 'Offline'}
                </span>
                <span className={`badge ${flagged ? 'badge-danger' : 'badge-paid'}`}>
                  {flagged ? 'Flagged' : 'Credited'}
                </span>
              </span>
            </div>
            <p>{describe(p)}</p>
            {flagged ? (
              <div className="flag-note">
                <WarningIcon />
                <div>
                  <p>
                    <strong>Not counted: this Stripe payment did not match what was asked.</strong>{' '}
                    Reason: {flagReasons.get(p.id) ?? 'not recorded'}.
                  </p>
                  <p>
                    It unlocked nothing and has no receipt. Check it in your Stripe Dashboard, then
                    refund it there or record what you accept by hand.
                  </p>
                </div>
              </div>
            ) : null}
          </li>
        );
      })}
    </ul>
  );
}
