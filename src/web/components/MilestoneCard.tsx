import { useState } from 'react';
import { api } from '../api';
import { MilestoneFiles } from './MilestoneFiles';
import { MilestoneForm } from './MilestoneForm';
import { ErrorBanner } from './Notice';
import { PaymentForm } from './PaymentForm';
import { StatusBadge } from './StatusBadge';
import { formatDate, formatDateTime, formatMoney, PAYMENT_METHODS, toMajorInput } from '../format';
import { toApiError } from '../hooks';
import type { DeliverableFile, Milestone, Payment } from '../types';

type Panel = 'none' | 'edit' | 'remove' | 'pay';

/** One step of the timeline, with what the freelancer can do to it in its current state. */
export function MilestoneCard(props: {
  projectId: string;
  milestone: Milestone;
  currency: string;
  payment: Payment | undefined;
  canRemove: boolean;
  readOnly: boolean;
  /** This milestone's files, or undefined while the listing loads. */
  files: DeliverableFile[] | undefined;
  onChanged: () => Promise<void>;
  onFilesChanged: () => Promise<void>;
}) {
  const { milestone, currency, projectId } = props;
  const [panel, setPanel] = useState<Panel>('none');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const editable =
    !props.readOnly && (milestone.status === 'locked' || milestone.status === 'open');

  async function run(action: () => Promise<unknown>) {
    setBusy(true);
    setError(null);
    try {
      await action();
      setPanel('none');
      await props.onChanged();
    } catch (err) {
      setError(toApiError(err).message);
    } finally {
      setBusy(false);
    }
  }

  const headingId = `milestone-${milestone.id}-title`;
  return (
    <li className={`card timeline-item status-${milestone.status}`} aria-labelledby={headingId}>
      <div className="timeline-head">
        <h3 id={headingId}>
          <span className="step">{milestone.position}.</span> {milestone.title}
        </h3>
        <StatusBadge status={milestone.status} />
      </div>
      <dl className="facts">
        <div>
          <dt>Amount</dt>
          <dd>{formatMoney(milestone.amountMinor, currency)}</dd>
        </div>
        <div>
          <dt>Due</dt>
          <dd>{formatDate(milestone.dueDate)}</dd>
        </div>
        {milestone.deliveredAt ? (
          <div>
            <dt>Delivered</dt>
            <dd>{formatDateTime(milestone.deliveredAt)}</dd>
          </div>
        ) : null}
        {milestone.paidAt ? (
          <div>
            <dt>Paid</dt>
            <dd>{formatDateTime(milestone.paidAt)}</dd>
          </div>
        ) : null}
      </dl>
      {milestone.deliverables ? <p className="deliverables">{milestone.deliverables}</p> : null}
      {props.payment ? (
        <p className="muted">
          Payment recorded: {formatMoney(props.payment.amountMinor, props.payment.currency)} by{' '}
          {PAYMENT_METHODS[props.payment.method].toLowerCase()}, received{' '}
          {formatDate(props.payment.receivedOn)}
          {props.payment.reference ? ` (ref. ${props.payment.reference})` : ''}.
        </p>
      ) : null}
      {props.files !== undefined && milestone.status !== 'locked' ? (
        <MilestoneFiles
          milestone={milestone}
          projectId={projectId}
          files={props.files}
          readOnly={props.readOnly}
          onChanged={props.onFilesChanged}
        />
      ) : null}
      <ErrorBanner message={error} />

      {panel === 'edit' ? (
        <MilestoneForm
          idPrefix={`edit-${milestone.id}`}
          currency={currency}
          initial={{
            title: milestone.title,
            deliverables: milestone.deliverables,
            dueDate: milestone.dueDate,
            amount: toMajorInput(milestone.amountMinor, currency),
          }}
          submitLabel="Save milestone"
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
          onCancel={() => setPanel('none')}
          onDone={async () => {
            setPanel('none');
            await props.onChanged();
          }}
        />
      ) : null}

      {panel === 'remove' ? (
        <div className="confirm" role="group" aria-label="Confirm removal">
          <p>Remove “{milestone.title}” from the project? This cannot be undone.</p>
          <div className="actions">
            <button
              type="button"
              className="button-danger"
              disabled={busy}
              onClick={() => void run(() => api.removeMilestone(projectId, milestone.id))}
            >
              Yes, remove it
            </button>
            <button type="button" className="button-secondary" onClick={() => setPanel('none')}>
              Keep it
            </button>
          </div>
        </div>
      ) : null}

      {panel === 'none' && !props.readOnly ? (
        <div className="actions">
          {milestone.status === 'open' ? (
            <button
              type="button"
              disabled={busy}
              onClick={() => void run(() => api.deliverMilestone(projectId, milestone.id))}
            >
              Mark delivered
            </button>
          ) : null}
          {milestone.status === 'delivered' ? (
            <button type="button" onClick={() => setPanel('pay')}>
              Record payment
            </button>
          ) : null}
          {editable ? (
            <button type="button" className="button-secondary" onClick={() => setPanel('edit')}>
              Edit<span className="visually-hidden"> milestone {milestone.position}</span>
            </button>
          ) : null}
          {editable && props.canRemove ? (
            <button type="button" className="button-secondary" onClick={() => setPanel('remove')}>
              Remove<span className="visually-hidden"> milestone {milestone.position}</span>
            </button>
          ) : null}
        </div>
      ) : null}
    </li>
  );
}
