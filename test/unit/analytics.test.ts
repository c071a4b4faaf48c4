/**
 * The analytics arithmetic (src/domain/analytics.ts) on its own: ratios in basis points rounded
 * half up from integers, medians and means, calendar days and months in a time zone (midnight
 * inside a UTC hour, daylight saving, leap days), and the figures of no data and of a few
 * hand-counted facts.
 */
import { describe, expect, test } from 'vitest';
import {
  computeFigures,
  daysBetween,
  inPeriod,
  localDay,
  meanTenths,
  median,
  monthsOf,
  projectStats,
  ratioBp,
  type MilestoneFact,
  type ProjectFact,
} from '../../src/domain/analytics';

describe('ratioBp', () => {
  test('basis points rounded half up (away from zero), null for nothing to divide by', () => {
    expect(ratioBp(1, 3)).toBe(3333);
    expect(ratioBp(2, 3)).toBe(6667);
    expect(ratioBp(1, 8)).toBe(1250);
    expect(ratioBp(1, 20_000)).toBe(1); // 0.5 bp rounds up
    expect(ratioBp(1, 20_001)).toBe(0);
    expect(ratioBp(-1, 3)).toBe(-3333);
    expect(ratioBp(-1, 20_000)).toBe(-1);
    expect(ratioBp(0, 5)).toBe(0);
    expect(ratioBp(7, 7)).toBe(10_000);
    expect(ratioBp(5, 0)).toBeNull();
  });

  test('exact for sums past 2^53 ÷ 10,000 (no floating point in between)', () => {
    const big = 9_000_000_000_000; // × 10,000 is past Number.MAX_SAFE_INTEGER
    expect(ratioBp(big, big * 3)).toBe(3333);
    expect(ratioBp(big + 1, big)).toBe(10_000);
  });
});

describe('median and meanTenths', () => {
  test('median of odd and even counts, input left as it was; null for none', () => {
    const values = [9, 1, 5];
    expect(median(values)).toBe(5);
    expect(values).toEqual([9, 1, 5]);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([10, 2])).toBe(6);
    expect(median([7])).toBe(7);
    expect(median([])).toBeNull();
  });

  test('mean to one decimal, rounded half up', () => {
    expect(meanTenths([1, 2])).toBe(1.5);
    expect(meanTenths([1, 1, 2])).toBe(1.3); // 1.333…
    expect(meanTenths([1, 2, 2])).toBe(1.7); // 1.666…
    expect(meanTenths([1, ...Array<number>(19).fill(0)])).toBe(0.1); // 0.05 rounds up
    expect(meanTenths([1, ...Array<number>(20).fill(0)])).toBe(0); // 0.0476…
    expect(meanTenths([])).toBeNull();
  });
});

describe('calendar days and months', () => {
  test('daysBetween counts the leap day', () => {
    expect(daysBetween('2024-02-28', '2024-03-01')).toBe(2);
    expect(daysBetween('2023-02-28', '2023-03-01')).toBe(1);
    expect(daysBetween('2024-03-01', '2024-02-28')).toBe(-2);
    expect(daysBetween('2023-12-31', '2024-12-31')).toBe(366);
    // Across a change to summer time in Berlin: whole calendar days, not 24-hour spans.
    expect(daysBetween('2024-03-30', '2024-04-01')).toBe(2);
  });

  test('monthsOf runs across a year end; inPeriod compares months', () => {
    expect(monthsOf({ from: '2023-11', to: '2024-02' })).toEqual([
      '2023-11',
      '2023-12',
      '2024-01',
      '2024-02',
    ]);
    expect(monthsOf({ from: '2024-02', to: '2024-02' })).toEqual(['2024-02']);
    expect(monthsOf({ from: '2024-03', to: '2024-02' })).toEqual([]);
    expect(inPeriod('2024-02-29', { from: '2024-02', to: '2024-02' })).toBe(true);
    expect(inPeriod('2024-03-01', { from: '2024-01', to: '2024-02' })).toBe(false);
    expect(inPeriod('2023-12-31', { from: '2024-01', to: '2024-02' })).toBe(false);
  });

  test('localDay: the day an instant falls on in the time zone', () => {
    // 23:30 UTC on the leap day is already 1 March in Berlin, still 29 February in New York.
    expect(localDay('2024-02-29T23:30:00.000Z', 'Europe/Berlin')).toBe('2024-03-01');
    expect(localDay('2024-02-29T23:30:00.000Z', 'America/New_York')).toBe('2024-02-29');
    expect(localDay('2024-03-01T03:00:00.000Z', 'America/New_York')).toBe('2024-02-29');
    expect(localDay('2024-02-29T12:00:00.000Z', 'UTC')).toBe('2024-02-29');
    // UTC+14: the new year arrives at 10:00 UTC.
    expect(localDay('2024-12-31T09:59:59.999Z', 'Pacific/Kiritimati')).toBe('2024-12-31');
    expect(localDay('2024-12-31T10:00:00.000Z', 'Pacific/Kiritimati')).toBe('2025-01-01');
  });

  test('localDay: midnight inside a UTC hour (UTC+5:30) and a change of offset', () => {
    // 18:15 UTC is 23:45 in Kolkata, 18:45 UTC is 00:15 the next day: the same UTC hour.
    expect(localDay('2024-01-31T18:15:00.000Z', 'Asia/Kolkata')).toBe('2024-01-31');
    expect(localDay('2024-01-31T18:45:00.000Z', 'Asia/Kolkata')).toBe('2024-02-01');
    expect(localDay('2024-01-31T18:15:00.000Z', 'Asia/Kolkata')).toBe('2024-01-31');
    // Berlin springs forward at 01:00 UTC on 31 March 2024; autumn back at 01:00 UTC 27 Oct.
    expect(localDay('2024-03-30T22:59:00.000Z', 'Europe/Berlin')).toBe('2024-03-30');
    expect(localDay('2024-03-30T23:00:00.000Z', 'Europe/Berlin')).toBe('2024-03-31');
    expect(localDay('2024-10-26T21:59:00.000Z', 'Europe/Berlin')).toBe('2024-10-26');
    expect(localDay('2024-10-26T22:00:00.000Z', 'Europe/Berlin')).toBe('2024-10-27');
    expect(localDay('2024-10-27T22:59:00.000Z', 'Europe/Berlin')).toBe('2024-10-27');
    expect(localDay('2024-10-27T23:00:00.000Z', 'Europe/Berlin')).toBe('2024-10-28');
  });
});

const project = (id: string, extra: Partial<ProjectFact> = {}): ProjectFact => ({
  id,
  clientId: 'c1',
  currency: 'EUR',
  projectType: 'web',
  createdDay: '2024-01-10',
  archived: false,
  hoursMinutes: null,
  ...extra,
});

const milestone = (projectId: string, extra: Partial<MilestoneFact>): MilestoneFact => ({
  projectId,
  amountMinor: 10_000,
  status: 'open',
  dueDate: '2024-02-15',
  deliveredDay: null,
  paidDay: null,
  netMinor: 0,
  ...extra,
});

describe('computeFigures', () => {
  test('no data: zeros, nulls for every ratio and median, one empty row per month', () => {
    const f = computeFigures({
      period: { from: '2024-01', to: '2024-03' },
      currency: 'EUR',
      projects: [],
      milestones: [],
      movements: [],
      costs: [],
    });
    expect(f.revenue).toEqual({
      receivedMinor: 0,
      refundedMinor: 0,
      revenueMinor: 0,
      byMonth: ['2024-01', '2024-02', '2024-03'].map((month) => ({
        month,
        receivedMinor: 0,
        refundedMinor: 0,
        revenueMinor: 0,
      })),
    });
    expect(f.outstanding).toEqual({ amountMinor: 0, milestones: 0 });
    expect(f.upcoming).toEqual({ amountMinor: 0, milestones: 0 });
    expect(f.onTime.rateBp).toBeNull();
    expect(f.onTime.projectRateBp).toBeNull();
    expect(f.collection).toEqual({
      deliveredMinor: 0,
      paidMinor: 0,
      rateBp: null,
      paidMilestones: 0,
      medianDaysToPayment: null,
      meanDaysToPayment: null,
    });
    expect(f.retention.clients).toBe(0);
    expect(f.retention.repeatClientShareBp).toBeNull();
    expect(f.retention.repeatRevenueShareBp).toBeNull();
    expect(f.retention.cohorts).toHaveLength(3);
    expect(f.costs).toEqual({ costsMinor: 0, profitMinor: 0, marginBp: null });
    expect(f.byType).toEqual([]);
  });

  test('money by the month of its day: the leap day is February, 1 March is not', () => {
    const f = computeFigures({
      period: { from: '2024-02', to: '2024-03' },
      currency: 'EUR',
      projects: [project('p1')],
      milestones: [],
      movements: [
        { projectId: 'p1', kind: 'payment', amountMinor: 5_000, day: '2024-02-29' },
        { projectId: 'p1', kind: 'payment', amountMinor: 7_000, day: '2024-03-01' },
        { projectId: 'p1', kind: 'refund', amountMinor: 1_000, day: '2024-03-31' },
        { projectId: 'p1', kind: 'payment', amountMinor: 9_999, day: '2024-01-31' },
        { projectId: 'p1', kind: 'payment', amountMinor: 9_999, day: '2024-04-01' },
      ],
      costs: [
        { projectId: 'p1', amountMinor: 2_750, day: '2024-02-29' },
        { projectId: 'p1', amountMinor: 500, day: '2024-04-01' },
      ],
    });
    expect(f.revenue.byMonth).toEqual([
      { month: '2024-02', receivedMinor: 5_000, refundedMinor: 0, revenueMinor: 5_000 },
      { month: '2024-03', receivedMinor: 7_000, refundedMinor: 1_000, revenueMinor: 6_000 },
    ]);
    expect(f.revenue.revenueMinor).toBe(11_000);
    expect(f.costs).toEqual({ costsMinor: 2_750, profitMinor: 8_250, marginBp: 7500 });
  });

  test('on time, collection (capped at the amount), outstanding without archived projects', () => {
    const period = { from: '2024-02', to: '2024-02' };
    const f = computeFigures({
      period,
      currency: 'EUR',
      projects: [project('p1'), project('p2', { archived: true, clientId: 'c2' })],
      milestones: [
        // On time, overpaid: counts 10,000 of 12,000; paid 3 days after delivery.
        milestone('p1', {
          status: 'paid',
          deliveredDay: '2024-02-15',
          paidDay: '2024-02-18',
          netMinor: 12_000,
        }),
        // Late by a day, half paid: 5,000 outstanding.
        milestone('p1', {
          status: 'delivered',
          dueDate: '2024-02-20',
          deliveredDay: '2024-02-21',
          netMinor: 5_000,
        }),
        milestone('p1', { status: 'locked', dueDate: '2024-03-20', amountMinor: 4_000 }),
        // Archived: delivered and owing, counted in the past, not in outstanding.
        milestone('p2', { status: 'delivered', deliveredDay: '2024-02-01' }),
        milestone('p2', { status: 'open', amountMinor: 3_000 }),
      ],
      movements: [],
      costs: [],
    });
    expect(f.onTime).toEqual({
      delivered: 3,
      onTime: 2,
      rateBp: 6667,
      projectsCompleted: 0,
      projectsOnTime: 0,
      projectRateBp: null,
    });
    expect(f.collection.deliveredMinor).toBe(30_000);
    expect(f.collection.paidMinor).toBe(15_000);
    expect(f.collection.rateBp).toBe(5000);
    expect(f.collection.medianDaysToPayment).toBe(3);
    expect(f.outstanding).toEqual({ amountMinor: 5_000, milestones: 1 });
    expect(f.upcoming).toEqual({ amountMinor: 4_000, milestones: 1 });

    const stats = projectStats({
      period,
      today: '2024-02-25',
      projectIds: ['p1', 'p2'],
      milestones: [milestone('p2', { dueDate: '2024-02-20' })],
      movements: [],
      costs: [],
    });
    expect(stats.get('p2')?.daysLate).toBe(5);
    expect(stats.get('p1')?.progressBp).toBeNull();
  });
});
