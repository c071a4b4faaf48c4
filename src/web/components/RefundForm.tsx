import { useState, type FormEvent } from 'react';
import { api } from '../api';
import { AmountField } from './AmountField';
import { TextField } from './Field';
import { ErrorBanner } from './Notice';
import { useFreelancerToday } from '../auth';
import { useT } from '../i18n';
import { useFormat } from '../i18n/format';
import { userLocale } from '../locale';
import { readPositiveAmount } from '../money-input';
import { useFormErrors } from '../hooks';
import type { Milestone } from '../types';

/**
 * Records money given back to the client for a milestone (made by hand, or outside Stripe). A
 * refund of everything received locks the milestone's files for the client again.
 */
export function RefundForm(props: {
  projectId: string;
  milestone: Milestone;
  currency: string;
  onDone: () => Promise<void>;
  onCancel: () => void;
}) {
  const { milestone, currency } = props;
  const t = useT();
  const f = useFormat();
  const [amount, setAmount] = useState('');
  const [reference, setReference] = useState('');
  const today = useFreelancerToday();
  const [refundedOn, setRefundedOn] = useState(today);
  const [busy, setBusy] = useState(false);
  const errors = useFormErrors();
  const id = (name: string) => `refund-${milestone.id}-${name}`;
  const net = milestone.receivedMinor - milestone.refundedMinor;

  async function submit(event: FormEvent) {
    event.preventDefault();
    errors.clear();
    const read = readPositiveAmount(
      amount,
      userLocale(),
      currency,
      t('payments.refund.amountMissing'),
      t,
    );
    if ('error' in read) {
      errors.setField('amountMinor', read.error);
      return;
    }
    const { amountMinor } = read;
    setBusy(true);
    try {
      await api.recordRefund(props.projectId, milestone.id, {
        amountMinor,
        refundedOn,
        ...(reference.trim() !== '' && { reference: reference.trim() }),
      });
      await props.onDone();
    } catch (err) {
      // REFUND_TOO_LARGE names amountMinor: it shows under the amount.
      errors.show(err, ['amountMinor', 'reference', 'refundedOn']);
    } finally {
      setBusy(false);
    }
  }

  return (
    <form
      onSubmit={(e) => void submit(e)}
      className="stack payment-form"
      aria-label={t('payments.refund.formLabel', { position: milestone.position })}
      noValidate
    >
      <ErrorBanner message={errors.banner} />
      <p className="muted">{t('payments.refund.explain', { net: f.money(net, currency) })}</p>
      <div className="grid-2">
        <AmountField
          id={id('amount')}
          label={t('payments.refund.amount', { currency })}
          hint={t('payments.refund.amount.hint', { net: f.money(net, currency) })}
          currency={currency}
          required
          value={amount}
          onValue={setAmount}
          error={errors.fields.amountMinor}
        />
        <TextField
          id={id('date')}
          label={t('payments.refund.date')}
          type="date"
          required
          max={today}
          value={refundedOn}
          onChange={(e) => setRefundedOn(e.target.value)}
          error={errors.fields.refundedOn}
        />
        <TextField
          id={id('reference')}
          label={t('payments.refund.reference')}
          value={reference}
          onChange={(e) => setReference(e.target.value)}
          error={errors.fields.reference}
        />
      </div>
      <div className="actions">
        <button type="submit" className="button-danger" disabled={busy}>
          {busy ? t('payments.refund.recording') : t('payments.refund.submit')}
        </button>
        <button type="button" className="button-secondary" onClick={props.onCancel}>
          {t('common.cancel')}
        </button>
      </div>
    </form>
  );
}
