import { AmountField } from './AmountField';
import { TextArea, TextField } from './Field';
import { formatMoney } from '../format';
import type { AmountMode } from '../plan';

export interface BuilderRow {
  key: number;
  title: string;
  deliverables: string;
  dueDate: string;
  amount: string;
  percent: string;
}

/** One milestone in the project builder: what, when, and how much. */
export function BuilderMilestone(props: {
  index: number;
  row: BuilderRow;
  mode: AmountMode;
  currency: string;
  currencyValid: boolean;
  allocated: number | null;
  errors: Record<string, string>;
  canRemove: boolean;
  onChange: (row: BuilderRow) => void;
  onRemove: () => void;
}) {
  const { index, row, mode, errors } = props;
  const n = index + 1;
  const field = (name: string) => errors[`milestones.${index}.${name}`];
  const set = (patch: Partial<BuilderRow>) => props.onChange({ ...row, ...patch });
  return (
    <li className="card milestone-editor">
      <fieldset>
        <legend>Milestone {n}</legend>
        <div className="grid-2">
          <TextField
            id={`m${row.key}-title`}
            label="Title"
            required
            maxLength={200}
            value={row.title}
            onChange={(e) => set({ title: e.target.value })}
            error={field('title')}
          />
          <TextField
            id={`m${row.key}-due`}
            label="Due date"
            type="date"
            required
            value={row.dueDate}
            onChange={(e) => set({ dueDate: e.target.value })}
            error={field('dueDate')}
          />
        </div>
        <TextArea
          id={`m${row.key}-deliverables`}
          label="Deliverables"
          hint="What the client receives at this step."
          rows={3}
          value={row.deliverables}
          onChange={(e) => set({ deliverables: e.target.value })}
          error={field('deliverables')}
        />
        <div className="grid-2 align-end">
          {mode === 'percent' ? (
            <TextField
              id={`m${row.key}-percent`}
              label="Share of the total (%)"
              inputMode="decimal"
              value={row.percent}
              onChange={(e) => set({ percent: e.target.value })}
              error={field('percent')}
            />
          ) : (
            <AmountField
              id={`m${row.key}-amount`}
              label={`Amount${props.currencyValid ? ` (${props.currency})` : ''}`}
              currency={props.currency}
              value={row.amount}
              onValue={(amount) => set({ amount })}
              error={field('amountMinor')}
            />
          )}
          <p className="allocated">
            {mode === 'percent' ? 'Allocated: ' : 'Amount: '}
            <strong>
              {props.allocated !== null && props.currencyValid
                ? formatMoney(props.allocated, props.currency)
                : '—'}
            </strong>
          </p>
        </div>
        <div className="actions">
          <button
            type="button"
            className="button-secondary"
            disabled={!props.canRemove}
            onClick={props.onRemove}
          >
            Remove milestone {n}
          </button>
        </div>
      </fieldset>
    </li>
  );
}
