/**
 * The pre-summed analytics (src/domain/analytics-sums.ts): each project's and each client's cells
 * in analytics_cells, and per owner their sum in analytics_sums. A change replaces one source's
 * cells and adds the difference to the sums, in the caller's transaction; a rebuild computes every
 * cell of an owner from the rows, as the migration does for existing data and a change of time
 * zone does for the owner.
 */
import { sql, type Kysely } from 'kysely';
import {
  cellDelta,
  clientCells,
  mergeCells,
  projectCells,
  repeatMonth,
  SUM_METRICS,
  type SumCell,
  type SumMetric,
} from '../../domain/analytics-sums';
import { localDay } from '../../domain/analytics';
import { DEFAULT_TIME_ZONE } from '../../domain/calendar';
import type { DB } from '../schema';
import {
  listScopedCosts,
  listScopedMilestones,
  listScopedMovements,
  listScopedProjects,
  toCostFact,
  toMilestoneFacts,
  toMovementFacts,
  toProjectFact,
  type AnalyticsCostRow,
  type AnalyticsMilestoneRow,
  type AnalyticsMovementRow,
  type AnalyticsProjectRow,
} from './analytics';

/** Rows per INSERT (7 columns): well under both dialects' bound-parameter limits. */
const BATCH = 500;

type Packed = [string, SumMetric, string, string, string, number];

const pack = (cells: readonly SumCell[]): string =>
  JSON.stringify(cells.map((c): Packed => [c.currency, c.metric, c.month, c.key, c.sub, c.value]));

const METRICS = new Set<string>(SUM_METRICS);

function unpack(text: string): SumCell[] {
  const rows = JSON.parse(text) as Packed[];
  return rows.map(([currency, metric, month, key, sub, value]) => ({
    currency,
    metric,
    month,
    key,
    sub,
    value,
  }));
}

/**
 * Takes the owner's row lock (an UPDATE that changes nothing, which locks on PostgreSQL and SQLite
 * alike) and returns their time zone. Every change to an owner's sums holds it first, so changes
 * to two projects of one owner add to the same sums one after the other (no deadlock between
 * their upserts) and a rebuild after a change of time zone never interleaves with them.
 */
async function lockOwnerSums(db: Kysely<DB>, ownerId: string): Promise<string> {
  const user = await db
    .updateTable('users')
    .set((eb) => ({ time_zone: eb.ref('time_zone') }))
    .where('id', '=', ownerId)
    .returning('time_zone')
    .executeTakeFirst();
  return user?.time_zone || DEFAULT_TIME_ZONE;
}

/** Adds cells to the owner's sums. */
async function addToSums(db: Kysely<DB>, ownerId: string, cells: readonly SumCell[]) {
  for (let i = 0; i < cells.length; i += BATCH) {
    await db
      .insertInto('analytics_sums')
      .values(cells.slice(i, i + BATCH).map((c) => ({ owner_id: ownerId, ...c })))
      .onConflict((oc) =>
        oc.columns(['owner_id', 'currency', 'metric', 'month', 'key', 'sub']).doUpdateSet({
          value: sql<number>`analytics_sums.value + excluded.value`,
        }),
      )
      .execute();
  }
}

/** Replaces one source's cells, adding the difference to the sums; returns the old cells. */
async function replaceCells(
  db: Kysely<DB>,
  ownerId: string,
  sourceId: string,
  cells: readonly SumCell[],
): Promise<SumCell[]> {
  const row = await db
    .selectFrom('analytics_cells')
    .select('cells')
    .where('source_id', '=', sourceId)
    .executeTakeFirst();
  const before = row ? unpack(row.cells) : [];
  const delta = cellDelta(before, cells);
  if (delta.length === 0 && row) return before;
  if (row) {
    await db
      .updateTable('analytics_cells')
      .set({ cells: pack(cells) })
      .where('source_id', '=', sourceId)
      .execute();
  } else {
    await db
      .insertInto('analytics_cells')
      .values({ source_id: sourceId, owner_id: ownerId, cells: pack(cells) })
      .execute();
  }
  await addToSums(db, ownerId, delta);
  // Sums that fell to zero say nothing: keep the table to what is there (looked up by key, so the
  // cost does not grow with the owner's sums).
  for (let i = 0; i < delta.length; i += BATCH / 10) {
    await db
      .deleteFrom('analytics_sums')
      .where('owner_id', '=', ownerId)
      .where('value', '=', 0)
      .where((eb) =>
        eb.or(
          delta
            .slice(i, i + BATCH / 10)
            .map((c) =>
              eb.and([
                eb('currency', '=', c.currency),
                eb('metric', '=', c.metric),
                eb('month', '=', c.month),
                eb('key', '=', c.key),
                eb('sub', '=', c.sub),
              ]),
            ),
        ),
      )
      .execute();
  }
  return before;
}

async function clientCreatedDays(
  db: Kysely<DB>,
  clientId: string,
  timeZone: string,
): Promise<string[]> {
  // The first two are all a client's cell needs (created_at is ISO UTC: sorts as time does).
  const rows = await db
    .selectFrom('projects')
    .select('created_at')
    .where('client_id', '=', clientId)
    .orderBy('created_at')
    .limit(2)
    .execute();
  return rows.map((r) => localDay(r.created_at, timeZone));
}

/**
 * Sums one project anew after a change to it (its milestones, payments, costs, type, hours,
 * archive state or currency). Call it in the change's transaction, after the change.
 */
export async function refreshProjectSums(db: Kysely<DB>, projectId: string): Promise<void> {
  const [project] = await listScopedProjects(db, { projectId });
  if (!project) return;
  const owner = await db
    .selectFrom('projects')
    .select('owner_id')
    .where('id', '=', projectId)
    .executeTakeFirstOrThrow();
  const timeZone = await lockOwnerSums(db, owner.owner_id);
  const clientRepeat = repeatMonth(await clientCreatedDays(db, project.client_id, timeZone));
  const scope = { projectId };
  const [milestones, movements, costs] = [
    await listScopedMilestones(db, scope),
    await listScopedMovements(db, scope),
    await listScopedCosts(db, scope),
  ];
  const cells = cellsOfProject(project, clientRepeat, milestones, movements, costs, timeZone);
  await replaceCells(db, owner.owner_id, projectId, cells);
}

/**
 * Sums a client anew after a project of theirs was created (their first and second project's
 * months): the client's cell, and their projects' repeat revenue when the client became a repeat
 * client. Call it in the creating transaction, after the project (and its milestones) exist.
 */
export async function refreshClientSums(
  db: Kysely<DB>,
  ownerId: string,
  clientId: string,
): Promise<void> {
  const timeZone = await lockOwnerSums(db, ownerId);
  const cells = clientCells(await clientCreatedDays(db, clientId, timeZone));
  const before = await replaceCells(db, ownerId, clientId, cells);
  const changed = (before[0]?.key ?? null) !== (cells[0]?.key ?? null);
  // Every project of the client when they became a repeat client; else the new one(s) only.
  const projects = await db
    .selectFrom('projects')
    .leftJoin('analytics_cells', 'analytics_cells.source_id', 'projects.id')
    .select('projects.id')
    .where('projects.client_id', '=', clientId)
    .$if(!changed, (q) => q.where('analytics_cells.source_id', 'is', null))
    .execute();
  for (const p of projects) await refreshProjectSums(db, p.id);
}

function cellsOfProject(
  project: AnalyticsProjectRow,
  clientRepeat: string,
  milestones: readonly AnalyticsMilestoneRow[],
  movements: readonly AnalyticsMovementRow[],
  costs: readonly (AnalyticsCostRow & { currency: string })[],
  timeZone: string,
): SumCell[] {
  return projectCells({
    project: toProjectFact(project, timeZone),
    clientRepeatMonth: clientRepeat,
    milestones: toMilestoneFacts(milestones, movements, timeZone),
    movements: toMovementFacts(movements, timeZone),
    costs: costs.map((c) => ({ ...toCostFact(c), currency: c.currency })),
  });
}

const groupBy = <T>(rows: readonly T[], key: (row: T) => string): Map<string, T[]> => {
  const out = new Map<string, T[]>();
  for (const row of rows) {
    const k = key(row);
    const list = out.get(k);
    if (list) list.push(row);
    else out.set(k, [row]);
  }
  return out;
};

/** Every cell of one owner, computed from the rows (what the maintained sums must equal). */
export async function computeOwnerCells(
  db: Kysely<DB>,
  ownerId: string,
): Promise<Map<string, SumCell[]>> {
  const timeZone = await lockOwnerSums(db, ownerId);
  const scope = { ownerId };
  const projects = await listScopedProjects(db, scope);
  const milestones = groupBy(await listScopedMilestones(db, scope), (m) => m.project_id);
  const movements = groupBy(await listScopedMovements(db, scope), (m) => m.project_id);
  const costs = groupBy(await listScopedCosts(db, scope), (c) => c.project_id);
  const byClient = groupBy(projects, (p) => p.client_id);
  const out = new Map<string, SumCell[]>();
  for (const [clientId, own] of byClient) {
    const days = own.map((p) => localDay(p.created_at, timeZone));
    out.set(clientId, clientCells(days));
    const clientRepeat = repeatMonth(days);
    for (const p of own) {
      out.set(
        p.id,
        cellsOfProject(
          p,
          clientRepeat,
          milestones.get(p.id) ?? [],
          movements.get(p.id) ?? [],
          costs.get(p.id) ?? [],
          timeZone,
        ),
      );
    }
  }
  return out;
}

/** Sums one owner from scratch (after a change of time zone; for data written around actions). */
export async function rebuildOwnerSums(db: Kysely<DB>, ownerId: string): Promise<void> {
  const cells = await computeOwnerCells(db, ownerId);
  await db.deleteFrom('analytics_cells').where('owner_id', '=', ownerId).execute();
  await db.deleteFrom('analytics_sums').where('owner_id', '=', ownerId).execute();
  const rows = [...cells.entries()].map(([sourceId, c]) => ({
    source_id: sourceId,
    owner_id: ownerId,
    cells: pack(c),
  }));
  for (let i = 0; i < rows.length; i += BATCH) {
    await db
      .insertInto('analytics_cells')
      .values(rows.slice(i, i + BATCH))
      .execute();
  }
  await addToSums(db, ownerId, mergeCells([...cells.values()].flat()));
}

/** Sums every owner from scratch (migration 0037). */
export async function rebuildAllAnalyticsSums(db: Kysely<DB>): Promise<void> {
  const owners = await db.selectFrom('users').select('id').execute();
  for (const owner of owners) await rebuildOwnerSums(db, owner.id);
}

/**
 * The owner's sums that figures for the period can use (every currency; the figures pick
 * theirs): the period's months, today's state (month ''), and every earlier month of the clients
 * (a cohort counts up to the period's end).
 */
export async function readOwnerSums(
  db: Kysely<DB>,
  ownerId: string,
  period: { from: string; to: string },
): Promise<SumCell[]> {
  const rows = await db
    .selectFrom('analytics_sums')
    .select(['currency', 'metric', 'month', 'key', 'sub', 'value'])
    .where('owner_id', '=', ownerId)
    .where((eb) =>
      eb.or([
        eb('month', '=', ''),
        eb.and([eb('month', '>=', period.from), eb('month', '<=', period.to)]),
        eb.and([eb('metric', '=', 'clients'), eb('month', '<=', period.to)]),
      ]),
    )
    .execute();
  return rows.flatMap((r) =>
    METRICS.has(r.metric) ? [{ ...r, metric: r.metric as SumMetric }] : [],
  );
}
