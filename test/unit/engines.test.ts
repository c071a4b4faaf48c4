import { readFileSync } from 'node:fs';
import semver from 'semver';
import { describe, expect, it } from 'vitest';

// `engines.node` in package.json is a promise: every Node version it accepts runs every package
// installed from package-lock.json without an EBADENGINE warning. Each `||` branch is checked at
// its lowest version, the one most likely to be refused.

interface LockEntry {
  version?: string;
  engines?: Record<string, string> | string[];
}

const root = new URL('../../', import.meta.url);
const pkg = JSON.parse(readFileSync(new URL('package.json', root), 'utf8')) as {
  engines: { node: string };
};
const lock = JSON.parse(readFileSync(new URL('package-lock.json', root), 'utf8')) as {
  packages: Record<string, LockEntry>;
};

/** The lowest version of each `||` branch of a range. */
function claimedMinimums(range: string): string[] {
  return new semver.Range(range).set.map((comparators) => {
    const branch = comparators.map((c) => c.value).join(' ');
    const min = semver.minVersion(branch);
    if (!min) throw new Error(`engines branch "${branch}" accepts no version`);
    return min.version;
  });
}

/** Installed packages whose own `engines.node` refuses one of the given Node versions. */
function refusals(nodeVersions: string[]): string[] {
  const found: string[] = [];
  for (const [path, entry] of Object.entries(lock.packages)) {
    if (path === '' || !entry.engines || Array.isArray(entry.engines)) continue;
    const wanted = entry.engines.node;
    if (typeof wanted !== 'string') continue;
    for (const node of nodeVersions) {
      if (!semver.satisfies(node, wanted)) {
        found.push(`${path}@${entry.version ?? '?'} wants node ${wanted}, refuses ${node}`);
      }
    }
  }
  return found;
}

describe('engines', () => {
  it('claims the supported lines, each from its first version that all dependencies accept', () => {
    expect(claimedMinimums(pkg.engines.node)).toEqual(['20.19.0', '22.13.0', '24.0.0']);
  });

  it('every installed package accepts the lowest version of each Node line we claim', () => {
    expect(refusals(claimedMinimums(pkg.engines.node))).toEqual([]);
  });

  it('notices a package that refuses a claimed version', () => {
    // The check itself must bite: Node 20.11 is refused by @tus/server and vite.
    expect(refusals(['20.11.0']).some((r) => r.startsWith('node_modules/@tus/server@'))).toBe(true);
  });
});
