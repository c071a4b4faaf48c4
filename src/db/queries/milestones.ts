import type { Kysely } from 'kysely';
import { newPaymentReference } from '../ids';
import type { DB, MilestoneRow } from '../schema';
import { DEFAULT_REVISION_ROUNDS } from '../../domain/revisions';

/** A milestone to insert: the deposit flag, rounds and approval take their defaults if left out. */
export type NewMilestoneRow = Omit<MilestoneRow, 'payment_reference' | RevisionFields> &
  Partial<Pick<MilestoneRow, RevisionFields>>;
type RevisionFields =
  | 'is_deposit'
  | 'revision_rounds'
  | 'approved_at'
  | 'revisions_used'
  | 'revision_note'
  | 'revision_requested_at';

export function listMilestones(db: Kysely<DB>, projectId: string): Promise<MilestoneRow[]> {
  return db
    .selectFrom('milestones')
    .selectAll()
    .where('project_id', '=', projectId)
    .orderBy('position')
    .execute();
}

/** Whether the project has this milestone. */
export async function hasMilestone(
  db: Kysely<DB>,
  projectId: string,
  milestoneId: string,
): Promise<boolean> {
  const row = await db
    .selectFrom('milestones')
    .select('id')
    .where('id', '=', milestoneId)
    .where('project_id', '=', projectId)
    .executeTakeFirst();
  return row !== undefined;
}

export function listMilestonesOfProjects(
  db: Kysely<DB>,
  projectIds: string[],
): Promise<MilestoneRow[]> {
  if (projectIds.length === 0) return Promise.resolve([]);
  return db
    .selectFrom('milestones')
    .selectAll()
    .where('project_id', 'in', projectIds)
    .orderBy('project_id')
    .orderBy('position')
    .execute();
}

/**
 * Inserts milestones, each with a fresh payment reference none other has (drawn again while one
 * is taken; the unique index stops the rare race of two inserts drawing the same one at once).
 */
export async function insertMilestones(
  db: Kysely<DB>,
  milestones: NewMilestoneRow[],
): Promise<MilestoneRow[]> {
  if (milestones.length === 0) return [];
  const references = await freshPaymentReferences(db, milestones.length);
  const rows: MilestoneRow[] = milestones.map((m, i) => ({
    is_deposit: 0,
    revision_rounds: DEFAULT_REVISION_ROUNDS,
    approved_at: null,
    revisions_used: 0,
    revision_note: null,
    revision_requested_at: null,
    ...m,
    payment_reference: references[i] ?? '',
  }));
  await db.insertInto('milestones').values(rows).execute();
  return rows;
}

export async function insertMilestone(
  db: Kysely<DB>,
  milestone: NewMilestoneRow,
): Promise<MilestoneRow> {
  const [row] = await insertMilestones(db, [milestone]);
  if (!row) throw new Error('The milestone was not inserted');
  return row;
}

async function freshPaymentReferences(db: Kysely<DB>, count: number): Promise<string[]> {
  const chosen = new Set<string>();
  while (chosen.size < count) {
    const drawn = Array.from({ length: count - chosen.size }, newPaymentReference).filter(
      (r) => !chosen.has(r),
    );
    const taken = new Set(
      (
        await db
          .selectFrom('milestones')
          .select('payment_reference')
          .where('payment_reference', 'in', drawn)
          .execute()
      ).map((r) => r.payment_reference),
    );
    for (const reference of drawn) if (!taken.has(reference)) chosen.add(reference);
  }
  return [...chosen];
}

export async function updateMilestone(
  db: Kysely<DB>,
  projectId: string,
  milestoneId: string,
  changes: Partial<Omit<MilestoneRow, 'id' | 'project_id' | 'created_at'>>,
): Promise<void> {
  await db
    .updateTable('milestones')
    .set(changes)
    .where('id', '=', milestoneId)
    .where('project_id', '=', projectId)
    .execute();
}

export async function deleteMilestone(
  db: Kysely<DB>,
  projectId: string,
  milestoneId: string,
): Promise<void> {
  await db
    .deleteFrom('milestones')
    .where('id', '=', milestoneId)
    .where('project_id', '=', projectId)
    .execute();
}
