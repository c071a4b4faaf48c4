/**
 * The one rule for archived projects. An archived project is read-only for both sides: the
 * freelancer changes nothing in it (terms, milestones, files, deliveries, payments by hand) until
 * they unarchive it, and the client neither accepts terms nor starts a payment. The client keeps
 * what they paid for — files, receipts, terms — whether they come back by code, by link or with
 * a session they already hold, until the freelancer revokes access, which ends every client
 * session at once. Access itself (issue, revoke), refunds recorded by hand and money that Stripe
 * reports (it moved, whatever Milepost's state) are still recorded.
 */
import { AppError } from './errors';

export type ProjectAct =
  /** The freelancer changes the project: terms, milestones, files, delivery, payments by hand. */
  | 'change'
  /** The client changes something: accepts the terms, starts a payment. */
  | 'client-change'
  /** The client opens the project and reads it: terms, paid files, receipts. */
  | 'client-read'
  /** The freelancer issues or revokes the client's access. */
  | 'access'
  /** The freelancer records money given back. */
  | 'refund'
  /** Archiving or unarchiving itself. */
  | 'archive'
  /** Stripe reports money that moved (a payment begun before archiving, a refund, a dispute). */
  | 'provider-money';

const ALLOWED_WHEN_ARCHIVED: ReadonlySet<ProjectAct> = new Set([
  'client-read',
  'access',
  'refund',
  'archive',
  'provider-money',
]);

/** Whether the act is allowed on an archived project too (every act is on one that is not). */
export function allowedWhenArchived(act: ProjectAct): boolean {
  return ALLOWED_WHEN_ARCHIVED.has(act);
}

export function archiveAllows(project: { archived_at: string | null }, act: ProjectAct): boolean {
  return project.archived_at === null || allowedWhenArchived(act);
}

/** Refuses (409 ARCHIVED) what the rule does not allow. */
export function assertArchiveAllows(
  project: { archived_at: string | null },
  act: ProjectAct,
): void {
  if (archiveAllows(project, act)) return;
  throw new AppError(
    'ARCHIVED',
    act === 'client-change'
      ? 'This project is archived: it can be read, not changed'
      : 'This project is archived; unarchive it to change it',
  );
}
