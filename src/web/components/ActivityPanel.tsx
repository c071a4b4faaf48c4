import { useEffect, useState } from 'react';
import { receiptLabel } from '../../domain/receipt';
import { api } from '../api';
import { useT, type Translate } from '../i18n';
import { useFormat, type Format } from '../i18n/format';
import { toApiError } from '../hooks';
import type { ActivityPage } from '../types';
import { ErrorBanner } from './Notice';
import { ACTIVITY_LABELS as LABELS } from './activity-labels';

function actor(type: 'freelancer' | 'client' | 'system', t: Translate): string {
  if (type === 'freelancer') return t('activity.actor.freelancer');
  if (type === 'client') return t('activity.actor.client');
  return t('activity.actor.system');
}

function summary(details: Record<string, unknown>, f: Format): string {
  const parts: string[] = [];
  const position = details.position;
  const title = details.title;
  if (typeof position === 'number') parts.push(`#${position}`);
  if (typeof title === 'string') parts.push(title);
  const name = details.name ?? details.fileName;
  if (typeof name === 'string') parts.push(name);
  const { amountMinor, currency, number, reason } = details;
  if (typeof amountMinor === 'number' && typeof currency === 'string')
    parts.push(f.money(amountMinor, currency));
  if (typeof number === 'number') parts.push(receiptLabel(number));
  if (typeof reason === 'string' && reason !== '') parts.push(`(${reason})`);
  return parts.join(' ');
}

/**
 * The append-only, hash-chained record of what happened, newest first: the latest page, and
 * older pages on request.
 */
export function ActivityPanel({ projectId, page }: { projectId: string; page: ActivityPage }) {
  const t = useT();
  const f = useFormat();
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
        <h2 id="activity-heading">{t('activity.heading')}</h2>
        {chainValid ? (
          <span className="badge badge-paid">
            <span aria-hidden="true">✓ </span>
            {t('activity.chainVerified')}
          </span>
        ) : (
          <span className="badge badge-danger">
            <span aria-hidden="true">✗ </span>
            {t('activity.chainBroken')}
          </span>
        )}
      </div>
      <p className="muted">{t('activity.explain')}</p>
      {ordered.length === 0 ? <p>{t('activity.none')}</p> : null}
      <ol className="activity">
        {ordered.map((entry) => (
          <li key={entry.seq}>
            <span className="activity-what">
              {LABELS[entry.action]?.(t) ?? entry.action}
              {summary(entry.details, f) ? (
                <span className="muted"> · {summary(entry.details, f)}</span>
              ) : null}
            </span>
            <span className="muted activity-meta">
              {actor(entry.actorType, t)} · {f.dateTime(entry.createdAt)} ·{' '}
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
            {busy ? t('activity.loading') : t('activity.earlier')}
          </button>
        </p>
      ) : null}
      <ErrorBanner message={error} />
    </section>
  );
}
