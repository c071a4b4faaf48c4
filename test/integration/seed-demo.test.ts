/**
 * `npm run seed:demo`: the command, run as a user runs it, fills a scratch database that a real
 * app serves; the printed login works, the counts it prints are the rows written, the data are
 * consistent (every paid milestone covered, every activity chain valid) and the same seed gives
 * the same data set.
 */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { openDatabase, type Database } from '../../src/db/database';
import * as C from './contract';
import {
  HOOK_TIMEOUT,
  dialects,
  expectStatus,
  logIn,
  startApp,
  storageConfig,
  type TestApp,
} from './harness';

const run = promisify(execFile);
const TSX = path.resolve('node_modules/.bin/tsx');

async function seed(app: TestApp, args: string[]) {
  return run(TSX, ['src/cli/seed-demo.ts', ...args], {
    env: {
      PATH: process.env.PATH ?? '',
      DATA_DIR: app.dataDir,
      LOG_LEVEL: 'silent',
      ...(app.dbUrl !== undefined && { DATABASE_URL: app.dbUrl }),
    },
  });
}

function printed(stdout: string, what: string): number {
  const match = new RegExp(`(\\d+) ${what}`).exec(stdout);
  if (!match?.[1]) throw new Error(`seed:demo did not print "${what}": ${stdout}`);
  return Number(match[1]);
}

describe.each(dialects)('seed:demo (%s)', (dialect) => {
  let app: TestApp | undefined;
  let database: Database | undefined;
  beforeAll(async () => {
    app = await startApp(dialect);
    database = await openDatabase(storageConfig(app));
  }, HOOK_TIMEOUT);
  afterAll(async () => {
    await database?.close();
    await app?.close();
  });
  const db = () => {
    if (!database) throw new Error('database not open');
    return database.db;
  };

  test('fills the database with 5 projects and prints a login that works', async () => {
    if (!app) throw new Error('app not started');
    const { stdout } = await seed(app, [
      '--projects',
      '5',
      '--seed',
      '7',
      '--today',
      '2026-06-15',
      '--email',
      'a@demo.test',
    ]);
    expect(stdout).toContain('Log in as a@demo.test with the password milepost-demo');

    const owner = await logIn(app, 'a@demo.test', 'milepost-demo');
    const userId = owner.user?.id ?? '';
    const projects = await db()
      .selectFrom('projects')
      .selectAll()
      .where('owner_id', '=', userId)
      .execute();
    expect(projects).toHaveLength(5);
    expect(printed(stdout, 'projects')).toBe(5);
    const projectIds = projects.map((p) => p.id);
    const clients = await db()
      .selectFrom('clients')
      .select('id')
      .where('owner_id', '=', userId)
      .execute();
    expect(clients.length).toBe(printed(stdout, 'clients'));
    expect(clients.length).toBeGreaterThanOrEqual(1);

    const milestones = await db()
      .selectFrom('milestones')
      .selectAll()
      .where('project_id', 'in', projectIds)
      .execute();
    expect(milestones.length).toBe(printed(stdout, 'milestones'));
    for (const project of projects) {
      const own = milestones.filter((m) => m.project_id === project.id);
      expect(own.length).toBeGreaterThanOrEqual(1);
      expect(own.length).toBeLessThanOrEqual(10);
      expect([
        'Website',
        'Branding',
        'Mobile app',
        'Copywriting',
        'SEO audit',
        'Illustration',
      ]).toContain(project.project_type);
    }
    expect(milestones.filter((m) => m.delivered_at !== null).length).toBe(
      printed(stdout, 'deliveries'),
    );

    const payments = await db()
      .selectFrom('payments')
      .selectAll()
      .where('project_id', 'in', projectIds)
      .execute();
    expect(payments.filter((p) => p.kind === 'payment').length).toBe(printed(stdout, 'payments'));
    expect(payments.filter((p) => p.kind === 'refund').length).toBe(printed(stdout, 'refunds'));
    // A paid milestone received its amount (a part may have been refunded since); money lies
    // only on delivered or paid ones.
    for (const m of milestones) {
      const own = payments.filter((p) => p.milestone_id === m.id);
      const received = own
        .filter((p) => p.kind === 'payment')
        .reduce((sum, p) => sum + p.amount_minor, 0);
      if (m.status === 'paid') expect(received).toBeGreaterThanOrEqual(m.amount_minor);
      if (m.status === 'open' || m.status === 'locked') expect(own).toHaveLength(0);
    }
    const messages = await db()
      .selectFrom('chat_messages')
      .select('id')
      .where('project_id', 'in', projectIds)
      .where('kind', '=', 'text')
      .execute();
    expect(messages.length).toBe(printed(stdout, 'messages'));
    // Costs and hours, so profit and the hourly rate have something to show.
    const costs = await db()
      .selectFrom('project_costs')
      .selectAll()
      .where('project_id', 'in', projectIds)
      .execute();
    expect(costs.length).toBe(printed(stdout, 'costs'));
    expect(costs.length).toBeGreaterThan(0);
    for (const cost of costs) {
      const own = projects.find((p) => p.id === cost.project_id);
      expect(cost.currency).toBe(own?.currency);
      expect(cost.amount_minor).toBeGreaterThan(0);
      expect(cost.note).not.toBe('');
    }
    const withHours = projects.filter((p) => p.hours_minutes !== null);
    expect(withHours.length).toBe(printed(stdout, 'with hours'));
    expect(withHours.length).toBeGreaterThan(0);
    for (const p of withHours) expect((p.hours_minutes ?? 0) % 15).toBe(0);
    // Nothing is mailed to the made-up clients.
    const mail = await db()
      .selectFrom('mail_outbox')
      .select('id')
      .where('owner_id', '=', userId)
      .execute();
    expect(mail).toHaveLength(0);

    // The app serves it: every project is listed, and every activity chain verifies.
    const all = expectStatus(
      await owner.get('/api/projects?includeArchived=true'),
      200,
      C.ProjectList,
    );
    expect(all.projects.map((p) => p.id).sort()).toEqual([...projectIds].sort());
    expect(all.projects.filter((p) => p.archivedAt !== null).length).toBe(
      printed(stdout, 'archived'),
    );
    for (const id of projectIds) {
      const activity = expectStatus(
        await owner.get(`/api/projects/${id}/activity`),
        200,
        C.ActivityList,
      );
      expect(activity.chainValid).toBe(true);
    }
  }, 120_000);

  test('the same seed gives the same data set; a taken email is refused', async () => {
    if (!app) throw new Error('app not started');
    const again = await seed(app, [
      '--projects',
      '5',
      '--seed',
      '7',
      '--today',
      '2026-06-15',
      '--email',
      'b@demo.test',
    ]);
    const shape = async (email: string) => {
      const user = await db()
        .selectFrom('users')
        .select('id')
        .where('email', '=', email)
        .executeTakeFirstOrThrow();
      const rows = await db()
        .selectFrom('milestones')
        .innerJoin('projects', 'projects.id', 'milestones.project_id')
        .select([
          'projects.title',
          'projects.currency',
          'milestones.position',
          'milestones.amount_minor',
          'milestones.due_date',
          'milestones.status',
        ])
        .where('projects.owner_id', '=', user.id)
        .execute();
      return rows.map((r) => JSON.stringify(r)).sort();
    };
    expect(await shape('b@demo.test')).toEqual(await shape('a@demo.test'));
    expect(again.stdout).toContain('b@demo.test');

    await expect(seed(app, ['--projects', '5', '--email', 'a@demo.test'])).rejects.toMatchObject({
      code: 1,
      stderr: expect.stringContaining('already has an account'),
    });
    await expect(seed(app, ['--projects', 'lots'])).rejects.toMatchObject({
      code: 2,
      stderr: expect.stringContaining('--projects must be a whole number'),
    });
  }, 120_000);
});
