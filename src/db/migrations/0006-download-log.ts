import { sql, type Kysely } from 'kysely';
import { newId } from '../ids';

/**
 * The download log: one row per file, downloader (freelancer or client, and their address key)
 * and hour, merged as requests come in, so resumed and ranged downloads no longer add a row (or
 * an activity entry) each. The per-request `downloads` rows are folded into it.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('download_log')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('file_id', 'text', (c) => c.notNull().references('files.id').onDelete('cascade'))
    .addColumn('project_id', 'text', (c) =>
      c.notNull().references('projects.id').onDelete('cascade'),
    )
    .addColumn('actor_type', 'text', (c) => c.notNull())
    .addColumn('address', 'text', (c) => c.notNull())
    .addColumn('via', 'text', (c) => c.notNull())
    .addColumn('hour', 'text', (c) => c.notNull())
    .addColumn('first_at', 'text', (c) => c.notNull())
    .addColumn('last_at', 'text', (c) => c.notNull())
    .addColumn('requests', 'integer', (c) => c.notNull())
    .addColumn('bytes', 'bigint', (c) => c.notNull())
    .addColumn('completions', 'integer', (c) => c.notNull())
    .addUniqueConstraint('download_log_merge', ['file_id', 'actor_type', 'address', 'via', 'hour'])
    .execute();
  await db.schema
    .createIndex('download_log_project_last')
    .on('download_log')
    .columns(['project_id', 'last_at'])
    .execute();

  // Fold the per-request rows in, grouped the same way (the hour is the timestamp's first 13
  // characters, 2026-07-01T09); the ids are made here, as everywhere.
  const { rows } = await sql<{
    file_id: string;
    project_id: string;
    actor_type: string;
    address: string;
    via: string;
    hour: string;
    first_at: string;
    last_at: string;
    requests: number | string;
    bytes: number | string;
    completions: number | string;
  }>`
    select d.file_id, d.project_id, d.actor_type, d.ip as address, d.via,
           substr(d.at, 1, 13) as hour, min(d.at) as first_at, max(d.at) as last_at,
           count(*) as requests, sum(d.bytes_sent) as bytes,
           sum(case when d.range_start = 0 and d.bytes_sent >= f.size and f.size > 0
                    then 1 else 0 end) as completions
    from downloads d join files f on f.id = d.file_id
    group by d.file_id, d.project_id, d.actor_type, d.ip, d.via, substr(d.at, 1, 13)
  `.execute(db);
  for (const row of rows) {
    const id = newId();
    await sql`
      insert into download_log (id, file_id, project_id, actor_type, address, via, hour,
                                first_at, last_at, requests, bytes, completions)
      values (${id}, ${row.file_id}, ${row.project_id}, ${row.actor_type}, ${row.address},
              ${row.via}, ${row.hour}, ${row.first_at}, ${row.last_at}, ${Number(row.requests)},
              ${Number(row.bytes)}, ${Number(row.completions)})
    `.execute(db);
  }
  await db.schema.dropTable('downloads').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('downloads')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('file_id', 'text', (c) => c.notNull().references('files.id').onDelete('cascade'))
    .addColumn('project_id', 'text', (c) =>
      c.notNull().references('projects.id').onDelete('cascade'),
    )
    .addColumn('actor_type', 'text', (c) => c.notNull())
    .addColumn('actor_id', 'text')
    .addColumn('ip', 'text', (c) => c.notNull())
    .addColumn('range_start', 'bigint', (c) => c.notNull())
    .addColumn('range_end', 'bigint', (c) => c.notNull())
    .addColumn('bytes_sent', 'bigint', (c) => c.notNull())
    .addColumn('via', 'text', (c) => c.notNull())
    .addColumn('at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('downloads_file').on('downloads').column('file_id').execute();
  await db.schema.createIndex('downloads_project').on('downloads').column('project_id').execute();
  await db.schema.dropTable('download_log').execute();
}
