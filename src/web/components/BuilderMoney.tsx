import { MILESTONE_TEMPLATES } from '../../domain/allocation';
import { AmountField } from './AmountField';
import type { AmountMode } from '../plan';
import { useT, type Translate } from '../i18n';

/** The templates' names, by their percentages (MILESTONE_TEMPLATES keeps English keys). */
function templateName(percentages: readonly number[], fallback: string, t: Translate): string {
  switch (percentages.join('/')) {
    case '100':
      return t('builder.template.single');
    case '50/50':
      return t('builder.template.half');
    case '30/40/30':
      return t('builder.template.three');
    case '15/25/30/20/10':
      return t('builder.template.five');
    default:
      return fallback;
  }
}

/** How amounts are given (percentages of a total, or fixed), the total, and the templates. */
export function BuilderMoney(props: {
  mode: AmountMode;
  total: string;
  currency: string;
  currencyValid: boolean;
  totalError: string | undefined;
  onMode: (mode: AmountMode) => void;
  onTotal: (total: string) => void;
  onTemplate: (percentages: readonly number[]) => void;
}) {
  const { mode } = props;
  const t = useT();
  const totalLabel = props.currencyValid
    ? mode === 'amount'
      ? t('builder.money.totalWithCurrencyOptional', { currency: props.currency })
      : t('builder.money.totalWithCurrency', { currency: props.currency })
    : mode === 'amount'
      ? t('builder.money.totalOptional')
      : t('builder.money.total');
  return (
    <section className="card stack" aria-labelledby="money-heading">
      <h2 id="money-heading">{t('builder.money.heading')}</h2>
      <fieldset className="subtle">
        <legend>{t('builder.money.modeLegend')}</legend>
        <div className="radio-row">
          <label className="checkbox">
            <input
              type="radio"
              name="mode"
              value="percent"
              checked={mode === 'percent'}
              onChange={() => props.onMode('percent')}
            />
            {t('builder.money.percent')}
          </label>
          <label className="checkbox">
            <input
              type="radio"
              name="mode"
              value="amount"
              checked={mode === 'amount'}
              onChange={() => props.onMode('amount')}
            />
            {t('builder.money.fixed')}
          </label>
        </div>
      </fieldset>
      <AmountField
        label={totalLabel}
        hint={
          mode === 'amount'
            ? t('builder.money.total.hintFixed')
            : t('builder.money.total.hintPercent')
        }
        currency={props.currency}
        value={props.total}
        onValue={props.onTotal}
        error={props.totalError}
      />
      <div>
        <p className="label-like" id="templates-label">
          {t('builder.money.templates')}
        </p>
        <div className="actions" role="group" aria-labelledby="templates-label">
          {Object.entries(MILESTONE_TEMPLATES).map(([name, percentages]) => (
            <button
              key={name}
              type="button"
              className="button-secondary"
              onClick={() => props.onTemplate(percentages)}
            >
              {templateName(percentages, name, t)}
            </button>
          ))}
        </div>
      </div>
    </section>
  );
}
