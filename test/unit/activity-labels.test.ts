/**
 * Every action the server writes into the activity record has words in the web app's activity
 * panel: the source of the server (every `action: '…'` it passes when appending an entry) is read
 * and each action looked up, so a new kind of entry cannot reach a screen as its raw key.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ACTIVITY_LABELS } from '../../src/web/components/activity-labels';

const SRC = path.resolve(import.meta.dirname, '../../src');

function serverSources(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'web' ? [] : serverSources(full);
    return entry.name.endsWith('.ts') ? [fs.readFileSync(full, 'utf8')] : [];
  });
}

/** The actions named in `action: …` properties, including both arms of a conditional. */
function actionsWritten(): string[] {
  const found = new Set<string>();
  for (const source of serverSources(SRC))
    for (const m of source.matchAll(/\baction:\s*([^,\n]+)/g))
      for (const q of (m[1] as string).matchAll(/'([a-z_]+\.[a-z_]+)'/g)) found.add(q[1] as string);
  return [...found].sort();
}

describe('activity labels', () => {
  it('finds the actions the server writes', () => {
    const actions = actionsWritten();
    // A sample the scan must see, so an empty scan cannot pass.
    expect(actions).toEqual(
      expect.arrayContaining(['project.created', 'project.reopened', 'milestone.approved']),
    );
    expect(actions.length).toBeGreaterThan(30);
  });

  it('has words for every one of them', () => {
    const missing = actionsWritten().filter((a) => !(a in ACTIVITY_LABELS));
    expect(missing).toEqual([]);
  });
});
