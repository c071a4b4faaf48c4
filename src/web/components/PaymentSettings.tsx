import { useState, type FormEvent } from 'react';
import { api } from '../api';
import { CopyButton } from './CopyButton';
import { TextField } from './Field';
import { ErrorBanner, SuccessNote } from './Notice';
import { toApiError, useFormErrors } from '../hooks';
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
  const { stripe } = settings;
  if (!stripe.configured) {
    return (
      <p className="banner banner-info" data-testid="stripe-status">
        <strong>Stripe is not set up.</strong> Clients pay using your payment instructions and you
        record each payment here. Add your Stripe keys below to let them pay by card.
      </p>
    );
  }
  const who =
    stripe.source === 'own'
      ? 'Stripe is connected with your own keys'
      : 'Stripe is connected through the operator’s account';
  return (
    <div className="stack stripe-status" data-testid="stripe-status">
      <p className="status-line">
        <strong>{who}</strong>{' '}
        {stripe.mode === 'live' ? (
          <span className="badge badge-paid">Live mode</span>
        ) : (
          <span className="badge badge-delivered">Test mode</span>
        )}
      </p>
      <p className="muted">
        {stripe.mode === 'live'
          ? 'Clients pay real money by card, straight into this Stripe account.'
          : 'Test mode: no real money moves. Pay with Stripe’s test cards (4242 4242 4242 4242) to try the whole path.'}
      </p>
      {!stripe.webhookSecretSet ? (
        <p className="warning">
          No webhook signing secret is set, so Milepost cannot hear from Stripe: card payments will
          not be confirmed until the operator runs the reconciler.
        </p>
      ) : null}
      {stripe.webhookUrl !== null ? (
        <div className="stack webhook">
          <p className="label-like" id="webhook-url-label">
            Webhook URL
          </p>
          <p className="webhook-url" aria-labelledby="webhook-url-label">
            <code data-testid="webhook-url">{stripe.webhookUrl}</code>
          </p>
          <div>
            <CopyButton text={stripe.webhookUrl} label="Copy webhook URL" />
          </div>
          <p className="hint">
            {stripe.source === 'own'
              ? `Stripe must send these events to this URL, signed with the secret you saved: ${WEBHOOK_EVENTS.join(', ')}. It is how a card payment unlocks the files.`
              : 'The operator registered this endpoint with Stripe; you have nothing to do. To be paid into your own Stripe account instead, add your keys below.'}
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
  const [secretKey, setSecretKey] = useState('');
  const [webhookSecret, setWebhookSecret] = useState('');
  const [saved, setSaved] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [confirmRemove, setConfirmRemove] = useState(false);
  const [removeError, setRemoveError] = useState<string | null>(null);
  const errors = useFormErrors();
  const own = settings.stripe.source === 'own';
  const endpoint = ownWebhookUrl(settings, userId);

  async function save(event: FormEvent) {
    event.preventDefault();
    errors.clear();
    setSaved(null);
    setRemoveError(null);
    const keys = { secretKey: secretKey.trim(), webhookSecret: webhookSecret.trim() };
    if (keys.secretKey === '') errors.setField('secretKey', 'Enter your Stripe secret key.');
    if (keys.webhookSecret === '')
      errors.setField('webhookSecret', 'Enter the webhook signing secret.');
    if (keys.secretKey === '' || keys.webhookSecret === '') return;
    setBusy(true);
    try {
      const next = await api.saveStripeKeys(keys);
      // Never kept in the page longer than needed: the server will not show them again either.
      setSecretKey('');
      setWebhookSecret('');
      onChanged(next);
      setSaved(
        `Your Stripe keys are saved, in ${next.stripe.mode === 'live' ? 'live' : 'test'} mode.`,
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
    setRemoveError(null);
    try {
      const next = await api.removeStripeKeys();
      setConfirmRemove(false);
      onChanged(next);
      setSaved('Your Stripe keys are removed.');
    } catch (err) {
      setRemoveError(toApiError(err).message);
    } finally {
      setBusy(false);
    }
  }

  return (
    <section className="card stack" aria-labelledby="payments-heading">
      <h2 id="payments-heading">Payments</h2>
      <p className="muted">
        A client pays a delivered milestone by card on Stripe Checkout, straight into your Stripe
        account: no platform takes a cut. You can always record a bank transfer, cash or cheque by
        hand.
      </p>
      <StripeStatus settings={settings} />

      <form onSubmit={(e) => void save(e)} className="stack own-keys" noValidate>
        <h3>{own ? 'Replace your Stripe keys' : 'Use your own Stripe account'}</h3>
        {own ? (
          <p className="muted">
            Your keys are stored encrypted and are never shown again. Enter new ones to replace
            them.
          </p>
        ) : (
          <ol className="steps">
            <li>
              In the Stripe Dashboard, under Developers → Webhooks, add an endpoint with this URL:{' '}
              <code className="inline-url" data-testid="own-webhook-url">
                {endpoint}
              </code>{' '}
              <CopyButton text={endpoint} label="Copy URL" />
            </li>
            <li>
              Choose these events: <span className="event-names">{WEBHOOK_EVENTS.join(', ')}</span>.
            </li>
            <li>
              Paste your secret key (Developers → API keys) and the endpoint’s signing secret below.
            </li>
          </ol>
        )}
        <ErrorBanner message={errors.banner} />
        <div className="grid-2">
          <TextField
            label="Stripe secret key"
            hint="Starts with sk_test_ (test mode) or sk_live_ (live mode)."
            type="password"
            autoComplete="off"
            spellCheck={false}
            autoCapitalize="off"
            required
            value={secretKey}
            onChange={(e) => setSecretKey(e.target.value)}
            error={errors.fields.secretKey}
          />
          <TextField
            label="Webhook signing secret"
            hint="Starts with whsec_."
            type="password"
            autoComplete="off"
            spellCheck={false}
            autoCapitalize="off"
            required
            value={webhookSecret}
            onChange={(e) => setWebhookSecret(e.target.value)}
            error={errors.fields.webhookSecret}
          />
        </div>
        <div className="actions">
          <button type="submit" disabled={busy}>
            {busy ? 'Saving…' : 'Save Stripe keys'}
          </button>
          {own && !confirmRemove ? (
            <button
              type="button"
              className="button-secondary"
              disabled={busy}
              onClick={() => setConfirmRemove(true)}
            >
              Remove my Stripe keys
            </button>
          ) : null}
        </div>
        <SuccessNote>{saved}</SuccessNote>
      </form>
      {confirmRemove ? (
        <div className="confirm" role="group" aria-label="Confirm removing your Stripe keys">
          <p>
            Remove your Stripe keys? Milepost forgets them at once; payment pages already open stop
            being confirmed through your account.
          </p>
          <ErrorBanner message={removeError} />
          <div className="actions">
            <button
              type="button"
              className="button-danger"
              disabled={busy}
              onClick={() => void remove()}
            >
              Yes, remove my keys
            </button>
            <button
              type="button"
              className="button-secondary"
              onClick={() => setConfirmRemove(false)}
            >
              Keep them
            </button>
          </div>
        </div>
      ) : null}
    </section>
  );
}

/** How Milepost sends email, and a test message to prove it. */
export function MailSection({ settings }: { settings: PaymentSettings }) {
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
          ? `Test email for ${sentTo} written to the outbox folder (an .eml file in DATA_DIR/outbox). It was not sent.`
          : `Test email sent to ${sentTo} through the SMTP server. Check that inbox (and its spam folder).`,
      );
    } catch (err) {
      setError(`The test email could not be sent. ${toApiError(err).message}`);
    } finally {
      setBusy(false);
    }
  }

  return (
    <section className="card stack" aria-labelledby="mail-heading">
      <h2 id="mail-heading">Mail</h2>
      <dl className="facts">
        <div>
          <dt>Transport</dt>
          <dd data-testid="mail-transport">{outbox ? 'Outbox folder' : 'SMTP server'}</dd>
        </div>
      </dl>
      <p className="muted">
        {outbox
          ? 'No SMTP server is configured (SMTP_URL), so Milepost writes every email (access codes, delivery notices, receipts) as an .eml file in the outbox folder of its data folder instead of sending it.'
          : 'Access codes, delivery notices and receipts are sent through the SMTP server set by the operator (SMTP_URL).'}
      </p>
      <div className="actions">
        <button
          type="button"
          className="button-secondary"
          disabled={busy}
          onClick={() => void sendTest()}
        >
          {busy ? 'Sending…' : 'Send test email'}
        </button>
      </div>
      <SuccessNote>{result}</SuccessNote>
      <ErrorBanner message={error} />
    </section>
  );
}
