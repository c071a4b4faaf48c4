import { listContractAcceptances, listContractVersions } from '../db/queries/contracts';
import { findOwnedProject } from '../db/queries/projects';
import type { ContractAcceptanceRow, ContractVersionRow } from '../db/schema';
import { notFound } from '../domain/errors';
import type { ActionContext } from './context';
import { nowOf } from './context';
import { ensureCurrentContract } from './contract-versions';

export interface ContractRecord {
  current: ContractVersionRow;
  /** Oldest first. */
  versions: ContractVersionRow[];
  acceptances: ContractAcceptanceRow[];
}

/**
 * A project's contract for either party: the current version (stored first if the project
 * changed since the latest one, or if there is none yet), every version and every acceptance.
 * `ownerId` set: the freelancer's read, refused as "not found" for anyone else's project.
 */
export async function readContract(
  options: Pick<ActionContext, 'db' | 'clock'> & { projectId: string; ownerId?: string },
): Promise<ContractRecord> {
  const { db, projectId } = options;
  if (options.ownerId !== undefined) {
    if (!(await findOwnedProject(db, options.ownerId, projectId))) throw notFound('Project');
  }
  await ensureCurrentContract(db, projectId, nowOf(options).toISOString());
  const [versions, acceptances] = await Promise.all([
    listContractVersions(db, projectId),
    listContractAcceptances(db, projectId),
  ]);
  const current = versions.at(-1);
  if (!current) throw notFound('Contract');
  return { current, versions, acceptances };
}
