/**
 * Checks an evidence bundle with nothing but the ZIP (read with yauzl) and, optionally, what the
 * person holds outside it: the instance's public key and a head hash from a mail. It checks the
 * manifest's Ed25519 signature, every listed entry's size and SHA-256, entries present but not
 * listed, the activity chain (every entry's hash over its content, every link to the one before,
 * numbering from 1 without gaps, and its head against the manifest's), and that the given head is
 * in the chain. Each dispute the manifest names is checked against its file under disputes/,
 * and every one of its steps must be in the activity chain with the same party, kind, text and
 * evidence; every chat message a step cites must be in chat.json with the number it names.
 * Every finding names the entry and what is wrong with it.
 */
import { createHash } from 'node:crypto';
import yauzl from 'yauzl';
import { z } from 'zod';
import { entryHash, GENESIS_HASH, type ChainedEntryContent } from '../domain/activity-chain';
import {
  CHAT_PATH,
  manifestSchema,
  MANIFEST_PATH,
  PUBLIC_KEY_PATH,
  SIGNATURE_PATH,
  SIGNING_PATHS,
  type Manifest,
} from './manifest';
import { keyFingerprint, parsePublicKey, verifyBytes } from './signing';

export const MIN_HEAD_HEX = 16;

export interface VerifyOptions {
  /** A head hash (or a prefix of at least 16 hex digits) the reader holds from a mail. */
  head?: string;
  /** The instance's public key as the reader got it (base64, hex or PEM). */
  key?: string;
}

export interface VerifyReport {
  intact: boolean;
  /** What was found altered or missing, one line each. */
  problems: string[];
  /** What was checked and found, for the reader. */
  notes: string[];
}

/** The input is not a ZIP that can be read at all (random bytes, truncated). */
export class UnreadableBundle extends Error {}

/** A bad --head or --key: the person's input, not the bundle. */
export class BadVerifyOption extends Error {}

interface ReadEntry {
  size: number;
  sha256: string;
  /** Kept only for the entries the checks read. */
  bytes: Buffer | undefined;
  error: string | undefined;
}

const KEEP: readonly string[] = [...SIGNING_PATHS];

async function readZip(
  path: string,
  keep: (name: string) => boolean,
): Promise<{ entries: Map<string, ReadEntry>; duplicates: Set<string> }> {
  let zip: yauzl.ZipFile;
  try {
    zip = await yauzl.openPromise(path, {
      lazyEntries: true,
      autoClose: true,
      decodeStrings: true,
      validateEntrySizes: true,
      strictFileNames: false,
    });
  } catch (error) {
    throw new UnreadableBundle(
      `not a readable ZIP archive (${error instanceof Error ? error.message : String(error)})`,
    );
  }
  const entries = new Map<string, ReadEntry>();
  const duplicates = new Set<string>();
  await new Promise<void>((resolve, reject) => {
    zip.on('error', (error: Error) =>
      reject(new UnreadableBundle(`not a readable ZIP archive (${error.message})`)),
    );
    zip.on('end', () => resolve());
    zip.on('entry', (entry: yauzl.Entry) => {
      const name = entry.fileName;
      if (name.endsWith('/')) {
        zip.readEntry();
        return;
      }
      if (entries.has(name)) duplicates.add(name);
      const hash = createHash('sha256');
      const chunks: Buffer[] = [];
      let size = 0;
      const record = (error: string | undefined) => {
        entries.set(name, {
          size,
          sha256: hash.digest('hex'),
          bytes: keep(name) ? Buffer.concat(chunks) : undefined,
          error,
        });
        zip.readEntry();
      };
      zip.openReadStream(entry, (error, stream) => {
        if (error) {
          record(error.message);
          return;
        }
        stream.on('data', (chunk: Buffer) => {
          hash.update(chunk);
          size += chunk.length;
          if (keep(name)) chunks.push(chunk);
        });
        stream.on('error', (e: Error) => record(e.message));
        stream.on('end', () => record(undefined));
      });
    });
    zip.readEntry();
  });
  return { entries, duplicates };
}

const chainEntry = z.object({
  projectId: z.string(),
  seq: z.number().int(),
  actorType: z.string(),
  actorId: z.string().nullable(),
  action: z.string(),
  details: z.record(z.string(), z.unknown()),
  createdAt: z.string(),
  prevHash: z.string(),
  hash: z.string(),
});
const chainFile = z.object({ entries: z.array(chainEntry) });
type ChainEntry = z.infer<typeof chainEntry>;

const short = (hash: string) => `${hash.slice(0, MIN_HEAD_HEX)}…`;

export function normalizeHead(head: string): string {
  const hex = head.trim().toLowerCase();
  if (!/^[0-9a-f]+$/.test(hex) || hex.length < MIN_HEAD_HEX || hex.length > 64) {
    throw new BadVerifyOption(
      `--head must be the head hash from a mail: ${MIN_HEAD_HEX} to 64 hex digits`,
    );
  }
  return hex;
}

/** Checks the chain's entries; returns the problems found. */
export function checkChain(entries: readonly ChainEntry[], projectId: string): string[] {
  const problems: string[] = [];
  let prevHash = GENESIS_HASH;
  let expected = 1;
  for (const entry of entries) {
    const label = `activity entry ${entry.seq}`;
    if (entry.seq !== expected) {
      problems.push(
        entry.seq > expected
          ? `${label}: found where entry ${expected} belongs: entries are missing before it`
          : `${label}: found after entry ${expected - 1}: entries are out of order or repeated`,
      );
    }
    if (entry.projectId !== projectId) problems.push(`${label}: belongs to another project`);
    if (entry.prevHash !== prevHash) {
      problems.push(
        `${label}: its previous hash is not the hash of the entry before it: ` +
          'an entry was removed, inserted or changed',
      );
    }
    const { prevHash: stored, hash, ...content } = entry;
    if (entryHash(stored, content as ChainedEntryContent) !== hash) {
      problems.push(`${label}: hash does not match its content`);
    }
    prevHash = hash;
    expected = entry.seq + 1;
  }
  return problems;
}

export async function verifyBundle(
  zipPath: string,
  options: VerifyOptions = {},
): Promise<VerifyReport> {
  const givenHead = options.head === undefined ? undefined : normalizeHead(options.head);
  const givenKey = options.key === undefined ? undefined : parsePublicKey(options.key);
  if (options.key !== undefined && !givenKey) {
    throw new BadVerifyOption(
      '--key must be the instance key as GET /api/instance-key gives it (base64), in hex, or a PEM',
    );
  }

  // The manifest is needed to know which entry holds the chain; keep the signing entries and
  // any JSON (the chain's path is read from the manifest once known).
  const { entries, duplicates } = await readZip(
    zipPath,
    (name) => KEEP.includes(name) || name.endsWith('.json'),
  );
  const problems: string[] = [];
  const notes: string[] = [];
  for (const name of duplicates) problems.push(`${name}: appears more than once in the bundle`);
  for (const [name, entry] of entries) {
    if (entry.error !== undefined) problems.push(`${name}: cannot be read (${entry.error})`);
  }

  const manifestEntry = entries.get(MANIFEST_PATH);
  const signatureEntry = entries.get(SIGNATURE_PATH);
  if (!manifestEntry?.bytes) {
    problems.push(`${MANIFEST_PATH}: missing from the bundle`);
    return { intact: false, problems, notes };
  }
  const manifestBytes = manifestEntry.bytes;

  let manifest: Manifest | undefined;
  try {
    const parsed = manifestSchema.safeParse(JSON.parse(manifestBytes.toString('utf8')));
    if (parsed.success) manifest = parsed.data;
    else {
      const issue = parsed.error.issues[0];
      problems.push(
        `${MANIFEST_PATH}: not a Milepost evidence manifest (${issue?.path.join('.') ?? ''}: ${issue?.message ?? ''})`,
      );
    }
  } catch {
    problems.push(`${MANIFEST_PATH}: not valid JSON`);
  }

  // The signature, with the key the reader gave, else the one the bundle names.
  const bundleKey = manifest?.instance.signing.publicKey;
  const keyForCheck = givenKey?.toString('base64') ?? bundleKey;
  if (!signatureEntry?.bytes) {
    problems.push(`${SIGNATURE_PATH}: missing from the bundle: the manifest is not signed`);
  } else if (keyForCheck === undefined) {
    problems.push(`${SIGNATURE_PATH}: no key to check it with (the manifest names none)`);
  } else if (!verifyBytes(keyForCheck, manifestBytes, signatureEntry.bytes)) {
    problems.push(
      `${SIGNATURE_PATH}: the signature does not match the manifest: the manifest was changed ` +
        'after signing, or signed with another key',
    );
  }
  if (bundleKey !== undefined) {
    const pem = entries.get(PUBLIC_KEY_PATH)?.bytes;
    const pemKey = pem ? parsePublicKey(pem.toString('utf8')) : undefined;
    if (!pemKey || pemKey.toString('base64') !== parsePublicKey(bundleKey)?.toString('base64')) {
      problems.push(`${PUBLIC_KEY_PATH}: not the key the manifest names`);
    }
    if (givenKey && givenKey.toString('base64') !== parsePublicKey(bundleKey)?.toString('base64')) {
      problems.push(
        `instance key: the bundle is signed with key ${keyFingerprint(bundleKey)}, not the key ` +
          `given with --key (${keyFingerprint(givenKey.toString('base64'))})`,
      );
    } else if (givenKey) {
      notes.push(`Signed with the instance key given (${keyFingerprint(bundleKey)}).`);
    } else {
      notes.push(
        `Signed with instance key ${keyFingerprint(bundleKey)} (Ed25519 ${bundleKey}): compare ` +
          `it with ${manifest?.instance.url ?? 'the instance'}/api/instance-key, or pass --key.`,
      );
    }
  }
  if (!manifest) return { intact: false, problems, notes };

  notes.push(
    `Evidence bundle of “${manifest.project.title}” (${manifest.project.id}), generated ` +
      `${manifest.generatedAt} for the ${manifest.generatedFor}.`,
  );

  // Every listed entry as listed; nothing unlisted.
  const listed = new Set<string>();
  for (const item of manifest.entries) {
    listed.add(item.path);
    const found = entries.get(item.path);
    if (!found) {
      problems.push(`${item.path}: listed in the manifest but missing from the bundle`);
      continue;
    }
    if (found.error !== undefined) continue;
    if (found.sha256 !== item.sha256) {
      const sizes = found.size === item.size ? '' : ` (${found.size} bytes, listed ${item.size})`;
      problems.push(`${item.path}: SHA-256 differs from the manifest${sizes}`);
    }
  }
  for (const name of entries.keys()) {
    if (!listed.has(name) && !SIGNING_PATHS.includes(name)) {
      problems.push(`${name}: present in the bundle but not listed in the manifest`);
    }
  }

  // The chain.
  const chainPath = manifest.activity.path;
  const chainBytes = entries.get(chainPath)?.bytes;
  let chain: ChainEntry[] | undefined;
  if (!chainBytes) {
    if (!problems.some((p) => p.startsWith(`${chainPath}:`))) {
      problems.push(`${chainPath}: missing from the bundle`);
    }
  } else {
    try {
      const parsed = chainFile.safeParse(JSON.parse(chainBytes.toString('utf8')));
      if (parsed.success) chain = parsed.data.entries;
      else problems.push(`${chainPath}: not a readable activity chain`);
    } catch {
      problems.push(`${chainPath}: not valid JSON`);
    }
  }
  if (chain) {
    problems.push(...checkChain(chain, manifest.project.id));
    const last = chain.at(-1);
    const headSeq = last?.seq ?? 0;
    const headHash = last?.hash ?? GENESIS_HASH;
    if (headHash !== manifest.activity.headHash || headSeq !== manifest.activity.headSeq) {
      problems.push(
        `${chainPath}: the chain ends at entry ${headSeq} (${short(headHash)}), but the ` +
          `manifest's head is entry ${manifest.activity.headSeq} (${short(manifest.activity.headHash)})`,
      );
    }
    if (chain.length !== manifest.activity.entries) {
      problems.push(
        `${chainPath}: ${chain.length} entries, the manifest says ${manifest.activity.entries}`,
      );
    }
    notes.push(`Activity chain: ${chain.length} entries, head ${headHash}.`);
    if (givenHead !== undefined) {
      const index = chain.findIndex((e) => e.hash.startsWith(givenHead));
      const found = chain[index];
      if (!found) {
        problems.push(
          `head ${short(givenHead)} not found in the chain: entries after it were removed or rewritten`,
        );
      } else {
        notes.push(
          `Head ${short(givenHead)} is entry ${found.seq} of ${chain.length}` +
            (chain.length - index - 1 > 0
              ? ` (${chain.length - index - 1} entries came after it).`
              : ' (the newest).'),
        );
      }
    }
  } else if (givenHead !== undefined) {
    problems.push(`head ${short(givenHead)}: the chain cannot be read to look for it`);
  }
  problems.push(...checkDisputes(manifest, entries, chain, notes));
  return { intact: problems.length === 0, problems, notes };
}

const disputeFile = z.object({
  id: z.string(),
  milestoneId: z.string(),
  status: z.string(),
  openedBy: z.string(),
  entries: z.array(
    z.object({
      id: z.string(),
      seq: z.number().int(),
      type: z.string(),
      party: z.string(),
      text: z.string(),
      evidence: z
        .object({
          messageIds: z.array(z.string()),
          fileIds: z.array(z.string()),
          messages: z
            .array(z.object({ id: z.string(), seq: z.number().int().nullable() }))
            .optional(),
        })
        .optional(),
    }),
  ),
});
const chatFile = z.object({
  messages: z.array(z.object({ id: z.string(), seq: z.number().int() })),
});
const evidenceDetails = z.object({
  messageIds: z.array(z.string()),
  fileIds: z.array(z.string()),
});

const sameIds = (a: readonly string[], b: readonly string[]) =>
  a.length === b.length && a.every((id, i) => id === b[i]);

/** The chat's message numbers by id; undefined when chat.json cannot be read. */
function chatSeqs(entries: ReadonlyMap<string, ReadEntry>): Map<string, number> | undefined {
  const bytes = entries.get(CHAT_PATH)?.bytes;
  if (!bytes) return undefined;
  try {
    const parsed = chatFile.safeParse(JSON.parse(bytes.toString('utf8')));
    return parsed.success ? new Map(parsed.data.messages.map((m) => [m.id, m.seq])) : undefined;
  } catch {
    return undefined;
  }
}

/** The activity actions a dispute entry of each kind is recorded under. */
const STEP_ACTIONS: Record<string, readonly string[]> = {
  statement: ['dispute.opened', 'dispute.statement'],
  propose: ['dispute.proposed'],
  accept: ['dispute.accepted'],
  decline: ['dispute.declined'],
  escalate: ['dispute.escalated'],
  withdraw: ['dispute.withdrawn'],
};

/** Each dispute's file as the manifest names it, and each of its steps in the chain. */
export function checkDisputes(
  manifest: Manifest,
  entries: ReadonlyMap<string, ReadEntry>,
  chain: readonly ChainEntry[] | undefined,
  notes: string[],
): string[] {
  const problems: string[] = [];
  const listed = new Set(manifest.entries.map((e) => e.path));
  const named = new Set(manifest.disputes.map((d) => d.path));
  for (const name of entries.keys()) {
    if (name.startsWith('disputes/') && listed.has(name) && !named.has(name))
      problems.push(`${name}: a dispute the manifest's disputes do not name`);
  }
  const steps = new Map<string, ChainEntry>();
  for (const e of chain ?? []) {
    const entryId = e.details['entryId'];
    if (e.action.startsWith('dispute.') && typeof entryId === 'string') steps.set(entryId, e);
  }
  let checkedSteps = 0;
  let checkedCitations = 0;
  let chat: Map<string, number> | undefined | null = null; // null: not read yet
  for (const d of manifest.disputes) {
    if (!listed.has(d.path)) {
      problems.push(`${d.path}: named as a dispute but not listed with its SHA-256`);
      continue;
    }
    const bytes = entries.get(d.path)?.bytes;
    if (!bytes) continue; // missing: already named by the entries' check
    let file: z.infer<typeof disputeFile> | undefined;
    try {
      const parsed = disputeFile.safeParse(JSON.parse(bytes.toString('utf8')));
      if (parsed.success) file = parsed.data;
    } catch {
      // reported below
    }
    if (!file) {
      problems.push(`${d.path}: not a readable dispute`);
      continue;
    }
    if (
      file.id !== d.id ||
      file.milestoneId !== d.milestoneId ||
      file.status !== d.status ||
      file.openedBy !== d.openedBy
    )
      problems.push(`${d.path}: does not match the dispute the manifest names`);
    if (file.entries.length !== d.entries)
      problems.push(`${d.path}: ${file.entries.length} entries, the manifest says ${d.entries}`);
    for (const [i, step] of file.entries.entries()) {
      const label = `${d.path}: entry ${step.seq} (${step.type})`;
      if (step.seq !== i + 1) problems.push(`${label}: found where entry ${i + 1} belongs`);
      const cited = step.evidence?.messageIds ?? [];
      if (cited.length > 0) {
        if (chat === null) {
          chat = chatSeqs(entries);
          if (chat === undefined && !problems.some((p) => p.startsWith(`${CHAT_PATH}:`)))
            problems.push(
              `${CHAT_PATH}: not a readable chat, so the cited messages cannot be found`,
            );
        }
        for (const id of cited) {
          if (chat === undefined) break;
          checkedCitations += 1;
          const seq = chat.get(id);
          const named = step.evidence?.messages?.find((m) => m.id === id)?.seq;
          if (seq === undefined)
            problems.push(`${label}: cites message ${id}, not in ${CHAT_PATH}`);
          else if (named !== undefined && named !== seq)
            problems.push(
              `${label}: cites message ${id} as number ${String(named)}, ${CHAT_PATH} has it as ${seq}`,
            );
        }
      }
      if (chain === undefined) continue;
      const anchored = steps.get(step.id);
      checkedSteps += 1;
      if (!anchored) {
        problems.push(`${label}: not in the activity chain`);
        continue;
      }
      const details = anchored.details;
      if (
        details['disputeId'] !== file.id ||
        details['party'] !== step.party ||
        details['text'] !== step.text ||
        !(STEP_ACTIONS[step.type] ?? []).includes(anchored.action)
      )
        problems.push(
          `${label}: differs from activity entry ${anchored.seq} that recorded it (party, kind or text)`,
        );
      // The chain records the evidence only when there is some.
      const recorded = evidenceDetails.safeParse(details['evidence']);
      const chained = recorded.success ? recorded.data : { messageIds: [], fileIds: [] };
      if (
        step.evidence !== undefined &&
        (!sameIds(step.evidence.messageIds, chained.messageIds) ||
          !sameIds(step.evidence.fileIds, chained.fileIds))
      )
        problems.push(
          `${label}: cites other evidence than activity entry ${anchored.seq} that recorded it`,
        );
    }
  }
  if (manifest.disputes.length > 0)
    notes.push(
      `Disputes: ${manifest.disputes.length}, ${checkedSteps} steps checked against the chain, ` +
        `${checkedCitations} cited messages found in the chat.`,
    );
  return problems;
}
