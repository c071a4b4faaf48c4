import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { api } from '../api';
import { useAuth } from '../auth';
import { SelectField, TextArea, TextField } from '../components/Field';
import { ErrorBanner, Loading, SuccessNote } from '../components/Notice';
import { MailSection, PaymentsSection } from '../components/PaymentSettings';
import { toApiError, useFormErrors, useTitle } from '../hooks';
import { keys, queries } from '../queries';
import { browserTimeZone, timeZoneChoices } from '../locale';
import { useNavigate } from 'react-router';
import type { Settings } from '../types';

export function SettingsPage() {
  useTitle('Settings');
  const { state } = useAuth();
  const queryClient = useQueryClient();
  const loaded = useQuery(queries.profile());
  const payments = useQuery(queries.paymentSettings());
  const paymentView = payments.data;
  return (
    <>
      <h1>Settings</h1>
      <ErrorBanner message={loaded.error?.message} />
      {loaded.data ? <ProfileForm initial={loaded.data} /> : <Loading what="your settings" />}
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
        <Loading what="payment settings" />
      ) : null}
      <PasswordForm />
      <LogOut />
    </>
  );
}

function ProfileForm({ initial }: { initial: Settings }) {
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
      const next = await api.putSettings(values);
      // A save answers with the new settings: shown at once, without asking again.
      queryClient.setQueryData(keys.profile(), next);
      setValues(next);
      // The session's copy of the user decides "today" in the payment forms.
      if (auth.state.status === 'in')
        auth.signedIn({ ...auth.state.user, ...next }, auth.state.limits);
      setSaved('Settings saved.');
    } catch (err) {
      errors.show(err, ['name', 'businessName', 'paymentInstructions', 'timeZone']);
    } finally {
      setBusy(false);
    }
  }

  return (
    <section className="card" aria-labelledby="profile-heading">
      <h2 id="profile-heading">You and your business</h2>
      <form onSubmit={(e) => void submit(e)} className="stack">
        <ErrorBanner message={errors.banner} />
        <div className="grid-2">
          <TextField
            label="Your name"
            required
            autoComplete="name"
            value={values.name}
            onChange={(e) => setValues({ ...values, name: e.target.value })}
            error={errors.fields.name}
          />
          <TextField
            label="Business name (optional)"
            autoComplete="organization"
            value={values.businessName}
            onChange={(e) => setValues({ ...values, businessName: e.target.value })}
            error={errors.fields.businessName}
          />
        </div>
        <SelectField
          label="Time zone"
          hint={`Where “today” is for you: a payment cannot be recorded as received after it. This browser is in ${browserTimeZone()}.`}
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
          label="Payment instructions"
          hint="Shown to a client when a milestone is delivered and awaiting payment: bank name, IBAN/account number, reference to use."
          rows={5}
          value={values.paymentInstructions}
          onChange={(e) => setValues({ ...values, paymentInstructions: e.target.value })}
          error={errors.fields.paymentInstructions}
        />
        <div className="actions">
          <button type="submit" disabled={busy}>
            {busy ? 'Saving…' : 'Save settings'}
          </button>
        </div>
        <SuccessNote>{saved}</SuccessNote>
      </form>
    </section>
  );
}

function PasswordForm() {
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
      errors.setField('newPassword', 'Use at least 10 characters.');
      return;
    }
    setBusy(true);
    try {
      await api.changePassword({ currentPassword, newPassword });
      setCurrent('');
      setNew('');
      setSaved('Password changed. Your other sessions were logged out.');
    } catch (err) {
      errors.show(err, ['currentPassword', 'newPassword']);
    } finally {
      setBusy(false);
    }
  }

  return (
    <section className="card" aria-labelledby="password-heading">
      <h2 id="password-heading">Change password</h2>
      <form onSubmit={(e) => void submit(e)} className="stack">
        <ErrorBanner message={errors.banner} />
        <div className="grid-2">
          <TextField
            label="Current password"
            type="password"
            autoComplete="current-password"
            required
            value={currentPassword}
            onChange={(e) => setCurrent(e.target.value)}
            error={errors.fields.currentPassword}
          />
          <TextField
            label="New password"
            type="password"
            autoComplete="new-password"
            hint="At least 10 characters."
            required
            maxLength={200}
            value={newPassword}
            onChange={(e) => setNew(e.target.value)}
            error={errors.fields.newPassword}
          />
        </div>
        <div className="actions">
          <button type="submit" disabled={busy}>
            {busy ? 'Changing…' : 'Change password'}
          </button>
        </div>
        <SuccessNote>{saved}</SuccessNote>
      </form>
    </section>
  );
}

function LogOut() {
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
      <h2 id="logout-heading">Log out</h2>
      <ErrorBanner message={error} />
      <p className="muted">Ends this session on this device.</p>
      <button type="button" className="button-secondary" onClick={() => void logOut()}>
        Log out
      </button>
    </section>
  );
}
