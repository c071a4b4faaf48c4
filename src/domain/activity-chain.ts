/**
 * The activity record is append-only and tamper-evident: each entry's hash covers its own
 * content and the previous entry's hash, so editing or removing any entry breaks every hash
 * after it. Verifying needs nothing but the entries themselves.
 */
import { createHash } from 'node:crypto';

export const GENESIS_HASH = '0'.repeat(64);

export interface ChainedEntryContent {
  projectId: string;
  seq: number;
  actorType: string;
  actorId: string | null;
  action: string;
  details: Record<string, unknown>;
  createdAt: string;
}

export interface ChainedEntry extends ChainedEntryContent {
  prevHash: string;
  hash: string;
}

/** JSON with object keys sorted, so the same content always hashes the same. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

export function entryHash(prevHash: string, content: ChainedEntryContent): string {
  return createHash('sha256')
    .update(prevHash)
    .update('\n')
    .update(canonicalJson(content))
    .digest('hex');
}

/** True when the entries, in sequence order from the first, form an unbroken chain. */
export function verifyChain(entries: readonly ChainedEntry[]): boolean {
  return verifySegment(entries, undefined);
}

/**
 * True when consecutive entries (in sequence order) are each intact and linked to the one
 * before, the first of them to `before` — the entry preceding them, or none when they start the
 * chain. A page of the record is verified this way without reading the whole record.
 */
export function verifySegment(
  entries: readonly ChainedEntry[],
  before: ChainedEntry | undefined,
): boolean {
  if (before !== undefined && !intact(before)) return false;
  let prevHash = before?.hash ?? GENESIS_HASH;
  let seq = before?.seq ?? 0;
  for (const entry of entries) {
    const { prevHash: storedPrev, hash, ...content } = entry;
    seq += 1;
    if (entry.seq !== seq || storedPrev !== prevHash) return false;
    if (entryHash(prevHash, content) !== hash) return false;
    prevHash = hash;
  }
  return true;
}

function intact(entry: ChainedEntry): boolean {
  const { prevHash, hash, ...content } = entry;
  return entryHash(prevHash, content) === hash;
}
