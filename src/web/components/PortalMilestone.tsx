import type { ReactNode } from 'react';
import { useT } from '../i18n';
import { useFormat } from '../i18n/format';
import type { DeliverableFile, Milestone } from '../types';
import { PortalFiles } from './PortalFiles';
import { PortalStatusBadge } from './StatusBadge';

/** One milestone on the client's timeline: its state, facts, files, and (when due) how to pay. */
export function PortalMilestone({
  milestone: m,
  currency,
  files,
  freelancer,
  review,
  disputed,
  dispute,
  payBox,
}: {
  milestone: Milestone;
  currency: string;
  files: DeliverableFile[];
  /** Who delivers: named in the revision's state line. */
  freelancer: string;
  /** Approve / request a revision, where the client may decide now. */
  review?: ReactNode;
  /** An active dispute: said beside the status. */
  disputed: boolean;
  dispute: ReactNode;
  payBox: ReactNode;
}) {
  const t = useT();
  const f = useFormat();
  const facts: [string, string][] = [
    [t('portal.fact.amount'), f.money(m.amountMinor, currency)],
    [t('portal.fact.due'), f.date(m.dueDate)],
  ];
  if (m.receivedMinor > 0 && (m.status !== 'paid' || m.receivedMinor !== m.amountMinor))
    facts.push([t('portal.fact.received'), f.money(m.receivedMinor, currency)]);
  if (m.status === 'delivered')
    facts.push([t('portal.fact.toPay'), f.money(m.outstandingMinor, currency)]);
  if (m.refundedMinor > 0)
    facts.push([t('portal.fact.refunded'), f.money(m.refundedMinor, currency)]);
  if (m.deliveredAt) facts.push([t('portal.fact.delivered'), f.dateTime(m.deliveredAt)]);
  if (m.approvedAt) facts.push([t('portal.fact.approved'), f.dateTime(m.approvedAt)]);
  if (m.paidAt) facts.push([t('portal.fact.paid'), f.dateTime(m.paidAt)]);
  return (
    <li
      id={`milestone-${m.id}`}
      tabIndex={-1}
      className={`card timeline-item status-${m.status}`}
      aria-labelledby={`pm-${m.id}`}
    >
      <div className="timeline-head">
        <h3 id={`pm-${m.id}`}>
          <span className="step">{m.position}.</span> <bdi>{m.title}</bdi>
        </h3>
        <span className="badges">
          <PortalStatusBadge milestone={m} />
          {m.isDeposit ? (
            <span className="badge badge-open">{t('portal.milestone.deposit')}</span>
          ) : null}
          {m.refundedInFull ? (
            <span className="badge badge-danger">{t('portal.milestone.refunded')}</span>
          ) : null}
          {disputed ? (
            <span className="badge badge-danger">{t('portal.milestone.disputed')}</span>
          ) : null}
        </span>
      </div>
      <dl className="facts">
        {facts.map(([term, value]) => (
          <div key={term}>
            <dt>{term}</dt>
            <dd>{value}</dd>
          </div>
        ))}
      </dl>
      {m.deliverables ? (
        <p className="deliverables">
          <bdi>{m.deliverables}</bdi>
        </p>
      ) : null}
      {m.isDeposit && m.status === 'open' && m.outstandingMinor > 0 ? (
        <p className="muted">{t('portal.milestone.depositExplain')}</p>
      ) : null}
      {m.status === 'open' && m.revisionRequest !== null ? (
        <div className="revision-state stack-tight" data-testid={`revision-state-${m.id}`}>
          <p className="banner banner-info">
            {t('portal.revision.requested', { name: freelancer })}
          </p>
          <p>
            {t('portal.revision.yourNote')}{' '}
            <bdi className="revision-note">{m.revisionRequest.note}</bdi>
          </p>
        </div>
      ) : null}
      {(m.status === 'delivered' || m.status === 'paid') && !(m.isDeposit && files.length === 0) ? (
        <PortalFiles milestone={m} files={files} />
      ) : null}
      {review}
      {dispute}
      {payBox}
    </li>
  );
}
