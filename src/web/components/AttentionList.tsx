import { useQuery } from '@tanstack/react-query';
import { Link } from 'react-router';
import { useFormat } from '../i18n/format';
import { T, useT } from '../i18n';
import { queries } from '../queries';
import type { AttentionItem } from '../types';
import { ErrorBanner } from './Notice';

/** Whole days from one calendar date (YYYY-MM-DD) to another. */
export function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}

/**
 * The dashboard's first question answered: what needs the freelancer now — overdue milestones,
 * delivered milestones waiting for payment, projects never shared — each linking to its project.
 */
export function AttentionList() {
  const t = useT();
  const f = useFormat();
  const { data, error } = useQuery(queries.attention());
  if (error) return <ErrorBanner message={error.message} />;
  if (!data) return null;
  const { overdue, awaitingPayment, neverShared, today } = data;
  // Nothing to do: the dashboard stays quiet rather than saying so.
  if (overdue.length + awaitingPayment.length + neverShared.length === 0) return null;
  const milestoneLink = (item: AttentionItem) => `/app/projects/${item.projectId}`;
  return (
    <section className="card stack" aria-labelledby="needs-attention-heading">
      <h2 id="needs-attention-heading">{t('workspace.attention.title')}</h2>
      {overdue.length > 0 ? (
        <>
          <h3>{t('workspace.attention.overdue', { count: overdue.length })}</h3>
          <ul className="attention-list" aria-label={t('workspace.attention.overdueList')}>
            {overdue.map((item) => (
              <li key={item.milestoneId}>
                <span className="overdue-flag">
                  {t('workspace.overdue.days', { days: daysBetween(item.dueDate, today) })}
                </span>
                <Link to={milestoneLink(item)}>
                  <bdi>{item.projectTitle}</bdi>
                </Link>
                <span>
                  <T
                    id="workspace.attention.milestoneDue"
                    values={{
                      position: item.position,
                      title: <bdi>{item.title}</bdi>,
                      date: f.date(item.dueDate),
                    }}
                  />
                </span>
              </li>
            ))}
          </ul>
        </>
      ) : null}
      {awaitingPayment.length > 0 ? (
        <>
          <h3>{t('workspace.attention.awaiting', { count: awaitingPayment.length })}</h3>
          <ul className="attention-list" aria-label={t('workspace.attention.awaitingList')}>
            {awaitingPayment.map((item) => (
              <li key={item.milestoneId}>
                <strong>{f.money(item.amountMinor, item.currency)}</strong>
                <Link to={milestoneLink(item)}>
                  <bdi>{item.projectTitle}</bdi>
                </Link>
                <span>
                  <T
                    id="workspace.attention.deliveredOn"
                    values={{
                      position: item.position,
                      title: <bdi>{item.title}</bdi>,
                      client: <bdi>{item.clientName}</bdi>,
                      date: f.dateTime(item.deliveredAt),
                    }}
                  />
                </span>
              </li>
            ))}
          </ul>
        </>
      ) : null}
      {neverShared.length > 0 ? (
        <>
          <h3>{t('workspace.attention.neverShared', { count: neverShared.length })}</h3>
          <ul className="attention-list" aria-label={t('workspace.attention.neverSharedList')}>
            {neverShared.map((item) => (
              <li key={item.projectId}>
                <Link to={`/app/projects/${item.projectId}`}>
                  <bdi>{item.projectTitle}</bdi>
                </Link>
                <span>
                  <T
                    id="workspace.attention.notShared"
                    values={{ client: <bdi>{item.clientName}</bdi> }}
                  />
                </span>
              </li>
            ))}
          </ul>
        </>
      ) : null}
    </section>
  );
}
