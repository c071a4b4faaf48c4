/**
 * Work due later (notification mail, payment reminders), durable in the database. A job is
 * claimed with one conditional UPDATE (free, or its holder's lease ran out), so two app instances
 * never run it at once; it is marked done — guarded by the claim — in the same transaction as
 * what it did, so it takes effect once, even when a process dies half-way.
 */
import { expressionBuilder, type Kysely } from 'kysely';
import { newId } from '../ids';
import type { DB, JobKind, ScheduledJobRow } from '../schema';

export interface NewJob {
  key: string;
  topic: string;
  kind: JobKind;
  projectId: string;
  dueAt: string;
  payload: Record<string, unknown>;
  now: string;
}

const valuesOf = (job: NewJob) => ({
  id: newId(),
  key: job.key,
  topic: job.topic,
  kind: job.kind,
  project_id: job.projectId,
  due_at: job.dueAt,
  payload: JSON.stringify(job.payload),
  claim_token: null,
  claimed_until: null,
  last_error: null,
  done_at: null,
  outcome: null,
  created_at: job.now,
});

/** Adds the job unless one with its key exists (done or not): each key runs once. */
export async function scheduleOnce(db: Kysely<DB>, job: NewJob): Promise<void> {
  await db
    .insertInto('scheduled_jobs')
    .values(valuesOf(job))
    .onConflict((oc) => oc.column('key').doNothing())
    .execute();
}

/**
 * A job to add unless a job of its topic is still waiting: the columns it fills, its values as a
 * SELECT list (bound, cast to the columns' text), and the condition. Shared by
 * `scheduleUnlessWaiting` and the one-statement send (src/db/queries/chat-send.ts).
 */
export function unlessWaiting(job: NewJob) {
  const eb = expressionBuilder<DB, never>();
  const row = valuesOf(job);
  const text = <A extends string>(value: string, alias: A) =>
    eb.cast<string>(eb.val(value), 'text').as(alias);
  return {
    columns: [
      'id',
      'key',
      'topic',
      'kind',
      'project_id',
      'due_at',
      'payload',
      'created_at',
    ] as const satisfies readonly (keyof ScheduledJobRow)[],
    values: [
      text(row.id, 'id'),
      text(row.key, 'key'),
      text(row.topic, 'topic'),
      text(row.kind, 'kind'),
      text(row.project_id, 'project_id'),
      text(row.due_at, 'due_at'),
      text(row.payload, 'payload'),
      text(row.created_at, 'created_at'),
    ],
    noneWaiting: eb.not(
      eb.exists(
        eb
          .selectFrom('scheduled_jobs')
          .select('id')
          .where('topic', '=', job.topic)
          .where('done_at', 'is', null),
      ),
    ),
  };
}

/**
 * Adds the job unless a job of its topic is still waiting (or its key exists), in one statement:
 * "one mail per thread and person at a time".
 */
export async function scheduleUnlessWaiting(db: Kysely<DB>, job: NewJob): Promise<void> {
  const insert = unlessWaiting(job);
  await db
    .insertInto('scheduled_jobs')
    .columns(insert.columns)
    .expression(db.selectNoFrom(insert.values).where(insert.noneWaiting))
    .onConflict((oc) => oc.column('key').doNothing())
    .execute();
}

/**
 * Adds the job, or — while it has neither run nor been claimed — moves it to the new due time
 * (a debounce: "10 minutes after the last upload").
 */
export async function scheduleOrPostpone(db: Kysely<DB>, job: NewJob): Promise<void> {
  await db
    .insertInto('scheduled_jobs')
    .values(valuesOf(job))
    .onConflict((oc) =>
      oc
        .column('key')
        .doUpdateSet({ due_at: job.dueAt })
        .where('scheduled_jobs.done_at', 'is', null)
        .where('scheduled_jobs.claim_token', 'is', null),
    )
    .execute();
}

/** Closes a job that has not run (its work was done another way), e.g. folded into a delivery. */
export async function cancelJob(
  db: Kysely<DB>,
  key: string,
  outcome: string,
  now: string,
): Promise<void> {
  await db
    .updateTable('scheduled_jobs')
    .set({ done_at: now, outcome })
    .where('key', '=', key)
    .where('done_at', 'is', null)
    .where('claim_token', 'is', null)
    .execute();
}

/** Ids of jobs due at `now` and not held by a live claim, oldest first. */
export async function listDueJobs(db: Kysely<DB>, now: string, limit: number): Promise<string[]> {
  const rows = await db
    .selectFrom('scheduled_jobs')
    .select('id')
    .where('done_at', 'is', null)
    .where('due_at', '<=', now)
    .where((eb) => eb.or([eb('claimed_until', 'is', null), eb('claimed_until', '<', now)]))
    .orderBy('due_at')
    .orderBy('id')
    .limit(limit)
    .execute();
  return rows.map((r) => r.id);
}

/** Takes the job; undefined when another instance holds it or it is done. */
export async function claimJob(
  db: Kysely<DB>,
  options: { id: string; token: string; now: string; until: string },
): Promise<ScheduledJobRow | undefined> {
  const result = await db
    .updateTable('scheduled_jobs')
    .set((eb) => ({
      claim_token: options.token,
      claimed_until: options.until,
      attempts: eb('attempts', '+', 1),
    }))
    .where('id', '=', options.id)
    .where('done_at', 'is', null)
    .where('due_at', '<=', options.now)
    .where((eb) => eb.or([eb('claimed_until', 'is', null), eb('claimed_until', '<', options.now)]))
    .executeTakeFirst();
  if (Number(result.numUpdatedRows) !== 1) return undefined;
  return db
    .selectFrom('scheduled_jobs')
    .selectAll()
    .where('id', '=', options.id)
    .where('claim_token', '=', options.token)
    .executeTakeFirst();
}

/** Done, if the claim is still ours; false means another instance took it over. */
export async function finishJob(
  db: Kysely<DB>,
  options: { id: string; token: string; outcome: string; now: string },
): Promise<boolean> {
  const result = await db
    .updateTable('scheduled_jobs')
    .set({ done_at: options.now, outcome: options.outcome, claimed_until: null })
    .where('id', '=', options.id)
    .where('claim_token', '=', options.token)
    .where('done_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** A failed run: released, to be tried again at `retryAt`. */
export async function releaseJob(
  db: Kysely<DB>,
  options: { id: string; token: string; error: string; retryAt: string },
): Promise<void> {
  await db
    .updateTable('scheduled_jobs')
    .set({
      claim_token: null,
      claimed_until: null,
      due_at: options.retryAt,
      last_error: options.error.slice(0, 1000),
    })
    .where('id', '=', options.id)
    .where('claim_token', '=', options.token)
    .execute();
}

/** Holds the project's row for the rest of the transaction without changing it. */
export async function holdProject(db: Kysely<DB>, projectId: string): Promise<void> {
  await db
    .updateTable('projects')
    .set((eb) => ({ stream_seq: eb.ref('stream_seq') }))
    .where('id', '=', projectId)
    .execute();
}
