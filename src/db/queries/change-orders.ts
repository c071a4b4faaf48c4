/**
 * Change orders (migration 0030) and the question the contract lock asks. Every query names the
 * project in its WHERE clause, so an id from another project finds nothing.
 */
import type { Kysely } from 'kysely';
import type { ChangeOrderRow, DB } from '../schema';

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

export function listChangeOrders(db: Kysely<DB>, projectId: string): Promise<ChangeOrderRow[]> {
  return db
    .selectFrom('change_orders')
    .selectAll()
    .where('project_id', '=', projectId)
    .orderBy('number', 'asc')
    .execute();
}

export function findChangeOrder(
  db: Kysely<DB>,
  projectId: string,
  orderId: string,
): Promise<ChangeOrderRow | undefined> {
  return db
    .selectFrom('change_orders')
    .selectAll()
    .where('project_id', '=', projectId)
    .where('id', '=', orderId)
    .executeTakeFirst();
}

/** The next order's number; call under the project's lock. */
export async function nextChangeOrderNumber(db: Kysely<DB>, projectId: string): Promise<number> {
  const row = await db
    .selectFrom('change_orders')
    .select((eb) => eb.fn.max('number').as('last'))
    .where('project_id', '=', projectId)
    .executeTakeFirst();
  return Number(row?.last ?? 0) + 1;
}

export async function insertChangeOrder(db: Kysely<DB>, row: ChangeOrderRow): Promise<void> {
  await db.insertInto('change_orders').values(row).execute();
}

/** Moves a proposed order to its decision; false when it was no longer proposed. */
export async function decideChangeOrder(
  db: Kysely<DB>,
  projectId: string,
  orderId: string,
  decision: Pick<
    ChangeOrderRow,
    'status' | 'decided_at' | 'decline_note' | 'result_version_id' | 'acceptance_id'
  >,
): Promise<boolean> {
  const result = await db
    .updateTable('change_orders')
    .set(decision)
    .where('project_id', '=', projectId)
    .where('id', '=', orderId)
    .where('status', '=', 'proposed')
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}
