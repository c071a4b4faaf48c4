/**
 * Change orders (migration 0030) and the question the contract lock asks. Every query names the
 * project in its WHERE clause, so an id from another project finds nothing.
 */
import type { Kysely } from 'kysely';
import type { DB } from '../schema';

/** Whether the client has accepted any version of the project's contract. */
export async function hasContractAcceptance(db: Kysely<DB>, projectId: string): Promise<boolean> {
  const row = await db
    .selectFrom('contract_acceptances')
    .select('id')
    .where('project_id', '=', projectId)
    .limit(1)
    .executeTakeFirst();
  return row !== undefined;
}
