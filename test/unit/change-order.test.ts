/**
 * Change orders' rules (src/domain/change-order.ts): examples of each refusal, and a property —
 * applying random sequences of orders (valid or not), with payments in between, keeps the total
 * exactly the sum of the new amounts, 1–10 milestones, positions 1…n, the sequence invariant,
 * and every paid or delivered milestone exactly as it was; a refused order changes nothing.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  applyChanges,
  compare,
  totalOf,
  type Change,
  type PlanMilestone,
} from '../../src/domain/change-order';
import { AppError } from '../../src/domain/errors';
import { isValidSequence, normalizeSequence } from '../../src/domain/milestone-sequence';

function plan(amounts: number[], paid = 0): PlanMilestone[] {
  const statuses = normalizeSequence(amounts.map((_, i) => (i < paid ? 'paid' : 'locked')));
  return amounts.map((amountMinor, i) => ({
    id: `m${i + 1}`,
    position: i + 1,
    status: statuses[i] ?? 'locked',
    title: `Step ${i + 1}`,
    deliverables: `Work ${i + 1}`,
    dueDate: `2027-0${(i % 9) + 1}-01`,
    amountMinor,
  }));
}

function code(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    if (e instanceof AppError) return e.code;
    throw e;
  }
  return 'none';
}

describe('applyChanges', () => {
  it('re-prices, re-dates, re-scopes, removes and adds in one go; the total is the new sum', () => {
    const before = plan([100_00, 200_00, 300_00], 1);
    const applied = applyChanges(before, [
      { type: 'update', milestoneId: 'm3', amountMinor: 350_00, dueDate: '2027-12-24' },
      { type: 'remove', milestoneId: 'm2' },
      { type: 'add', title: 'Extra', deliverables: 'More', dueDate: '2028-01-10', amountMinor: 1 },
    ]);
    expect(applied.milestones.map((m) => [m.id, m.position, m.amountMinor, m.status])).toEqual([
      ['m1', 1, 100_00, 'paid'],
      ['m3', 2, 350_00, 'open'],
      [null, 3, 1, 'locked'],
    ]);
    expect(applied.totalMinor).toBe(100_00 + 350_00 + 1);
    expect(applied.removed).toEqual(['m2']);
    const rows = compare(before, applied);
    expect(rows.map((r) => r.changed)).toEqual([
      [],
      ['title', 'deliverables', 'dueDate', 'amountMinor'],
      ['dueDate', 'amountMinor'],
      ['title', 'deliverables', 'dueDate', 'amountMinor'],
    ]);
    expect(before[1]?.position).toBe(2); // the plan is not modified
  });

  it('refuses paid and delivered milestones, unknown or repeated ones, no-op updates, empty orders', () => {
    const before = plan([100, 200, 300], 1);
    expect(
      code(() => applyChanges(before, [{ type: 'update', milestoneId: 'm1', amountMinor: 1 }])),
    ).toBe('MILESTONE_FROZEN');
    expect(code(() => applyChanges(before, [{ type: 'remove', milestoneId: 'm1' }]))).toBe(
      'MILESTONE_FROZEN',
    );
    const delivered = before.map((m) =>
      m.id === 'm2' ? { ...m, status: 'delivered' as const } : m,
    );
    expect(code(() => applyChanges(delivered, [{ type: 'remove', milestoneId: 'm2' }]))).toBe(
      'MILESTONE_FROZEN',
    );
    expect(code(() => applyChanges(before, [{ type: 'remove', milestoneId: 'nope' }]))).toBe(
      'VALIDATION_FAILED',
    );
    expect(
      code(() =>
        applyChanges(before, [
          { type: 'update', milestoneId: 'm2', amountMinor: 5 },
          { type: 'remove', milestoneId: 'm2' },
        ]),
      ),
    ).toBe('VALIDATION_FAILED');
    expect(
      code(() => applyChanges(before, [{ type: 'update', milestoneId: 'm2', amountMinor: 200 }])),
    ).toBe('VALIDATION_FAILED');
    expect(
      code(() => applyChanges(before, [{ type: 'update', milestoneId: 'm2', amountMinor: 0 }])),
    ).toBe('VALIDATION_FAILED');
    expect(code(() => applyChanges(before, []))).toBe('VALIDATION_FAILED');
  });

  it('keeps at least one milestone and at most ten', () => {
    const one = plan([100]);
    expect(code(() => applyChanges(one, [{ type: 'remove', milestoneId: 'm1' }]))).toBe(
      'VALIDATION_FAILED',
    );
    const ten = plan(Array.from({ length: 10 }, () => 100));
    const add: Change = {
      type: 'add',
      title: 'x',
      deliverables: '',
      dueDate: '2027-01-01',
      amountMinor: 1,
    };
    expect(code(() => applyChanges(ten, [add]))).toBe('MILESTONE_LIMIT');
    expect(
      applyChanges(ten, [{ type: 'remove', milestoneId: 'm10' }, add]).milestones,
    ).toHaveLength(10);
  });
});

const RUNS = Number(process.env.MILEPOST_CHANGE_ORDER_RUNS ?? 200);

describe('property: random sequences of change orders and payments', () => {
  const amount = fc.integer({ min: 1, max: 10_000_000_00 });
  const termPatch = fc.record(
    {
      title: fc.constantFrom('A', 'B', 'Step 1', 'Renamed'),
      deliverables: fc.string({ maxLength: 5 }),
      dueDate: fc.constantFrom('2027-01-01', '2027-06-30', '2028-02-29'),
      amountMinor: amount,
    },
    { requiredKeys: [] },
  );
  // A change names a milestone by its index among those present (or one past), so removals and
  // updates hit real milestones as often as not, paid ones included.
  const change = fc.oneof(
    fc.record({ type: fc.constant('add' as const), amountMinor: amount }),
    fc.record({ type: fc.constant('remove' as const), at: fc.nat(11) }),
    fc.record({ type: fc.constant('update' as const), at: fc.nat(11), patch: termPatch }),
  );
  const step = fc.oneof(
    {
      weight: 3,
      arbitrary: fc.array(change, { minLength: 0, maxLength: 6 }).map((c) => ({ order: c })),
    },
    { weight: 1, arbitrary: fc.constant({ pay: true as const }) },
  );

  it('totals exact, 1–10 milestones, paid and delivered milestones untouched', () => {
    fc.assert(
      fc.property(
        fc.array(amount, { minLength: 1, maxLength: 10 }),
        fc.array(step, { maxLength: 25 }),
        (amounts, steps) => {
          let current = plan(amounts);
          let nextId = 100;
          const frozen = new Map<string, PlanMilestone>();
          for (const s of steps) {
            if ('pay' in s) {
              // The open milestone is delivered and paid; the sequence moves on.
              const i = current.findIndex((m) => m.status === 'open');
              if (i < 0) continue;
              const statuses = current.map((m, j) => (j === i ? ('paid' as const) : m.status));
              const next = normalizeSequence(statuses);
              current = current.map((m, j) => ({ ...m, status: next[j] ?? m.status }));
              const paid = current[i];
              if (paid?.id) frozen.set(paid.id, paid);
              continue;
            }
            const changes: Change[] = s.order.map((c) => {
              if (c.type === 'add') {
                return {
                  type: 'add',
                  title: 'New',
                  deliverables: '',
                  dueDate: '2027-03-03',
                  amountMinor: c.amountMinor,
                };
              }
              const milestoneId = current[c.at]?.id ?? 'missing';
              return c.type === 'remove'
                ? { type: 'remove', milestoneId }
                : { type: 'update', milestoneId, ...c.patch };
            });
            const before = JSON.stringify(current);
            let applied;
            try {
              applied = applyChanges(current, changes);
            } catch (e) {
              expect(e).toBeInstanceOf(AppError);
              expect(JSON.stringify(current)).toBe(before); // refused: nothing changed
              continue;
            }
            expect(applied.totalMinor).toBe(totalOf(applied.milestones));
            expect(Number.isSafeInteger(applied.totalMinor)).toBe(true);
            current = applied.milestones.map((m) => ({ ...m, id: m.id ?? `m${nextId++}` }));
          }
          expect(current.length).toBeGreaterThanOrEqual(1);
          expect(current.length).toBeLessThanOrEqual(10);
          expect(current.map((m) => m.position)).toEqual(current.map((_, i) => i + 1));
          expect(isValidSequence(current.map((m) => m.status))).toBe(true);
          for (const [id, paid] of frozen) {
            const now = current.find((m) => m.id === id);
            expect(now && { ...now, position: 0 }).toEqual({ ...paid, position: 0 });
          }
          const exact = current.reduce((sum, m) => sum + BigInt(m.amountMinor), 0n);
          expect(BigInt(totalOf(current))).toBe(exact);
        },
      ),
      { numRuns: RUNS },
    );
  });
});
