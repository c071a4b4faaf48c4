/**
 * Stripe in one step: the freelancer pastes a secret or restricted key and Milepost does the rest
 * (reads the account, creates its own webhook endpoint, keeps the signing secret it gets back).
 */
import { useState, type FormEvent } from 'react';
import { api } from '../api';
import { useFormErrors } from '../hooks';
import { useT } from '../i18n';
import type { PaymentSettings } from '../types';
import { SecretField } from './Field';
import { ErrorBanner, SuccessNote } from './Notice';

/** "Connected: Ann Lee Design, test mode" — or null when Milepost did not make the connection. */
export function useConnectedLine(settings: PaymentSettings): string | null {
  const t = useT();
  const { account, mode } = settings.stripe;
  if (account === null) return null;
  return mode === 'live'
    ? t('stripe.connected.live', { name: account.name })
    : t('stripe.connected.test', { name: account.name });
}

export function StripeConnectForm({
  settings,
  onChanged,
}: {
  settings: PaymentSettings;
  onChanged: (next: PaymentSettings) => void;
}) {
  const t = useT();
  const [secretKey, setSecretKey] = useState('');
  const [busy, setBusy] = useState(false);
  const [done, setDone] = useState<string | null>(null);
  const errors = useFormErrors();
  const connected = settings.stripe.account !== null;

  async function connect(event: FormEvent) {
    event.preventDefault();
    errors.clear();
    setDone(null);
    const key = secretKey.trim();
    if (key === '') {
      errors.setField('secretKey', t('stripe.key.missing'));
      return;
    }
    setBusy(true);
    try {
      const next = await api.connectStripe({ secretKey: key });
      // Never kept in the page longer than needed: the server will not show it again either.
      setSecretKey('');
      onChanged(next);
      const name = next.stripe.account?.name ?? '';
      setDone(
        next.stripe.mode === 'live'
          ? t('stripe.connected.live', { name })
          : t('stripe.connected.test', { name }),
      );
    } catch (err) {
      errors.show(err, ['secretKey']);
    } finally {
      setBusy(false);
    }
  }

  return (
    <form onSubmit={(e) => void connect(e)} className="stack stripe-connect" noValidate>
      <h3>{connected ? t('stripe.connect.other') : t('stripe.connect.heading')}</h3>
      <p className="muted">{t('stripe.connect.explain')}</p>
      <ErrorBanner message={errors.banner} />
      <SecretField
        label={t('stripe.key')}
        hint={t('stripe.key.hint')}
        value={secretKey}
        onChange={(e) => setSecretKey(e.target.value)}
        error={errors.fields.secretKey}
      />
      <div className="actions">
        <button type="submit" disabled={busy}>
          {busy ? t('stripe.connecting') : t('stripe.connect')}
        </button>
      </div>
      <SuccessNote>{done}</SuccessNote>
    </form>
  );
}
