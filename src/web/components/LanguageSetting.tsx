import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api } from '../api';
import { useAuth } from '../auth';
import { SelectField } from './Field';
import { ErrorBanner, SuccessNote } from './Notice';
import { toApiError } from '../hooks';
import { SUPPORTED_LOCALES, useLocale, useT, type Locale } from '../i18n';
import { keys, queries } from '../queries';

function isSupported(value: string): value is Locale {
  return (SUPPORTED_LOCALES as readonly string[]).includes(value);
}

/**
 * The language of the app, the freelancer's mail and their receipts: saved to the account at once
 * and applied to the page without a reload.
 */
export function LanguageSetting() {
  const t = useT();
  const auth = useAuth();
  const queryClient = useQueryClient();
  const profile = useQuery(queries.profile());
  const { locale, setLocale } = useLocale();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [saved, setSaved] = useState(false);

  async function choose(next: Locale) {
    const current = profile.data;
    if (!current) return;
    setBusy(true);
    setError(null);
    setSaved(false);
    try {
      // The rest of the profile as saved (not the form's unsaved edits): only the language changes.
      const answer = await api.putSettings({
        name: current.name,
        businessName: current.businessName,
        paymentInstructions: current.paymentInstructions,
        locale: next,
      });
      queryClient.setQueryData(keys.profile(), answer);
      await setLocale(answer.locale);
      if (auth.state.status === 'in')
        auth.signedIn({ ...auth.state.user, locale: answer.locale }, auth.state.limits);
      setSaved(true);
    } catch (err) {
      setError(toApiError(err).message);
    } finally {
      setBusy(false);
    }
  }

  return (
    <section className="card stack" aria-labelledby="language-heading">
      <h2 id="language-heading">{t('settings.language.heading')}</h2>
      <ErrorBanner message={error} />
      <SelectField
        label={t('common.language')}
        hint={t('settings.language.hint')}
        value={locale}
        disabled={busy || !profile.data}
        onChange={(e) => {
          if (isSupported(e.target.value)) void choose(e.target.value);
        }}
      >
        {SUPPORTED_LOCALES.map((code) => (
          <option key={code} value={code} lang={code}>
            {code === 'de' ? t('common.language.de') : t('common.language.en')}
          </option>
        ))}
      </SelectField>
      <SuccessNote>{saved ? t('settings.language.saved') : null}</SuccessNote>
    </section>
  );
}
