/**
 * The rows the analytics figures are computed from (src/domain/analytics.ts), for one owner:
 * every query filters by the owner in its WHERE clause, and money rows by one currency. Nothing is
 * summed here (not even a milestone's payments: the one read of the payments serves both), so
 * both dialects hand the same integers to the one place that does the sums.
 */
import { sql, type Kysely, type SelectQueryBuilder } from 'kysely';
import {
  localDay,
  type CostFact,
  type MilestoneFact,
  type MovementFact,
  type ProjectFact,
} from '../../domain/analytics';
import type { MilestoneStatus } from '../../domain/milestone-sequence';
import type { DB } from '../schema';

export interface AnalyticsProjectRow {
  id: string;
  client_id: string;
  client_name: string;
  title: string;
  currency: string;
  project_type: string;
  created_at: string;
  archived_at: string | null;
  hours_minutes: number | null;
}

export interface AnalyticsMilestoneRow {
  id: string;
  project_id: string;
  amount_minor: number;
  status: MilestoneStatus;
  due_date: string;
  delivered_at: string | null;
  paid_at: string | null;
}

export interface AnalyticsMovementRow {
  project_id: string;
  milestone_id: string;
  kind: 'payment' | 'refund';
  amount_minor: number;
  source: 'offline' | 'stripe';
  received_on: string;
  created_at: string;
}

export interface AnalyticsCostRow {
  project_id: string;
  amount_minor: number;
  spent_on: string;
}

/**
 * Whose rows: an owner's (in one currency, or all), or one project's (summing as it changes,
 * src/db/queries/analytics-sums.ts).
 */
export type AnalyticsScope =
  | { ownerId: string; currency?: string | undefined }
  | { projectId: string }
  /** Some projects of the owner (a step of a rebuild; at most a few hundred ids). */
  | { ownerId: string; projectIds: readonly string[] };

/**
 * `projectColumn`: the queried table's project id, which a list of projects is matched on (so the
 * planner looks those projects' rows up by it, instead of reading the owner's or the table's all).
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
function scoped<Q extends SelectQueryBuilder<any, any, any>>(
  query: Q,
  scope: AnalyticsScope,
  projectColumn = 'projects.id',
): Q {
  if ('projectId' in scope) return query.where('projects.id', '=', scope.projectId) as Q;
  const owned = query.where('projects.owner_id', '=', scope.ownerId) as Q;
  if ('projectIds' in scope) {
    return scope.projectIds.length === 0
      ? (owned.where(sql<boolean>`1 = 0`) as Q)
      : (owned.where(projectColumn, 'in', scope.projectIds) as Q);
  }
  return scope.currency === undefined
    ? owned
    : (owned.where('projects.currency', '=', scope.currency) as Q);
}

/** Every project of the owner (all currencies: clients are counted across them). */
export function listAnalyticsProjects(
  db: Kysely<DB>,
  ownerId: string,
): Promise<AnalyticsProjectRow[]> {
  return listScopedProjects(db, { ownerId });
}

export function listScopedProjects(
  db: Kysely<DB>,
  scope: AnalyticsScope,
): Promise<AnalyticsProjectRow[]> {
  const query = db
    .selectFrom('projects')
    .innerJoin('clients', 'clients.id', 'projects.client_id')
    .select([
      'projects.id',
      'projects.client_id',
      'clients.name as client_name',
      'projects.title',
      'projects.currency',
      'projects.project_type',
      'projects.created_at',
      'projects.archived_at',
      'projects.hours_minutes',
    ]);
  return scoped(query, scope).execute();
}

/** The currencies the owner's projects are in. */
export async function listOwnerCurrencies(db: Kysely<DB>, ownerId: string): Promise<string[]> {
  const rows = await db
    .selectFrom('projects')
    .select('currency')
    .distinct()
    .where('owner_id', '=', ownerId)
    .execute();
  return rows.map((r) => r.currency);
}

/** The milestones of the owner's projects in the currency (net holdings: the caller's sum). */
export function listAnalyticsMilestones(
  db: Kysely<DB>,
  ownerId: string,
  currency: string,
): Promise<AnalyticsMilestoneRow[]> {
  return listScopedMilestones(db, { ownerId, currency });
}

export function listScopedMilestones(
  db: Kysely<DB>,
  scope: AnalyticsScope,
): Promise<AnalyticsMilestoneRow[]> {
  const query = db
    .selectFrom('milestones')
    .innerJoin('projects', 'projects.id', 'milestones.project_id')
    .select([
      'milestones.id',
      'milestones.project_id',
      'milestones.amount_minor',
      'milestones.status',
      'milestones.due_date',
      'milestones.delivered_at',
      'milestones.paid_at',
    ]);
  return scoped(query, scope, 'milestones.project_id').execute();
}

/** Credited payments and refunds of the owner's projects in the currency. */
export function listAnalyticsMovements(
  db: Kysely<DB>,
  ownerId: string,
  currency: string,
): Promise<AnalyticsMovementRow[]> {
  return listScopedMovements(db, { ownerId, currency });
}

export function listScopedMovements(
  db: Kysely<DB>,
  scope: AnalyticsScope,
): Promise<AnalyticsMovementRow[]> {
  const query = db
    .selectFrom('payments')
    .innerJoin('projects', 'projects.id', 'payments.project_id')
    .select([
      'payments.project_id',
      'payments.milestone_id',
      'payments.kind',
      'payments.amount_minor',
      'payments.source',
      'payments.received_on',
      'payments.created_at',
    ])
    .where('payments.status', '=', 'credited');
  return scoped(query, scope, 'payments.project_id').execute();
}

export function listAnalyticsCosts(
  db: Kysely<DB>,
  ownerId: string,
  currency: string,
): Promise<AnalyticsCostRow[]> {
  return db
    .selectFrom('project_costs')
    .innerJoin('projects', 'projects.id', 'project_costs.project_id')
    .select(['project_costs.project_id', 'project_costs.amount_minor', 'project_costs.spent_on'])
    .where('projects.owner_id', '=', ownerId)
    .where('project_costs.currency', '=', currency)
    .execute();
}

/** Costs of every currency, with their currency (a project's costs keep the one they had). */
export function listScopedCosts(
  db: Kysely<DB>,
  scope:
    | { ownerId: string }
    | { projectId: string }
    | { ownerId: string; projectIds: readonly string[] },
): Promise<(AnalyticsCostRow & { currency: string })[]> {
  const query = db
    .selectFrom('project_costs')
    .innerJoin('projects', 'projects.id', 'project_costs.project_id')
    .select([
      'project_costs.project_id',
      'project_costs.amount_minor',
      'project_costs.spent_on',
      'project_costs.currency',
    ]);
  return scoped(query, scope, 'project_costs.project_id').execute();
}

// ---------------------------------------------------------------------------------------------
// Rows to the facts of src/domain/analytics.ts, in the freelancer's time zone: one conversion for
// the figures read from rows and for the pre-summed ones.

export function toProjectFact(p: AnalyticsProjectRow, timeZone: string): ProjectFact {
  return {
    id: p.id,
    clientId: p.client_id,
    currency: p.currency,
    projectType: p.project_type,
    createdDay: localDay(p.created_at, timeZone),
    archived: p.archived_at !== null,
    hoursMinutes: p.hours_minutes,
  };
}

export function toMilestoneFacts(
  milestoneRows: readonly AnalyticsMilestoneRow[],
  movementRows: readonly AnalyticsMovementRow[],
  timeZone: string,
): MilestoneFact[] {
  // Each milestone's credited payments less refunds, from the one read of the payments.
  const net = new Map<string, number>();
  for (const p of movementRows) {
    const signed = p.kind === 'payment' ? p.amount_minor : -p.amount_minor;
    net.set(p.milestone_id, (net.get(p.milestone_id) ?? 0) + signed);
  }
  return milestoneRows.map((m) => ({
    projectId: m.project_id,
    amountMinor: m.amount_minor,
    status: m.status,
    dueDate: m.due_date,
    deliveredDay: m.delivered_at === null ? null : localDay(m.delivered_at, timeZone),
    paidDay: m.paid_at === null ? null : localDay(m.paid_at, timeZone),
    netMinor: net.get(m.id) ?? 0,
  }));
}

/** A date a person typed is their day as written; Stripe's money is dated by when it arrived. */
export function toMovementFacts(
  movementRows: readonly AnalyticsMovementRow[],
  timeZone: string,
): MovementFact[] {
  return movementRows.map((p) => ({
    projectId: p.project_id,
    kind: p.kind,
    amountMinor: p.amount_minor,
    day: p.source === 'stripe' ? localDay(p.created_at, timeZone) : p.received_on,
  }));
}

export function toCostFact(c: AnalyticsCostRow): CostFact {
  return { projectId: c.project_id, amountMinor: c.amount_minor, day: c.spent_on };
}
