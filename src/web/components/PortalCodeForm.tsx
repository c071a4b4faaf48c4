import { useState, type FormEvent } from 'react';
import { portalApi } from '../api';
import { TextField } from './Field';
import { ErrorBanner } from './Notice';
import { normaliseAccessCode } from '../format';
import { toApiError } from '../hooks';

/** The client types the access code the freelancer sent; case and dashes do not matter. */
export function PortalCodeForm({
  onOpened,
  notice,
}: {
  onOpened: () => Promise<void>;
  notice: string | null;
}) {
  const [code, setCode] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [fieldError, setFieldError] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setError(null);
    setFieldError(undefined);
    const normalised = normaliseAccessCode(code);
    if (normalised.replace(/-/g, '').length !== 12) {
      setFieldError('An access code has 12 letters and digits, like K7QM-2XPD-9RTA.');
      return;
    }
    setBusy(true);
    try {
      await portalApi.open({ code: normalised });
      await onOpened();
    } catch (err) {
      const e = toApiError(err);
      if (e.code === 'INVALID_ACCESS')
        setFieldError('This code does not open a project. Check it, or ask for a new one.');
      else setError(e.message);
    } finally {
      setBusy(false);
    }
  }

  return (
    <section className="card" aria-labelledby="code-heading">
      <h1 id="code-heading">Open your project</h1>
      <p className="lead">
        Enter the access code you received from your freelancer. You do not need an account.
      </p>
      <ErrorBanner message={error ?? notice} />
      <form onSubmit={(e) => void submit(e)} className="stack">
        <TextField
          label="Access code"
          hint={
            <>
              12 letters and digits, for example <span className="nowrap">K7QM-2XPD-9RTA</span>.
              Dashes and capitals are optional.
            </>
          }
          className="code-field"
          autoComplete="off"
          autoCapitalize="characters"
          spellCheck={false}
          required
          value={code}
          onChange={(e) => setCode(e.target.value)}
          error={fieldError}
        />
        <button type="submit" disabled={busy}>
          {busy ? 'Opening…' : 'Open project'}
        </button>
      </form>
    </section>
  );
}
