import { findIban, groupIban } from '../../domain/iban';
import { useT } from '../i18n';
import { useFormat } from '../i18n/format';
import type { Milestone } from '../types';
import { CopyButton } from './CopyButton';
import { ErrorBanner } from './Notice';

/**
 * How to pay a delivered milestone: by card on Stripe's page when it is set up, or by transfer
 * with the payment reference and the IBAN (found in the freelancer's instructions) each a copy
 * button away.
 */
export function PortalPayBox({
  milestone: m,
  currency,
  payee,
  instructions,
  canPayByCard,
  paying,
  confirming,
  payError,
  onPay,
}: {
  milestone: Milestone;
  currency: string;
  payee: string;
  instructions: string | null;
  canPayByCard: boolean;
  /** Which milestone's payment page is being opened, if any. */
  paying: string | null;
  /** Back from Stripe: this one may be paid already, waiting for Stripe's word. */
  confirming: boolean;
  payError: string | null;
  onPay: () => void;
}) {
  const t = useT();
  const f = useFormat();
  const outstanding = f.money(m.outstandingMinor, currency);
  const iban = instructions ? findIban(instructions) : null;
  return (
    <div className="pay-box stack">
      <h4 id={`pay-${m.id}`} tabIndex={-1}>
        {t('portal.pay.due', { amount: outstanding })}
      </h4>
      {m.receivedMinor > 0 ? (
        <p>
          {t('portal.pay.partly', {
            received: f.money(m.receivedMinor, currency),
            total: f.money(m.amountMinor, currency),
            outstanding,
          })}
        </p>
      ) : null}
      {canPayByCard ? (
        <div className="stack pay-card">
          <div className="actions">
            <button
              type="button"
              className={confirming ? 'button-secondary' : undefined}
              disabled={paying !== null}
              onClick={onPay}
            >
              {paying === m.id
                ? t('portal.pay.opening')
                : t('portal.pay.byCard', { amount: outstanding })}
            </button>
          </div>
          <p className="muted">
            {confirming ? t('portal.pay.alreadyPaid') : t('portal.pay.onStripe', { payee })}
          </p>
          <ErrorBanner message={payError} />
        </div>
      ) : (
        <p id={`pay-note-${m.id}`} tabIndex={-1} className="pay-note">
          {t('portal.pay.noCard')}
        </p>
      )}
      <p className="pay-reference">
        {t('portal.pay.reference')}: <code>{m.paymentReference}</code>{' '}
        <CopyButton text={m.paymentReference} label={t('portal.pay.copyReference')} />
      </p>
      {iban !== null ? (
        <p className="pay-reference pay-iban">
          {t('portal.pay.iban')}: <code data-testid="iban">{groupIban(iban)}</code>{' '}
          <CopyButton text={iban} label={t('portal.pay.copyIban')} />
        </p>
      ) : null}
      {instructions ? (
        <>
          <p>
            {canPayByCard
              ? t('portal.pay.orDirectly', { payee })
              : t('portal.pay.howTo', { payee })}
          </p>
          <p className="instructions">
            <bdi>{instructions}</bdi>
          </p>
        </>
      ) : canPayByCard ? null : (
        <p>{t('portal.pay.askFreelancer')}</p>
      )}
      <p className="muted">{t('portal.pay.nextOpens')}</p>
    </div>
  );
}
