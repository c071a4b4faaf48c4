/**
 * The pre-summed figures equal the figures from the rows: for random freelancers' projects,
 * milestones, payments, refunds and costs, summing each project's and client's cells and turning
 * the sums into figures (figuresFromSums) gives exactly computeFigures, for random periods and
 * currencies. MILEPOST_ANALYTICS_RUNS sets the runs (default 200).
 */
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import {
  computeFigures,
  medianOfCounts,
  median,
  meanTenths,
  meanTenthsOfCounts,
  type CostFact,
  type MilestoneFact,
  type MovementFact,
  type ProjectFact,
} from '../../src/domain/analytics';
import {
  cellDelta,
  clientCells,
  currenciesFromSums,
  figuresFromSums,
  mergeCells,
  projectCells,
  repeatMonth,
  type SumCell,
} from '../../src/domain/analytics-sums';

const RUNS = Number(process.env.MILEPOST_ANALYTICS_RUNS ?? 200);

const day = fc
  .date({
    min: new Date('2023-11-01T00:00:00Z'),
    max: new Date('2024-04-30T00:00:00Z'),
    noInvalidDate: true,
  })
  .map((d) => d.toISOString().slice(0, 10));
const currency = fc.constantFrom('EUR', 'USD');
const status = fc.constantFrom('locked', 'open', 'delivered', 'paid') as fc.Arbitrary<
  MilestoneFact['status']
>;

const project = fc.record({
  clientId: fc.constantFrom('c1', 'c2', 'c3', 'c4'),
  currency,
  projectType: fc.constantFrom('', 'web', 'design'),
  createdDay: day,
  archived: fc.boolean(),
  hoursMinutes: fc.option(fc.integer({ min: 0, max: 600 }), { nil: null }),
  milestones: fc.array(
    fc.record({
      amountMinor: fc.integer({ min: 1, max: 50_000 }),
      status,
      dueDate: day,
      deliveredDay: day,
      paidDay: day,
      netMinor: fc.integer({ min: -1_000, max: 60_000 }),
    }),
    { maxLength: 4 },
  ),
  movements: fc.array(
    fc.record({
      kind: fc.constantFrom('payment', 'refund') as fc.Arbitrary<'payment' | 'refund'>,
      amountMinor: fc.integer({ min: 1, max: 50_000 }),
      day,
    }),
    { maxLength: 4 },
  ),
  costs: fc.array(fc.record({ amountMinor: fc.integer({ min: 1, max: 9_000 }), day, currency }), {
    maxLength: 3,
  }),
});

const period = fc
  .tuple(fc.integer({ min: 0, max: 7 }), fc.integer({ min: 0, max: 7 }))
  .map(([a, b]) => {
    const months = [
      '2023-10',
      '2023-11',
      '2023-12',
      '2024-01',
      '2024-02',
      '2024-03',
      '2024-04',
      '2024-05',
    ];
    const [from, to] = a <= b ? [a, b] : [b, a];
    return { from: months[from] ?? '2024-01', to: months[to] ?? '2024-01' };
  });

describe('pre-summed analytics', () => {
  test('figuresFromSums over the cells equals computeFigures over the rows', () => {
    fc.assert(
      fc.property(fc.array(project, { maxLength: 12 }), period, currency, (raw, p, cur) => {
        const projects: ProjectFact[] = [];
        const milestones: MilestoneFact[] = [];
        const movements: MovementFact[] = [];
        const costs: (CostFact & { currency: string })[] = [];
        raw.forEach((r, i) => {
          const id = `p${i}`;
          projects.push({ id, ...r });
          for (const m of r.milestones) {
            const delivered = m.status === 'delivered' || m.status === 'paid';
            milestones.push({
              projectId: id,
              amountMinor: m.amountMinor,
              status: m.status,
              dueDate: m.dueDate,
              deliveredDay: delivered ? m.deliveredDay : null,
              paidDay: m.status === 'paid' ? m.paidDay : null,
              netMinor: m.netMinor,
            });
          }
          for (const mv of r.movements) movements.push({ projectId: id, ...mv });
          for (const c of r.costs) costs.push({ projectId: id, ...c });
        });
        const createdByClient = new Map<string, string[]>();
        for (const pr of projects) {
          createdByClient.set(pr.clientId, [
            ...(createdByClient.get(pr.clientId) ?? []),
            pr.createdDay,
          ]);
        }
        const cells: SumCell[] = [];
        for (const days of createdByClient.values()) cells.push(...clientCells(days));
        for (const pr of projects) {
          cells.push(
            ...projectCells({
              project: pr,
              clientRepeatMonth: repeatMonth(createdByClient.get(pr.clientId) ?? []),
              milestones: milestones.filter((m) => m.projectId === pr.id),
              movements: movements.filter((m) => m.projectId === pr.id),
              costs: costs.filter((c) => c.projectId === pr.id),
            }),
          );
        }
        const inCurrency = new Set(projects.filter((pr) => pr.currency === cur).map((pr) => pr.id));
        const expected = computeFigures({
          period: p,
          currency: cur,
          projects,
          milestones: milestones.filter((m) => inCurrency.has(m.projectId)),
          movements: movements.filter((m) => inCurrency.has(m.projectId)),
          costs: costs.filter((c) => c.currency === cur),
        });
        const sums = mergeCells(cells);
        expect(figuresFromSums({ period: p, currency: cur, sums })).toEqual(expected);
        const counts = new Map<string, number>();
        for (const pr of projects) counts.set(pr.currency, (counts.get(pr.currency) ?? 0) + 1);
        expect(currenciesFromSums(sums)).toEqual(
          [...counts.entries()]
            .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
            .map(([c]) => c),
        );
      }),
      { numRuns: RUNS },
    );
  });

  test('median and mean from counts per value equal them from the values', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 60 }), { maxLength: 30 }), (values) => {
        const counts = new Map<number, number>();
        for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
        expect(medianOfCounts(counts)).toBe(median(values));
        expect(meanTenthsOfCounts(counts)).toBe(meanTenths(values));
      }),
      { numRuns: RUNS },
    );
  });

  test('a delta applied to sums of the old cells gives sums of the new', () => {
    const cell = fc.record({
      currency: fc.constantFrom('EUR', ''),
      metric: fc.constantFrom('received', 'costs') as fc.Arbitrary<SumCell['metric']>,
      month: fc.constantFrom('2024-01', '2024-02'),
      key: fc.constant(''),
      sub: fc.constant(''),
      value: fc.integer({ min: -5, max: 5 }),
    });
    fc.assert(
      fc.property(fc.array(cell), fc.array(cell), fc.array(cell), (others, before, after) => {
        const old = mergeCells([...others, ...before]);
        const applied = mergeCells([...old, ...cellDelta(mergeCells(before), mergeCells(after))]);
        const sorted = (cs: SumCell[]) => cs.map((c) => JSON.stringify(c)).sort();
        expect(sorted(applied)).toEqual(sorted(mergeCells([...others, ...after])));
      }),
      { numRuns: RUNS },
    );
  });
});
