import { describe, expect, it } from 'vitest';
import {
  entryHash,
  GENESIS_HASH,
  verifyChain,
  type ChainedEntry,
} from '../../src/domain/activity-chain';

function chain(actions: string[]): ChainedEntry[] {
  const entries: ChainedEntry[] = [];
  let prevHash = GENESIS_HASH;
  actions.forEach((action, i) => {
    const content = {
      projectId: 'p1',
      seq: i + 1,
      actorType: 'freelancer',
      actorId: 'u1',
      action,
      details: { n: i, nested: { b: 1, a: 2 } },
      createdAt: `2026-11-27T00:00:0${i}.000Z`,
    };
    const hash = entryHash(prevHash, content);
    entries.push({ ...content, prevHash, hash });
    prevHash = hash;
  });
  return entries;
}

describe('activity chain', () => {
  const entries = chain(['project.created', 'milestone.delivered', 'payment.recorded']);

  it('verifies an untouched chain', () => {
    expect(verifyChain(entries)).toBe(true);
    expect(verifyChain([])).toBe(true);
  });

  it('detects an edited, removed, reordered or re-hashed entry', () => {
    const edited = entries.map((e, i) => (i === 1 ? { ...e, details: { n: 99 } } : e));
    expect(verifyChain(edited)).toBe(false);
    expect(verifyChain([entries[0], entries[2]].filter((e) => e !== undefined))).toBe(false);
    expect(verifyChain([...entries].reverse())).toBe(false);
    const forged = entries.map((e, i) =>
      i === 1 ? { ...e, action: 'x', hash: entryHash(e.prevHash, { ...e, action: 'x' }) } : e,
    );
    expect(verifyChain(forged)).toBe(false); // the next entry still points at the old hash
  });

  it('hashes the same content the same way whatever the key order', () => {
    const [first] = entries;
    expect(first).toBeDefined();
    if (!first) return;
    const { prevHash, hash, ...content } = first;
    const reordered = Object.fromEntries(Object.entries(content).reverse()) as typeof content;
    reordered.details = { nested: { a: 2, b: 1 }, n: 0 };
    expect(entryHash(prevHash, reordered)).toBe(hash);
  });
});
