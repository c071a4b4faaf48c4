import { listDisputeEntriesOfProject, listDisputesOfProject } from '../db/queries/disputes';
import { findOwnedProject, findProjectById } from '../db/queries/projects';
import { findUserById } from '../db/queries/users';
import type { DisputeEntryRow, DisputeRow } from '../db/schema';
import { isActive } from '../domain/dispute';
import { notFound } from '../domain/errors';
import { listMilestones } from '../db/queries/milestones';
import type { ActionContext } from './context';
import { mediatorOf } from './dispute-record';

export interface DisputeRecord {
  row: DisputeRow;
  entries: DisputeEntryRow[];
  /** Active on a delivered, unpaid milestone: payment waits (src/actions/dispute-gate.ts). */
  blocksPayment: boolean;
}

/**
 * A project's disputes with their entries, for its freelancer or its client (anyone else: 404),
 * and the mediator the contract names (shown before escalating).
 */
export async function readDisputes(
  options: Pick<ActionContext, 'db'> & { projectId: string; ownerId?: string },
): Promise<{ disputes: DisputeRecord[]; mediator: string }> {
  const { db } = options;
  const project =
    options.ownerId === undefined
      ? await findProjectById(db, options.projectId)
      : await findOwnedProject(db, options.ownerId, options.projectId);
  if (!project) throw notFound('Project');
  const [rows, entries, owner, milestones] = await Promise.all([
    listDisputesOfProject(db, project.id),
    listDisputeEntriesOfProject(db, project.id),
    findUserById(db, project.owner_id),
    listMilestones(db, project.id),
  ]);
  const delivered = new Set(milestones.filter((m) => m.status === 'delivered').map((m) => m.id));
  return {
    disputes: rows.map((row) => ({
      row,
      entries: entries.filter((e) => e.dispute_id === row.id),
      blocksPayment: isActive(row.status) && delivered.has(row.milestone_id),
    })),
    mediator: mediatorOf(project, owner),
  };
}
