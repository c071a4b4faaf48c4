import { AmountField } from './AmountField';
import { TextArea, TextField } from './Field';
import { useT } from '../i18n';
import { useFormat } from '../i18n/format';
import type { AmountMode } from '../plan';

export interface BuilderRow {
  key: number;
  title: string;
  deliverables: string;
  dueDate: string;
  amount: string;
  percent: string;
  /** A deposit: payable as soon as it opens, with nothing to deliver. */
  isDeposit: boolean;
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
  /** A caution about the due date (past, out of order), or null. */
  dueWarning?: string | null;
  onChange: (row: BuilderRow) => void;
  onRemove: () => void;
}) {
  const { index, row, mode, errors } = props;
  const t = useT();
  const f = useFormat();
  const n = index + 1;
  const field = (name: string) => errors[`milestones.${index}.${name}`];
  const set = (patch: Partial<BuilderRow>) => props.onChange({ ...row, ...patch });
  return (
    <li className="card milestone-editor">
      <fieldset>
        <legend>{t('builder.row.legend', { n })}</legend>
        <div className="grid-2">
          <TextField
            id={`m${row.key}-title`}
            label={t('project.milestone.title')}
            required
            maxLength={200}
            value={row.title}
            onChange={(e) => set({ title: e.target.value })}
            error={field('title')}
          />
          <TextField
            id={`m${row.key}-due`}
            label={t('project.milestone.dueDate')}
            type="date"
            required
            value={row.dueDate}
            onChange={(e) => set({ dueDate: e.target.value })}
            error={field('dueDate')}
            warning={props.dueWarning ?? null}
          />
        </div>
        <TextArea
          id={`m${row.key}-deliverables`}
          label={t('project.milestone.deliverables')}
          hint={t('builder.row.deliverablesHint')}
          rows={3}
          value={row.deliverables}
          onChange={(e) => set({ deliverables: e.target.value })}
          error={field('deliverables')}
        />
        <div className="grid-2 align-end">
          {mode === 'percent' ? (
            <TextField
              id={`m${row.key}-percent`}
              label={t('builder.row.share')}
              inputMode="decimal"
              value={row.percent}
              onChange={(e) => set({ percent: e.target.value })}
              error={field('percent')}
            />
          ) : (
            <AmountField
              id={`m${row.key}-amount`}
              label={
                props.currencyValid
                  ? t('project.milestone.amountIn', { currency: props.currency })
                  : t('project.milestone.amount')
              }
              currency={props.currency}
              value={row.amount}
              onValue={(amount) => set({ amount })}
              error={field('amountMinor')}
            />
          )}
          <p className="allocated">
            {mode === 'percent' ? t('builder.row.allocated') : t('builder.row.amount')}
            <strong>
              {props.allocated !== null && props.currencyValid
                ? f.money(props.allocated, props.currency)
                : '—'}
            </strong>
          </p>
        </div>
        <label className="checkbox">
          <input
            type="checkbox"
            id={`m${row.key}-deposit`}
            checked={row.isDeposit}
            onChange={(e) => set({ isDeposit: e.target.checked })}
          />
          {t('project.milestone.depositLabel')}
        </label>
        <div className="actions">
          <button
            type="button"
            className="button-secondary"
            disabled={!props.canRemove}
            onClick={props.onRemove}
          >
            {t('builder.row.remove', { n })}
          </button>
        </div>
      </fieldset>
    </li>
  );
}
