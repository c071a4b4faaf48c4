/**
 * The milestone sequence as a pure state machine.
 *
 * Milestones move open → delivered → paid, one after another: paying a milestone opens the next
 * (if it is still locked), so a project reads: settled…, then at most one open milestone, then
 * locked… — where "settled" is paid, or delivered and awaiting payment. A milestone refunded in
 * full goes back from paid to delivered (its files lock, Pay is offered again) and the milestones
 * after it keep their state; paying it again makes it paid without touching them. When every
 * milestone is paid the project is complete. A deposit may be paid while open (nothing to
 * deliver); a revision request takes a delivered milestone back to open until it is re-delivered.
 */
import { AppError } from './errors';

export const MILESTONE_STATUSES = ['locked', 'open', 'delivered', 'paid'] as const;
export type MilestoneStatus = (typeof MILESTONE_STATUSES)[number];
export type ProjectProgress = 'active' | 'complete';

export type SequenceEvent =
  | { type: 'deliver'; index: number }
  /** deposit: the milestone is a deposit, payable while open (nothing to deliver). */
  | { type: 'pay'; index: number; deposit?: boolean }
  | { type: 'refund'; index: number }
  /** The client asks for a revision of a delivered milestone: open again until re-delivered. */
  | { type: 'revise'; index: number };

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

const settled = (s: MilestoneStatus | undefined): boolean => s === 'paid' || s === 'delivered';

/** The index of the first milestone that is neither paid nor delivered (or the length). */
function frontier(statuses: readonly MilestoneStatus[]): number {
  let i = 0;
  while (i < statuses.length && settled(statuses[i])) i++;
  return i;
}

/**
 * True when the statuses satisfy the sequence invariant described above: settled…, at most one
 * open, locked…; and a locked milestone right after a settled one only when that one is delivered
 * (paying a milestone opens the next).
 */
export function isValidSequence(statuses: readonly MilestoneStatus[]): boolean {
  if (statuses.length < 1 || statuses.length > MAX_MILESTONES) return false;
  let i = frontier(statuses);
  if (statuses[i] === 'open') i++;
  else if (statuses[i] === 'locked' && statuses[i - 1] !== 'delivered') return false;
  return statuses.slice(i).every((s) => s === 'locked');
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
      if (!isPayable(current, event.deposit === true)) throw refusal(current, label, 'paid');
      next[event.index] = 'paid';
      if (next[event.index + 1] === 'locked') next[event.index + 1] = 'open';
      return next;
    case 'refund':
      // Refunded in full: awaiting payment again; what came after it stays as it is.
      if (current !== 'paid')
        throw new AppError('CONFLICT', `${label} is not paid, so it cannot be refunded in full`);
      next[event.index] = 'delivered';
      return next;
    case 'revise':
      if (current !== 'delivered') throw refusal(current, label, 'revised');
      next[event.index] = 'open';
      // A milestone refunded in full may have later ones moving already: it cannot reopen.
      if (!isValidSequence(next))
        throw new AppError(
          'CONFLICT',
          `${label} cannot be reopened for a revision: a later milestone is already under way`,
        );
      return next;
  }
}

/** Whether money may be taken for a milestone now: once delivered, or at once for a deposit. */
export function isPayable(status: MilestoneStatus, isDeposit: boolean): boolean {
  return status === 'delivered' || (isDeposit && status === 'open');
}

function refusal(
  current: MilestoneStatus,
  label: string,
  wanted: 'delivered' | 'paid' | 'revised',
): AppError {
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
      return new AppError(
        'MILESTONE_NOT_OPEN',
        `${label} is already delivered and awaits payment: it can be delivered again only after the client asks for a revision`,
      );
    case 'paid':
      return new AppError('MILESTONE_ALREADY_PAID', `${label} is already paid`);
  }
}

/** Whether a milestone's terms may still be edited or removed: only before delivery. */
export function isEditable(status: MilestoneStatus): boolean {
  return status === 'locked' || status === 'open';
}

/**
 * Restores the invariant after milestones were added or removed: the settled prefix (paid or
 * delivered) stays; the milestone after it is open if it was, or if the one before it is paid
 * (or it is the first), else locked; the rest are locked.
 */
export function normalizeSequence(statuses: readonly MilestoneStatus[]): MilestoneStatus[] {
  const i = frontier(statuses);
  return statuses.map((s, index) => {
    if (index < i) return s;
    if (index === i)
      return s === 'open' || i === 0 || statuses[i - 1] === 'paid' ? 'open' : 'locked';
    return 'locked';
  });
}
