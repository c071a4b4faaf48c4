/**
 * The integration harness: a real, freshly migrated database per app (a temp SQLite folder, or
 * a new PostgreSQL database dropped afterwards), the real app on a loopback port, and actors who
 * speak to it over HTTP with `fetch`, each keeping its own cookies and CSRF token by hand.
 *
 * Every suite runs once per dialect in `dialects`. PostgreSQL is never skipped silently: if it
 * cannot be reached, provisioning throws and the suite's tests fail.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, expect } from 'vitest';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import { loadConfig, type Config } from '../../src/config';
import { openDatabase } from '../../src/db/database';
import type { DB } from '../../src/db/schema';
import { buildApp } from '../../src/http/app';
import type { Clock } from '../../src/domain/clock';
import type { SweepReport } from '../../src/files/expiry-sweep';
import * as C from './contract';

export type Dialect = 'sqlite' | 'postgres';

function parseDialect(name: string): Dialect {
  const trimmed = name.trim();
  if (trimmed === 'sqlite' || trimmed === 'postgres') return trimmed;
  throw new Error(`MILEPOST_TEST_DIALECTS: unknown dialect "${trimmed}" (use sqlite,postgres)`);
}

/** The one list every database suite runs on. */
export const dialects: Dialect[] = (process.env.MILEPOST_TEST_DIALECTS ?? 'sqlite,postgres')
  .split(',')
  .filter((s) => s.trim() !== '')
  .map(parseDialect);

export const PG_HOST_URL = 'postgres://postgres@127.0.0.1:5432';
const PG_ADMIN_URL = `${PG_HOST_URL}/postgres`;

/** Timeouts generous enough for password hashing and PostgreSQL database creation. */
export const SUITE_TIMEOUT = { timeout: 60_000 };
export const HOOK_TIMEOUT = 60_000;

// ---------------------------------------------------------------------------------------------
// Storage: one fresh database (and data folder) per app.

export interface Storage {
  dialect: Dialect;
  dataDir: string;
  /** Set for PostgreSQL only. */
  dbUrl: string | undefined;
  env: Record<string, string>;
  dispose(): Promise<void>;
}

async function withAdmin<T>(run: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: PG_ADMIN_URL });
  try {
    await client.connect();
  } catch (error) {
    throw new Error(
      `PostgreSQL at ${PG_ADMIN_URL} is unreachable; the postgres dialect is never skipped ` +
        `(set MILEPOST_TEST_DIALECTS=sqlite to run SQLite only on purpose)`,
      { cause: error },
    );
  }
  try {
    return await run(client);
  } finally {
    await client.end();
  }
}

export async function provisionStorage(dialect: Dialect): Promise<Storage> {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'milepost-it-'));
  const removeDir = () => rm(dataDir, { recursive: true, force: true });
  if (dialect === 'sqlite') {
    return { dialect, dataDir, dbUrl: undefined, env: { DATA_DIR: dataDir }, dispose: removeDir };
  }
  const name = `milepost_t_${randomBytes(6).toString('hex')}`;
  try {
    await withAdmin((client) => client.query(`CREATE DATABASE ${name}`));
  } catch (error) {
    await removeDir();
    throw error;
  }
  const dbUrl = `${PG_HOST_URL}/${name}`;
  return {
    dialect,
    dataDir,
    dbUrl,
    env: { DATA_DIR: dataDir, DATABASE_URL: dbUrl },
    dispose: async () => {
      await withAdmin(async (client) => {
        // pg's Pool.end() resolves before its connections have closed; forcing the drop while
        // they close makes the server kill them and the app's pool report an uncaught error.
        for (let i = 0; i < 100; i++) {
          const { rows } = await client.query<{ n: number }>(
            'SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = $1',
            [name],
          );
          if ((rows[0]?.n ?? 0) === 0) break;
          await new Promise((resolve) => setTimeout(resolve, 50));
        }
        await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      });
      await removeDir();
    },
  };
}

/** What every test app runs with, under the suite's own overrides. */
export const TEST_ENV: Readonly<Record<string, string>> = {
  HOST: '127.0.0.1',
  LOG_LEVEL: 'silent',
  // Every suite signs its actors up from 127.0.0.1; the limit has its own test.
  SIGNUP_PER_IP: '100000',
};

// ---------------------------------------------------------------------------------------------
// Time the tests can move.

/**
 * The app's clock in tests: it runs with real time (so ordering by time still holds) plus an
 * offset the test moves with `advance`/`set`, or stands still after `freeze`.
 */
export class TestClock implements Clock {
  private offsetMs = 0;
  private frozenAt: number | undefined;

  now(): Date {
    return new Date(this.frozenAt ?? Date.now() + this.offsetMs);
  }

  /** Moves time forward (or back, with a negative amount). */
  advance(ms: number): void {
    if (this.frozenAt !== undefined) this.frozenAt += ms;
    else this.offsetMs += ms;
  }

  /** Jumps to `at`; time keeps running from there unless frozen. */
  set(at: Date | string): void {
    const target = new Date(at).getTime();
    if (this.frozenAt !== undefined) this.frozenAt = target;
    else this.offsetMs = target - Date.now();
  }

  /** Stops time at its current reading until `unfreeze`. */
  freeze(): void {
    this.frozenAt = this.now().getTime();
  }

  unfreeze(): void {
    if (this.frozenAt === undefined) return;
    this.offsetMs = this.frozenAt - Date.now();
    this.frozenAt = undefined;
  }
}

// ---------------------------------------------------------------------------------------------
// The app under test.

export interface TestApp {
  dialect: Dialect;
  url: string;
  dataDir: string;
  dbUrl: string | undefined;
  /** The app's clock: move it to let windows pass or uploads age. */
  clock: TestClock;
  /**
   * Waits until the mail worker has tried everything due by the app's clock (mail is queued in
   * the outbox and sent after the response); move the clock to reach a retry without waiting.
   */
  drainMail(): Promise<void>;
  /**
   * Runs the app's hourly sweep now, by its clock (expired uploads, queued deletions, retention).
   * Absent for a server running in a child process.
   */
  sweep?: () => Promise<SweepReport>;
  /** Runs the scheduler's jobs due by the app's clock (notification mail, reminders). */
  runJobs?: () => Promise<void>;
  close(): Promise<void>;
}

/** Builds the real app on a fresh database, listening on a random loopback port. */
export async function startApp(
  dialect: Dialect,
  envOverrides: Record<string, string> = {},
  clock: TestClock = new TestClock(),
): Promise<TestApp> {
  const storage = await provisionStorage(dialect);
  let app: Awaited<ReturnType<typeof buildApp>> | undefined;
  try {
    const config = loadConfig({
      ...TEST_ENV,
      ...storage.env,
      ...envOverrides,
    });
    app = await buildApp({ config, clock });
    await app.listen({ port: 0, host: '127.0.0.1' });
    const address = app.server.address();
    if (address === null || typeof address === 'string') {
      throw new Error(`unexpected server address ${String(address)}`);
    }
    const running = app;
    return {
      dialect,
      url: `http://127.0.0.1:${address.port}`,
      dataDir: storage.dataDir,
      dbUrl: storage.dbUrl,
      clock,
      drainMail: () => running.mailWorker.drain(),
      sweep: () => running.fileSweep.run(),
      runJobs: () => running.scheduler.drain(),
      close: async () => {
        try {
          await running.close();
        } finally {
          await storage.dispose();
        }
      },
    };
  } catch (error) {
    try {
      await app?.close();
    } finally {
      await storage.dispose();
    }
    throw error;
  }
}

/** The configuration of a running test app's storage, to open its database beside it. */
/** Runs `use` on a database connection of its own to the app's database, then closes it. */
export async function withDb<T>(app: TestApp, use: (db: Kysely<DB>) => Promise<T>): Promise<T> {
  const database = await openDatabase(storageConfig(app));
  try {
    return await use(database.db);
  } finally {
    await database.close();
  }
}

export function storageConfig(app: TestApp): Config {
  return loadConfig({
    ...TEST_ENV,
    DATA_DIR: app.dataDir,
    ...(app.dbUrl !== undefined && { DATABASE_URL: app.dbUrl }),
  });
}

/** Starts one app for the enclosing describe block; the getter fails loudly if it did not start. */
export function useApp(dialect: Dialect, envOverrides: Record<string, string> = {}): () => TestApp {
  let app: TestApp | undefined;
  beforeAll(async () => {
    app = await startApp(dialect, envOverrides);
  }, HOOK_TIMEOUT);
  afterAll(async () => {
    await app?.close();
  }, HOOK_TIMEOUT);
  return () => {
    if (app === undefined) throw new Error(`the ${dialect} app did not start`);
    return app;
  };
}

// ---------------------------------------------------------------------------------------------
// Actors: one cookie jar and CSRF token each.

export type Method = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';

export interface ApiResponse {
  /** "POST /api/projects", for failure messages. */
  request: string;
  status: number;
  body: unknown;
  text: string;
  headers: Headers;
  setCookies: string[];
}

export interface RequestOptions {
  /** true (default): send the actor's CSRF token on writes; false: send none; string: send this. */
  csrf?: boolean | string;
  headers?: Record<string, string>;
  /** Send this exact body instead of JSON-encoding `body`. */
  rawBody?: string;
  /** Content type for rawBody; omitted when undefined. */
  contentType?: string;
}

export class Actor {
  readonly jar = new Map<string, string>();
  csrfToken: string | undefined;
  user: C.User | undefined;
  email: string | undefined;

  constructor(
    readonly baseUrl: string,
    readonly label: string,
  ) {}

  get(path: string, options?: RequestOptions): Promise<ApiResponse> {
    return this.request('GET', path, undefined, options);
  }
  post(path: string, body?: unknown, options?: RequestOptions): Promise<ApiResponse> {
    return this.request('POST', path, body, options);
  }
  patch(path: string, body?: unknown, options?: RequestOptions): Promise<ApiResponse> {
    return this.request('PATCH', path, body, options);
  }
  put(path: string, body?: unknown, options?: RequestOptions): Promise<ApiResponse> {
    return this.request('PUT', path, body, options);
  }
  delete(path: string, body?: unknown, options?: RequestOptions): Promise<ApiResponse> {
    return this.request('DELETE', path, body, options);
  }

  async request(
    method: Method,
    path: string,
    body?: unknown,
    options: RequestOptions = {},
  ): Promise<ApiResponse> {
    const headers: Record<string, string> = { accept: 'application/json', ...options.headers };
    const cookie = this.cookieHeader();
    if (cookie !== '') headers.cookie = cookie;
    const csrf = options.csrf ?? true;
    if (method !== 'GET') {
      if (typeof csrf === 'string') headers['x-csrf-token'] = csrf;
      else if (csrf && this.csrfToken !== undefined) headers['x-csrf-token'] = this.csrfToken;
    }
    let payload: string | undefined;
    if (options.rawBody !== undefined) {
      payload = options.rawBody;
      if (options.contentType !== undefined) headers['content-type'] = options.contentType;
    } else if (body !== undefined) {
      payload = JSON.stringify(body);
      headers['content-type'] = 'application/json';
    }
    const res = await fetch(this.baseUrl + path, {
      method,
      headers,
      body: payload,
      redirect: 'manual',
    });
    const text = await res.text();
    let parsed: unknown = undefined;
    if (text !== '') {
      try {
        parsed = JSON.parse(text);
      } catch {
        parsed = undefined;
      }
    }
    const setCookies = res.headers.getSetCookie();
    this.absorbCookies(setCookies);
    if (isRecord(parsed) && typeof parsed.csrfToken === 'string') this.csrfToken = parsed.csrfToken;
    return {
      request: `${this.label}: ${method} ${path}`,
      status: res.status,
      body: parsed,
      text,
      headers: res.headers,
      setCookies,
    };
  }

  cookie(name: string): string | undefined {
    return this.jar.get(name);
  }

  cookieHeader(): string {
    return [...this.jar].map(([name, value]) => `${name}=${value}`).join('; ');
  }

  /** A second actor holding a copy of this one's cookies and token (a stolen or old cookie). */
  clone(label: string): Actor {
    const copy = new Actor(this.baseUrl, label);
    for (const [name, value] of this.jar) copy.jar.set(name, value);
    copy.csrfToken = this.csrfToken;
    copy.user = this.user;
    copy.email = this.email;
    return copy;
  }

  private absorbCookies(setCookies: string[]): void {
    for (const line of setCookies) {
      const [pair = '', ...attributes] = line.split(';');
      const eq = pair.indexOf('=');
      if (eq <= 0) continue;
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      const expired = attributes.some((attribute) => {
        const [key = '', val = ''] = attribute.split('=').map((s) => s.trim());
        if (key.toLowerCase() === 'max-age') return Number(val) <= 0;
        if (key.toLowerCase() === 'expires') return Date.parse(val) <= Date.now();
        return false;
      });
      if (expired || value === '') this.jar.delete(name);
      else this.jar.set(name, value);
    }
  }
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function valueAt(value: unknown, path: readonly PropertyKey[]): unknown {
  let current = value;
  for (const key of path) {
    if (!isRecord(current) && !Array.isArray(current)) return undefined;
    current = (current as Record<PropertyKey, unknown>)[key];
  }
  return current;
}

function describeResponse(res: ApiResponse): string {
  return `${res.request} → ${res.status} ${res.text.slice(0, 600)}`;
}

/** Asserts the status and parses the body with the contract's schema. */
export function expectStatus<S extends z.ZodType>(
  res: ApiResponse,
  status: number,
  schema: S,
): z.infer<S> {
  expect(res.status, describeResponse(res)).toBe(status);
  const parsed = schema.safeParse(res.body);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => {
      const where = issue.path.map(String).join('.') || '(body)';
      return `  ${where}: ${issue.message}; got ${JSON.stringify(valueAt(res.body, issue.path))}`;
    });
    throw new Error(
      `${describeResponse(res)}\ndoes not match the contract:\n${problems.join('\n')}`,
    );
  }
  return parsed.data;
}

export function expectNoContent(res: ApiResponse): void {
  expect(res.status, describeResponse(res)).toBe(204);
}

export interface ExpectedError {
  /** An exact status, or 'client' for any 4xx. */
  status: number | 'client';
  code?: string;
  field?: string;
}

/** Asserts an error response with the contract's `{ error: { code, message, field? } }` body. */
export function expectError(res: ApiResponse, expected: ExpectedError): C.ErrorBody['error'] {
  if (expected.status === 'client') {
    expect(res.status >= 400 && res.status < 500, describeResponse(res)).toBe(true);
  } else {
    expect(res.status, describeResponse(res)).toBe(expected.status);
  }
  const parsed = C.ErrorBody.safeParse(res.body);
  if (!parsed.success) {
    throw new Error(`${describeResponse(res)}\nis not an error body: ${parsed.error.message}`);
  }
  const error = parsed.data.error;
  if (expected.code !== undefined) expect(error.code, describeResponse(res)).toBe(expected.code);
  if (expected.field !== undefined) expect(error.field, describeResponse(res)).toBe(expected.field);
  return error;
}

// ---------------------------------------------------------------------------------------------
// Fixtures.

export const PASSWORD = 'correct horse battery staple';

export function uniqueEmail(label: string): string {
  return `${label}-${randomUUID().slice(0, 8)}@example.test`;
}

export async function signUp(
  app: TestApp,
  email: string = uniqueEmail('freelancer'),
  name = 'Fiona Freelancer',
): Promise<Actor> {
  const actor = new Actor(app.url, email);
  const res = await actor.post('/api/auth/signup', { email, password: PASSWORD, name });
  const body = expectStatus(res, 201, C.AuthResult);
  expect(actor.cookie('mp_session'), 'signup sets the mp_session cookie').toBeDefined();
  actor.user = body.user;
  actor.email = email;
  return actor;
}

export async function logIn(app: TestApp, email: string, password = PASSWORD): Promise<Actor> {
  const actor = new Actor(app.url, `${email} (login)`);
  const body = expectStatus(
    await actor.post('/api/auth/login', { email, password }),
    200,
    C.AuthResult,
  );
  actor.user = body.user;
  actor.email = email;
  return actor;
}

export interface MilestoneInput {
  title: string;
  deliverables: string;
  dueDate: string;
  amountMinor?: number;
  percent?: number;
}

export function dueDate(index: number): string {
  return new Date(Date.UTC(2026, 6, 1 + 14 * index)).toISOString().slice(0, 10);
}

export function milestoneInput(index: number, extra: Partial<MilestoneInput> = {}): MilestoneInput {
  return {
    title: `Step ${index + 1}`,
    deliverables: `Everything promised for step ${index + 1}`,
    dueDate: dueDate(index),
    ...extra,
  };
}

export function milestonesByAmount(amounts: readonly number[]): MilestoneInput[] {
  return amounts.map((amountMinor, i) => milestoneInput(i, { amountMinor }));
}

export function milestonesByPercent(percents: readonly number[]): MilestoneInput[] {
  return percents.map((percent, i) => milestoneInput(i, { percent }));
}

export async function createClient(
  actor: Actor,
  input: { name?: string; email?: string; company?: string } = {},
): Promise<C.Client> {
  const body = {
    name: input.name ?? 'Clara Client',
    email: input.email ?? uniqueEmail('client'),
    ...(input.company === undefined ? {} : { company: input.company }),
  };
  return expectStatus(await actor.post('/api/clients', body), 201, C.ClientEnvelope).client;
}

export interface ProjectInput {
  clientId: string;
  title?: string;
  currency?: string;
  projectType?: string;
  tags?: string[];
  description?: string;
  totalMinor?: number;
  milestones: MilestoneInput[];
}

export async function createProject(actor: Actor, input: ProjectInput): Promise<C.ProjectCreated> {
  const body = { title: 'Website redesign', currency: 'EUR', ...input };
  return expectStatus(await actor.post('/api/projects', body), 201, C.ProjectCreated);
}

export interface ProjectFixture {
  client: C.Client;
  project: C.Project;
  milestones: C.Milestone[];
}

/** A client and a project whose milestones have the given amounts. */
export async function setupProject(
  actor: Actor,
  options: { amounts?: number[]; currency?: string; title?: string } = {},
): Promise<ProjectFixture> {
  const client = await createClient(actor);
  const created = await createProject(actor, {
    clientId: client.id,
    title: options.title ?? 'Website redesign',
    currency: options.currency ?? 'EUR',
    milestones: milestonesByAmount(options.amounts ?? [100_00, 200_00, 300_00]),
  });
  return { client, project: created.project, milestones: created.milestones };
}

export interface AccessSecrets {
  code: string;
  link: string;
  token: string;
}

/** The token the access link carries in its fragment (`…/portal#access=TOKEN`). */
export function tokenFromLink(link: string): string {
  const hash = new URL(link).hash.replace(/^#/, '');
  const token = new URLSearchParams(hash).get('access');
  if (token === null || token === '') throw new Error(`no access token in link ${link}`);
  return token;
}

export async function share(actor: Actor, projectId: string): Promise<AccessSecrets> {
  const issued = expectStatus(
    await actor.post(`/api/projects/${projectId}/access`),
    201,
    C.AccessIssued,
  );
  return { ...issued, token: tokenFromLink(issued.link) };
}

/** Opens the portal as the client, with the code or the link's token. */
export async function openPortal(
  app: TestApp,
  credentials: { code: string } | { token: string },
  label = 'client',
): Promise<Actor> {
  const client = new Actor(app.url, label);
  expectStatus(await client.post('/api/portal/session', credentials), 200, C.PortalSession);
  expect(client.cookie('mp_client'), 'portal session sets the mp_client cookie').toBeDefined();
  return client;
}

/**
 * The client accepts the project's contract as it stands now (reads it, then sends the hash of
 * what they read with a typed name) — the step every payment needs first. Returns the version.
 */
export async function acceptContract(client: Actor, fullName = 'Client Person'): Promise<number> {
  const Record_ = z.object({
    current: z.object({ version: z.number().int(), sha256: z.string() }),
  });
  const { current } = expectStatus(await client.get('/api/portal/contract'), 200, Record_);
  expectStatus(
    await client.post('/api/portal/contract/accept', { fullName, sha256: current.sha256 }),
    200,
    z.object({ acceptance: z.object({ version: z.literal(current.version) }) }),
  );
  return current.version;
}

export async function getProject(actor: Actor, projectId: string): Promise<C.ProjectDetail> {
  return expectStatus(await actor.get(`/api/projects/${projectId}`), 200, C.ProjectDetail);
}

export async function getActivity(actor: Actor, projectId: string): Promise<C.ActivityList> {
  return expectStatus(await actor.get(`/api/projects/${projectId}/activity`), 200, C.ActivityList);
}

export async function getPortal(client: Actor): Promise<C.PortalProject> {
  return expectStatus(await client.get('/api/portal/project'), 200, C.PortalProject);
}

export async function deliver(
  actor: Actor,
  projectId: string,
  milestoneId: string,
): Promise<C.Milestone> {
  const res = await actor.post(`/api/projects/${projectId}/milestones/${milestoneId}/deliver`);
  return expectStatus(res, 200, C.MilestoneEnvelope).milestone;
}

export function paymentBody(
  amountMinor: number,
  extra: { method?: string; reference?: string; receivedOn?: string } = {},
): Record<string, unknown> {
  return {
    amountMinor,
    method: 'bank_transfer',
    reference: 'INV-1',
    receivedOn: '2026-07-20',
    ...extra,
  };
}

export async function recordPayment(
  actor: Actor,
  projectId: string,
  milestone: { id: string; amountMinor: number },
): Promise<{ payment: C.Payment; milestone: C.Milestone }> {
  const res = await actor.post(
    `/api/projects/${projectId}/milestones/${milestone.id}/payments`,
    paymentBody(milestone.amountMinor),
  );
  return expectStatus(res, 201, C.PaymentResult);
}

/**
 * Everything a freelancer can see through the API: settings, clients, projects, and each
 * project's detail and activity. Equal snapshots before and after a refused request prove the
 * request changed nothing, without the tests knowing any table name.
 */
export async function ownerSnapshot(actor: Actor): Promise<unknown> {
  const me = expectStatus(await actor.get('/api/auth/me'), 200, C.AuthResult);
  const settings = expectStatus(await actor.get('/api/settings'), 200, C.Settings);
  const clients = expectStatus(
    await actor.get('/api/clients?includeArchived=true'),
    200,
    C.ClientList,
  );
  const projects = expectStatus(
    await actor.get('/api/projects?includeArchived=true'),
    200,
    C.ProjectList,
  );
  const details = [];
  for (const summary of projects.projects) {
    details.push({
      detail: await getProject(actor, summary.id),
      activity: await getActivity(actor, summary.id),
    });
  }
  return { me, settings, clients, projects, details };
}

/** The same for one project only (cheaper inside loops). */
export async function projectSnapshot(actor: Actor, projectId: string): Promise<unknown> {
  return {
    detail: await getProject(actor, projectId),
    activity: await getActivity(actor, projectId),
  };
}
