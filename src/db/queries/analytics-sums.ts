/**
 * The pre-summed analytics (src/domain/analytics-sums.ts): each project's and each client's cells
 * in analytics_cells, and per owner their sum in analytics_sums. A change replaces one source's
 * cells and adds the difference to the sums, in the caller's transaction. A change of time zone
 * marks the owner's sums stale (analytics_rebuilds, migration 0039) and the scheduler sums their
 * projects anew in steps of a few hundred, each its own short transaction under the owner's lock
 * (rebuildOwnerSumsStep); the dashboard reads the rows until the last step clears the mark.
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
import { scheduleOnce } from './scheduled-jobs';
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
  await applyDelta(db, ownerId, delta);
  return before;
}

/** Adds the delta to the owner's sums and drops the sums it brought to zero. */
async function applyDelta(db: Kysely<DB>, ownerId: string, delta: readonly SumCell[]) {
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

/** Stores each source's cells (packed), in batches of BATCH rows. */
async function insertCells(
  db: Kysely<DB>,
  ownerId: string,
  cells: Map<string, SumCell[]>,
): Promise<void> {
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
}

/**
 * Sums one owner from scratch in the caller's transaction, reading every row of the owner: for
 * data written around the actions (demo data, benchmarks, test fixtures). A change of time zone
 * takes the stepwise way instead (markOwnerSumsStale).
 */
export async function rebuildOwnerSums(db: Kysely<DB>, ownerId: string): Promise<void> {
  const cells = await computeOwnerCells(db, ownerId);
  await markOwnerSumsWhole(db, ownerId);
  await db.deleteFrom('analytics_cells').where('owner_id', '=', ownerId).execute();
  await db.deleteFrom('analytics_sums').where('owner_id', '=', ownerId).execute();
  await insertCells(db, ownerId, cells);
  await addToSums(db, ownerId, mergeCells([...cells.values()].flat()));
}

/** Projects summed anew by one step of a rebuild, unless ANALYTICS_REBUILD_BATCH says otherwise. */
export const REBUILD_BATCH = 500;

/** The scheduled job of one step (migration 0039 schedules the first one the same way). */
function rebuildJob(step: {
  ownerId: string;
  projectId: string;
  generation: number;
  step: number;
  batch: number | undefined;
  now: string;
}) {
  return {
    key: `analytics:${step.ownerId}:${step.generation}:${step.step}`,
    topic: `analytics:${step.ownerId}`,
    kind: 'analytics' as const,
    projectId: step.projectId,
    dueAt: step.now,
    payload: {
      generation: step.generation,
      step: step.step,
      ...(step.batch !== undefined && { batch: step.batch }),
    },
    now: step.now,
  };
}

/**
 * The owner's sums no longer fit their time zone: marks them stale (the dashboard reads the rows
 * meanwhile) and schedules the first step of their rebuild, in the caller's transaction — a few
 * rows, whatever the owner's size. A mark already there starts over (a new generation).
 */
export async function markOwnerSumsStale(
  db: Kysely<DB>,
  ownerId: string,
  options: { now: string; batch?: number | undefined },
): Promise<void> {
  await lockOwnerSums(db, ownerId);
  // The job hangs on one of the owner's projects (scheduled_jobs.project_id); with none, nothing
  // is summed and empty sums are right in any time zone.
  const anchor = await db
    .selectFrom('projects')
    .select('id')
    .where('owner_id', '=', ownerId)
    .orderBy('id')
    .limit(1)
    .executeTakeFirst();
  if (!anchor) {
    await markOwnerSumsWhole(db, ownerId);
    await db.deleteFrom('analytics_cells').where('owner_id', '=', ownerId).execute();
    await db.deleteFrom('analytics_sums').where('owner_id', '=', ownerId).execute();
    return;
  }
  const mark = await db
    .insertInto('analytics_rebuilds')
    .values({ owner_id: ownerId, generation: 1, after_id: '', started_at: options.now })
    .onConflict((oc) =>
      oc.column('owner_id').doUpdateSet({
        generation: sql<number>`analytics_rebuilds.generation + 1`,
        after_id: '',
        started_at: options.now,
      }),
    )
    .returning('generation')
    .executeTakeFirstOrThrow();
  await scheduleOnce(
    db,
    rebuildJob({
      ownerId,
      projectId: anchor.id,
      generation: Number(mark.generation),
      step: 0,
      batch: options.batch,
      now: options.now,
    }),
  );
}

/** Whether the owner's sums are being rebuilt (then the dashboard reads the rows). */
export async function ownerSumsStale(db: Kysely<DB>, ownerId: string): Promise<boolean> {
  const mark = await db
    .selectFrom('analytics_rebuilds')
    .select('owner_id')
    .where('owner_id', '=', ownerId)
    .where('after_id', 'is not', null)
    .executeTakeFirst();
  return mark !== undefined;
}

/** Clears the mark (the row stays: its generation goes on growing, so job keys never repeat). */
async function markOwnerSumsWhole(db: Kysely<DB>, ownerId: string): Promise<void> {
  await db
    .updateTable('analytics_rebuilds')
    .set({ after_id: null })
    .where('owner_id', '=', ownerId)
    .execute();
}

/**
 * One step of the owner's rebuild, in the caller's (the job's) transaction: under the owner's
 * lock, the next `batch` projects by id and their clients are summed anew from the rows in the
 * owner's time zone; the first step of a generation empties the owner's cells and sums first.
 * The actions keep summing what they change meanwhile (in the new time zone, as they read it under
 * the same lock), so sums = the cells' sum holds after every step, and when every project has
 * been summed anew the sums are those of a rebuild from scratch: the step that sums the last
 * projects clears the mark in its transaction; any other schedules the next step. What became of
 * the step, for the job's outcome.
 */
export async function rebuildOwnerSumsStep(
  db: Kysely<DB>,
  step: {
    ownerId: string;
    /** The job's project (the next step's job hangs on it too). */
    projectId: string;
    generation: number;
    step: number;
    batch?: number | undefined;
    now: string;
  },
): Promise<string> {
  const { ownerId } = step;
  const timeZone = await lockOwnerSums(db, ownerId);
  const mark = await db
    .selectFrom('analytics_rebuilds')
    .select(['generation', 'after_id'])
    .where('owner_id', '=', ownerId)
    .executeTakeFirst();
  if (!mark || Number(mark.generation) !== step.generation) return 'superseded';
  const after = mark.after_id;
  if (after === null) return 'not stale';
  if (after === '') {
    await db.deleteFrom('analytics_cells').where('owner_id', '=', ownerId).execute();
    await db.deleteFrom('analytics_sums').where('owner_id', '=', ownerId).execute();
  }
  const batch = step.batch ?? REBUILD_BATCH;
  const next = await db
    .selectFrom('projects')
    .select('id')
    .where('owner_id', '=', ownerId)
    .where('id', '>', after)
    .orderBy('id')
    .limit(batch + 1)
    .execute();
  const ids = next.slice(0, batch).map((p) => p.id);
  await sumProjectsAnew(db, ownerId, ids, timeZone);
  const last = ids[ids.length - 1];
  if (next.length <= batch || last === undefined) {
    await markOwnerSumsWhole(db, ownerId);
    return `rebuilt in ${step.step + 1} step${step.step === 0 ? '' : 's'}`;
  }
  await db
    .updateTable('analytics_rebuilds')
    .set({ after_id: last })
    .where('owner_id', '=', ownerId)
    .execute();
  await scheduleOnce(db, rebuildJob({ ...step, batch: step.batch, step: step.step + 1 }));
  return `step ${step.step + 1}`;
}

/** clientCreatedDays for the clients of some projects, in one query per 500 clients. */
async function clientsCreatedDays(
  db: Kysely<DB>,
  projects: readonly { client_id: string }[],
  timeZone: string,
): Promise<Map<string, string[]>> {
  const clientIds = [...new Set(projects.map((p) => p.client_id))];
  const out = new Map<string, string[]>(clientIds.map((id) => [id, []]));
  for (let i = 0; i < clientIds.length; i += BATCH) {
    const ranked = db
      .selectFrom('projects')
      .select([
        'client_id',
        'created_at',
        sql<number>`row_number() over (partition by client_id order by created_at)`.as('n'),
      ])
      .where('client_id', 'in', clientIds.slice(i, i + BATCH))
      .as('ranked');
    const rows = await db
      .selectFrom(ranked)
      .select(['ranked.client_id', 'ranked.created_at'])
      .where('ranked.n', '<=', 2)
      .execute();
    for (const r of rows) out.get(r.client_id)?.push(localDay(r.created_at, timeZone));
  }
  return out;
}

/** Some projects of the owner and their clients, summed anew from the rows (one step). */
async function sumProjectsAnew(
  db: Kysely<DB>,
  ownerId: string,
  projectIds: readonly string[],
  timeZone: string,
): Promise<void> {
  if (projectIds.length === 0) return;
  const scope = { ownerId, projectIds };
  const projects = await listScopedProjects(db, scope);
  const milestones = groupBy(await listScopedMilestones(db, scope), (m) => m.project_id);
  const movements = groupBy(await listScopedMovements(db, scope), (m) => m.project_id);
  const costs = groupBy(await listScopedCosts(db, scope), (c) => c.project_id);
  const cells = new Map<string, SumCell[]>();
  const repeat = new Map<string, string>();
  for (const [clientId, days] of await clientsCreatedDays(db, projects, timeZone)) {
    cells.set(clientId, clientCells(days));
    repeat.set(clientId, repeatMonth(days));
  }
  for (const p of projects) {
    cells.set(
      p.id,
      cellsOfProject(
        p,
        repeat.get(p.client_id) ?? '',
        milestones.get(p.id) ?? [],
        movements.get(p.id) ?? [],
        costs.get(p.id) ?? [],
        timeZone,
      ),
    );
  }
  const sources = [...cells.keys()];
  const before: SumCell[] = [];
  for (let i = 0; i < sources.length; i += BATCH) {
    const chunk = sources.slice(i, i + BATCH);
    const rows = await db
      .selectFrom('analytics_cells')
      .select('cells')
      .where('owner_id', '=', ownerId)
      .where('source_id', 'in', chunk)
      .execute();
    for (const row of rows) before.push(...unpack(row.cells));
    await db
      .deleteFrom('analytics_cells')
      .where('owner_id', '=', ownerId)
      .where('source_id', 'in', chunk)
      .execute();
  }
  await insertCells(db, ownerId, cells);
  await addToSums(db, ownerId, cellDelta(before, [...cells.values()].flat()));
  await db
    .deleteFrom('analytics_sums')
    .where('owner_id', '=', ownerId)
    .where('value', '=', 0)
    .execute();
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
