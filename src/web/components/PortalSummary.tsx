import type { CSSProperties } from 'react';
import { useFormat } from '../i18n/format';
import { useT } from '../i18n';
import type { Milestone, PortalView } from '../types';

/**
 * The first thing the client reads: what to do now. A milestone waiting for payment (the
 * earliest) with its Pay action, or what the freelancer is working on and by when, or that
 * everything is paid.
 */
export function PortalSummary({
  view,
  milestones,
  canPayByCard,
  paying,
  contractAccepted,
  blocked,
  onPay,
}: {
  view: PortalView;
  milestones: Milestone[];
  canPayByCard: boolean;
  paying: boolean;
  /** false: the current contract is not accepted yet, and reviewing it replaces Pay. */
  contractAccepted?: boolean | undefined;
  /** Milestones whose payment waits for a dispute's end: no Pay for them here either. */
  blocked: ReadonlySet<string>;
  onPay: (m: Milestone) => void;
}) {
  const t = useT();
  const format = useFormat();
  const archived = view.project.archivedAt !== null;
  const due = archived
    ? undefined
    : milestones.find(
        (m) =>
          (m.status === 'delivered' || (m.isDeposit && m.status === 'open')) &&
          m.outstandingMinor > 0,
      );
  const open = milestones.find((m) => m.status === 'open');
  const name = view.brand.name;
  // Delivered and not yet approved: the review comes before paying (paying approves too).
  const toReview = due?.status === 'delivered' && due.approvedAt === null;
  if (due) {
    const amount = format.money(due.outstandingMinor, view.project.currency);
    return (
      <section
        className="card summary summary-due stack"
        data-testid="portal-summary"
        id="portal-next"
        tabIndex={-1}
      >
        <h2 className="summary-head">
          {t('portal.summary.due', { position: due.position, amount })}
        </h2>
        <p className="muted">
          <bdi>{due.title}</bdi>
        </p>
        {blocked.has(due.id) ? (
          <p className="banner banner-info">{t('portal.pay.disputed')}</p>
        ) : contractAccepted === false ? (
          <div className="actions">
            <a className="button button-brand" href="#contract-heading">
              {t('portal.contract.review')}
            </a>
          </div>
        ) : (
          <div className="actions">
            {canPayByCard ? (
              <button
                type="button"
                className="button-brand"
                disabled={paying}
                onClick={() => onPay(due)}
              >
                {t('portal.summary.pay', { amount })}
              </button>
            ) : null}
            <a className="button button-secondary" href={`#pay-${due.id}`}>
              {canPayByCard ? t('portal.summary.otherWays') : t('portal.summary.howToPay')}
            </a>
            {toReview ? (
              <a className="button button-secondary" href={`#review-${due.id}`}>
                {t('portal.summary.review')}
              </a>
            ) : null}
          </div>
        )}
      </section>
    );
  }
  const message = open
    ? open.revisionRequest !== null
      ? t('portal.summary.revision', { name, position: open.position })
      : t('portal.summary.working', {
          name,
          position: open.position,
          date: format.date(open.dueDate),
        })
    : milestones.length > 0 && milestones.every((m) => m.status === 'paid')
      ? t('portal.summary.complete')
      : t('portal.summary.nothing');
  return (
    <section
      className="card summary stack"
      data-testid="portal-summary"
      id="portal-next"
      tabIndex={-1}
    >
      <h2 className="summary-head">{message}</h2>
    </section>
  );
}

/** Who the project is with: the freelancer's logo and name, in their accent colour. */
export function PortalBrand({ view }: { view: PortalView }) {
  const t = useT();
  const { brand } = view;
  return (
    <div className="portal-brand" data-testid="portal-brand">
      {brand.logoUrl ? (
        <img className="portal-logo" src={brand.logoUrl} alt={brand.name} height={40} />
      ) : null}
      <p className="portal-brand-name">
        <span className="muted">{t('portal.brand.with')} </span>
        <strong>
          <bdi>{brand.name}</bdi>
        </strong>
      </p>
    </div>
  );
}

/** The CSS custom properties that carry the freelancer's accent into the portal's buttons. */
export function brandStyle(view: PortalView): CSSProperties {
  const { accentColor, accentTextColor } = view.brand;
  return accentColor && accentTextColor
    ? ({ '--brand': accentColor, '--on-brand': accentTextColor } as CSSProperties)
    : {};
}
