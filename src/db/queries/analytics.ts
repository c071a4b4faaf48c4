/**
 * The rows the analytics figures are computed from (src/domain/analytics.ts), for one owner:
 * every query filters by the owner in its WHERE clause, and money rows by one currency. Nothing is
 * summed here (not even a milestone's payments: the one read of the payments serves both), so
 * both dialects hand the same integers to the one place that does the sums.
 */
import type { Kysely } from 'kysely';
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

/** Every project of the owner (all currencies: clients are counted across them). */
export function listAnalyticsProjects(
  db: Kysely<DB>,
  ownerId: string,
): Promise<AnalyticsProjectRow[]> {
  return db
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
    ])
    .where('projects.owner_id', '=', ownerId)
    .execute();
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
  return db
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
    ])
    .where('projects.owner_id', '=', ownerId)
    .where('projects.currency', '=', currency)
    .execute();
}

/** Credited payments and refunds of the owner's projects in the currency. */
export function listAnalyticsMovements(
  db: Kysely<DB>,
  ownerId: string,
  currency: string,
): Promise<AnalyticsMovementRow[]> {
  return db
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
    .where('projects.owner_id', '=', ownerId)
    .where('projects.currency', '=', currency)
    .where('payments.status', '=', 'credited')
    .execute();
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
