import type { InputHTMLAttributes, ReactNode } from 'react';
import { TextField } from './Field';
import { T, useT, type Translate } from '../i18n';
import { userLocale } from '../locale';
import { readAmount } from '../money-input';

/**
 * A money field read in the person's locale (src/web/money-input.ts). When what was typed reads
 * only in the other convention ("12,50" where a decimal point is usual), it says how it was read
 * and offers to put the locale's own spelling in the field, so nothing is guessed silently.
 */
export function AmountField(
  props: {
    id?: string;
    label: ReactNode;
    hint?: ReactNode;
    error?: string | undefined;
    currency: string;
    value: string;
    onValue: (value: string) => void;
  } & Pick<InputHTMLAttributes<HTMLInputElement>, 'required' | 'disabled'>,
) {
  const { currency, value, onValue, ...field } = props;
  const t = useT();
  const reading = currency.length === 3 ? safeRead(value, userLocale(), currency, t) : null;
  const confirm = reading?.kind === 'confirm' ? reading : null;
  return (
    <div className="stack-tight">
      <TextField
        {...field}
        inputMode="decimal"
        autoComplete="off"
        value={value}
        onChange={(e) => onValue(e.target.value)}
        error={props.error ?? confirm?.message}
      />
      {confirm ? (
        <button
          type="button"
          className="button-secondary"
          onClick={() => onValue(confirm.canonical)}
        >
          <T id="common.amount.confirm" values={{ amount: confirm.readAs }} />
        </button>
      ) : null}
    </div>
  );
}

function safeRead(value: string, locale: string, currency: string, say: Translate) {
  try {
    return readAmount(value, locale, currency, say);
  } catch {
    return null; // not a currency Intl knows (yet): the form says so
  }
}
