/**
 * The socket hub's periodic work over every socket (heartbeat pings) runs a slice at a time, so
 * messages and requests are served between the slices instead of waiting for all of them.
 */
import { describe, expect, it } from 'vitest';
import { inSlices } from '../../src/http/stream-hub';

describe('inSlices', () => {
  it('runs every item once, in order, and lets other work run between slices', async () => {
    const log: string[] = [];
    const items = Array.from({ length: 250 }, (_, i) => i);
    // Work that arrives meanwhile (as a socket's frame would): it must not wait for all 250.
    setImmediate(() => log.push('other work'));
    await inSlices(items, 100, (item) => log.push(String(item)));
    expect(log.filter((entry) => entry !== 'other work')).toEqual(items.map(String));
    const other = log.indexOf('other work');
    expect(other).toBeGreaterThanOrEqual(100);
    expect(other).toBeLessThan(250);
  });

  it('runs a short list in one go', async () => {
    const seen: number[] = [];
    let other = false;
    setImmediate(() => (other = true));
    await inSlices([1, 2, 3], 100, (item) => {
      expect(other).toBe(false);
      seen.push(item);
    });
    expect(seen).toEqual([1, 2, 3]);
  });
});
