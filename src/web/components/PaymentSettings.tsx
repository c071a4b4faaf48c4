import { useState, type FormEvent } from 'react';
import { api } from '../api';
import { CopyButton } from './CopyButton';
import { SecretField } from './Field';
import { StripeConnectForm, useConnectedLine } from './StripeConnect';
import { ErrorBanner, SuccessNote } from './Notice';
import { toApiError, useFormErrors } from '../hooks';
import { T, useT } from '../i18n';
import type { PaymentSettings } from '../types';

/** The Stripe events Milepost acts on: the ones to tick when adding the webhook endpoint. */
const WEBHOOK_EVENTS = [
  'checkout.session.completed',
  'checkout.session.async_payment_succeeded',
  'checkout.session.async_payment_failed',
  'charge.refunded',
  'charge.dispute.created',
];

/**
 * The URL of the freelancer's own webhook endpoint. The server names it once own keys are
 * saved; before that (Stripe asks for the URL before it reveals the signing secret) it is
 * derived from the operator's endpoint, or from this page's address.
 */
function ownWebhookUrl(settings: PaymentSettings, userId: string): string {
  const { webhookUrl, source } = settings.stripe;
  if (source === 'own' && webhookUrl !== null) return webhookUrl;
  const base =
    webhookUrl !== null
      ? webhookUrl.replace(/\/api\/webhooks\/stripe(\/.*)?$/, '')
      : window.location.origin;
  return `${base}/api/webhooks/stripe/${userId}`;
}

function StripeStatus({ settings }: { settings: PaymentSettings }) {
  const t = useT();
  const connectedLine = useConnectedLine(settings);
  const { stripe } = settings;
  if (!stripe.configured) {
    return (
      <p className="banner banner-info" data-testid="stripe-status">
        <T
          id="settings.stripe.notSetUp"
          values={{ strong: (chunks) => <strong>{chunks}</strong> }}
        />
      </p>
    );
  }
  const who =
    connectedLine ??
    (stripe.source === 'own'
      ? t('settings.stripe.connectedOwn')
      : t('settings.stripe.connectedOperator'));
  return (
    <div className="stack stripe-status" data-testid="stripe-status">
      <p className="status-line">
        <strong>{who}</strong>{' '}
        {stripe.mode === 'live' ? (
          <span className="badge badge-paid">{t('settings.stripe.liveMode')}</span>
        ) : (
          <span className="badge badge-delivered">{t('settings.stripe.testMode')}</span>
        )}
      </p>
      <p className="muted">
        {stripe.mode === 'live'
          ? t('settings.stripe.live.explain')
          : t('settings.stripe.test.explain')}
      </p>
      {!stripe.webhookSecretSet ? (
        <p className="warning">{t('settings.stripe.noWebhookSecret')}</p>
      ) : null}
      {stripe.webhookUrl !== null && stripe.account === null ? (
        <div className="stack webhook">
          <p className="label-like" id="webhook-url-label">
            {t('settings.stripe.webhookUrl')}
          </p>
          <p className="webhook-url" aria-labelledby="webhook-url-label">
            <code data-testid="webhook-url">{stripe.webhookUrl}</code>
          </p>
          <div>
            <CopyButton text={stripe.webhookUrl} label={t('settings.stripe.copyWebhookUrl')} />
          </div>
          <p className="hint">
            {stripe.source === 'own'
              ? t('settings.stripe.webhook.own', { events: WEBHOOK_EVENTS.join(', ') })
              : t('settings.stripe.webhook.operator')}
          </p>
        </div>
      ) : null}
    </div>
  );
}

/** Stripe: which account pays out, in which mode, the webhook URL, and the freelancer's own keys. */
export function PaymentsSection({
  settings,
  userId,
  onChanged,
}: {
  settings: PaymentSettings;
  userId: string;
  onChanged: (next: PaymentSettings) => void;
}) {
  const t = useT();
  const [secretKey, setSecretKey] = useState('');
  const [webhookSecret, setWebhookSecret] = useState('');
  const [saved, setSaved] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [confirmRemove, setConfirmRemove] = useState(false);
  const [removeError, setRemoveError] = useState<string | null>(null);
  const [removed, setRemoved] = useState<string | null>(null);
  const errors = useFormErrors();
  const own = settings.stripe.source === 'own';
  const endpoint = ownWebhookUrl(settings, userId);

  async function save(event: FormEvent) {
    event.preventDefault();
    errors.clear();
    setSaved(null);
    setRemoveError(null);
    const keys = { secretKey: secretKey.trim(), webhookSecret: webhookSecret.trim() };
    // The server checks the same (the key's prefix); said here first, in the person's language.
    const keyProblem =
      keys.secretKey === ''
        ? t('settings.stripe.secretKey.missing')
        : /^(sk|rk)_(test|live)_/.test(keys.secretKey)
          ? null
          : t('settings.stripe.secretKey.format');
    if (keyProblem !== null) errors.setField('secretKey', keyProblem);
    if (keys.webhookSecret === '')
      errors.setField('webhookSecret', t('settings.stripe.webhookSecret.missing'));
    if (keyProblem !== null || keys.webhookSecret === '') return;
    setBusy(true);
    try {
      const next = await api.saveStripeKeys(keys);
      // Never kept in the page longer than needed: the server will not show them again either.
      setSecretKey('');
      setWebhookSecret('');
      onChanged(next);
      setSaved(
        next.stripe.mode === 'live'
          ? t('settings.stripe.savedLive')
          : t('settings.stripe.savedTest'),
      );
    } catch (err) {
      errors.show(err, ['secretKey', 'webhookSecret']);
    } finally {
      setBusy(false);
    }
  }

  async function remove() {
    setBusy(true);
    setSaved(null);
    setRemoved(null);
    setRemoveError(null);
    try {
      const next = await api.removeStripeKeys();
      setConfirmRemove(false);
      onChanged(next);
      setRemoved(t('settings.stripe.removed'));
    } catch (err) {
      setRemoveError(toApiError(err).message);
    } finally {
      setBusy(false);
    }
  }

  return (
    <section className="card stack" aria-labelledby="payments-heading">
      <h2 id="payments-heading">{t('settings.payments.heading')}</h2>
      <p className="muted">{t('settings.payments.explain')}</p>
      <StripeStatus settings={settings} />
      <StripeConnectForm settings={settings} onChanged={onChanged} />

      <details className="advanced" open={own && settings.stripe.account === null}>
        <summary>{t('stripe.advanced')}</summary>
        <form onSubmit={(e) => void save(e)} className="stack own-keys" noValidate>
          <h3>{own ? t('settings.stripe.replace') : t('settings.stripe.useOwn')}</h3>
          {own ? (
            <p className="muted">{t('settings.stripe.storedEncrypted')}</p>
          ) : (
            <ol className="steps">
              <li>
                {t('settings.stripe.step.endpoint')}{' '}
                <code className="inline-url" data-testid="own-webhook-url">
                  {endpoint}
                </code>{' '}
                <CopyButton text={endpoint} label={t('settings.stripe.copyUrl')} />
              </li>
              <li>
                <T
                  id="settings.stripe.step.events"
                  values={{
                    events: <span className="event-names">{WEBHOOK_EVENTS.join(', ')}</span>,
                  }}
                />
              </li>
              <li>{t('settings.stripe.step.paste')}</li>
            </ol>
          )}
          <ErrorBanner message={errors.banner} />
          <div className="grid-2">
            <SecretField
              label={t('settings.stripe.secretKey')}
              hint={t('settings.stripe.secretKey.hint')}
              value={secretKey}
              onChange={(e) => setSecretKey(e.target.value)}
              error={errors.fields.secretKey}
            />
            <SecretField
              label={t('settings.stripe.webhookSecret')}
              hint={t('settings.stripe.webhookSecret.hint')}
              value={webhookSecret}
              onChange={(e) => setWebhookSecret(e.target.value)}
              error={errors.fields.webhookSecret}
            />
          </div>
          <div className="actions">
            <button type="submit" disabled={busy}>
              {busy ? t('common.saving') : t('settings.stripe.save')}
            </button>
          </div>
          <SuccessNote>{saved}</SuccessNote>
        </form>
      </details>
      {own && !confirmRemove ? (
        <div className="actions">
          <button
            type="button"
            className="button-secondary"
            disabled={busy}
            onClick={() => setConfirmRemove(true)}
          >
            {settings.stripe.account !== null
              ? t('stripe.disconnect')
              : t('settings.stripe.remove')}
          </button>
        </div>
      ) : null}
      {confirmRemove ? (
        <div className="confirm" role="group" aria-label={t('settings.stripe.remove.confirmLabel')}>
          <p>{t('settings.stripe.remove.question')}</p>
          <ErrorBanner message={removeError} />
          <div className="actions">
            <button
              type="button"
              className="button-danger"
              disabled={busy}
              onClick={() => void remove()}
            >
              {t('settings.stripe.remove.yes')}
            </button>
            <button
              type="button"
              className="button-secondary"
              onClick={() => setConfirmRemove(false)}
            >
              {t('settings.stripe.remove.keep')}
            </button>
          </div>
        </div>
      ) : null}
      <SuccessNote>{removed}</SuccessNote>
    </section>
  );
}

/** How Milepost sends email, and a test message to prove it. */
export function MailSection({ settings }: { settings: PaymentSettings }) {
  const t = useT();
  const [result, setResult] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const outbox = settings.mail.transport === 'outbox';

  async function sendTest() {
    setBusy(true);
    setResult(null);
    setError(null);
    try {
      const { sentTo, transport } = await api.sendTestEmail();
      setResult(
        transport === 'outbox'
          ? t('settings.mail.test.outbox', { to: sentTo })
          : t('settings.mail.test.smtp', { to: sentTo }),
      );
    } catch (err) {
      setError(t('settings.mail.test.failed', { reason: toApiError(err).message }));
    } finally {
      setBusy(false);
    }
  }

  return (
    <section className="card stack" aria-labelledby="mail-heading">
      <h2 id="mail-heading">{t('settings.mail.heading')}</h2>
      <dl className="facts">
        <div>
          <dt>{t('settings.mail.transport')}</dt>
          <dd data-testid="mail-transport">
            {outbox ? t('settings.mail.transport.outbox') : t('settings.mail.transport.smtp')}
          </dd>
        </div>
      </dl>
      <p className="muted">
        {outbox ? t('settings.mail.outbox.explain') : t('settings.mail.smtp.explain')}
      </p>
      <div className="actions">
        <button
          type="button"
          className="button-secondary"
          disabled={busy}
          onClick={() => void sendTest()}
        >
          {busy ? t('settings.mail.test.sending') : t('settings.mail.test.send')}
        </button>
      </div>
      <SuccessNote>{result}</SuccessNote>
      <ErrorBanner message={error} />
    </section>
  );
}
