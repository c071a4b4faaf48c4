/**
 * Disputes (issue #11): the documented way to settle a disagreement about a delivered or paid
 * milestone. Pure rules, so every transition and every refusal is decided in one place and can be
 * tested over random sequences; the actions store what these functions return.
 *
 * A dispute is opened by either party (or by Stripe's chargeback, for the client) with a
 * statement. While it is active (open, or escalated to the mediator the contract names), either
 * party adds statements and proposes a resolution: a revision with a new due date, a partial
 * refund of what was paid, a split (the client pays a stated part of an unpaid milestone), or the
 * dispute's withdrawal. A proposal stands until the other party accepts (the dispute is resolved
 * with it, and the resolution applied: src/actions/dispute-resolution.ts) or declines it, or a new proposal replaces it; the party who opened the dispute may
 * withdraw it at once. Either party may escalate once. Milepost moves no money itself: a refund
 * agreed here is made and recorded by the freelancer as usual.
 */
import { AppError } from './errors';

export type DisputeParty = 'freelancer' | 'client';
export const DISPUTE_STATUSES = ['open', 'escalated', 'resolved', 'withdrawn'] as const;
export type DisputeStatus = (typeof DISPUTE_STATUSES)[number];

export type Resolution =
  | { kind: 'revision'; dueDate: string }
  | { kind: 'partial_refund'; amountMinor: number }
  | { kind: 'split'; clientPaysMinor: number }
  | { kind: 'withdraw' };

/** What accepting a resolution changed (kept in the step's activity entry, chat and mail). */
export type AppliedResolution =
  /** Reopened for re-delivery by the agreed date. */
  | { kind: 'reopened'; dueDate: string; dueBefore: string; round: number; version: number | null }
  /** The unpaid milestone's amount lowered to what the client pays. */
  | { kind: 'repriced'; amountMinor: number; amountBeforeMinor: number; version: number | null }
  /** Money was paid: the freelancer refunds this much (no automatic money movement). */
  | { kind: 'refund_due'; amountMinor: number }
  /** Nothing changes (a withdrawal; a revision of a paid milestone, delivered as recorded). */
  | { kind: 'none' };

export interface Proposal {
  by: DisputeParty;
  resolution: Resolution;
}

export interface DisputeState {
  status: DisputeStatus;
  openedBy: DisputeParty;
  proposal: Proposal | null;
  /** The resolution both agreed on, once resolved. */
  resolution: Resolution | null;
}

/** What the rules need to know of the milestone. */
export interface DisputedMilestone {
  status: 'delivered' | 'paid';
  amountMinor: number;
  /** Money received for it, net of refunds. */
  paidMinor: number;
}

export type DisputeStep =
  | { type: 'statement'; by: DisputeParty }
  | { type: 'propose'; by: DisputeParty; resolution: Resolution }
  | { type: 'accept'; by: DisputeParty }
  | { type: 'decline'; by: DisputeParty }
  | { type: 'escalate'; by: DisputeParty }
  | { type: 'withdraw'; by: DisputeParty };

export const other = (party: DisputeParty): DisputeParty =>
  party === 'freelancer' ? 'client' : 'freelancer';

/** Payment and unlocking of a delivered, unpaid milestone wait while its dispute is active. */
export function isActive(status: DisputeStatus): boolean {
  return status === 'open' || status === 'escalated';
}

/** A milestone may be disputed once delivered (or paid), and only once at a time. */
export function canOpen(
  milestone: { status: string },
  activeDisputes: number,
): { ok: true } | { ok: false; error: AppError } {
  if (milestone.status !== 'delivered' && milestone.status !== 'paid') {
    return {
      ok: false,
      error: new AppError(
        'MILESTONE_NOT_DELIVERED',
        'Only a delivered or paid milestone can be disputed',
      ),
    };
  }
  if (activeDisputes > 0) {
    return {
      ok: false,
      error: new AppError('DISPUTE_OPEN', 'This milestone already has an open dispute'),
    };
  }
  return { ok: true };
}

export function opened(by: DisputeParty): DisputeState {
  return { status: 'open', openedBy: by, proposal: null, resolution: null };
}

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

/** Refuses a resolution that cannot apply to this milestone (VALIDATION_FAILED, field named). */
export function checkResolution(
  resolution: Resolution,
  milestone: DisputedMilestone,
  today: string,
): void {
  const refuse = (message: string) =>
    new AppError('VALIDATION_FAILED', message, { field: 'resolution' });
  switch (resolution.kind) {
    case 'revision':
      if (!ISO_DATE.test(resolution.dueDate) || resolution.dueDate < today)
        throw refuse('A revision needs a new due date, today or later');
      return;
    case 'partial_refund':
      if (milestone.paidMinor <= 0) throw refuse('Nothing was paid for this milestone to refund');
      if (
        !Number.isSafeInteger(resolution.amountMinor) ||
        resolution.amountMinor < 1 ||
        resolution.amountMinor > milestone.paidMinor
      )
        throw refuse('A partial refund is more than nothing and at most what was paid');
      return;
    case 'split':
      if (milestone.status !== 'delivered')
        throw refuse('A split applies to a milestone not yet paid; propose a partial refund');
      if (
        !Number.isSafeInteger(resolution.clientPaysMinor) ||
        resolution.clientPaysMinor < 1 ||
        resolution.clientPaysMinor >= milestone.amountMinor
      )
        throw refuse('In a split the client pays more than nothing and less than the amount');
      // Accepted, the amount becomes this: it must leave something to pay.
      if (resolution.clientPaysMinor <= milestone.paidMinor)
        throw refuse('In a split the client pays more than was paid already');
      return;
    case 'withdraw':
      return;
  }
}

function closed(): AppError {
  return new AppError('DISPUTE_CLOSED', 'This dispute is settled: nothing more can be added');
}

/**
 * The state after `step`, or a refusal: DISPUTE_CLOSED once resolved or withdrawn, CONFLICT when
 * the step does not fit (accepting one's own proposal, nothing to accept, escalating twice),
 * VALIDATION_FAILED for a resolution that cannot apply.
 */
export function applyStep(
  state: DisputeState,
  step: DisputeStep,
  milestone: DisputedMilestone,
  today: string,
): DisputeState {
  if (!isActive(state.status)) throw closed();
  switch (step.type) {
    case 'statement':
      return state;
    case 'propose': {
      checkResolution(step.resolution, milestone, today);
      // The opener's own withdrawal needs nobody's agreement.
      if (step.resolution.kind === 'withdraw' && step.by === state.openedBy)
        return { ...state, status: 'withdrawn', proposal: null };
      return { ...state, proposal: { by: step.by, resolution: step.resolution } };
    }
    case 'accept':
    case 'decline': {
      const proposal = state.proposal;
      if (proposal === null)
        throw new AppError('CONFLICT', 'There is no proposal to answer', { field: 'proposal' });
      if (proposal.by === step.by)
        throw new AppError('CONFLICT', 'A proposal is answered by the other party', {
          field: 'proposal',
        });
      if (step.type === 'decline') return { ...state, proposal: null };
      if (proposal.resolution.kind === 'withdraw')
        return { ...state, status: 'withdrawn', proposal: null };
      return { ...state, status: 'resolved', proposal: null, resolution: proposal.resolution };
    }
    case 'escalate':
      if (state.status === 'escalated')
        throw new AppError('CONFLICT', 'This dispute is already with the mediator');
      return { ...state, status: 'escalated' };
    case 'withdraw':
      if (step.by !== state.openedBy)
        throw new AppError('FORBIDDEN', 'Only the party who opened a dispute withdraws it');
      return { ...state, status: 'withdrawn', proposal: null };
  }
}
