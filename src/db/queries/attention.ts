/**
 * What needs the freelancer's attention across their live (unarchived, unfinished) projects:
 * milestones past their due date and not yet delivered, delivered milestones waiting for
 * payment, and projects whose client was never given access.
 */
import type { Kysely } from 'kysely';
import type { MilestoneStatus } from '../../domain/milestone-sequence';
import type { DB } from '../schema';

export interface AttentionMilestoneRow {
  project_id: string;
  project_title: string;
  client_name: string;
  currency: string;
  milestone_id: string;
  position: number;
  title: string;
  status: MilestoneStatus;
  due_date: string;
  amount_minor: number;
  delivered_at: string | null;
}

/**
 * Milestones of the owner's live projects that are either overdue (not delivered and due before
 * `today`, the freelancer's calendar date) or delivered and unpaid; earliest due first.
 */
export async function listAttentionMilestones(
  db: Kysely<DB>,
  ownerId: string,
  today: string,
): Promise<AttentionMilestoneRow[]> {
  const rows = await db
    .selectFrom('milestones')
    .innerJoin('projects', 'projects.id', 'milestones.project_id')
    .innerJoin('clients', 'clients.id', 'projects.client_id')
    .select([
      'projects.id as project_id',
      'projects.title as project_title',
      'clients.name as client_name',
      'projects.currency as currency',
      'milestones.id as milestone_id',
      'milestones.position as position',
      'milestones.title as title',
      'milestones.status as status',
      'milestones.due_date as due_date',
      'milestones.amount_minor as amount_minor',
      'milestones.delivered_at as delivered_at',
    ])
    .where('projects.owner_id', '=', ownerId)
    .where('projects.archived_at', 'is', null)
    .where('projects.status', '=', 'active')
    .where((eb) =>
      eb.or([
        eb('milestones.status', '=', 'delivered'),
        eb.and([
          eb('milestones.status', 'in', ['open', 'locked']),
          eb('milestones.due_date', '<', today),
        ]),
      ]),
    )
    .orderBy('milestones.due_date')
    .orderBy('projects.id')
    .orderBy('milestones.position')
    .execute();
  return rows.map((r) => ({ ...r, amount_minor: Number(r.amount_minor) }));
}

export interface NeverSharedRow {
  project_id: string;
  project_title: string;
  client_name: string;
  created_at: string;
}

/** The owner's live projects whose client has never been given a code or link; oldest first. */
export function listNeverSharedProjects(
  db: Kysely<DB>,
  ownerId: string,
): Promise<NeverSharedRow[]> {
  return (
    db
      .selectFrom('projects')
      .innerJoin('clients', 'clients.id', 'projects.client_id')
      .select([
        'projects.id as project_id',
        'projects.title as project_title',
        'clients.name as client_name',
        'projects.created_at as created_at',
      ])
      .where('projects.owner_id', '=', ownerId)
      .where('projects.archived_at', 'is', null)
      .where('projects.status', '=', 'active')
      // Issuing and revoking both move the generation on: 0 means never shared.
      .where('projects.access_generation', '=', 0)
      .orderBy('projects.created_at')
      .orderBy('projects.id')
      .execute()
  );
}
