/**
 * Contract versions and their acceptances. Every query names the project in its WHERE clause,
 * so a version id from another project finds nothing.
 */
import type { Kysely } from 'kysely';
import type { ContractAcceptanceRow, ContractVersionRow, DB } from '../schema';

export function findLatestContractVersion(
  db: Kysely<DB>,
  projectId: string,
): Promise<ContractVersionRow | undefined> {
  return db
    .selectFrom('contract_versions')
    .selectAll()
    .where('project_id', '=', projectId)
    .orderBy('version', 'desc')
    .limit(1)
    .executeTakeFirst();
}

/** Every version of the project's contract, oldest first. */
export function listContractVersions(
  db: Kysely<DB>,
  projectId: string,
): Promise<ContractVersionRow[]> {
  return db
    .selectFrom('contract_versions')
    .selectAll()
    .where('project_id', '=', projectId)
    .orderBy('version', 'asc')
    .execute();
}

export async function insertContractVersion(
  db: Kysely<DB>,
  row: ContractVersionRow,
): Promise<void> {
  await db.insertInto('contract_versions').values(row).execute();
}

export function listContractAcceptances(
  db: Kysely<DB>,
  projectId: string,
): Promise<ContractAcceptanceRow[]> {
  return db
    .selectFrom('contract_acceptances')
    .selectAll()
    .where('project_id', '=', projectId)
    .orderBy('accepted_at', 'asc')
    .execute();
}

export function findContractAcceptance(
  db: Kysely<DB>,
  projectId: string,
  versionId: string,
): Promise<ContractAcceptanceRow | undefined> {
  return db
    .selectFrom('contract_acceptances')
    .selectAll()
    .where('project_id', '=', projectId)
    .where('version_id', '=', versionId)
    .executeTakeFirst();
}

/** Records an acceptance; call under the project's lock after `findContractAcceptance`. */
export async function insertContractAcceptance(
  db: Kysely<DB>,
  row: ContractAcceptanceRow,
): Promise<void> {
  await db.insertInto('contract_acceptances').values(row).execute();
}
