import { useT } from '../i18n';
import { useFormat } from '../i18n/format';
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
  const t = useT();
  const f = useFormat();
  return (
    <section
      className={`card check ${check.ok ? 'check-ok' : 'check-bad'}`}
      aria-labelledby="check-heading"
    >
      <h2 id="check-heading">{t('builder.check.heading')}</h2>
      <div aria-live="polite">
        {check.ok && check.totalMinor !== null ? (
          <p>
            <span aria-hidden="true">✓ </span>
            {t('builder.check.ok')}{' '}
            {check.amounts.map((a, i) => (
              <span key={i}>
                {i > 0 ? ' + ' : ''}
                {a === null ? '—' : f.money(a, currency)}
              </span>
            ))}{' '}
            = <strong>{f.money(check.totalMinor, currency)}</strong>
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
