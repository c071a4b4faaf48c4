import { useEffect, useState } from 'react';
import { receiptLabel } from '../../domain/receipt';
import { api } from '../api';
import { formatDateTime, formatMoney } from '../format';
import { toApiError } from '../hooks';
import type { ActivityPage } from '../types';
import { ErrorBanner } from './Notice';

const LABELS: Record<string, string> = {
  'project.created': 'Project created',
  'project.updated': 'Project updated',
  'project.archived': 'Project archived',
  'project.unarchived': 'Project restored from archive',
  'milestone.added': 'Milestone added',
  'milestone.updated': 'Milestone changed',
  'milestone.removed': 'Milestone removed',
  'milestone.delivered': 'Milestone delivered',
  'milestone.opened': 'Milestone opened',
  'payment.recorded': 'Payment recorded',
  'payment.flagged': 'Stripe payment flagged, not counted',
  'payment.refunded': 'Refund recorded',
  'payment.pending': 'Stripe payment pending',
  'payment.failed': 'Stripe payment failed',
  'payment.disputed': 'Stripe payment disputed',
  'checkout.started': 'Client opened the card payment page',
  'receipt.issued': 'Receipt issued',
  'milestone.paid': 'Milestone paid',
  'project.completed': 'Project complete',
  'access.issued': 'Access code issued',
  'access.revoked': 'Access revoked',
  'client.opened': 'Client opened the project',
  'terms.accepted': 'Client accepted the terms',
  'file.upload_started': 'Upload started',
  'file.uploaded': 'File uploaded',
  'file.removed': 'File removed',
  'file.downloaded': 'Client downloaded a file',
  'files.locked': 'Files locked',
  'files.unlocked': 'Files unlocked for the client',
};

const ACTORS = { freelancer: 'You', client: 'Client', system: 'Milepost' } as const;

function summary(details: Record<string, unknown>): string {
  const parts: string[] = [];
  const position = details.position;
  const title = details.title;
  if (typeof position === 'number') parts.push(`#${position}`);
  if (typeof title === 'string') parts.push(title);
  const name = details.name ?? details.fileName;
  if (typeof name === 'string') parts.push(name);
  const { amountMinor, currency, number, reason } = details;
  if (typeof amountMinor === 'number' && typeof currency === 'string')
    parts.push(formatMoney(amountMinor, currency));
  if (typeof number === 'number') parts.push(receiptLabel(number));
  if (typeof reason === 'string' && reason !== '') parts.push(`(${reason})`);
  return parts.join(' ');
}

/**
 * The append-only, hash-chained record of what happened, newest first: the latest page, and
 * older pages on request.
 */
export function ActivityPanel({ projectId, page }: { projectId: string; page: ActivityPage }) {
  const [older, setOlder] = useState<ActivityPage[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  // A fresh first page (after a change) starts the list again.
  useEffect(() => setOlder([]), [page]);
  const pages = [page, ...older];
  const entries = pages.flatMap((p) => p.entries);
  const chainValid = pages.every((p) => p.chainValid);
  const cursor = pages[pages.length - 1]?.nextCursor ?? null;
  const ordered = [...entries].sort((a, b) => b.seq - a.seq);

  async function showEarlier(before: string) {
    setBusy(true);
    setError(null);
    try {
      const next = await api.activity(projectId, before);
      setOlder((loaded) => [...loaded, next]);
    } catch (err) {
      setError(toApiError(err).message);
    } finally {
      setBusy(false);
    }
  }

  return (
    <section className="card stack" aria-labelledby="activity-heading">
      <div className="page-head">
        <h2 id="activity-heading">Activity record</h2>
        {chainValid ? (
          <span className="badge badge-paid">
            <span aria-hidden="true">✓ </span>Chain verified
          </span>
        ) : (
          <span className="badge badge-danger">
            <span aria-hidden="true">✗ </span>Chain broken: the record was altered
          </span>
        )}
      </div>
      <p className="muted">
        Every change is recorded here and linked to the one before it by a hash, so no entry can be
        edited unnoticed.
      </p>
      {ordered.length === 0 ? <p>Nothing recorded yet.</p> : null}
      <ol className="activity">
        {ordered.map((entry) => (
          <li key={entry.seq}>
            <span className="activity-what">
              {LABELS[entry.action] ?? entry.action}
              {summary(entry.details) ? (
                <span className="muted"> · {summary(entry.details)}</span>
              ) : null}
            </span>
            <span className="muted activity-meta">
              {ACTORS[entry.actorType]} · {formatDateTime(entry.createdAt)} ·{' '}
              <abbr title={entry.hash}>#{entry.hash.slice(0, 8)}</abbr>
            </span>
          </li>
        ))}
      </ol>
      {cursor !== null ? (
        <p>
          <button
            type="button"
            className="button-secondary"
            disabled={busy}
            onClick={() => void showEarlier(cursor)}
          >
            {busy ? 'Loading…' : 'Show earlier entries'}
          </button>
        </p>
      ) : null}
      <ErrorBanner message={error} />
    </section>
  );
}
