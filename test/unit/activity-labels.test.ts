/**
 * Every action the server writes into the activity record has words in the web app's activity
 * panel: the source of the server (every `action: '…'` it passes when appending an entry) is read
 * and each action looked up, so a new kind of entry cannot reach a screen as its raw key. Actions
 * written from a table (`action: TABLE[key]`) are taken from the table itself, imported here; an
 * `action:` written from any other expression fails the test until its table is added below.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DISPUTE_ACTIVITY } from '../../src/actions/dispute-record';
import { ACTIVITY_LABELS } from '../../src/web/components/activity-labels';

const SRC = path.resolve(import.meta.dirname, '../../src');

/** Tables of actions the server writes from, by the expression that writes them. */
const TABLES: Record<string, Record<string, string>> = {
  'DISPUTE_ACTIVITY[event]': DISPUTE_ACTIVITY,
};

function serverSources(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'web' ? [] : serverSources(full);
    return entry.name.endsWith('.ts') ? [fs.readFileSync(full, 'utf8')] : [];
  });
}

/** Where activity entries are written: only actions append them (the rest pass them on). */
const WRITERS = path.join(SRC, 'actions');

/** The `action: …` expressions that name no action literally, in the writers' source. */
function tableWrites(): string[] {
  const found = new Set<string>();
  for (const source of serverSources(WRITERS))
    for (const m of source.matchAll(/^\s*action:\s*([^,\n]+)/gm))
      if (!(m[1] as string).includes("'")) found.add((m[1] as string).trim());
  return [...found].sort();
}

/**
 * The actions named in `action: …` properties, including both arms of a conditional, and every
 * action of the tables written from.
 */
function actionsWritten(): string[] {
  const found = new Set<string>();
  for (const source of serverSources(SRC))
    for (const m of source.matchAll(/\baction:\s*([^,\n]+)/g))
      for (const q of (m[1] as string).matchAll(/'([a-z_]+\.[a-z_]+)'/g)) found.add(q[1] as string);
  for (const table of Object.values(TABLES)) for (const a of Object.values(table)) found.add(a);
  return [...found].sort();
}

describe('activity labels', () => {
  it('finds the actions the server writes', () => {
    const actions = actionsWritten();
    // A sample the scan must see, so an empty scan cannot pass.
    expect(actions).toEqual(
      expect.arrayContaining([
        'project.created',
        'project.reopened',
        'milestone.approved',
        'dispute.opened',
        'dispute.withdrawn',
      ]),
    );
    expect(actions.length).toBeGreaterThan(30);
  });

  it('knows every table an action is written from', () => {
    expect(tableWrites()).toEqual(Object.keys(TABLES).sort());
  });

  it('has words for every one of them', () => {
    const missing = actionsWritten().filter((a) => !(a in ACTIVITY_LABELS));
    expect(missing).toEqual([]);
  });
});
