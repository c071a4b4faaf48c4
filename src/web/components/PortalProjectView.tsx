import { useState } from 'react';
import { portalApi } from '../api';
import { ErrorBanner } from './Notice';
import { PortalFiles } from './PortalFiles';
import { StatusBadge } from './StatusBadge';
import { formatDate, formatDateTime, formatMoney } from '../format';
import { toApiError } from '../hooks';
import type { DeliverableFile, PortalView } from '../types';

/** What the client sees: who the work is with, the milestones, the terms, and how to pay. */
export function PortalProjectView({
  view,
  files,
  onChanged,
  onLeave,
}: {
  view: PortalView;
  files: DeliverableFile[];
  onChanged: () => Promise<void>;
  onLeave: () => Promise<void>;
}) {
  const { project, paymentInstructions } = view;
  const milestones = [...view.milestones].sort((a, b) => a.position - b.position);
  const freelancer = project.freelancer.businessName
    ? `${project.freelancer.name}, ${project.freelancer.businessName}`
    : project.freelancer.name;
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function accept() {
    setBusy(true);
    setError(null);
    try {
      await portalApi.acceptTerms();
      await onChanged();
    } catch (err) {
      setError(toApiError(err).message);
    } finally {
      setBusy(false);
    }
  }

  return (
    <>
      <div className="page-head">
        <h1>{project.title}</h1>
        <button type="button" className="button-secondary" onClick={() => void onLeave()}>
          Leave project
        </button>
      </div>
      <p className="muted">With {freelancer}</p>
      {project.description ? <p>{project.description}</p> : null}
      {!project.termsAcceptedAt ? (
        <p className="banner banner-info">
          Please read the <a href="#terms-heading">terms</a> below and accept them to begin.
        </p>
      ) : null}
      <dl className="stats">
        <div className="stat">
          <dt>Total</dt>
          <dd>{formatMoney(project.totalMinor, project.currency)}</dd>
        </div>
        <div className="stat">
          <dt>Paid</dt>
          <dd>{formatMoney(project.paidMinor, project.currency)}</dd>
        </div>
        <div className="stat">
          <dt>Still to pay</dt>
          <dd>{formatMoney(project.totalMinor - project.paidMinor, project.currency)}</dd>
        </div>
      </dl>

      <section className="stack" aria-labelledby="portal-milestones-heading">
        <h2 id="portal-milestones-heading">Milestones</h2>
        <ol className="timeline">
          {milestones.map((m) => (
            <li
              key={m.id}
              className={`card timeline-item status-${m.status}`}
              aria-labelledby={`pm-${m.id}`}
            >
              <div className="timeline-head">
                <h3 id={`pm-${m.id}`}>
                  <span className="step">{m.position}.</span> {m.title}
                </h3>
                <StatusBadge status={m.status} />
              </div>
              <dl className="facts">
                <div>
                  <dt>Amount</dt>
                  <dd>{formatMoney(m.amountMinor, project.currency)}</dd>
                </div>
                <div>
                  <dt>Due</dt>
                  <dd>{formatDate(m.dueDate)}</dd>
                </div>
                {m.deliveredAt ? (
                  <div>
                    <dt>Delivered</dt>
                    <dd>{formatDateTime(m.deliveredAt)}</dd>
                  </div>
                ) : null}
                {m.paidAt ? (
                  <div>
                    <dt>Paid</dt>
                    <dd>{formatDateTime(m.paidAt)}</dd>
                  </div>
                ) : null}
              </dl>
              {m.deliverables ? <p className="deliverables">{m.deliverables}</p> : null}
              {m.status === 'delivered' || m.status === 'paid' ? (
                <PortalFiles milestone={m} files={files.filter((f) => f.milestoneId === m.id)} />
              ) : null}
              {m.status === 'delivered' ? (
                <div className="pay-box">
                  <h4>Payment due: {formatMoney(m.amountMinor, project.currency)}</h4>
                  {paymentInstructions ? (
                    <>
                      <p>
                        How to pay {project.freelancer.businessName || project.freelancer.name}:
                      </p>
                      <p className="instructions">{paymentInstructions}</p>
                    </>
                  ) : (
                    <p>Your freelancer will tell you how to pay.</p>
                  )}
                  <p className="muted">The next milestone opens once this payment is recorded.</p>
                </div>
              ) : null}
            </li>
          ))}
        </ol>
      </section>

      <section className="card stack terms" aria-labelledby="terms-heading">
        <h2 id="terms-heading" tabIndex={-1}>
          Terms
        </h2>
        <p>
          {freelancer} will deliver the work below in {milestones.length} milestone
          {milestones.length === 1 ? '' : 's'}, for a total of{' '}
          {formatMoney(project.totalMinor, project.currency)}.
        </p>
        <ol className="terms-list">
          {milestones.map((m) => (
            <li key={m.id}>
              <strong>{m.title}</strong> — due {formatDate(m.dueDate)},{' '}
              {formatMoney(m.amountMinor, project.currency)}.
              {m.deliverables ? (
                <span className="deliverables"> Deliverables: {m.deliverables}</span>
              ) : null}
            </li>
          ))}
        </ol>
        <p>
          <strong>Sequence and payment.</strong> Milestones run in order; only the current one is
          open. When a milestone is delivered, its payment is due, and the next milestone opens once
          that payment is received. Delivered files are released to you when their milestone is
          paid.
        </p>
        <p>
          <strong>Changes.</strong> Any change to the scope, price or dates of milestones not yet
          paid is proposed as a change order and applies only when you accept it. Paid milestones
          never change.
        </p>
        <p>
          <strong>Disputes.</strong> If either of you feels a milestone was not satisfactorily
          completed, either may open a dispute on it: a statement, a response and a proposed
          resolution (a revision, a partial refund or a split). If you cannot agree, the dispute
          goes to an outside mediator with the project’s activity record as evidence.
        </p>
        <ErrorBanner message={error} />
        {project.termsAcceptedAt ? (
          <p className="banner banner-success">
            <span aria-hidden="true">✓ </span>You accepted these terms on{' '}
            {formatDateTime(project.termsAcceptedAt)}.
          </p>
        ) : (
          <div className="actions">
            <button type="button" disabled={busy} onClick={() => void accept()}>
              I accept these terms
            </button>
          </div>
        )}
      </section>
    </>
  );
}
