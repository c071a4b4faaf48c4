import { useT } from '../i18n';
import type { Milestone, MilestoneStatus, ProjectStatus } from '../types';

export function StatusBadge({ status }: { status: MilestoneStatus }) {
  const t = useT();
  const label = {
    locked: () => t('workspace.status.locked'),
    open: () => t('workspace.status.open'),
    delivered: () => t('workspace.status.delivered'),
    paid: () => t('workspace.status.paid'),
  } satisfies Record<MilestoneStatus, () => string>;
  return <span className={`badge badge-${status}`}>{label[status]()}</span>;
}

/** A milestone's state in the client's words: each state has its own word, mark and colour. */
export type PortalState = 'notStarted' | 'inProgress' | 'readyToPay' | 'paid';

/**
 * What a milestone means to the client. "Locked" in the database means "not started"; a
 * delivered milestone is "ready — pay to unlock" (its files wait for the payment).
 */
export function portalState(
  milestone: Pick<Milestone, 'status'> & Partial<Pick<Milestone, 'isDeposit' | 'outstandingMinor'>>,
): PortalState {
  switch (milestone.status) {
    case 'locked':
      return 'notStarted';
    case 'open':
      // A deposit is payable as soon as it opens: nothing to deliver first.
      return milestone.isDeposit === true && (milestone.outstandingMinor ?? 0) > 0
        ? 'readyToPay'
        : 'inProgress';
    case 'delivered':
      return 'readyToPay';
    case 'paid':
      return 'paid';
  }
}

export function PortalStatusBadge({
  milestone,
}: {
  milestone: Pick<Milestone, 'status'> & Partial<Pick<Milestone, 'isDeposit' | 'outstandingMinor'>>;
}) {
  const t = useT();
  const state = portalState(milestone);
  const label = {
    notStarted: () => t('portal.status.notStarted'),
    inProgress: () => t('portal.status.inProgress'),
    readyToPay: () => t('portal.status.readyToPay'),
    paid: () => t('portal.status.paid'),
  } satisfies Record<PortalState, () => string>;
  return (
    // Each state also has its own mark (styles.css, .state-*::before), so it never rests on colour.
    <span className={`badge badge-state state-${state}`} data-state={state}>
      {label[state]()}
    </span>
  );
}

export function ProjectStatusBadge({
  status,
  archived,
}: {
  status: ProjectStatus;
  archived: boolean;
}) {
  const t = useT();
  if (archived)
    return <span className="badge badge-locked">{t('workspace.projectStatus.archived')}</span>;
  return status === 'complete' ? (
    <span className="badge badge-paid">{t('workspace.projectStatus.complete')}</span>
  ) : (
    <span className="badge badge-open">{t('workspace.projectStatus.active')}</span>
  );
}
