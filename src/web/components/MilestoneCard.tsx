import { useQuery } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { api } from '../api';
import { useFreelancerToday } from '../auth';
import { srOnly, T, useT } from '../i18n';
import { useFormat } from '../i18n/format';
import { DeliverButton } from './DeliverButton';
import { AppDisputeLazy } from '../disputes/DisputePanelLazy';
import { appDisputes, disputeKeys } from '../disputes/dispute-api';
import { MilestoneFiles } from './MilestoneFiles';
import { MilestoneForm } from './MilestoneForm';
import { ErrorBanner } from './Notice';
import { PaymentForm } from './PaymentForm';
import { PaymentList } from './PaymentList';
import { RefundForm } from './RefundForm';
import { StatusBadge } from './StatusBadge';
import { userLocale } from '../locale';
import { amountInputText } from '../money-input';
import { toApiError } from '../hooks';
import { daysBetween } from './AttentionList';
import type { DeliverableFile, Milestone, Payment } from '../types';

type Panel = 'none' | 'edit' | 'remove' | 'pay' | 'refund';

/** One step of the timeline, with what the freelancer can do to it in its current state. */
export function MilestoneCard(props: {
  projectId: string;
  milestone: Milestone;
  currency: string;
  /** Who is told when it is delivered. */
  clientName: string;
  /** This milestone's payments and refunds. */
  payments: Payment[];
  /** payment id → why Stripe's payment was flagged. */
  flagReasons: ReadonlyMap<string, string>;
  canRemove: boolean;
  /** All the project's milestones, to warn when an edited due date falls out of order. */
  siblings?: readonly Milestone[];
  readOnly: boolean;
  /** This milestone's files, or undefined while the listing loads. */
  files: DeliverableFile[] | undefined;
  onChanged: () => Promise<void>;
  onFilesChanged: () => Promise<void>;
}) {
  const { milestone, currency, projectId } = props;
  const t = useT();
  const f = useFormat();
  const today = useFreelancerToday();
  const overdue =
    (milestone.status === 'open' || milestone.status === 'locked') && milestone.dueDate < today;
  const [panel, setPanel] = useState<Panel>('none');
  const [error, setError] = useState<{ code: string; message: string } | null>(null);
  const [busy, setBusy] = useState(false);
  // "Still uploading" stops being true when the files change: drop the stale refusal then.
  const filesKey = props.files?.map((f) => `${f.id}:${f.status}`).join(',') ?? '';
  useEffect(() => {
    setError((e) => (e?.code === 'UPLOADS_IN_PROGRESS' ? null : e));
  }, [filesKey]);
  const editable =
    !props.readOnly && (milestone.status === 'locked' || milestone.status === 'open');
  // A dispute on this delivery: recording a payment waits for its end (the server refuses it).
  const disputes = useQuery({
    queryKey: disputeKeys.project(projectId),
    queryFn: appDisputes(projectId).list,
    enabled: milestone.status === 'delivered',
  });
  const paymentWaits =
    milestone.status === 'delivered' &&
    (disputes.data?.disputes.some((d) => d.milestoneId === milestone.id && d.blocksPayment) ??
      false);
  const netReceived = milestone.receivedMinor - milestone.refundedMinor;
  // Money can be given back even on an archived project.
  const refundable = netReceived > 0;

  async function run(action: () => Promise<unknown>) {
    setBusy(true);
    setError(null);
    try {
      await action();
      setPanel('none');
      await props.onChanged();
    } catch (err) {
      const e = toApiError(err);
      setError({ code: e.code, message: e.message });
    } finally {
      setBusy(false);
    }
  }

  const headingId = `milestone-${milestone.id}-title`;
  return (
    <li
      id={`milestone-${milestone.id}`}
      className={`card timeline-item status-${milestone.status}`}
      aria-labelledby={headingId}
    >
      <div className="timeline-head">
        <h3 id={headingId}>
          <span className="step">{milestone.position}.</span> <bdi>{milestone.title}</bdi>
        </h3>
        <StatusBadge status={milestone.status} />
        {milestone.isDeposit ? (
          <span className="badge badge-open">{t('project.milestone.deposit')}</span>
        ) : null}
        {overdue ? (
          <span className="overdue-flag">
            {t('workspace.overdue.days', { days: daysBetween(milestone.dueDate, today) })}
          </span>
        ) : null}
      </div>
      <dl className="facts">
        <div>
          <dt>{t('project.milestone.amount')}</dt>
          <dd>{f.money(milestone.amountMinor, currency)}</dd>
        </div>
        <div>
          <dt>{t('project.milestone.due')}</dt>
          <dd>{f.date(milestone.dueDate)}</dd>
        </div>
        {milestone.receivedMinor > 0 ? (
          <div>
            <dt>{t('project.milestone.received')}</dt>
            <dd>{f.money(milestone.receivedMinor, currency)}</dd>
          </div>
        ) : null}
        {milestone.status === 'delivered' ? (
          <div>
            <dt>{t('project.milestone.outstanding')}</dt>
            <dd>{f.money(milestone.outstandingMinor, currency)}</dd>
          </div>
        ) : null}
        {milestone.overpaidMinor > 0 ? (
          <div>
            <dt>{t('project.milestone.overpaid')}</dt>
            <dd>{f.money(milestone.overpaidMinor, currency)}</dd>
          </div>
        ) : null}
        {milestone.refundedMinor > 0 ? (
          <div>
            <dt>{t('project.milestone.refunded')}</dt>
            <dd>
              {f.money(milestone.refundedMinor, currency)}
              {milestone.refundedInFull ? t('project.milestone.inFull') : ''}
            </dd>
          </div>
        ) : null}
        {milestone.deliveredAt ? (
          <div>
            <dt>{t('project.milestone.delivered')}</dt>
            <dd>{f.dateTime(milestone.deliveredAt)}</dd>
          </div>
        ) : null}
        {milestone.approvedAt ? (
          <div>
            <dt>{t('project.milestone.approved')}</dt>
            <dd>{f.dateTime(milestone.approvedAt)}</dd>
          </div>
        ) : null}
        {milestone.revisionsUsed > 0 ? (
          <div>
            <dt>{t('project.revision.heading')}</dt>
            <dd>
              {t('project.revision.roundsUsed', {
                used: milestone.revisionsUsed,
                rounds: milestone.revisionRounds,
              })}
            </dd>
          </div>
        ) : null}
        {milestone.paidAt ? (
          <div>
            <dt>{t('project.milestone.paid')}</dt>
            <dd>{f.dateTime(milestone.paidAt)}</dd>
          </div>
        ) : null}
      </dl>
      {milestone.deliverables ? (
        <p className="deliverables">
          <bdi>{milestone.deliverables}</bdi>
        </p>
      ) : null}
      {milestone.status === 'open' && milestone.revisionRequest !== null ? (
        <section
          className="revision-request stack-tight"
          aria-labelledby={`${headingId}-revision`}
          data-testid={`revision-request-${milestone.id}`}
        >
          <h4 id={`${headingId}-revision`}>{t('project.revision.heading')}</h4>
          <p className="muted">
            {t('project.revision.round', {
              round: milestone.revisionsUsed,
              rounds: milestone.revisionRounds,
              date: f.dateTime(milestone.revisionRequest.requestedAt),
            })}
          </p>
          <blockquote className="revision-note">
            <p>{t('project.revision.noteLabel', { client: props.clientName })}</p>
            <bdi>{milestone.revisionRequest.note}</bdi>
          </blockquote>
          {!props.readOnly ? <p className="hint">{t('project.revision.how')}</p> : null}
        </section>
      ) : null}
      {milestone.refundedInFull ? (
        <p className="warning">{t('project.milestone.refundedInFull')}</p>
      ) : null}
      <PaymentList
        payments={props.payments}
        position={milestone.position}
        flagReasons={props.flagReasons}
      />
      {props.files !== undefined && milestone.status !== 'locked' ? (
        <MilestoneFiles
          milestone={milestone}
          projectId={projectId}
          files={props.files}
          readOnly={props.readOnly}
          onChanged={props.onFilesChanged}
        />
      ) : null}
      {milestone.status === 'delivered' || milestone.status === 'paid' ? (
        <AppDisputeLazy
          projectId={projectId}
          milestone={milestone}
          currency={currency}
          otherName={props.clientName}
          files={props.files ?? []}
          readOnly={props.readOnly}
          onChanged={props.onChanged}
        />
      ) : null}
      <ErrorBanner message={error?.message} />

      {panel === 'edit' ? (
        <MilestoneForm
          idPrefix={`edit-${milestone.id}`}
          currency={currency}
          initial={{
            title: milestone.title,
            deliverables: milestone.deliverables,
            dueDate: milestone.dueDate,
            amount: amountInputText(milestone.amountMinor, userLocale(), currency),
            isDeposit: milestone.isDeposit,
          }}
          submitLabel={t('project.milestone.save')}
          dueContext={{ position: milestone.position, others: props.siblings ?? [] }}
          onCancel={() => setPanel('none')}
          onSubmit={async (fields) => {
            await api.updateMilestone(projectId, milestone.id, fields);
            setPanel('none');
            await props.onChanged();
          }}
        />
      ) : null}

      {panel === 'pay' ? (
        <PaymentForm
          projectId={projectId}
          milestone={milestone}
          currency={currency}
          clientName={props.clientName}
          onCancel={() => setPanel('none')}
          onDone={async () => {
            setPanel('none');
            await props.onChanged();
          }}
        />
      ) : null}

      {panel === 'refund' ? (
        <RefundForm
          projectId={projectId}
          milestone={milestone}
          currency={currency}
          onCancel={() => setPanel('none')}
          onDone={async () => {
            setPanel('none');
            await props.onChanged();
          }}
        />
      ) : null}

      {panel === 'remove' ? (
        <div className="confirm" role="group" aria-label={t('project.milestone.confirmRemoval')}>
          <p>
            <T
              id="project.milestone.removeQuestion"
              values={{ title: <bdi>{milestone.title}</bdi> }}
            />
          </p>
          <div className="actions">
            <button
              type="button"
              className="button-danger"
              disabled={busy}
              onClick={() => void run(() => api.removeMilestone(projectId, milestone.id))}
            >
              {t('project.milestone.removeYes')}
            </button>
            <button type="button" className="button-secondary" onClick={() => setPanel('none')}>
              {t('project.milestone.keep')}
            </button>
          </div>
        </div>
      ) : null}

      {panel === 'none' && (!props.readOnly || refundable) ? (
        <div className="actions">
          {milestone.status === 'open' && !props.readOnly ? (
            <DeliverButton
              milestone={milestone}
              clientName={props.clientName}
              files={props.files}
              disabled={busy}
              onDeliver={() => run(() => api.deliverMilestone(projectId, milestone.id))}
            />
          ) : null}
          {milestone.status === 'delivered' && !props.readOnly && paymentWaits ? (
            <p className="muted" data-testid={`payment-waits-${milestone.id}`}>
              {t('project.payment.disputed')}
            </p>
          ) : null}
          {milestone.status === 'delivered' && !props.readOnly && !paymentWaits ? (
            <button type="button" onClick={() => setPanel('pay')}>
              {milestone.receivedMinor > 0
                ? t('project.payment.recordAnother')
                : t('project.payment.record')}
            </button>
          ) : null}
          {milestone.status === 'open' && milestone.isDeposit && !props.readOnly ? (
            <button type="button" className="button-secondary" onClick={() => setPanel('pay')}>
              {milestone.receivedMinor > 0
                ? t('project.payment.recordAnother')
                : t('project.payment.recordDeposit')}
            </button>
          ) : null}
          {refundable ? (
            <button type="button" className="button-secondary" onClick={() => setPanel('refund')}>
              <T
                id="project.milestone.refundButton"
                values={{ position: milestone.position, hidden: srOnly }}
              />
            </button>
          ) : null}
          {editable ? (
            <button type="button" className="button-secondary" onClick={() => setPanel('edit')}>
              <T
                id="project.milestone.editButton"
                values={{ position: milestone.position, hidden: srOnly }}
              />
            </button>
          ) : null}
          {editable && props.canRemove ? (
            <button type="button" className="button-secondary" onClick={() => setPanel('remove')}>
              <T
                id="project.milestone.removeButton"
                values={{ position: milestone.position, hidden: srOnly }}
              />
            </button>
          ) : null}
        </div>
      ) : null}
    </li>
  );
}
