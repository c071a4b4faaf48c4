/**
 * Helpers for the payments suites (payments-*.test.ts): the money views of the contract's
 * "Payments and receipts" section, a delivered-milestone fixture with real uploaded files,
 * receipts and their PDFs as text, bounded concurrency and seeded shuffles, and the app's own
 * database/secret box opened beside a running app (to call reconcilePayments directly).
 */
import { announcerOnly } from '../../src/events/stream-bus';
import { createHash } from 'node:crypto';
import { PDFParse } from 'pdf-parse';
import { expect } from 'vitest';
import { z } from 'zod';
import { reconcilePayments } from '../../src/actions/reconcile-payments';
import { createSecretBox, loadInstanceKey } from '../../src/auth/secret-box';
import { loadConfig } from '../../src/config';
import { openDatabase } from '../../src/db/database';
import * as C from './contract';
import {
  type Actor,
  type ApiResponse,
  deliver,
  expectStatus,
  openPortal,
  setupProject,
  share,
  signUp,
  acceptContract,
  type TestApp,
} from './harness';

// ---------------------------------------------------------------------------------------------
// Reading money.

export async function moneyProject(
  actor: Actor,
  projectId: string,
): Promise<C.ProjectDetailWithMoney> {
  return expectStatus(await actor.get(`/api/projects/${projectId}`), 200, C.ProjectDetailWithMoney);
}

export async function portalMoney(
  client: Actor,
): Promise<z.infer<typeof C.PortalProjectWithMoney>> {
  return expectStatus(await client.get('/api/portal/project'), 200, C.PortalProjectWithMoney);
}

export async function projectReceipts(actor: Actor, projectId: string): Promise<C.Receipt[]> {
  return expectStatus(await actor.get(`/api/projects/${projectId}/receipts`), 200, C.ReceiptList)
    .receipts;
}

export async function allReceipts(actor: Actor): Promise<C.Receipt[]> {
  return expectStatus(await actor.get('/api/receipts'), 200, C.ReceiptList).receipts;
}

export async function portalReceipts(client: Actor): Promise<C.Receipt[]> {
  return expectStatus(await client.get('/api/portal/receipts'), 200, C.ReceiptList).receipts;
}

export function milestoneOf(
  detail: { milestones: C.MilestoneWithMoney[] },
  id: string,
): C.MilestoneWithMoney {
  const found = detail.milestones.find((m) => m.id === id);
  if (found === undefined) throw new Error(`milestone ${id} is not in the project`);
  return found;
}

/** The activity actions of a project, in order. */
export async function actions(actor: Actor, projectId: string): Promise<C.ActivityEntry[]> {
  return expectStatus(await actor.get(`/api/projects/${projectId}/activity`), 200, C.ActivityList)
    .entries;
}

/** The client's Pay on a milestone (raw response). */
export function clickPay(client: Actor, milestoneId: string): Promise<ApiResponse> {
  return client.post(`/api/portal/milestones/${milestoneId}/checkout`);
}

export async function checkout(client: Actor, milestoneId: string): Promise<C.CheckoutStarted> {
  return expectStatus(await clickPay(client, milestoneId), 200, C.CheckoutStarted);
}

export function offlinePayment(
  freelancer: Actor,
  projectId: string,
  milestoneId: string,
  amountMinor: number,
  extra: { method?: string; reference?: string; receivedOn?: string } = {},
): Promise<ApiResponse> {
  return freelancer.post(`/api/projects/${projectId}/milestones/${milestoneId}/payments`, {
    amountMinor,
    method: extra.method ?? 'bank_transfer',
    reference: extra.reference ?? 'TRANSFER-1',
    receivedOn: extra.receivedOn ?? '2026-07-20',
  });
}

export function refund(
  freelancer: Actor,
  projectId: string,
  milestoneId: string,
  amountMinor: number,
  reference = 'REFUND-1',
): Promise<ApiResponse> {
  return freelancer.post(`/api/projects/${projectId}/milestones/${milestoneId}/refunds`, {
    amountMinor,
    reference,
    refundedOn: '2026-07-25',
  });
}

// ---------------------------------------------------------------------------------------------
// Files (tus creation-with-upload by hand; the deliverables suites own the full protocol tests).

export const PortalFile = z.object({
  id: z.string().regex(/^[0-9a-f]{32}$/),
  milestoneId: z.string().min(1),
  name: z.string(),
  size: z.number().int(),
  sha256: z.string().nullable(),
  status: z.enum(['uploading', 'complete']),
  downloadable: z.boolean(),
});
export type PortalFile = z.infer<typeof PortalFile>;

export async function portalFileList(client: Actor): Promise<PortalFile[]> {
  return expectStatus(
    await client.get('/api/portal/files'),
    200,
    z.object({ files: z.array(PortalFile) }),
  ).files;
}

export interface UploadedFile {
  id: string;
  name: string;
  bytes: Buffer;
  sha256: string;
}

const b64 = (s: string): string => Buffer.from(s, 'utf8').toString('base64');

export async function uploadFile(
  app: TestApp,
  freelancer: Actor,
  milestoneId: string,
  name: string,
  bytes: Buffer,
): Promise<UploadedFile> {
  const headers: Record<string, string> = {
    'tus-resumable': '1.0.0',
    'upload-length': String(bytes.length),
    'upload-metadata': `milestoneId ${b64(milestoneId)},filename ${b64(name)},filetype ${b64('application/octet-stream')}`,
    'content-type': 'application/offset+octet-stream',
    cookie: freelancer.cookieHeader(),
    'x-csrf-token': freelancer.csrfToken ?? '',
  };
  const res = await fetch(`${app.url}/api/uploads`, {
    method: 'POST',
    headers,
    body: new Uint8Array(bytes),
  });
  const text = await res.text();
  expect(res.status, `POST /api/uploads (${name}) → ${res.status} ${text}`).toBe(201);
  expect(res.headers.get('upload-offset'), `creation-with-upload stored all of ${name}`).toBe(
    String(bytes.length),
  );
  const location = res.headers.get('location') ?? '';
  const id = location.slice(location.lastIndexOf('/') + 1);
  expect(id).toMatch(/^[0-9a-f]{32}$/);
  return { id, name, bytes, sha256: createHash('sha256').update(bytes).digest('hex') };
}

export async function fetchFile(
  app: TestApp,
  actor: Actor,
  fileId: string,
): Promise<{ status: number; bytes: Buffer }> {
  const res = await fetch(`${app.url}/api/files/${fileId}`, {
    headers: { cookie: actor.cookieHeader() },
  });
  return { status: res.status, bytes: Buffer.from(await res.arrayBuffer()) };
}

// ---------------------------------------------------------------------------------------------
// A delivered milestone waiting for payment.

export interface Delivered {
  freelancer: Actor;
  client: Actor;
  project: C.Project;
  milestones: C.Milestone[];
  /** The first milestone (delivered). */
  first: C.Milestone;
  files: UploadedFile[];
}

export async function deliveredProject(
  app: TestApp,
  options: {
    freelancer?: Actor;
    amounts?: number[];
    currency?: string;
    title?: string;
    files?: { name: string; bytes: Buffer }[];
    /** false: the client has not accepted the contract yet (payment is refused). */
    acceptContract?: boolean;
  } = {},
): Promise<Delivered> {
  const freelancer = options.freelancer ?? (await signUp(app));
  const { project, milestones } = await setupProject(freelancer, {
    amounts: options.amounts ?? [1_234_56, 500_00],
    currency: options.currency ?? 'EUR',
    ...(options.title !== undefined && { title: options.title }),
  });
  const first = milestones[0];
  if (first === undefined) throw new Error('the project has no milestone');
  const files: UploadedFile[] = [];
  for (const file of options.files ?? [
    { name: 'design.bin', bytes: Buffer.from(`deliverable of ${project.id}`) },
  ]) {
    files.push(await uploadFile(app, freelancer, first.id, file.name, file.bytes));
  }
  await deliver(freelancer, project.id, first.id);
  const access = await share(freelancer, project.id);
  const client = await openPortal(app, { code: access.code }, `client of ${project.title}`);
  if (options.acceptContract !== false) await acceptContract(client);
  return { freelancer, client, project, milestones, first, files };
}

// ---------------------------------------------------------------------------------------------
// PDFs.

export async function pdfText(bytes: Uint8Array): Promise<string> {
  const parser = new PDFParse({ data: new Uint8Array(bytes) });
  try {
    return (await parser.getText()).text;
  } finally {
    await parser.destroy();
  }
}

export async function fetchPdf(
  actor: Actor,
  path: string,
): Promise<{ status: number; type: string; disposition: string; bytes: Buffer }> {
  const res = await fetch(actor.baseUrl + path, { headers: { cookie: actor.cookieHeader() } });
  return {
    status: res.status,
    type: res.headers.get('content-type') ?? '',
    disposition: res.headers.get('content-disposition') ?? '',
    bytes: Buffer.from(await res.arrayBuffer()),
  };
}

// ---------------------------------------------------------------------------------------------
// Concurrency and order.

/** Runs `fn` over `items` with at most `limit` in flight; results in input order. */
export async function mapLimit<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  const workers = Array.from({ length: Math.min(limit, items.length) }, async () => {
    for (;;) {
      const index = next++;
      if (index >= items.length) return;
      results[index] = await fn(items[index] as T, index);
    }
  });
  await Promise.all(workers);
  return results;
}

/** mulberry32: a seeded PRNG, so a failing order can be replayed. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function shuffled<T>(items: readonly T[], seed: number): T[] {
  const random = seededRandom(seed);
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    const a = out[i] as T;
    out[i] = out[j] as T;
    out[j] = a;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// The app's own services, opened beside it on the same database and data folder.

const MONEY_TABLES = [
  'stripe_events',
  'payments',
  'receipts',
  'activity',
  'checkout_sessions',
] as const;

export interface SideServices {
  reconcile(): Promise<{ checked: number; credited: number }>;
  /** Every stored user row as JSON (to prove secrets are stored sealed). */
  userRowsJson(): Promise<string>;
  /** How many rows each table that money touches holds (to prove nothing was written). */
  moneyRowCounts(): Promise<Record<string, number>>;
  close(): Promise<void>;
}

export async function openSideServices(
  app: TestApp,
  env: Record<string, string>,
): Promise<SideServices> {
  const config = loadConfig({
    HOST: '127.0.0.1',
    LOG_LEVEL: 'silent',
    DATA_DIR: app.dataDir,
    ...(app.dbUrl !== undefined && { DATABASE_URL: app.dbUrl }),
    ...env,
  });
  const database = await openDatabase(config);
  const secretBox = createSecretBox(loadInstanceKey(config.secretKey));
  return {
    reconcile: () =>
      reconcilePayments({ db: database.db, config, secretBox, events: announcerOnly(config) }),
    userRowsJson: async () =>
      JSON.stringify(await database.db.selectFrom('users').selectAll().execute()),
    moneyRowCounts: async () => {
      const counts: Record<string, number> = {};
      for (const table of MONEY_TABLES) {
        const row = await database.db
          .selectFrom(table)
          .select((eb) => eb.fn.countAll<number | string>().as('n'))
          .executeTakeFirstOrThrow();
        counts[table] = Number(row.n);
      }
      const sessions = await database.db
        .selectFrom('checkout_sessions')
        .select(['id', 'status'])
        .orderBy('id')
        .execute();
      counts['checkout_sessions.complete'] = sessions.filter((s) => s.status !== 'open').length;
      return counts;
    },
    close: () => database.close(),
  };
}

// ---------------------------------------------------------------------------------------------
// Webhook answers.

/** Asserts a 200 `{ received: true, outcome }` and returns the outcome. */
export function expectAck(
  res: { status: number; text: string; body: unknown },
  what: string,
): C.WebhookOutcome {
  expect(res.status, `${what} → ${res.status} ${res.text.slice(0, 400)}`).toBe(200);
  const parsed = C.WebhookAck.safeParse(res.body);
  if (!parsed.success)
    throw new Error(`${what} → ${res.text.slice(0, 400)} is not { received: true, outcome }`);
  return parsed.data.outcome;
}

/** Asserts 400 WEBHOOK_SIGNATURE_INVALID. */
export function expectSignatureRefused(
  res: { status: number; text: string; body: unknown },
  what: string,
): void {
  expect(res.status, `${what} → ${res.status} ${res.text.slice(0, 400)}`).toBe(400);
  const parsed = C.ErrorBody.safeParse(res.body);
  expect(parsed.success, `${what}: error body ${res.text.slice(0, 200)}`).toBe(true);
  if (parsed.success) expect(parsed.data.error.code, what).toBe('WEBHOOK_SIGNATURE_INVALID');
}
