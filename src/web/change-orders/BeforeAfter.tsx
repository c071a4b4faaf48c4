/** A change order's milestones side by side: before, after, and the totals. */
import { useT } from '../i18n';
import { useFormat } from '../i18n/format';

interface Planned {
  position: number;
  title: string;
  dueDate: string;
  amountMinor: number;
}
export interface Row {
  before: Planned | null;
  after: Planned | null;
  changed: string[];
}

function Cell({
  m,
  currency,
  changed,
}: {
  m: Planned | null;
  currency: string;
  changed: string[];
}) {
  const t = useT();
  const f = useFormat();
  if (m === null) return <td className="muted">{t('changes.none')}</td>;
  const mark = (field: string) => (changed.includes(field) ? 'co-changed' : undefined);
  return (
    <td>
      <span className={mark('title')}>
        {m.position}. <bdi>{m.title}</bdi>
      </span>
      <br />
      <span className={mark('amountMinor')}>{f.money(m.amountMinor, currency)}</span>
      {' · '}
      <span className={mark('dueDate')}>{f.date(m.dueDate)}</span>
    </td>
  );
}

export function BeforeAfter(props: {
  rows: readonly Row[];
  currency: string;
  totalBeforeMinor: number;
  totalAfterMinor: number;
  caption: string;
}) {
  const t = useT();
  const f = useFormat();
  return (
    <div className="co-table-wrap">
      <table className="co-table">
        <caption className="muted">{props.caption}</caption>
        <thead>
          <tr>
            <th scope="col">{t('changes.before')}</th>
            <th scope="col">{t('changes.after')}</th>
          </tr>
        </thead>
        <tbody>
          {props.rows.map((r, i) => (
            <tr key={i} className={r.changed.length > 0 ? 'co-row-changed' : undefined}>
              <Cell m={r.before} currency={props.currency} changed={r.changed} />
              <Cell m={r.after} currency={props.currency} changed={r.changed} />
            </tr>
          ))}
        </tbody>
        <tfoot>
          <tr>
            <td>
              {t('changes.total')} {f.money(props.totalBeforeMinor, props.currency)}
            </td>
            <td>
              <strong data-testid="co-new-total">
                {t('changes.total')} {f.money(props.totalAfterMinor, props.currency)}
              </strong>
            </td>
          </tr>
        </tfoot>
      </table>
    </div>
  );
}
