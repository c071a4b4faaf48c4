import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { api } from '../api';
import { useAuth } from '../auth';
import { SelectField, TextArea, TextField } from '../components/Field';
import { ErrorBanner, Loading, SuccessNote } from '../components/Notice';
import { LanguageSetting } from '../components/LanguageSetting';
import { NotificationSettings } from '../notify/NotificationSettings';
import { BrandingSettings } from '../components/BrandingSettings';
import { TaxSettings } from '../components/TaxSettings';
import { ContractTermsSettings } from '../contract/ContractTermsSettings';
import { MailSection, PaymentsSection } from '../components/PaymentSettings';
import { toApiError, useFormErrors, useTitle } from '../hooks';
import { useT } from '../i18n';
import { keys, queries } from '../queries';
import { browserTimeZone, timeZoneChoices } from '../locale';
import { useNavigate } from 'react-router';
import type { Settings } from '../types';

export function SettingsPage() {
  const t = useT();
  useTitle(t('settings.title'));
  const { state } = useAuth();
  const queryClient = useQueryClient();
  const loaded = useQuery(queries.profile());
  const payments = useQuery(queries.paymentSettings());
  const paymentView = payments.data;
  return (
    <>
      <h1>{t('settings.title')}</h1>
      <ErrorBanner message={loaded.error?.message} />
      {loaded.data ? (
        <ProfileForm initial={loaded.data} />
      ) : (
        <Loading what={t('settings.loading.profile')} />
      )}
      <BrandingSettings />
      <TaxSettings />
      <ContractTermsSettings />
      <LanguageSetting />
      <ErrorBanner message={payments.error?.message} />
      {paymentView && state.status === 'in' ? (
        <>
          <PaymentsSection
            settings={paymentView}
            userId={state.user.id}
            onChanged={(next) => queryClient.setQueryData(keys.paymentSettings(), next)}
          />
          <MailSection settings={paymentView} />
        </>
      ) : payments.isPending ? (
        <Loading what={t('settings.loading.payments')} />
      ) : null}
      <NotificationSettings />
      <PasswordForm />
      <LogOut />
    </>
  );
}

function ProfileForm({ initial }: { initial: Settings }) {
  const t = useT();
  const auth = useAuth();
  const queryClient = useQueryClient();
  const [values, setValues] = useState<Settings>(initial);
  const [saved, setSaved] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const errors = useFormErrors();

  async function submit(event: FormEvent) {
    event.preventDefault();
    errors.clear();
    setSaved(null);
    setBusy(true);
    try {
      // The language is chosen (and saved) on its own, above: left out here, it stays.
      const next = await api.putSettings({
        name: values.name,
        businessName: values.businessName,
        paymentInstructions: values.paymentInstructions,
        timeZone: values.timeZone,
      });
      // A save answers with the new settings: shown at once, without asking again.
      queryClient.setQueryData(keys.profile(), next);
      setValues(next);
      // The session's copy of the user decides "today" in the payment forms.
      if (auth.state.status === 'in')
        auth.signedIn({ ...auth.state.user, ...next }, auth.state.limits);
      setSaved(t('settings.profile.saved'));
    } catch (err) {
      errors.show(err, ['name', 'businessName', 'paymentInstructions', 'timeZone']);
    } finally {
      setBusy(false);
    }
  }

  return (
    <section className="card" aria-labelledby="profile-heading">
      <h2 id="profile-heading">{t('settings.profile.heading')}</h2>
      <form onSubmit={(e) => void submit(e)} className="stack">
        <ErrorBanner message={errors.banner} />
        <div className="grid-2">
          <TextField
            label={t('settings.profile.name')}
            required
            autoComplete="name"
            value={values.name}
            onChange={(e) => setValues({ ...values, name: e.target.value })}
            error={errors.fields.name}
          />
          <TextField
            label={t('settings.profile.businessName')}
            autoComplete="organization"
            value={values.businessName}
            onChange={(e) => setValues({ ...values, businessName: e.target.value })}
            error={errors.fields.businessName}
          />
        </div>
        <SelectField
          label={t('settings.profile.timeZone')}
          hint={t('settings.profile.timeZone.hint', { zone: browserTimeZone() })}
          value={values.timeZone}
          onChange={(e) => setValues({ ...values, timeZone: e.target.value })}
          error={errors.fields.timeZone}
        >
          {timeZoneChoices(values.timeZone).map((zone) => (
            <option key={zone} value={zone}>
              {zone.replace(/_/g, ' ')}
            </option>
          ))}
        </SelectField>
        <TextArea
          label={t('settings.profile.paymentInstructions')}
          hint={t('settings.profile.paymentInstructions.hint')}
          rows={5}
          value={values.paymentInstructions}
          onChange={(e) => setValues({ ...values, paymentInstructions: e.target.value })}
          error={errors.fields.paymentInstructions}
        />
        <div className="actions">
          <button type="submit" disabled={busy}>
            {busy ? t('common.saving') : t('settings.profile.save')}
          </button>
        </div>
        <SuccessNote>{saved}</SuccessNote>
      </form>
    </section>
  );
}

function PasswordForm() {
  const t = useT();
  const [currentPassword, setCurrent] = useState('');
  const [newPassword, setNew] = useState('');
  const [saved, setSaved] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const errors = useFormErrors();

  async function submit(event: FormEvent) {
    event.preventDefault();
    errors.clear();
    setSaved(null);
    if (newPassword.length < 10) {
      errors.setField('newPassword', t('settings.password.tooShort'));
      return;
    }
    setBusy(true);
    try {
      await api.changePassword({ currentPassword, newPassword });
      setCurrent('');
      setNew('');
      setSaved(t('settings.password.changed'));
    } catch (err) {
      errors.show(err, ['currentPassword', 'newPassword']);
    } finally {
      setBusy(false);
    }
  }

  return (
    <section className="card" aria-labelledby="password-heading">
      <h2 id="password-heading">{t('settings.password.heading')}</h2>
      <form onSubmit={(e) => void submit(e)} className="stack">
        <ErrorBanner message={errors.banner} />
        <div className="grid-2">
          <TextField
            label={t('settings.password.current')}
            type="password"
            autoComplete="current-password"
            required
            value={currentPassword}
            onChange={(e) => setCurrent(e.target.value)}
            error={errors.fields.currentPassword}
          />
          <TextField
            label={t('settings.password.new')}
            type="password"
            autoComplete="new-password"
            hint={t('settings.password.new.hint')}
            required
            maxLength={200}
            value={newPassword}
            onChange={(e) => setNew(e.target.value)}
            error={errors.fields.newPassword}
          />
        </div>
        <div className="actions">
          <button type="submit" disabled={busy}>
            {busy ? t('settings.password.changing') : t('settings.password.submit')}
          </button>
        </div>
        <SuccessNote>{saved}</SuccessNote>
      </form>
    </section>
  );
}

function LogOut() {
  const t = useT();
  const navigate = useNavigate();
  const { signedOut } = useAuth();
  const [error, setError] = useState<string | null>(null);

  async function logOut() {
    setError(null);
    try {
      await api.logout();
      signedOut();
      void navigate('/login', { replace: true });
    } catch (err) {
      setError(toApiError(err).message);
    }
  }

  return (
    <section className="card" aria-labelledby="logout-heading">
      <h2 id="logout-heading">{t('settings.logout.heading')}</h2>
      <ErrorBanner message={error} />
      <p className="muted">{t('settings.logout.explain')}</p>
      <button type="button" className="button-secondary" onClick={() => void logOut()}>
        {t('settings.logout.submit')}
      </button>
    </section>
  );
}
