import { useEffect, useState } from 'react';
import { ChatDock } from '../chat/ChatDock';
import { portalApi } from '../api';
import { ErrorBanner } from './Notice';
import { PortalFiles } from './PortalFiles';
import { PortalPayBox } from './PortalPayBox';
import { PortalSummary } from './PortalSummary';
import { ReceiptList } from './ReceiptList';
import { PortalStatusBadge } from './StatusBadge';
import { formatDate, formatDateTime, formatMoney } from '../format';
import { toApiError } from '../hooks';
import type { DeliverableFile, Milestone, PortalView, Receipt } from '../types';

/** The client came back from Stripe's payment page (or cancelled it). */
export interface PaymentReturn {
  kind: 'returned' | 'cancelled';
  at: number;
  /** Milestones awaiting payment when the portal first loaded after the return (null until then). */
  awaiting: string[] | null;
}

/** Waiting for Stripe's confirmation this long, the banner says it may take a few minutes. */
const SLOW_CONFIRMATION_MS = 60_000;

/**
 * What the return from Stripe means now. Only the API's word counts: the milestone is called
 * paid once the portal's own data says so, never because the browser came back.
 */
function PaymentReturnBanner({
  paymentReturn,
  milestones,
}: {
  paymentReturn: PaymentReturn;
  milestones: Milestone[];
}) {
  if (paymentReturn.kind === 'cancelled') {
    return (
      <p className="banner banner-info" role="status">
        Payment cancelled: nothing was charged. You can pay whenever you are ready.
      </p>
    );
  }
  const awaiting = paymentReturn.awaiting;
  const confirmed = milestones.filter(
    (m) => awaiting !== null && awaiting.includes(m.id) && m.status === 'paid',
  );
  if (confirmed.length > 0) {
    return (
      <p className="banner banner-success" role="status">
        <span aria-hidden="true">✓ </span>Payment confirmed:{' '}
        {confirmed.map((m) => `milestone ${m.position}, ${m.title},`).join(' and ')}{' '}
        {confirmed.length === 1 ? 'is' : 'are'} paid. The files are unlocked and your receipt is
        below.
      </p>
    );
  }
  if (awaiting !== null && awaiting.length === 0) return null;
  const slow = Date.now() - paymentReturn.at > SLOW_CONFIRMATION_MS;
  return (
    <p className="banner banner-info" role="status" data-testid="payment-pending">
      Payment received by Stripe — it appears here as soon as Stripe confirms it.
      {slow
        ? ' Stripe has not confirmed it yet; this can take a few minutes. This page keeps checking.'
        : ''}
    </p>
  );
}

/** What the client sees: who the work is with, the milestones, the terms, and how to pay. */
export function PortalProjectView({
  view,
  files,
  receipts,
  paymentReturn,
  onChanged,
}: {
  view: PortalView;
  files: DeliverableFile[];
  receipts: Receipt[];
  paymentReturn: PaymentReturn | null;
  onChanged: () => Promise<void>;
}) {
  const { project, paymentInstructions } = view;
  const milestones = [...view.milestones].sort((a, b) => a.position - b.position);
  const freelancer = project.freelancer.businessName
    ? `${project.freelancer.name}, ${project.freelancer.businessName}`
    : project.freelancer.name;
  const payee = project.freelancer.businessName || project.freelancer.name;
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  // The server says whether card payment is set up; a refusal (keys removed since) also teaches it.
  const [cardRefused, setCardUnavailable] = useState(false);
  const cardUnavailable = cardRefused || !view.cardPayments;
  // Archived: read-only; what was paid for stays available.
  const archived = project.archivedAt !== null;
  const [paying, setPaying] = useState<string | null>(null);
  const [payError, setPayError] = useState<{ milestoneId: string; message: string } | null>(null);
  const [focusNote, setFocusNote] = useState<string | null>(null);
  // Just back from Stripe: these may already be paid, waiting for Stripe's word.
  const confirming = new Set(
    paymentReturn?.kind === 'returned' ? (paymentReturn.awaiting ?? []) : [],
  );
  const paidNet = milestones.reduce((a, m) => a + m.receivedMinor - m.refundedMinor, 0);
  const stillToPay = milestones.reduce((a, m) => a + m.outstandingMinor, 0);

  // Back on this page through the browser's back button: the payment page was not used.
  useEffect(() => {
    const onShow = (event: PageTransitionEvent) => {
      if (event.persisted) setPaying(null);
    };
    window.addEventListener('pageshow', onShow);
    return () => window.removeEventListener('pageshow', onShow);
  }, []);

  // The Pay button vanished under the keyboard: put focus on the words that replaced it.
  useEffect(() => {
    if (focusNote === null) return;
    document.getElementById(focusNote)?.focus();
    setFocusNote(null);
  }, [focusNote]);

  async function payByCard(m: Milestone) {
    setPaying(m.id);
    setPayError(null);
    try {
      const { url } = await portalApi.checkout(m.id);
      // Stays "busy" while the browser leaves for Stripe's page.
      window.location.assign(url);
    } catch (err) {
      const e = toApiError(err);
      setPaying(null);
      if (e.code === 'STRIPE_NOT_CONFIGURED') {
        setCardUnavailable(true);
        setFocusNote(`pay-note-${m.id}`);
        return;
      }
      setPayError({ milestoneId: m.id, message: e.message });
      // Paid meanwhile, or no longer awaiting payment: show what is true now.
      if (e.status === 409) await onChanged();
    }
  }

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
    <div className="portal-view stack">
      <h1>
        <bdi>{project.title}</bdi>
      </h1>
      <p className="muted">
        With <bdi>{freelancer}</bdi>
      </p>
      {paymentReturn !== null ? (
        <PaymentReturnBanner paymentReturn={paymentReturn} milestones={milestones} />
      ) : null}
      <PortalSummary
        view={view}
        milestones={milestones}
        canPayByCard={!cardUnavailable}
        paying={paying !== null}
        onPay={(m) => void payByCard(m)}
      />
      {project.description ? (
        <p>
          <bdi>{project.description}</bdi>
        </p>
      ) : null}
      {archived ? (
        <p className="banner banner-info">
          This project is archived: nothing in it changes any more. What you paid for — its files,
          receipts and terms — stays available to you here.
        </p>
      ) : !project.termsAcceptedAt ? (
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
          <dd>{formatMoney(paidNet, project.currency)}</dd>
        </div>
        <div className="stat">
          <dt>Still to pay</dt>
          <dd>{formatMoney(stillToPay, project.currency)}</dd>
        </div>
      </dl>

      <ChatDock realm="portal" projectId={project.id} otherName={project.freelancer.name} />
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
                <span className="badges">
                  <PortalStatusBadge milestone={m} />
                  {m.refundedInFull ? <span className="badge badge-danger">Refunded</span> : null}
                </span>
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
                {m.receivedMinor > 0 &&
                (m.status !== 'paid' || m.receivedMinor !== m.amountMinor) ? (
                  <div>
                    <dt>Received</dt>
                    <dd>{formatMoney(m.receivedMinor, project.currency)}</dd>
                  </div>
                ) : null}
                {m.status === 'delivered' ? (
                  <div>
                    <dt>Still to pay</dt>
                    <dd>{formatMoney(m.outstandingMinor, project.currency)}</dd>
                  </div>
                ) : null}
                {m.refundedMinor > 0 ? (
                  <div>
                    <dt>Refunded</dt>
                    <dd>{formatMoney(m.refundedMinor, project.currency)}</dd>
                  </div>
                ) : null}
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
              {m.deliverables ? (
                <p className="deliverables">
                  <bdi>{m.deliverables}</bdi>
                </p>
              ) : null}
              {m.status === 'delivered' || m.status === 'paid' ? (
                <PortalFiles milestone={m} files={files.filter((f) => f.milestoneId === m.id)} />
              ) : null}
              {m.status === 'delivered' && m.outstandingMinor > 0 && !archived ? (
                <PortalPayBox
                  milestone={m}
                  currency={project.currency}
                  payee={payee}
                  instructions={paymentInstructions}
                  canPayByCard={!cardUnavailable}
                  paying={paying}
                  confirming={confirming.has(m.id)}
                  payError={payError?.milestoneId === m.id ? payError.message : null}
                  onPay={() => void payByCard(m)}
                />
              ) : null}
            </li>
          ))}
        </ol>
      </section>

      {receipts.length > 0 ? (
        <section className="card stack" aria-labelledby="portal-receipts-heading">
          <h2 id="portal-receipts-heading">Receipts</h2>
          <p className="muted">
            One numbered receipt per payment, also sent to you by email. Each PDF lists the files
            delivered with their SHA-256 checksums.
          </p>
          <ReceiptList receipts={receipts} realm="portal" label="Your receipts" />
        </section>
      ) : null}

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
              <strong>
                <bdi>{m.title}</bdi>
              </strong>{' '}
              — due {formatDate(m.dueDate)}, {formatMoney(m.amountMinor, project.currency)}.
              {m.deliverables ? (
                <span className="deliverables">
                  {' '}
                  Deliverables: <bdi>{m.deliverables}</bdi>
                </span>
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
        ) : archived ? (
          <p className="muted">The project is archived: its terms can no longer be accepted.</p>
        ) : (
          <div className="actions">
            <button type="button" disabled={busy} onClick={() => void accept()}>
              I accept these terms
            </button>
          </div>
        )}
      </section>
    </div>
  );
}
