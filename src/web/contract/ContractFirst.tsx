import { useT } from '../i18n';
import { useFormat } from '../i18n/format';
import type { Milestone } from '../types';

/**
 * Where a delivered milestone's pay box would be while the current contract is not accepted:
 * what is due, and the way to the contract. Keeps the pay box's heading id, so mail links that
 * land on a milestone's payment land here.
 */
export function ContractFirst({
  milestone: m,
  currency,
}: {
  milestone: Milestone;
  currency: string;
}) {
  const t = useT();
  const f = useFormat();
  return (
    <div className="pay-box stack" data-testid={`contract-first-${m.id}`}>
      <h4 id={`pay-${m.id}`} tabIndex={-1}>
        {t('portal.pay.due', { amount: f.money(m.outstandingMinor, currency) })}
      </h4>
      <p>{t('portal.contract.beforePaying')}</p>
      <div className="actions">
        <a className="button button-brand" href="#contract-heading">
          {t('portal.contract.review')}
        </a>
      </div>
    </div>
  );
}
