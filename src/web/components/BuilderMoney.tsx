import { MILESTONE_TEMPLATES } from '../../domain/allocation';
import { AmountField } from './AmountField';
import type { AmountMode } from '../plan';

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
  return (
    <section className="card stack" aria-labelledby="money-heading">
      <h2 id="money-heading">Money</h2>
      <fieldset className="subtle">
        <legend>Set milestone amounts as</legend>
        <div className="radio-row">
          <label className="checkbox">
            <input
              type="radio"
              name="mode"
              value="percent"
              checked={mode === 'percent'}
              onChange={() => props.onMode('percent')}
            />
            Percentages of a total
          </label>
          <label className="checkbox">
            <input
              type="radio"
              name="mode"
              value="amount"
              checked={mode === 'amount'}
              onChange={() => props.onMode('amount')}
            />
            Fixed amounts
          </label>
        </div>
      </fieldset>
      <AmountField
        label={`Project total${props.currencyValid ? ` (${props.currency})` : ''}${mode === 'amount' ? ' (optional)' : ''}`}
        hint={
          mode === 'amount'
            ? 'Leave empty to use the sum of the milestones.'
            : 'Split across the milestones by their percentages, to the last cent.'
        }
        currency={props.currency}
        value={props.total}
        onValue={props.onTotal}
        error={props.totalError}
      />
      <div>
        <p className="label-like" id="templates-label">
          Templates (fill the percentages)
        </p>
        <div className="actions" role="group" aria-labelledby="templates-label">
          {Object.entries(MILESTONE_TEMPLATES).map(([name, percentages]) => (
            <button
              key={name}
              type="button"
              className="button-secondary"
              onClick={() => props.onTemplate(percentages)}
            >
              {name}
            </button>
          ))}
        </div>
      </div>
    </section>
  );
}
