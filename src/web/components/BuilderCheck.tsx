import { formatMoney } from '../format';
import type { PlanCheck } from '../plan';

/** The live answer to "do the milestones add up to the total?", announced as it changes. */
export function BuilderCheck({
  check,
  currency,
  serverError,
}: {
  check: PlanCheck;
  currency: string;
  serverError: string | undefined;
}) {
  return (
    <section
      className={`card check ${check.ok ? 'check-ok' : 'check-bad'}`}
      aria-labelledby="check-heading"
    >
      <h2 id="check-heading">Does it add up?</h2>
      <div aria-live="polite">
        {check.ok && check.totalMinor !== null ? (
          <p>
            <span aria-hidden="true">✓ </span>
            The milestones add up to the total:{' '}
            {check.amounts.map((a, i) => (
              <span key={i}>
                {i > 0 ? ' + ' : ''}
                {a === null ? '—' : formatMoney(a, currency)}
              </span>
            ))}{' '}
            = <strong>{formatMoney(check.totalMinor, currency)}</strong>
          </p>
        ) : (
          <p>
            <span aria-hidden="true">✗ </span>
            {check.message}
          </p>
        )}
        {serverError ? <p className="field-error">{serverError}</p> : null}
      </div>
    </section>
  );
}
