import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { appDisputes, disputeKeys } from '../disputes/dispute-api';
import { useFormat } from '../i18n/format';
import { toApiError } from '../hooks';
import { useT } from '../i18n';
import type { DeliverableFile, Milestone, Project } from '../types';
import { daysBetween } from './AttentionList';
import { DeliverButton } from './DeliverButton';
import { ErrorBanner } from './Notice';

type Step = 'share' | 'upload' | 'deliver' | 'payment' | 'dispute' | 'done';
type Stage = 'share' | 'upload' | 'deliver' | 'payment';
const STEPS: Stage[] = ['share', 'upload', 'deliver', 'payment'];
/** Where each step sits in the milestone's stages: a dispute stands where payment would. */
const STAGE_OF: Record<Exclude<Step, 'done'>, Stage> = {
  share: 'share',
  upload: 'upload',
  deliver: 'deliver',
  payment: 'payment',
  dispute: 'payment',
};

/**
 * Where the project stands: the one thing to do next, and for which milestone. A delivered
 * milestone whose payment a dispute holds up (`paymentBlocked`, its id) points at the dispute.
 */
export function nextStepOf(
  project: Project,
  milestones: readonly Milestone[],
  files: readonly DeliverableFile[] | undefined,
  paymentBlocked: ReadonlySet<string> = new Set(),
): { step: Step; milestone: Milestone | undefined } {
  const current = milestones.find((m) => m.status === 'open' || m.status === 'delivered');
  if (!current) return { step: 'done', milestone: undefined };
  if (!project.access.active) return { step: 'share', milestone: current };
  if (current.status === 'delivered')
    return { step: paymentBlocked.has(current.id) ? 'dispute' : 'payment', milestone: current };
  const ready = (files ?? []).some((f) => f.milestoneId === current.id && f.status === 'complete');
  return { step: ready ? 'deliver' : 'upload', milestone: current };
}

/**
 * The project page's first card: what to do next — share with the client, upload the current
 * milestone's files, mark it delivered, wait for (or record) payment, or answer the dispute that
 * holds payment up — with the action at hand.
 */
export function NextStep(props: {
  project: Project;
  milestones: readonly Milestone[];
  files: DeliverableFile[] | undefined;
  today: string;
  onShare: () => Promise<void>;
  onDeliver: (milestone: Milestone) => Promise<void>;
}) {
  const t = useT();
  const f = useFormat();
  const { project } = props;
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  // The same listing the milestone cards read (one request, shared by key).
  const delivered = props.milestones.some((m) => m.status === 'delivered');
  const disputes = useQuery({
    queryKey: disputeKeys.project(project.id),
    queryFn: appDisputes(project.id).list,
    enabled: delivered,
  });
  const blocked = new Set(
    (disputes.data?.disputes ?? []).filter((d) => d.blocksPayment).map((d) => d.milestoneId),
  );
  const { step, milestone } = nextStepOf(project, props.milestones, props.files, blocked);
  const total = props.milestones.length;
  const overdue =
    milestone !== undefined && milestone.status === 'open' && milestone.dueDate < props.today;

  async function share() {
    setBusy(true);
    setError(null);
    try {
      await props.onShare();
    } catch (err) {
      setError(toApiError(err).message);
    } finally {
      setBusy(false);
    }
  }

  const values = {
    client: project.clientName,
    position: milestone?.position ?? 0,
    title: milestone?.title ?? '',
    total,
    amount: milestone ? f.money(milestone.outstandingMinor, project.currency) : '',
    date: f.date(milestone?.dueDate),
  };
  const texts: Record<Step, { title: string; text: string }> = {
    share: {
      title: t('workspace.next.share.title', values),
      text: t('workspace.next.share.text', values),
    },
    upload: {
      title: t('workspace.next.upload.title', values),
      text: t('workspace.next.upload.text', values),
    },
    deliver: {
      title: t('workspace.next.deliver.title', values),
      text: t('workspace.next.deliver.text', values),
    },
    payment: {
      title: t('workspace.next.payment.title', values),
      text: t('workspace.next.payment.text', values),
    },
    dispute: {
      title: t('workspace.next.dispute.title', values),
      text: t('workspace.next.dispute.text', values),
    },
    done: {
      title: t('workspace.next.done.title', values),
      text: t('workspace.next.done.text', values),
    },
  };
  const anchor = milestone ? `#milestone-${milestone.id}` : undefined;

  return (
    <section className="card next-card stack" aria-labelledby="next-heading">
      <h2 id="next-heading">{t('workspace.next.heading')}</h2>
      <p className="next-title">
        <bdi>{texts[step].title}</bdi>
      </p>
      {overdue && milestone ? (
        <p>
          <span className="overdue-flag">
            {t('workspace.overdue.days', { days: daysBetween(milestone.dueDate, props.today) })}
          </span>{' '}
          <span className="muted">{t('workspace.next.wasDue', values)}</span>
        </p>
      ) : null}
      <p>
        <bdi>{texts[step].text}</bdi>
      </p>
      <ErrorBanner message={error} />
      {step === 'share' ? (
        <div className="actions">
          <button type="button" disabled={busy} onClick={() => void share()}>
            {t('workspace.next.share.button')}
          </button>
        </div>
      ) : null}
      {step === 'upload' && anchor ? (
        <p>
          <a href={anchor}>{t('workspace.next.upload.link', values)}</a>
        </p>
      ) : null}
      {step === 'deliver' && milestone ? (
        <div className="actions">
          <DeliverButton
            milestone={milestone}
            clientName={project.clientName}
            files={props.files?.filter((f) => f.milestoneId === milestone.id)}
            onDeliver={() => props.onDeliver(milestone)}
          />
        </div>
      ) : null}
      {step === 'payment' && anchor ? (
        <p>
          <a href={anchor}>{t('workspace.next.payment.link', values)}</a>
        </p>
      ) : null}
      {step === 'dispute' && anchor ? (
        <p>
          <a href={anchor}>{t('workspace.next.dispute.link', values)}</a>
        </p>
      ) : null}
      {step !== 'done' ? (
        <ol className="next-steps" aria-label={t('workspace.next.stepsLabel')}>
          {STEPS.map((s) => {
            const index = STEPS.indexOf(s);
            const at = STEPS.indexOf(STAGE_OF[step]);
            return (
              <li
                key={s}
                className={index < at ? 'done' : undefined}
                aria-current={s === STAGE_OF[step] ? 'step' : undefined}
              >
                {t(`workspace.next.step.${s}`)}
              </li>
            );
          })}
          <li>{t('workspace.next.step.nextMilestone')}</li>
        </ol>
      ) : null}
    </section>
  );
}
