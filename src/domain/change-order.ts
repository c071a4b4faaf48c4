/**
 * Change orders (issue #11): after the client accepted the contract, its milestones change only
 * through an order the freelancer proposes and the client accepts. An order is a list of changes
 * to milestones not yet delivered or paid — add one (at the end), remove one, or re-price,
 * re-date, re-scope or rename one — applied all together or not at all. Pure: the same plan and
 * changes give the same result, so the client's preview is exactly what acceptance writes.
 *
 * Rules: every change names a milestone of the plan at most once; a milestone delivered or paid
 * is never touched; an update changes at least one field; at least one milestone remains and at
 * most `max` (≤ 10); the new total is the sum of the new amounts, in integer minor units.
 */
import { AppError } from './errors';
import { MAX_AMOUNT_MINOR } from './money';
import {
  assertCount,
  isEditable,
  MAX_MILESTONES,
  normalizeSequence,
  type MilestoneStatus,
} from './milestone-sequence';

export const CHANGE_ORDER_STATUSES = ['proposed', 'accepted', 'declined', 'withdrawn'] as const;
export type ChangeOrderStatus = (typeof CHANGE_ORDER_STATUSES)[number];
/** At most this many changes in one order (ten removals and ten additions). */
export const MAX_CHANGES = 2 * MAX_MILESTONES;

/** The terms of a milestone that a change order may set. */
export interface MilestoneTerms {
  title: string;
  deliverables: string;
  /** Calendar date "YYYY-MM-DD". */
  dueDate: string;
  amountMinor: number;
}

export interface PlanMilestone extends MilestoneTerms {
  /** null: added by the order, not stored yet. */
  id: string | null;
  position: number;
  status: MilestoneStatus;
}

export type Change =
  | ({ type: 'add' } & MilestoneTerms)
  | { type: 'remove'; milestoneId: string }
  | ({ type: 'update'; milestoneId: string } & Partial<MilestoneTerms>);

export interface AppliedPlan {
  /** The new sequence, positions 1…n: kept milestones in their order, then the added ones. */
  milestones: PlanMilestone[];
  totalMinor: number;
  /** Ids of the milestones the order removes. */
  removed: string[];
}

const TERM_FIELDS = ['title', 'deliverables', 'dueDate', 'amountMinor'] as const;

function refuse(message: string, index?: number): AppError {
  return new AppError('VALIDATION_FAILED', message, {
    field: index === undefined ? 'changes' : `changes.${index}`,
  });
}

function checkAmount(amount: number, index: number): void {
  if (!Number.isSafeInteger(amount) || amount < 1 || amount > MAX_AMOUNT_MINOR) {
    throw refuse(
      `change ${index + 1}: the amount must be a positive whole number of minor units`,
      index,
    );
  }
}

export function totalOf(milestones: readonly { amountMinor: number }[]): number {
  return milestones.reduce((sum, m) => sum + m.amountMinor, 0);
}

/**
 * Applies `changes` to `plan` (the project's milestones in order), or refuses with
 * VALIDATION_FAILED (naming the change) or MILESTONE_LIMIT. The plan itself is not modified.
 */
export function applyChanges(
  plan: readonly PlanMilestone[],
  changes: readonly Change[],
  max: number = MAX_MILESTONES,
): AppliedPlan {
  if (changes.length === 0) throw refuse('A change order changes at least one milestone');
  if (changes.length > MAX_CHANGES) {
    throw refuse(`A change order holds at most ${MAX_CHANGES} changes`);
  }
  const ordered = [...plan].sort((a, b) => a.position - b.position);
  const touched = new Set<string>();
  const removed = new Set<string>();
  const updates = new Map<string, Partial<MilestoneTerms>>();
  const added: PlanMilestone[] = [];
  changes.forEach((change, index) => {
    if (change.type === 'add') {
      checkAmount(change.amountMinor, index);
      added.push({
        id: null,
        position: 0,
        status: 'locked',
        title: change.title,
        deliverables: change.deliverables,
        dueDate: change.dueDate,
        amountMinor: change.amountMinor,
      });
      return;
    }
    const target = ordered.find((m) => m.id === change.milestoneId);
    if (!target) throw refuse(`change ${index + 1}: no such milestone in this project`, index);
    if (touched.has(change.milestoneId)) {
      throw refuse(
        `change ${index + 1}: milestone ${target.position} is already changed by this order`,
        index,
      );
    }
    touched.add(change.milestoneId);
    if (!isEditable(target.status)) {
      throw new AppError(
        'MILESTONE_FROZEN',
        `Milestone ${target.position} is ${target.status}; delivered and paid milestones never change`,
        { field: `changes.${index}` },
      );
    }
    if (change.type === 'remove') {
      removed.add(change.milestoneId);
      return;
    }
    const fields: Partial<MilestoneTerms> = {};
    for (const key of TERM_FIELDS) {
      const value = change[key];
      if (value !== undefined && value !== target[key]) Object.assign(fields, { [key]: value });
    }
    if (Object.keys(fields).length === 0) {
      throw refuse(`change ${index + 1}: milestone ${target.position} would stay as it is`, index);
    }
    if (fields.amountMinor !== undefined) checkAmount(fields.amountMinor, index);
    updates.set(change.milestoneId, fields);
  });
  const kept = ordered
    .filter((m) => m.id === null || !removed.has(m.id))
    .map((m) => (m.id !== null && updates.has(m.id) ? { ...m, ...updates.get(m.id) } : { ...m }));
  const sequence = [...kept, ...added];
  assertCount(sequence.length, max);
  const statuses = normalizeSequence(sequence.map((m) => m.status));
  const milestones = sequence.map((m, i) => ({
    ...m,
    position: i + 1,
    status: statuses[i] ?? m.status,
  }));
  return { milestones, totalMinor: totalOf(milestones), removed: [...removed] };
}

/** One row of the before/after: a milestone as it was and as the order leaves it. */
export interface ComparedMilestone {
  /** null: added by the order. */
  before: PlanMilestone | null;
  /** null: removed by the order. */
  after: PlanMilestone | null;
  /** The term fields that differ (all of them for an added or removed milestone). */
  changed: (keyof MilestoneTerms)[];
}

/** Before and after, side by side: the plan's milestones in order, then the added ones. */
export function compare(
  before: readonly PlanMilestone[],
  applied: AppliedPlan,
): ComparedMilestone[] {
  const rows: ComparedMilestone[] = [...before]
    .sort((a, b) => a.position - b.position)
    .map((b) => {
      const after = applied.milestones.find((m) => m.id !== null && m.id === b.id) ?? null;
      return {
        before: b,
        after,
        changed: after === null ? [...TERM_FIELDS] : TERM_FIELDS.filter((k) => after[k] !== b[k]),
      };
    });
  for (const m of applied.milestones) {
    if (m.id === null) rows.push({ before: null, after: m, changed: [...TERM_FIELDS] });
  }
  return rows;
}
