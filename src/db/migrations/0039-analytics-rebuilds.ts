import type { Kysely } from 'kysely';
import { randomUUID } from 'node:crypto';

// A change of time zone no longer rebuilds the owner's analytics sums inside the settings request
// (issue #12): it marks them stale here, and the scheduler rebuilds them in short steps of a few
// hundred projects, each its own transaction (job kind 'analytics'); the dashboard computes its
// figures from the rows while the mark is there. analytics_rebuilds holds a row per owner ever
// marked: `generation` grows with each mark (a step of an older one stops, and the steps' job keys
// never repeat), `after_id` is the last project id summed anew in this generation ('' before the
// first step), null once the sums are whole: stale = a row with after_id not null.
//
// The sums of existing data are made the same way: every owner with projects is marked here and
// their first step scheduled, instead of a migration calling the query code of its day.
interface Tables {
  analytics_rebuilds: {
    owner_id: string;
    generation: number;
    after_id: string;
    started_at: string;
  };
  projects: { id: string; owner_id: string };
  scheduled_jobs: {
    id: string;
    key: string;
    topic: string;
    kind: string;
    project_id: string;
    due_at: string;
    payload: string;
    created_at: string;
  };
}

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('analytics_rebuilds')
    .addColumn('owner_id', 'text', (c) => c.primaryKey())
    .addColumn('generation', 'integer', (c) => c.notNull())
    .addColumn('after_id', 'text')
    .addColumn('started_at', 'text', (c) => c.notNull())
    .execute();
  const d = db as Kysely<Tables>;
  const owners = await d
    .selectFrom('projects')
    .select((eb) => ['owner_id', eb.fn.min<string>('id').as('project_id')])
    .groupBy('owner_id')
    .execute();
  const now = new Date().toISOString();
  for (const owner of owners) {
    await d
      .insertInto('analytics_rebuilds')
      .values({ owner_id: owner.owner_id, generation: 1, after_id: '', started_at: now })
      .execute();
    // The same job the settings action schedules (src/db/queries/analytics-sums.ts, rebuildJob).
    await d
      .insertInto('scheduled_jobs')
      .values({
        id: randomUUID(),
        key: `analytics:${owner.owner_id}:1:0`,
        topic: `analytics:${owner.owner_id}`,
        kind: 'analytics',
        project_id: owner.project_id,
        due_at: now,
        payload: JSON.stringify({ generation: 1, step: 0 }),
        created_at: now,
      })
      .execute();
  }
}

export async function down(db: Kysely<unknown>): Promise<void> {
  const d = db as Kysely<Tables>;
  await d.deleteFrom('scheduled_jobs').where('kind', '=', 'analytics').execute();
  await db.schema.dropTable('analytics_rebuilds').execute();
}
