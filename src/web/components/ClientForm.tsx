import { useState, type FormEvent } from 'react';
import { SelectField, TextField } from './Field';
import { ErrorBanner } from './Notice';
import { useFormErrors } from '../hooks';
import { SUPPORTED_LOCALES, useLocale, useT, type Locale } from '../i18n';

export interface ClientFields {
  name: string;
  email: string;
  company: string;
  /** The language of the client's emails, portal and receipts. */
  locale: Locale;
}

function isSupported(value: string): value is Locale {
  return (SUPPORTED_LOCALES as readonly string[]).includes(value);
}

/** Name, email and company of a client; used to create and to edit. */
export function ClientForm(props: {
  initial?: ClientFields;
  submitLabel: string;
  onSubmit: (fields: ClientFields) => Promise<void>;
  onCancel?: () => void;
  idPrefix: string;
}) {
  const t = useT();
  // A new client starts in the freelancer's own language.
  const { locale } = useLocale();
  const blank: ClientFields = { name: '', email: '', company: '', locale };
  const [fields, setFields] = useState<ClientFields>(props.initial ?? blank);
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
        locale: fields.locale,
      });
      if (!props.initial) setFields(blank);
    } catch (err) {
      errors.show(err, ['name', 'email', 'company', 'locale']);
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
          label={t('clients.form.name')}
          required
          autoComplete="off"
          value={fields.name}
          onChange={(e) => setFields({ ...fields, name: e.target.value })}
          error={errors.fields.name}
        />
        <TextField
          id={`${props.idPrefix}-email`}
          label={t('clients.form.email')}
          type="email"
          required
          autoComplete="off"
          value={fields.email}
          onChange={(e) => setFields({ ...fields, email: e.target.value })}
          error={errors.fields.email}
        />
        <TextField
          id={`${props.idPrefix}-company`}
          label={t('clients.form.company')}
          autoComplete="off"
          value={fields.company}
          onChange={(e) => setFields({ ...fields, company: e.target.value })}
          error={errors.fields.company}
        />
      </div>
      <SelectField
        id={`${props.idPrefix}-locale`}
        label={t('clients.form.locale')}
        hint={t('clients.form.locale.hint')}
        value={fields.locale}
        onChange={(e) => {
          if (isSupported(e.target.value)) setFields({ ...fields, locale: e.target.value });
        }}
        error={errors.fields.locale}
      >
        {SUPPORTED_LOCALES.map((code) => (
          <option key={code} value={code} lang={code}>
            {code === 'de' ? t('common.language.de') : t('common.language.en')}
          </option>
        ))}
      </SelectField>
      <div className="actions">
        <button type="submit" disabled={busy}>
          {busy ? t('common.saving') : props.submitLabel}
        </button>
        {props.onCancel ? (
          <button type="button" className="button-secondary" onClick={props.onCancel}>
            {t('common.cancel')}
          </button>
        ) : null}
      </div>
    </form>
  );
}
