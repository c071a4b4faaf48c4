import { useEffect, useState, type ReactNode } from 'react';
import { ChatDock } from '../chat/ChatDock';
import { PortalMailChoices } from '../notify/PortalMailChoices';
import { portalApi } from '../api';
import { T, useT } from '../i18n';
import { useFormat } from '../i18n/format';
import { toApiError } from '../hooks';
import type { DeliverableFile, Milestone, PortalView, Receipt } from '../types';
import { PortalMilestone } from './PortalMilestone';
import { PortalPayBox } from './PortalPayBox';
import { PortalSummary } from './PortalSummary';
import { ReceiptList } from './ReceiptList';
import { PortalInvoicesLazy } from '../invoices/PortalInvoicesLazy';
import { PortalChangeOrdersLazy } from '../change-orders/PortalChangeOrdersLazy';
import { PortalContractLazy } from '../contract/PortalContractLazy';
import { PortalReviewLazy } from '../revisions/PortalReviewLazy';
import { PortalDisputeLazy } from '../disputes/DisputePanelLazy';
import type { DisputeList } from '../disputes/dispute-api';
import { ContractFirst } from '../contract/ContractFirst';
import { isCurrentAccepted, usePortalContract } from '../contract/usePortalContract';

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
  const t = useT();
  const { locale } = useFormat();
  if (paymentReturn.kind === 'cancelled') {
    return (
      <p className="banner banner-info" role="status">
        {t('portal.return.cancelled')}
      </p>
    );
  }
  const awaiting = paymentReturn.awaiting;
  const confirmed = milestones.filter(
    (m) => awaiting !== null && awaiting.includes(m.id) && m.status === 'paid',
  );
  if (confirmed.length > 0) {
    const names = new Intl.ListFormat(locale, { type: 'conjunction' }).format(
      confirmed.map((m) => t('portal.return.item', { position: m.position, title: m.title })),
    );
    return (
      <p className="banner banner-success" role="status">
        <span aria-hidden="true">✓ </span>
        {t('portal.return.confirmed', { milestones: names, count: confirmed.length })}
      </p>
    );
  }
  if (awaiting !== null && awaiting.length === 0) return null;
  const slow = Date.now() - paymentReturn.at > SLOW_CONFIRMATION_MS;
  return (
    <p className="banner banner-info" role="status" data-testid="payment-pending">
      {t('portal.return.pending')}
      {slow ? ` ${t('portal.return.slow')}` : ''}
    </p>
  );
}

/** Whether money may be taken now: once delivered, or at once for a deposit (as the server says). */
export const payable = (m: Milestone): boolean =>
  m.status === 'delivered' || (m.isDeposit && m.status === 'open');

/** What the client sees: who the work is with, the milestones, the terms, and how to pay. */
export function PortalProjectView({
  view,
  files,
  receipts,
  disputes,
  paymentReturn,
  onChanged,
}: {
  view: PortalView;
  files: DeliverableFile[];
  receipts: Receipt[];
  disputes: DisputeList;
  paymentReturn: PaymentReturn | null;
  onChanged: () => Promise<void>;
}) {
  const { project, paymentInstructions } = view;
  const milestones = [...view.milestones].sort((a, b) => a.position - b.position);
  const freelancer = project.freelancer.businessName
    ? `${project.freelancer.name}, ${project.freelancer.businessName}`
    : project.freelancer.name;
  const payee = project.freelancer.businessName || project.freelancer.name;
  const t = useT();
  const f = useFormat();
  // Payment waits for the client's acceptance of the current contract (unknown while loading).
  const contractAccepted = isCurrentAccepted(usePortalContract(view).data);
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
  // An active dispute on a delivery: payment waits for its end (the server refuses it too).
  const disputed = new Set(
    disputes.disputes
      .filter((d) => d.status === 'open' || d.status === 'escalated')
      .map((d) => d.milestoneId),
  );
  const blocked = new Set(
    disputes.disputes.filter((d) => d.blocksPayment).map((d) => d.milestoneId),
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

  return (
    <div className="portal-view stack">
      <h1>
        <bdi>{project.title}</bdi>
      </h1>
      <p className="muted">
        <T id="portal.with" values={{ name: <bdi>{freelancer}</bdi> }} />
      </p>
      {paymentReturn !== null ? (
        <PaymentReturnBanner paymentReturn={paymentReturn} milestones={milestones} />
      ) : null}
      <PortalSummary
        view={view}
        milestones={milestones}
        canPayByCard={!cardUnavailable}
        paying={paying !== null}
        contractAccepted={contractAccepted}
        blocked={blocked}
        onPay={(m) => void payByCard(m)}
      />
      {project.description ? (
        <p>
          <bdi>{project.description}</bdi>
        </p>
      ) : null}
      {archived ? (
        <p className="banner banner-info">{t('portal.archived')}</p>
      ) : contractAccepted === false ? (
        <p className="banner banner-info">
          <T
            id="portal.contractFirst"
            values={{ a: (chunks: ReactNode[]) => <a href="#contract-heading">{chunks}</a> }}
          />
        </p>
      ) : null}
      <PortalChangeOrdersLazy currency={project.currency} freelancer={project.freelancer.name} />
      <dl className="stats">
        <div className="stat">
          <dt>{t('portal.stats.total')}</dt>
          <dd>{f.money(project.totalMinor, project.currency)}</dd>
        </div>
        <div className="stat">
          <dt>{t('portal.stats.paid')}</dt>
          <dd>{f.money(paidNet, project.currency)}</dd>
        </div>
        <div className="stat">
          <dt>{t('portal.stats.toPay')}</dt>
          <dd>{f.money(stillToPay, project.currency)}</dd>
        </div>
      </dl>

      <ChatDock realm="portal" projectId={project.id} otherName={project.freelancer.name} />
      <section className="stack" aria-labelledby="portal-milestones-heading">
        <h2 id="portal-milestones-heading" tabIndex={-1}>
          {t('portal.milestones.heading')}
        </h2>
        <ol className="timeline">
          {milestones.map((m) => (
            <PortalMilestone
              key={m.id}
              milestone={m}
              currency={project.currency}
              files={files.filter((file) => file.milestoneId === m.id)}
              freelancer={project.freelancer.name}
              disputed={disputed.has(m.id)}
              dispute={
                m.status === 'delivered' || m.status === 'paid' || disputed.has(m.id) ? (
                  <PortalDisputeLazy
                    milestone={m}
                    currency={project.currency}
                    otherName={project.freelancer.name}
                    list={disputes}
                    files={files.filter((file) => file.milestoneId === m.id)}
                    readOnly={archived}
                    onChanged={onChanged}
                  />
                ) : null
              }
              review={
                m.status === 'delivered' &&
                m.approvedAt === null &&
                !archived &&
                !disputed.has(m.id) ? (
                  <PortalReviewLazy
                    milestone={m}
                    freelancer={project.freelancer.name}
                    onChanged={onChanged}
                  />
                ) : null
              }
              payBox={
                payable(m) && m.outstandingMinor > 0 && !archived ? (
                  blocked.has(m.id) ? (
                    <p className="banner banner-info" data-testid={`pay-blocked-${m.id}`}>
                      {t('portal.pay.disputed')}
                    </p>
                  ) : contractAccepted === false ? (
                    <ContractFirst milestone={m} currency={project.currency} />
                  ) : (
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
                  )
                ) : null
              }
            />
          ))}
        </ol>
      </section>

      {receipts.length > 0 ? (
        <section className="card stack" id="receipts" aria-labelledby="portal-receipts-heading">
          <h2 id="portal-receipts-heading" tabIndex={-1}>
            {t('portal.receipts.heading')}
          </h2>
          <p className="muted">{t('portal.receipts.explain')}</p>
          <ReceiptList receipts={receipts} realm="portal" label={t('portal.receipts.list')} />
        </section>
      ) : null}
      <PortalInvoicesLazy />

      <PortalMailChoices />
      <PortalContractLazy view={view} milestones={milestones} />
    </div>
  );
}
