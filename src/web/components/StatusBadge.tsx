import { STATUS_LABELS } from '../format';
import type { MilestoneStatus, ProjectStatus } from '../types';

export function StatusBadge({ status }: { status: MilestoneStatus }) {
  return <span className={`badge badge-${status}`}>{STATUS_LABELS[status]}</span>;
}

export function ProjectStatusBadge({
  status,
  archived,
}: {
  status: ProjectStatus;
  archived: boolean;
}) {
  if (archived) return <span className="badge badge-locked">Archived</span>;
  return status === 'complete' ? (
    <span className="badge badge-paid">Complete</span>
  ) : (
    <span className="badge badge-open">Active</span>
  );
}
