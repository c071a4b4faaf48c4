import { useState, type FormEvent } from 'react';
import { api } from '../api';
import { AmountField } from './AmountField';
import { ConfirmDialog } from './ConfirmDialog';
import { useT, type Translate } from '../i18n';
import { useFormat, type Format } from '../i18n/format';
import { SelectField, TextField } from './Field';
import { ErrorBanner } from './Notice';
import { useFreelancerToday } from '../auth';
import { isOfflineMethod, PAYMENT_METHODS } from '../format';
import { userLocale } from '../locale';
import { amountInputText, readPositiveAmount } from '../money-input';
import { useFormErrors } from '../hooks';
import type { Milestone, PaymentMethod } from '../types';

/**
 * Records a payment received outside Milepost (bank transfer, cash, cheque) for a delivered
 * milestone. It may be partial: the milestone is paid once its payments cover the amount.
 */
export function PaymentForm(props: {
  projectId: string;
  milestone: Milestone;
  currency: string;
  /** Who gets the receipt along with the freelancer. */
  clientName: string;
  onDone: () => Promise<void>;
  onCancel: () => void;
}) {
  const { milestone, currency } = props;
  const [method, setMethod] = useState<PaymentMethod>('bank_transfer');
  const [reference, setReference] = useState('');
  const today = useFreelancerToday();
  const [receivedOn, setReceivedOn] = useState(today);
  const [amount, setAmount] = useState(() =>
    amountInputText(milestone.outstandingMinor, userLocale(), currency),
  );
  const [busy, setBusy] = useState(false);
  const [confirming, setConfirming] = useState<number | null>(null);
  const t = useT();
  const f = useFormat();
  const errors = useFormErrors();
  const id = (name: string) => `pay-${milestone.id}-${name}`;

  async function submit(event: FormEvent) {
    event.preventDefault();
    errors.clear();
    const read = readPositiveAmount(
      amount,
      userLocale(),
      currency,
      t('project.payment.amountMissing'),
      t,
    );
    if ('error' in read) {
      errors.setField('amountMinor', read.error);
      return;
    }
    // Asked once before anything is recorded: see the dialog below.
    setConfirming(read.amountMinor);
  }

  async function record(amountMinor: number) {
    setBusy(true);
    try {
      await api.recordPayment(props.projectId, milestone.id, {
        amountMinor,
        method,
        receivedOn,
        ...(reference.trim() !== '' && { reference: reference.trim() }),
      });
      await props.onDone();
    } catch (err) {
      errors.show(err, ['amountMinor', 'method', 'reference', 'receivedOn']);
    } finally {
      setBusy(false);
    }
  }

  return (
    <form
      onSubmit={(e) => void submit(e)}
      className="stack payment-form"
      aria-label={t('project.payment.formLabel', { position: milestone.position })}
    >
      <ErrorBanner message={errors.banner} />
      <div className="grid-2">
        <SelectField
          id={id('method')}
          label={t('project.payment.method')}
          value={method}
          onChange={(e) => isOfflineMethod(e.target.value) && setMethod(e.target.value)}
          error={errors.fields.method}
        >
          {Object.keys(PAYMENT_METHODS).map((value) => (
            <option key={value} value={value}>
              {methodOption(value, f)}
            </option>
          ))}
        </SelectField>
        <TextField
          id={id('reference')}
          label={t('project.payment.reference')}
          value={reference}
          onChange={(e) => setReference(e.target.value)}
          error={errors.fields.reference}
        />
        <TextField
          id={id('date')}
          label={t('project.payment.receivedOn')}
          type="date"
          required
          max={today}
          value={receivedOn}
          onChange={(e) => setReceivedOn(e.target.value)}
          error={errors.fields.receivedOn}
        />
        <AmountField
          id={id('amount')}
          label={t('project.payment.amount', { currency })}
          hint={amountHint(milestone, currency, t, f)}
          currency={currency}
          required
          value={amount}
          onValue={setAmount}
          error={errors.fields.amountMinor}
        />
      </div>
      <ConfirmDialog
        open={confirming !== null}
        onOpenChange={(open) => {
          if (!open) setConfirming(null);
        }}
        trigger={null}
        title={t('workspace.payment.confirmTitle', {
          amount: f.money(confirming ?? 0, currency),
          position: milestone.position,
        })}
        consequences={[
          t('workspace.payment.receipt', { client: props.clientName }),
          t('workspace.payment.final'),
        ]}
        confirmLabel={t('workspace.payment.confirm')}
        onConfirm={async () => {
          if (confirming !== null) await record(confirming);
        }}
      />
      <div className="actions">
        <button type="submit" disabled={busy}>
          {busy ? t('project.payment.recording') : t('project.payment.record')}
        </button>
        <button type="button" className="button-secondary" onClick={props.onCancel}>
          {t('common.cancel')}
        </button>
      </div>
    </form>
  );
}

function amountHint(milestone: Milestone, currency: string, t: Translate, f: Format): string {
  const parts = [
    t('project.payment.outstanding', { amount: f.money(milestone.outstandingMinor, currency) }),
  ];
  if (milestone.receivedMinor > 0)
    parts.push(
      t('project.payment.receivedSoFar', {
        received: f.money(milestone.receivedMinor, currency),
        total: f.money(milestone.amountMinor, currency),
      }),
    );
  parts.push(t('project.payment.partial'));
  return parts.join(' ');
}

/** "Bank transfer": the method's name in the language, capitalised for a list of choices. */
function methodOption(method: string, f: Format): string {
  const words = f.method(method);
  return words.charAt(0).toLocaleUpperCase(f.locale) + words.slice(1);
}
