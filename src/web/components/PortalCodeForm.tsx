import { useState, type FormEvent } from 'react';
import { portalApi } from '../api';
import { TextField } from './Field';
import { ErrorBanner } from './Notice';
import { normaliseAccessCode } from '../format';
import { toApiError } from '../hooks';
import { T, useT } from '../i18n';

/** The client types the access code the freelancer sent; case and dashes do not matter. */
export function PortalCodeForm({
  onOpened,
  notice,
}: {
  onOpened: () => Promise<void>;
  notice: string | null;
}) {
  const t = useT();
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
      setFieldError(t('portal.code.tooShort'));
      return;
    }
    setBusy(true);
    try {
      await portalApi.open({ code: normalised });
      await onOpened();
    } catch (err) {
      const e = toApiError(err);
      if (e.code === 'INVALID_ACCESS') setFieldError(t('portal.code.invalid'));
      else setError(e.message);
    } finally {
      setBusy(false);
    }
  }

  return (
    <section className="card" aria-labelledby="code-heading">
      <h1 id="code-heading">{t('portal.page.title')}</h1>
      <p className="lead">{t('portal.code.lead')}</p>
      <ErrorBanner message={error ?? notice} />
      <form onSubmit={(e) => void submit(e)} className="stack">
        <TextField
          label={t('portal.code.label')}
          hint={
            <T
              id="portal.code.hint"
              values={{
                example: <span className="nowrap">K7QM-2XPD-9RTA</span>,
              }}
            />
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
          {busy ? t('portal.code.opening') : t('portal.code.submit')}
        </button>
      </form>
    </section>
  );
}
