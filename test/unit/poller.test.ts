import { describe, expect, it } from 'vitest';
import { startPoller } from '../../src/actions/poller';

const log = { error: (..._args: unknown[]) => undefined };

/** A pass that waits for the test to let it finish, counting its runs. */
function gatedPass(results: number[]) {
  let release: () => void = () => undefined;
  let runs = 0;
  return {
    get runs() {
      return runs;
    },
    finish: () => release(),
    pass: () =>
      new Promise<number>((resolve) => {
        runs += 1;
        const result = results.shift() ?? 0;
        release = () => resolve(result);
      }),
  };
}

const tick = () => new Promise((r) => setTimeout(r, 0));

describe('the poller', () => {
  it('never overlaps passes, and a wake during a pass runs exactly one more after it', async () => {
    const gate = gatedPass([1, 1, 0]);
    const poller = startPoller({
      name: 'test',
      pass: gate.pass,
      idle: (n) => n === 0,
      pollSeconds: false,
      log,
    });
    expect(gate.runs).toBe(0);
    poller.wake();
    await tick();
    expect(gate.runs).toBe(1);
    poller.wake();
    poller.wake();
    await tick();
    expect(gate.runs).toBe(1); // still the first pass
    gate.finish();
    await tick();
    expect(gate.runs).toBe(2); // the two wakes folded into one more pass
    gate.finish();
    await tick();
    expect(gate.runs).toBe(2);
    await poller.stop();
  });

  it('drains until a pass finds nothing, and runs no pass after stop', async () => {
    const results = [3, 2, 0];
    let runs = 0;
    const poller = startPoller({
      name: 'test',
      pass: async () => {
        runs += 1;
        return results.shift() ?? 0;
      },
      idle: (n) => n === 0,
      pollSeconds: false,
      log,
      immediately: false,
    });
    await poller.drain();
    expect(runs).toBe(3);
    await poller.stop();
    poller.wake();
    await tick();
    expect(runs).toBe(3);
  });

  it('logs a failed pass and keeps going', async () => {
    const errors: unknown[] = [];
    let runs = 0;
    const poller = startPoller({
      name: 'test',
      pass: async () => {
        runs += 1;
        if (runs === 1) throw new Error('database gone');
        return 0;
      },
      idle: (n) => n === 0,
      pollSeconds: false,
      log: { error: (obj: unknown) => errors.push(obj) },
      immediately: true,
    });
    await tick();
    await tick();
    expect(errors).toHaveLength(1);
    poller.wake();
    await tick();
    expect(runs).toBe(2);
    await poller.stop();
  });
});
