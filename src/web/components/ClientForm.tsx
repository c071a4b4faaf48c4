import { useState, type FormEvent } from 'react';
import { TextField } from './Field';
import { ErrorBanner } from './Notice';
import { useFormErrors } from '../hooks';

export interface ClientFields {
  name: string;
  email: string;
  company: string;
}

/** Name, email and company of a client; used to create and to edit. */
export function ClientForm(props: {
  initial?: ClientFields;
  submitLabel: string;
  onSubmit: (fields: ClientFields) => Promise<void>;
  onCancel?: () => void;
  idPrefix: string;
}) {
  const [fields, setFields] = useState<ClientFields>(
    props.initial ?? { name: '', email: '', company: '' },
  );
  const [busy, setBusy] = useState(false);
  const errors = useFormErrors();

  async function submit(event: FormEvent) {
    event.preventDefault();
    errors.clear();
    setBusy(true);
    try {
      await props.onSubmit({
        name: fields.name.trim(),
        email: fields.email.trim(),
        company: fields.company.trim(),
      });
      if (!props.initial) setFields({ name: '', email: '', company: '' });
    } catch (err) {
      errors.show(err, ['name', 'email', 'company']);
    } finally {
      setBusy(false);
    }
  }

  return (
    <form onSubmit={(e) => void submit(e)} className="stack">
      <ErrorBanner message={errors.banner} />
      <div className="grid-3">
        <TextField
          id={`${props.idPrefix}-name`}
          label="Name"
          required
          autoComplete="off"
          value={fields.name}
          onChange={(e) => setFields({ ...fields, name: e.target.value })}
          error={errors.fields.name}
        />
        <TextField
          id={`${props.idPrefix}-email`}
          label="Email"
          type="email"
          required
          autoComplete="off"
          value={fields.email}
          onChange={(e) => setFields({ ...fields, email: e.target.value })}
          error={errors.fields.email}
        />
        <TextField
          id={`${props.idPrefix}-company`}
          label="Company (optional)"
          autoComplete="off"
          value={fields.company}
          onChange={(e) => setFields({ ...fields, company: e.target.value })}
          error={errors.fields.company}
        />
      </div>
      <div className="actions">
        <button type="submit" disabled={busy}>
          {busy ? 'Saving…' : props.submitLabel}
        </button>
        {props.onCancel ? (
          <button type="button" className="button-secondary" onClick={props.onCancel}>
            Cancel
          </button>
        ) : null}
      </div>
    </form>
  );
}
