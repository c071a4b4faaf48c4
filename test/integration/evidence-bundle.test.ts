/**
 * The evidence bundle (issue #11) over HTTP on both dialects: a project with a contract
 * acceptance, a change order, a payment with its receipt, chat and downloads is exported by
 * either party; the verifier finds it intact, and names every alteration — an edited entry, an
 * edited manifest, a removed chain entry, a rewritten and re-hashed chain, a wrong head, a wrong
 * key, a byte flipped anywhere in any entry's content — and refuses what is no ZIP. Only the
 * project's two parties get it.
 */
import { execFile } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { z } from 'zod';
import { buildApp } from '../../src/http/app';
import { entryHash, type ChainedEntry } from '../../src/domain/activity-chain';
import { generateSigningKey, signBytes } from '../../src/evidence/signing';
import { manifestSchema } from '../../src/evidence/manifest';
import { UnreadableBundle, verifyBundle } from '../../src/evidence/verify-bundle';
import { acceptCurrentContract } from './change-order-support';
import { at, send } from './chat-support';
import {
  SUITE_TIMEOUT,
  createClient,
  createProject,
  deliver,
  dialects,
  expectStatus,
  milestoneInput,
  openPortal,
  paymentBody,
  share,
  signUp,
  storageConfig,
  useApp,
  type Actor,
  type TestApp,
} from './harness';
import { fetchFile, uploadFile } from './payments-helpers';
import { downloadBundle, readZipItems, saveTo, writeZip, type ZipItem } from './evidence-support';

const run = promisify(execFile);
const InstanceKey = z.object({
  algorithm: z.literal('Ed25519'),
  publicKey: z.string(),
  pem: z.string(),
  fingerprint: z.string(),
});

let dir = '';
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'milepost-evidence-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

let counter = 0;
const file = (bytes: Buffer) => saveTo(path.join(dir, `b${++counter}.zip`), bytes);

function item(items: readonly ZipItem[], name: string): ZipItem {
  const found = items.find((i) => i.name === name);
  if (!found) throw new Error(`${name} not in the bundle`);
  return found;
}

type Named = Pick<ZipItem, 'name' | 'bytes'>;

function replaced(items: readonly Named[], name: string, bytes: Buffer): Named[] {
  return items.map((i) => (i.name === name ? { name, bytes } : i));
}

interface ChainFile {
  entries: ChainedEntry[];
  [key: string]: unknown;
}
const chainOf = (items: readonly ZipItem[]) =>
  JSON.parse(item(items, 'activity.json').bytes.toString('utf8')) as ChainFile;
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

/**
 * The bundle with `changes` made, listed in a manifest re-signed with a forger's key (and that
 * key put in the bundle), as someone rewriting the whole bundle would.
 */
async function resigned(items: readonly Named[], changes: Record<string, Buffer>) {
  const { publicKeyPem } = await import('../../src/evidence/signing');
  const signed = items.find((i) => i.name === 'manifest.json');
  if (!signed) throw new Error('no manifest');
  const manifest = JSON.parse(signed.bytes.toString()) as {
    entries: { path: string; size: number; sha256: string }[];
    instance: { signing: { publicKey: string } };
  };
  manifest.entries = manifest.entries.map((e) => {
    const bytes = changes[e.path];
    return bytes ? { ...e, size: bytes.length, sha256: sha(bytes) } : e;
  });
  const forger = generateSigningKey();
  manifest.instance.signing.publicKey = forger.publicKey;
  const forged = Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`);
  let out: Named[] = [...items];
  for (const [name, bytes] of Object.entries({
    ...changes,
    'manifest.json': forged,
    'manifest.sig': signBytes(forger.privateKeyDer, forged),
    'instance-key.pem': Buffer.from(publicKeyPem(forger.publicKey)),
  }))
    out = replaced(out, name, bytes);
  return file(await writeZip(out));
}

/** Re-hashes the chain from its first entry, as a forger with database access would. */
function rehash(entries: ChainedEntry[]): ChainedEntry[] {
  let prev = '0'.repeat(64);
  return entries.map((e, i) => {
    const content = {
      projectId: e.projectId,
      seq: i + 1,
      actorType: e.actorType,
      actorId: e.actorId,
      action: e.action,
      details: e.details,
      createdAt: e.createdAt,
    };
    const hash = entryHash(prev, content);
    const out = { ...content, prevHash: prev, hash };
    prev = hash;
    return out;
  });
}

interface Fixture {
  freelancer: Actor;
  client: Actor;
  projectId: string;
  zip: Buffer;
  items: ZipItem[];
  path: string;
  key: z.infer<typeof InstanceKey>;
}

async function buildFixture(app: TestApp): Promise<Fixture> {
  const freelancer = await signUp(app);
  const c = await createClient(freelancer, { name: 'Łukasz Żółć', email: 'lukasz@example.com' });
  const created = await createProject(freelancer, {
    clientId: c.id,
    title: 'Brand refresh',
    milestones: [
      milestoneInput(0, { amountMinor: 1200_00 }),
      milestoneInput(1, { amountMinor: 2400_00 }),
    ],
  });
  const projectId = created.project.id;
  const [first, second] = created.milestones;
  if (!first || !second) throw new Error('two milestones expected');
  const access = await share(freelancer, projectId);
  const client = await openPortal(app, { code: access.code });
  await acceptCurrentContract(client, 'Łukasz Żółć');
  // A change order re-pricing the second milestone, accepted by the client.
  const order = expectStatus(
    await freelancer.post(`/api/projects/${projectId}/change-orders`, {
      reason: 'Two more logo variants',
      changes: [{ type: 'update', milestoneId: second.id, amountMinor: 2900_00 }],
    }),
    201,
    z.object({ changeOrder: z.object({ id: z.string() }) }),
  ).changeOrder;
  const listed = expectStatus(
    await client.get('/api/portal/change-orders'),
    200,
    z.object({
      changeOrders: z.array(
        z.object({ id: z.string(), preview: z.object({ sha256: z.string() }).nullable() }),
      ),
    }),
  ).changeOrders.find((o) => o.id === order.id);
  expectStatus(
    await client.post(`/api/portal/change-orders/${order.id}/accept`, {
      fullName: 'Łukasz Żółć',
      sha256: listed?.preview?.sha256,
    }),
    200,
    z.unknown(),
  );
  const logo = await uploadFile(app, freelancer, first.id, 'logo.svg', Buffer.from('<svg/>'));
  await deliver(freelancer, projectId, first.id);
  expect((await fetchFile(app, freelancer, logo.id)).status).toBe(200);
  expectStatus(
    await freelancer.post(
      `/api/projects/${projectId}/milestones/${first.id}/payments`,
      paymentBody(1200_00),
    ),
    201,
    z.unknown(),
  );
  expect((await fetchFile(app, client, logo.id)).status).toBe(200);
  await send(freelancer, projectId, 'The logo is delivered — “final”.');
  const thanks = await send(client, projectId, 'Danke! Paid by transfer.');
  // A dispute on the paid milestone: opened by the client citing a message and the file, a
  // partial refund proposed by the freelancer, declined.
  const dispute = expectStatus(
    await client.post('/api/portal/disputes', {
      milestoneId: first.id,
      statement: 'The logo’s colours differ from the brief',
      evidence: { messageIds: [thanks.id], fileIds: [logo.id] },
    }),
    201,
    z.object({ dispute: z.object({ id: z.string() }) }),
  ).dispute;
  for (const [actor, base, body] of [
    [
      freelancer,
      `/api/projects/${projectId}/disputes`,
      { type: 'propose', resolution: { kind: 'partial_refund', amountMinor: 200_00 } },
    ],
    [client, '/api/portal/disputes', { type: 'decline', text: 'Not enough' }],
  ] as const) {
    expectStatus(await actor.post(`${base}/${dispute.id}/steps`, body), 200, z.unknown());
  }

  const res = await downloadBundle(app, freelancer, `/api/projects/${projectId}/evidence.zip`);
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toBe('application/zip');
  expect(res.headers.get('content-disposition')).toContain('attachment');
  const key = expectStatus(
    await new (await import('./harness')).Actor(app.url, 'anyone').get('/api/instance-key'),
    200,
    InstanceKey,
  );
  return {
    freelancer,
    client,
    projectId,
    zip: res.bytes,
    items: await readZipItems(res.bytes),
    path: await file(res.bytes),
    key,
  };
}

describe.each(dialects)('evidence bundle on %s', SUITE_TIMEOUT, (dialect) => {
  const app = useApp(dialect);
  let fixture: Promise<Fixture> | undefined;
  const ready = () => (fixture ??= buildFixture(app()));

  test('the bundle holds every part, listed with its size and SHA-256, and verifies', async () => {
    const { items, path: zipPath, projectId, key } = await ready();
    const names = items.map((i) => i.name);
    for (const name of [
      'project.json',
      'contract/versions.json',
      'contract/v1.txt',
      'contract/v1.pdf',
      'contract/v2.txt',
      'contract/v2.pdf',
      'change-orders.json',
      'revisions.json',
      'receipts/R-000001.pdf',
      'documents.json',
      'files.json',
      'chat.json',
      'download-log.json',
      'disputes/dispute-1.json',
      'activity.json',
      'manifest.json',
      'manifest.sig',
      'instance-key.pem',
    ]) {
      expect(names, name).toContain(name);
    }
    expect(names.some((n) => /^invoices\/INV-\d{4}-0001\.pdf$/.test(n))).toBe(true);
    expect(item(items, 'receipts/R-000001.pdf').bytes.subarray(0, 5).toString()).toBe('%PDF-');

    const manifest = manifestSchema.parse(
      JSON.parse(item(items, 'manifest.json').bytes.toString('utf8')),
    );
    expect(manifest.project.id).toBe(projectId);
    expect(manifest.parties.client.name).toBe('Łukasz Żółć');
    expect(manifest.disputes).toEqual([
      expect.objectContaining({
        status: 'open',
        openedBy: 'client',
        path: 'disputes/dispute-1.json',
        entries: 3,
      }),
    ]);
    const dispute = JSON.parse(item(items, 'disputes/dispute-1.json').bytes.toString()) as {
      statement: string;
      entries: {
        type: string;
        party: string;
        text: string;
        evidence: {
          messageIds: string[];
          fileIds: string[];
          messages: { id: string; seq: number | null; thread: string | null }[];
          files: { id: string; name: string | null }[];
        };
      }[];
    };
    expect(dispute.statement).toBe('The logo’s colours differ from the brief');
    expect(dispute.entries.map((e) => `${e.party}:${e.type}`)).toEqual([
      'client:statement',
      'freelancer:propose',
      'client:decline',
    ]);
    expect(dispute.entries[0]?.evidence.fileIds).toHaveLength(1);
    // The cited message by id, number and thread, as chat.json has it; the file by its name.
    const chatMessages = (
      JSON.parse(item(items, 'chat.json').bytes.toString()) as {
        messages: { id: string; seq: number; thread: string; text: string | null }[];
      }
    ).messages;
    const thanks = chatMessages.find((m) => m.text === 'Danke! Paid by transfer.');
    expect(dispute.entries[0]?.evidence).toEqual({
      messageIds: [thanks?.id],
      fileIds: [expect.any(String)],
      messages: [{ id: thanks?.id, seq: thanks?.seq, thread: 'general' }],
      files: [{ id: dispute.entries[0]?.evidence.fileIds[0], name: 'logo.svg' }],
    });
    expect(dispute.entries[1]?.evidence).toEqual({
      messageIds: [],
      fileIds: [],
      messages: [],
      files: [],
    });
    expect(manifest.instance.signing.publicKey).toBe(key.publicKey);
    expect(manifest.generatedFor).toBe('freelancer');
    // Every other entry listed exactly, with its real size and hash.
    const others = items.filter(
      (i) => !['manifest.json', 'manifest.sig', 'instance-key.pem'].includes(i.name),
    );
    expect(manifest.entries.map((e) => e.path).sort()).toEqual(others.map((i) => i.name).sort());
    for (const i of others) {
      const entry = manifest.entries.find((e) => e.path === i.name);
      expect(entry).toEqual({ path: i.name, size: i.bytes.length, sha256: sha(i.bytes) });
    }
    // The chain as the app has it, head included.
    const chain = chainOf(items).entries;
    const api = expectStatus(
      await (await ready()).freelancer.get(`/api/projects/${projectId}/activity?limit=500`),
      200,
      z.object({ entries: z.array(z.object({ hash: z.string() })) }),
    );
    expect(chain.map((e) => e.hash)).toEqual(api.entries.map((e) => e.hash));
    expect(manifest.activity.headHash).toBe(chain.at(-1)?.hash);
    expect(chain.map((e) => e.action)).toEqual(
      expect.arrayContaining(['contract.accepted', 'change_order.accepted', 'payment.recorded']),
    );
    // Files listed, not included; downloads by both parties; chat from both.
    const files = JSON.parse(item(items, 'files.json').bytes.toString()) as {
      files: { name: string; sha256: string; superseded: boolean }[];
    };
    expect(files.files).toEqual([
      expect.objectContaining({
        name: 'logo.svg',
        sha256: sha(Buffer.from('<svg/>')),
        superseded: false,
      }),
    ]);
    expect(names).not.toContain('logo.svg');
    const downloads = JSON.parse(item(items, 'download-log.json').bytes.toString()) as {
      downloads: { downloader: string }[];
    };
    expect(downloads.downloads.map((d) => d.downloader).sort()).toEqual(['client', 'freelancer']);
    const chat = JSON.parse(item(items, 'chat.json').bytes.toString()) as {
      messages: { author: string; text: string | null }[];
    };
    expect(chat.messages).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ author: 'client', text: 'Danke! Paid by transfer.' }),
        expect.objectContaining({ author: 'freelancer', text: 'The logo is delivered — “final”.' }),
      ]),
    );

    const report = await verifyBundle(zipPath, {
      head: manifest.activity.headHash,
      key: key.publicKey,
    });
    expect(report.problems).toEqual([]);
    expect(report.intact).toBe(true);
  });

  test('npm run verify-bundle says "Bundle intact", or names what was altered and exits 1', async () => {
    const { path: zipPath, items, key } = await ready();
    const cli = path.resolve('src/cli/verify-bundle.ts');
    const tsx = path.resolve('node_modules/.bin/tsx');
    const head = chainOf(items).entries.at(-1)?.hash.slice(0, 16) ?? '';
    const ok = await run(tsx, [cli, zipPath, '--head', head, '--key', key.publicKey]);
    expect(ok.stdout).toMatch(/^Bundle intact$/m);
    const chat = item(items, 'chat.json');
    const edited = await file(
      await writeZip(
        replaced(items, 'chat.json', Buffer.from(chat.bytes.toString().replace('Danke', 'Dankx'))),
      ),
    );
    const failed = await run(tsx, [cli, edited]).then(
      () => {
        throw new Error('an altered bundle passed');
      },
      (error: { code: number; stdout: string }) => error,
    );
    expect(failed.code).toBe(1);
    expect(failed.stdout).toContain('chat.json: SHA-256 differs from the manifest');
    expect(failed.stdout).not.toMatch(/^Bundle intact$/m);
    const junk = await file(randomBytes(4096));
    const refused = await run(tsx, [cli, junk]).catch(
      (error: { code: number; stdout: string }) => error,
    );
    expect('code' in refused && refused.code).toBe(2);
    expect(refused.stdout).toContain('not a readable ZIP archive');
  });

  test('an entry edited inside the ZIP is named', async () => {
    const { items } = await ready();
    const chat = item(items, 'chat.json');
    const zip = await writeZip(
      replaced(items, 'chat.json', Buffer.from(chat.bytes.toString().replace('Danke', 'Dankx'))),
    );
    const report = await verifyBundle(await file(zip));
    expect(report.intact).toBe(false);
    expect(report.problems).toEqual(['chat.json: SHA-256 differs from the manifest']);
  });

  test('an edited manifest fails the signature; an unlisted entry and a missing one are named', async () => {
    const { items } = await ready();
    const manifest = item(items, 'manifest.json').bytes.toString();
    const zip = await writeZip([
      ...replaced(
        items,
        'manifest.json',
        Buffer.from(manifest.replace('Brand refresh', 'Brand refresh!')),
      ).filter((i) => i.name !== 'revisions.json'),
      { name: 'extra.txt', bytes: Buffer.from('slipped in') },
    ]);
    const report = await verifyBundle(await file(zip));
    expect(report.problems).toEqual([
      'manifest.sig: the signature does not match the manifest: the manifest was changed after signing, or signed with another key',
      'revisions.json: listed in the manifest but missing from the bundle',
      'extra.txt: present in the bundle but not listed in the manifest',
    ]);
  });

  test('a chain entry removed is named, with the chain’s file', async () => {
    const { items } = await ready();
    const chain = chainOf(items);
    const without = { ...chain, entries: chain.entries.filter((e) => e.seq !== 3) };
    const zip = await writeZip(
      replaced(items, 'activity.json', Buffer.from(JSON.stringify(without))),
    );
    const report = await verifyBundle(await file(zip));
    expect(report.problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^activity\.json: SHA-256 differs from the manifest/),
        'activity entry 4: found where entry 3 belongs: entries are missing before it',
        'activity entry 4: its previous hash is not the hash of the entry before it: an entry was removed, inserted or changed',
      ]),
    );
  });

  test('an entry rewritten without re-hashing: its hash no longer matches its content', async () => {
    const { items } = await ready();
    const chain = chainOf(items);
    const entries = chain.entries.map((e) =>
      e.seq === 2 ? { ...e, details: { ...e.details, forged: true } } : e,
    );
    const zip = await writeZip(
      replaced(items, 'activity.json', Buffer.from(JSON.stringify({ ...chain, entries }))),
    );
    const report = await verifyBundle(await file(zip));
    expect(report.problems).toEqual([
      expect.stringMatching(
        /^activity\.json: SHA-256 differs from the manifest \(\d+ bytes, listed \d+\)$/,
      ),
      'activity entry 2: hash does not match its content',
    ]);
  });

  test('a chain rewritten and re-hashed, manifest updated: the signature catches it; re-signed: the key and the mailed head do', async () => {
    const { items, key } = await ready();
    const chain = chainOf(items);
    const oldHead = chain.entries.at(-1)?.hash ?? '';
    const entries = rehash(
      chain.entries.map((e) =>
        e.action === 'payment.recorded' ? { ...e, details: { ...e.details, amountMinor: 1 } } : e,
      ),
    );
    const activity = Buffer.from(JSON.stringify({ ...chain, entries }));
    const manifest = JSON.parse(item(items, 'manifest.json').bytes.toString()) as {
      activity: { headHash: string };
      entries: { path: string; size: number; sha256: string }[];
      instance: { signing: { publicKey: string; fingerprint: string } };
    };
    manifest.activity.headHash = entries.at(-1)?.hash ?? '';
    manifest.entries = manifest.entries.map((e) =>
      e.path === 'activity.json' ? { ...e, size: activity.length, sha256: sha(activity) } : e,
    );
    const forged = Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`);
    const withOldSignature = await writeZip(
      replaced(replaced(items, 'activity.json', activity), 'manifest.json', forged),
    );
    const report = await verifyBundle(await file(withOldSignature));
    expect(report.problems).toEqual([
      'manifest.sig: the signature does not match the manifest: the manifest was changed after signing, or signed with another key',
    ]);

    // Re-signed with a key of the forger's own: only what the client holds outside catches it.
    const forger = generateSigningKey();
    manifest.instance.signing.publicKey = forger.publicKey;
    const reForged = Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`);
    const { publicKeyPem } = await import('../../src/evidence/signing');
    const resigned = await file(
      await writeZip(
        replaced(
          replaced(
            replaced(replaced(items, 'activity.json', activity), 'manifest.json', reForged),
            'manifest.sig',
            signBytes(forger.privateKeyDer, reForged),
          ),
          'instance-key.pem',
          Buffer.from(publicKeyPem(forger.publicKey)),
        ),
      ),
    );
    expect((await verifyBundle(resigned)).problems).toEqual([]);
    const withKey = await verifyBundle(resigned, { key: key.publicKey });
    expect(withKey.problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(
          /^instance key: the bundle is signed with key [0-9a-f]{16}, not the key given with --key/,
        ),
        expect.stringMatching(/^manifest\.sig: the signature does not match/),
      ]),
    );
    const withHead = await verifyBundle(resigned, { head: oldHead.slice(0, 16) });
    expect(withHead.problems).toEqual([
      `head ${oldHead.slice(0, 16)}… not found in the chain: entries after it were removed or rewritten`,
    ]);
  });

  test('a dispute rewritten, manifest updated and re-signed: its steps no longer match the chain', async () => {
    const { items } = await ready();
    const path_ = 'disputes/dispute-1.json';
    const original = item(items, path_).bytes.toString();
    const rewritten = Buffer.from(original.replace('Not enough', 'Accepted, thank you'));
    expect(rewritten.toString()).not.toBe(original);
    const manifest = JSON.parse(item(items, 'manifest.json').bytes.toString()) as {
      entries: { path: string; size: number; sha256: string }[];
      instance: { signing: { publicKey: string } };
    };
    manifest.entries = manifest.entries.map((e) =>
      e.path === path_ ? { ...e, size: rewritten.length, sha256: sha(rewritten) } : e,
    );
    const forger = generateSigningKey();
    manifest.instance.signing.publicKey = forger.publicKey;
    const forged = Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`);
    const { publicKeyPem } = await import('../../src/evidence/signing');
    const resigned = await file(
      await writeZip(
        replaced(
          replaced(
            replaced(replaced(items, path_, rewritten), 'manifest.json', forged),
            'manifest.sig',
            signBytes(forger.privateKeyDer, forged),
          ),
          'instance-key.pem',
          Buffer.from(publicKeyPem(forger.publicKey)),
        ),
      ),
    );
    const report = await verifyBundle(resigned);
    expect(report.problems).toEqual([
      expect.stringMatching(
        /^disputes\/dispute-1\.json: entry 3 \(decline\): differs from activity entry \d+ that recorded it/,
      ),
    ]);
    // A step missing from the chain is named too.
    const chain = chainOf(items);
    const without = {
      ...chain,
      entries: rehash(chain.entries.filter((e) => e.action !== 'dispute.proposed')),
    };
    const activity = Buffer.from(JSON.stringify(without));
    const m2 = JSON.parse(item(items, 'manifest.json').bytes.toString()) as {
      activity: { headHash: string; headSeq: number; entries: number };
      entries: { path: string; size: number; sha256: string }[];
      instance: { signing: { publicKey: string } };
    };
    m2.activity = {
      ...m2.activity,
      headHash: without.entries.at(-1)?.hash ?? '',
      headSeq: without.entries.length,
      entries: without.entries.length,
    };
    m2.entries = m2.entries.map((e) =>
      e.path === 'activity.json' ? { ...e, size: activity.length, sha256: sha(activity) } : e,
    );
    m2.instance.signing.publicKey = forger.publicKey;
    const forged2 = Buffer.from(`${JSON.stringify(m2, null, 2)}\n`);
    const second = await file(
      await writeZip(
        replaced(
          replaced(
            replaced(replaced(items, 'activity.json', activity), 'manifest.json', forged2),
            'manifest.sig',
            signBytes(forger.privateKeyDer, forged2),
          ),
          'instance-key.pem',
          Buffer.from(publicKeyPem(forger.publicKey)),
        ),
      ),
    );
    expect((await verifyBundle(second)).problems).toEqual([
      'disputes/dispute-1.json: entry 2 (propose): not in the activity chain',
    ]);
  });

  test('a cited message taken out of the chat, or a citation rewritten, manifest re-signed: named', async () => {
    const { items } = await ready();
    const dispute = JSON.parse(item(items, 'disputes/dispute-1.json').bytes.toString()) as {
      entries: { evidence: { messageIds: string[]; messages: { id: string; seq: number }[] } }[];
    };
    const cited = at(dispute.entries, 0).evidence.messages[0];
    if (!cited) throw new Error('the fixture cites no message');
    const chat = JSON.parse(item(items, 'chat.json').bytes.toString()) as {
      messages: { id: string; seq: number }[];
    };
    // The cited message removed from chat.json.
    const without = Buffer.from(
      JSON.stringify({ ...chat, messages: chat.messages.filter((m) => m.id !== cited.id) }),
    );
    expect((await verifyBundle(await resigned(items, { 'chat.json': without }))).problems).toEqual([
      `disputes/dispute-1.json: entry 1 (statement): cites message ${cited.id}, not in chat.json`,
    ]);
    // Its number changed in chat.json.
    const renumbered = Buffer.from(
      JSON.stringify({
        ...chat,
        messages: chat.messages.map((m) => (m.id === cited.id ? { ...m, seq: m.seq + 1000 } : m)),
      }),
    );
    expect(
      (await verifyBundle(await resigned(items, { 'chat.json': renumbered }))).problems,
    ).toEqual([
      `disputes/dispute-1.json: entry 1 (statement): cites message ${cited.id} as number ${cited.seq}, chat.json has it as ${cited.seq + 1000}`,
    ]);
    // The dispute made to cite another message of the chat than the chain recorded.
    const another = chat.messages.find((m) => m.id !== cited.id);
    if (!another) throw new Error('the fixture has one message');
    const rewritten = JSON.parse(item(items, 'disputes/dispute-1.json').bytes.toString()) as {
      entries: { evidence: { messageIds: string[]; messages: { id: string; seq: number }[] } }[];
    };
    const evidence = at(rewritten.entries, 0).evidence;
    evidence.messageIds = [another.id];
    evidence.messages = [{ ...cited, id: another.id, seq: another.seq }];
    const recited = Buffer.from(`${JSON.stringify(rewritten, null, 2)}\n`);
    expect(
      (await verifyBundle(await resigned(items, { 'disputes/dispute-1.json': recited }))).problems,
    ).toEqual([
      expect.stringMatching(
        /^disputes\/dispute-1\.json: entry 1 \(statement\): cites other evidence than activity entry \d+ that recorded it$/,
      ),
    ]);
  });

  test('a wrong head and a wrong key are named on an intact bundle', async () => {
    const { path: zipPath } = await ready();
    const head = 'ab'.repeat(8);
    expect((await verifyBundle(zipPath, { head })).problems).toEqual([
      `head ${head}… not found in the chain: entries after it were removed or rewritten`,
    ]);
    const other = generateSigningKey().publicKey;
    const report = await verifyBundle(zipPath, { key: other });
    expect(report.intact).toBe(false);
    expect(report.problems.join('\n')).toContain('not the key given with --key');
  });

  test('a byte flipped anywhere in any entry’s content is detected and named (seeded sample)', async () => {
    const { zip, items } = await ready();
    let seed = 20261203;
    const next = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed;
    };
    for (const it of items) {
      for (let k = 0; k < 3; k++) {
        if (it.bytes.length === 0) continue;
        const at = it.dataStart + (next() % it.bytes.length);
        const flipped = Buffer.from(zip);
        flipped[at] = (flipped[at] ?? 0) ^ (1 << (next() % 8));
        const report = await verifyBundle(await file(flipped));
        expect(report.intact, `${it.name} @${at - it.dataStart}`).toBe(false);
        const named = report.problems.some(
          (p) =>
            p.startsWith(`${it.name}:`) || (it.name === 'manifest.json' && p.includes('manifest')),
        );
        expect(named, `${it.name} @${at - it.dataStart}: ${report.problems.join(' | ')}`).toBe(
          true,
        );
      }
    }
  });

  test('random bytes and a truncated ZIP are refused', async () => {
    const { zip } = await ready();
    await expect(verifyBundle(await file(randomBytes(2048)))).rejects.toBeInstanceOf(
      UnreadableBundle,
    );
    await expect(verifyBundle(await file(zip.subarray(0, zip.length - 30)))).rejects.toBeInstanceOf(
      UnreadableBundle,
    );
  });

  test('the client exports their project’s bundle; nobody else gets one', async () => {
    const { client, projectId, freelancer } = await ready();
    const res = await downloadBundle(app(), client, '/api/portal/evidence.zip');
    expect(res.status).toBe(200);
    const bundle = await file(res.bytes);
    expect((await verifyBundle(bundle)).problems).toEqual([]);
    const manifest = manifestSchema.parse(
      JSON.parse(item(await readZipItems(res.bytes), 'manifest.json').bytes.toString()),
    );
    expect([manifest.project.id, manifest.generatedFor]).toEqual([projectId, 'client']);

    // Another freelancer: 404. The client of another project gets their own project's only.
    const stranger = await signUp(app());
    const other = await downloadBundle(app(), stranger, `/api/projects/${projectId}/evidence.zip`);
    expect(other.status).toBe(404);
    expect(JSON.parse(other.bytes.toString())).toMatchObject({ error: { code: 'NOT_FOUND' } });
    const c2 = await createClient(stranger);
    const p2 = await createProject(stranger, {
      clientId: c2.id,
      milestones: [milestoneInput(0, { amountMinor: 100_00 })],
    });
    const otherClient = await openPortal(app(), {
      code: (await share(stranger, p2.project.id)).code,
    });
    const theirs = await downloadBundle(app(), otherClient, '/api/portal/evidence.zip');
    const theirManifest = manifestSchema.parse(
      JSON.parse(item(await readZipItems(theirs.bytes), 'manifest.json').bytes.toString()),
    );
    expect(theirManifest.project.id).toBe(p2.project.id);
    expect(
      (await downloadBundle(app(), otherClient, `/api/projects/${projectId}/evidence.zip`)).status,
    ).toBe(401);
    expect(
      (await downloadBundle(app(), freelancer, `/api/projects/${p2.project.id}/evidence.zip`))
        .status,
    ).toBe(404);
  });

  test('the instance key is stored once in the database: another instance on it signs alike', async () => {
    const { key } = await ready();
    const second = await buildApp({ config: storageConfig(app()) });
    try {
      const res = await second.inject({ method: 'GET', url: '/api/instance-key' });
      expect(InstanceKey.parse(res.json())).toEqual(key);
    } finally {
      await second.close();
    }
  });
});
