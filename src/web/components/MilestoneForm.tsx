import { useState, type FormEvent } from 'react';
import { AmountField } from './AmountField';
import { TextArea, TextField } from './Field';
import { userLocale } from '../locale';
import { readPositiveAmount } from '../money-input';
import { ErrorBanner } from './Notice';
import { useFormErrors } from '../hooks';
import { useT } from '../i18n';
import { useFormat } from '../i18n/format';
import { useFreelancerToday } from '../auth';
import { dueWarningAmong, dueWarningText } from './DueDateWarning';

export interface MilestoneFields {
  title: string;
  deliverables: string;
  dueDate: string;
  amountMinor: number;
  /** A deposit: payable as soon as it opens, with nothing to deliver. */
  isDeposit: boolean;
}

/** Title, deliverables, due date and amount of one milestone: to add one, or to edit one. */
export function MilestoneForm(props: {
  idPrefix: string;
  currency: string;
  initial: {
    title: string;
    deliverables: string;
    dueDate: string;
    amount: string;
    isDeposit: boolean;
  };
  submitLabel: string;
  /** Where the milestone sits among the project's others, to warn of a due date out of order. */
  dueContext?: { position: number; others: readonly { position: number; dueDate: string }[] };
  onSubmit: (fields: MilestoneFields) => Promise<void>;
  onCancel: () => void;
}) {
  const [values, setValues] = useState(props.initial);
  const [busy, setBusy] = useState(false);
  const errors = useFormErrors();
  const t = useT();
  const f = useFormat();
  const today = useFreelancerToday();
  const due = props.dueContext
    ? dueWarningAmong(
        { position: props.dueContext.position, dueDate: values.dueDate },
        props.dueContext.others,
        today,
      )
    : null;
  const dueWarning = due ? dueWarningText(due.warning, due.positionAt, t, f) : undefined;
  const id = (name: string) => `${props.idPrefix}-${name}`;

  async function submit(event: FormEvent) {
    event.preventDefault();
    errors.clear();
    const read = readPositiveAmount(
      values.amount,
      userLocale(),
      props.currency,
      t('project.milestone.worthNothing'),
      t,
    );
    if ('error' in read) {
      errors.setField('amountMinor', read.error);
      return;
    }
    const { amountMinor } = read;
    setBusy(true);
    try {
      await props.onSubmit({
        title: values.title.trim(),
        deliverables: values.deliverables,
        dueDate: values.dueDate,
        amountMinor,
        isDeposit: values.isDeposit,
      });
    } catch (err) {
      errors.show(err, ['title', 'deliverables', 'dueDate', 'amountMinor']);
    } finally {
      setBusy(false);
    }
  }

  return (
    <form onSubmit={(e) => void submit(e)} className="stack">
      <ErrorBanner message={errors.banner} />
      <div className="grid-2">
        <TextField
          id={id('title')}
          label={t('project.milestone.title')}
          required
          value={values.title}
          onChange={(e) => setValues({ ...values, title: e.target.value })}
          error={errors.fields.title}
        />
        <TextField
          id={id('due')}
          label={t('project.milestone.dueDate')}
          type="date"
          required
          value={values.dueDate}
          onChange={(e) => setValues({ ...values, dueDate: e.target.value })}
          error={errors.fields.dueDate}
          warning={dueWarning}
        />
      </div>
      <TextArea
        id={id('deliverables')}
        label={t('project.milestone.deliverables')}
        rows={3}
        value={values.deliverables}
        onChange={(e) => setValues({ ...values, deliverables: e.target.value })}
        error={errors.fields.deliverables}
      />
      <AmountField
        id={id('amount')}
        label={t('project.milestone.amountIn', { currency: props.currency })}
        currency={props.currency}
        required
        value={values.amount}
        onValue={(amount) => setValues({ ...values, amount })}
        error={errors.fields.amountMinor}
      />
      <label className="checkbox">
        <input
          type="checkbox"
          id={id('deposit')}
          checked={values.isDeposit}
          onChange={(e) => setValues({ ...values, isDeposit: e.target.checked })}
        />
        {t('project.milestone.depositLabel')}
      </label>
      <div className="actions">
        <button type="submit" disabled={busy}>
          {busy ? t('common.saving') : props.submitLabel}
        </button>
        <button type="button" className="button-secondary" onClick={props.onCancel}>
          {t('common.cancel')}
        </button>
      </div>
    </form>
  );
}
