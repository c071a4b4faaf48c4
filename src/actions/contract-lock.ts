/**
 * "After acceptance, nothing changes silently" (issue #11): once the client has accepted a
 * version of the project's contract, whatever the contract says — a milestone's title, amount,
 * due date or deliverables, which milestones there are, the project's title and currency —
 * changes only through a change order the client accepts. Text the contract does not contain
 * (the project's description, tags, type, payment instructions) still changes directly.
 */
import type { Kysely } from 'kysely';
import { hasContractAcceptance } from '../db/queries/change-orders';
import type { DB } from '../db/schema';
import { AppError } from '../domain/errors';

/** Call under the project's lock, so an acceptance cannot land between the check and the write. */
export async function assertContractOpen(
  trx: Kysely<DB>,
  projectId: string,
  what: string,
): Promise<void> {
  if (await hasContractAcceptance(trx, projectId)) {
    throw new AppError(
      'CHANGE_ORDER_REQUIRED',
      `The client accepted the contract: ${what} changes only through a change order the client accepts`,
    );
  }
}
