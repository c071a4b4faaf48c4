import { receiptPdfUrl } from '../api';
import { T, useT } from '../i18n';
import { useFormat } from '../i18n/format';
import { Link } from 'react-router';
import type { Receipt } from '../types';

/**
 * Numbered receipts, newest first, each with its PDF. `realm` chooses whose download route the
 * links use: the freelancer's (any of their receipts) or the client portal's (this project's).
 */
export function ReceiptList({
  receipts,
  realm,
  showProject = false,
  label,
}: {
  receipts: Receipt[];
  realm: 'app' | 'portal';
  showProject?: boolean;
  label: string;
}) {
  const t = useT();
  const f = useFormat();
  const ordered = [...receipts].sort((a, b) => b.number - a.number);
  return (
    <ul className="receipt-list" aria-label={label}>
      {ordered.map((r) => (
        <li key={r.id} className="receipt-row">
          <div className="receipt-main">
            <p className="receipt-head">
              <span className="receipt-number">{r.label}</span>
              <span className="receipt-amount">{f.money(r.amountMinor, r.currency)}</span>
            </p>
            <p className="muted">
              {showProject ? (
                <>
                  {realm === 'app' ? (
                    <Link to={`/app/projects/${r.projectId}`}>
                      <bdi>{r.projectTitle}</bdi>
                    </Link>
                  ) : (
                    <bdi>{r.projectTitle}</bdi>
                  )}
                  {' · '}
                </>
              ) : null}
              <T
                id="common.receipt.line"
                values={{
                  position: r.milestonePosition,
                  title: <bdi>{r.milestoneTitle}</bdi>,
                  method: f.method(r.method),
                  date: f.date(r.receivedOn),
                }}
              />
            </p>
          </div>
          <a className="button button-secondary" href={receiptPdfUrl(r.id, realm)} download>
            {t('common.receipt.download', { label: r.label })}
          </a>
        </li>
      ))}
    </ul>
  );
}
