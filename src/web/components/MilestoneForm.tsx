import { useState, type FormEvent } from 'react';
import { parseMoney } from '../../domain/money';
import { TextArea, TextField } from './Field';
import { ErrorBanner } from './Notice';
import { useFormErrors } from '../hooks';

export interface MilestoneFields {
  title: string;
  deliverables: string;
  dueDate: string;
  amountMinor: number;
}

/** Title, deliverables, due date and amount of one milestone: to add one, or to edit one. */
export function MilestoneForm(props: {
  idPrefix: string;
  currency: string;
  initial: { title: string; deliverables: string; dueDate: string; amount: string };
  submitLabel: string;
  onSubmit: (fields: MilestoneFields) => Promise<void>;
  onCancel: () => void;
}) {
  const [values, setValues] = useState(props.initial);
  const [busy, setBusy] = useState(false);
  const errors = useFormErrors();
  const id = (name: string) => `${props.idPrefix}-${name}`;

  async function submit(event: FormEvent) {
    event.preventDefault();
    errors.clear();
    let amountMinor: number;
    try {
      amountMinor = parseMoney(values.amount, props.currency);
      if (amountMinor < 1) throw new Error('A milestone must be worth more than nothing.');
    } catch (err) {
      errors.setField('amountMinor', err instanceof Error ? err.message : 'Not an amount');
      return;
    }
    setBusy(true);
    try {
      await props.onSubmit({
        title: values.title.trim(),
        deliverables: values.deliverables,
        dueDate: values.dueDate,
        amountMinor,
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
          label="Title"
          required
          value={values.title}
          onChange={(e) => setValues({ ...values, title: e.target.value })}
          error={errors.fields.title}
        />
        <TextField
          id={id('due')}
          label="Due date"
          type="date"
          required
          value={values.dueDate}
          onChange={(e) => setValues({ ...values, dueDate: e.target.value })}
          error={errors.fields.dueDate}
        />
      </div>
      <TextArea
        id={id('deliverables')}
        label="Deliverables"
        rows={3}
        value={values.deliverables}
        onChange={(e) => setValues({ ...values, deliverables: e.target.value })}
        error={errors.fields.deliverables}
      />
      <TextField
        id={id('amount')}
        label={`Amount (${props.currency})`}
        inputMode="decimal"
        required
        value={values.amount}
        onChange={(e) => setValues({ ...values, amount: e.target.value })}
        error={errors.fields.amountMinor}
      />
      <div className="actions">
        <button type="submit" disabled={busy}>
          {busy ? 'Saving…' : props.submitLabel}
        </button>
        <button type="button" className="button-secondary" onClick={props.onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}
