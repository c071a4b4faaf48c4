/**
 * The milestone sequence as a pure state machine.
 *
 * A project's milestones always read: paid…, then at most one current milestone (open or
 * delivered), then locked…  Only the current one can move: open → delivered → paid, and paying
 * it opens the next. When every milestone is paid the project is complete.
 */
import { AppError } from './errors';

export const MILESTONE_STATUSES = ['locked', 'open', 'delivered', 'paid'] as const;
export type MilestoneStatus = (typeof MILESTONE_STATUSES)[number];
export type ProjectProgress = 'active' | 'complete';

export type SequenceEvent = { type: 'deliver'; index: number } | { type: 'pay'; index: number };

export const MAX_MILESTONES = 10;

/** The statuses a fresh project starts with: the first milestone open, the rest locked. */
export function initialStatuses(count: number): MilestoneStatus[] {
  return Array.from({ length: count }, (_, i) => (i === 0 ? 'open' : 'locked'));
}

/** Refuses a project of no milestones or of more than the limit (the operator may lower it). */
export function assertCount(count: number, max: number = MAX_MILESTONES): void {
  if (count < 1) {
    throw new AppError('VALIDATION_FAILED', 'A project needs at least one milestone', {
      field: 'milestones',
    });
  }
  if (count > Math.min(max, MAX_MILESTONES)) {
    throw new AppError(
      'MILESTONE_LIMIT',
      `A project has at most ${Math.min(max, MAX_MILESTONES)} milestones`,
      {
        field: 'milestones',
      },
    );
  }
}

/** True when the statuses satisfy the sequence invariant described above. */
export function isValidSequence(statuses: readonly MilestoneStatus[]): boolean {
  if (statuses.length < 1 || statuses.length > MAX_MILESTONES) return false;
  let i = 0;
  while (i < statuses.length && statuses[i] === 'paid') i++;
  if (i === statuses.length) return true;
  if (statuses[i] !== 'open' && statuses[i] !== 'delivered') return false;
  return statuses.slice(i + 1).every((s) => s === 'locked');
}

export function progressOf(statuses: readonly MilestoneStatus[]): ProjectProgress {
  return statuses.every((s) => s === 'paid') ? 'complete' : 'active';
}

/** Applies one event, or refuses it with a message that says why. Never mutates its input. */
export function applyEvent(
  statuses: readonly MilestoneStatus[],
  event: SequenceEvent,
): MilestoneStatus[] {
  const current = statuses[event.index];
  const label = `Milestone ${event.index + 1}`;
  if (current === undefined) throw new AppError('NOT_FOUND', `${label} not found`);
  const next = [...statuses];
  switch (event.type) {
    case 'deliver':
      if (current !== 'open') throw refusal(current, label, 'delivered');
      next[event.index] = 'delivered';
      return next;
    case 'pay':
      if (current !== 'delivered') throw refusal(current, label, 'paid');
      next[event.index] = 'paid';
      if (event.index + 1 < next.length) next[event.index + 1] = 'open';
      return next;
  }
}

function refusal(current: MilestoneStatus, label: string, wanted: 'delivered' | 'paid'): AppError {
  switch (current) {
    case 'locked':
      return new AppError(
        'MILESTONE_LOCKED',
        `${label} is locked: milestones run in sequence and the one before it is not paid yet`,
      );
    case 'open':
      return new AppError(
        'MILESTONE_NOT_DELIVERED',
        `${label} cannot be ${wanted} yet: it has not been delivered`,
      );
    case 'delivered':
      return new AppError('MILESTONE_NOT_OPEN', `${label} is already delivered and awaits payment`);
    case 'paid':
      return new AppError('MILESTONE_ALREADY_PAID', `${label} is already paid`);
  }
}

/** Whether a milestone's terms may still be edited or removed: only before delivery. */
export function isEditable(status: MilestoneStatus): boolean {
  return status === 'locked' || status === 'open';
}

/**
 * Restores the invariant after milestones were added or removed: the paid prefix stays, the
 * first unpaid milestone is current (a delivered one stays delivered), the rest are locked.
 */
export function normalizeSequence(statuses: readonly MilestoneStatus[]): MilestoneStatus[] {
  let i = 0;
  while (i < statuses.length && statuses[i] === 'paid') i++;
  return statuses.map((s, index) => {
    if (index < i) return 'paid';
    if (index === i) return s === 'delivered' ? 'delivered' : 'open';
    return 'locked';
  });
}
