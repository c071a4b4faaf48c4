/**
 * The analytics figures, defined once: pure functions over integer minor units and calendar
 * days, so SQLite and PostgreSQL (which only hand over rows) give identical answers.
 *
 * Definitions (the README's Analytics section says the same in prose):
 * - Days and months are the freelancer's, in their time zone: an instant (a delivery, a Stripe
 *   payment) falls on the calendar day it was there; a date a person typed (an offline payment's
 *   "received on", a refund's date, a cost's date, a due date) is that day as written.
 * - Money is per currency, never summed across currencies: every input here is of one currency.
 * - Revenue = credited payments received minus refunds given, on the day they moved (Stripe's
 *   fees are unknown to Milepost and not subtracted). Flagged payments never count.
 * - On time = delivered on or before the due date in force at delivery (a delivered milestone
 *   never changes, so its stored due date is that one).
 * - A project is completed on the day its last milestone is delivered; on time when that day is
 *   on or before its latest due date.
 * - Collection rate = paid ÷ delivered for milestones delivered in the period, where "paid" is what
 *   each holds net of refunds up to its amount (an overpayment does not lift the rate past 100 %).
 * - Days to payment = the day a milestone became paid minus the day it was delivered (never below
 *   0), for paid milestones delivered in the period.
 * - Archived projects count in every figure of the past; outstanding and upcoming leave them out
 *   (archiving says nothing more is expected), and the per-project list marks them.
 * - Ratios are basis points (1 % = 100), rounded half up from integer sums; null when nothing to
 *   divide by.
 */

export type Day = string; // YYYY-MM-DD
export type Month = string; // YYYY-MM

export interface ProjectFact {
  id: string;
  clientId: string;
  currency: string;
  projectType: string;
  /** The freelancer's day the project was created. */
  createdDay: Day;
  archived: boolean;
  /** null: hours not recorded. */
  hoursMinutes: number | null;
}

export interface MilestoneFact {
  projectId: string;
  amountMinor: number;
  status: 'locked' | 'open' | 'delivered' | 'paid';
  dueDate: Day;
  deliveredDay: Day | null;
  paidDay: Day | null;
  /** Credited payments less refunds, all time. */
  netMinor: number;
}

export interface MovementFact {
  projectId: string;
  kind: 'payment' | 'refund';
  amountMinor: number;
  day: Day;
}

export interface CostFact {
  projectId: string;
  amountMinor: number;
  day: Day;
}

export interface Period {
  from: Month;
  to: Month;
}

// ---------------------------------------------------------------------------------------------
// Arithmetic.

/** numerator ÷ denominator in basis points, rounded half up; null for a zero denominator. */
export function ratioBp(numerator: number, denominator: number): number | null {
  if (denominator === 0) return null;
  const n = BigInt(numerator) * 10_000n;
  const d = BigInt(denominator);
  const negative = n < 0n !== d < 0n;
  const an = n < 0n ? -n : n;
  const ad = d < 0n ? -d : d;
  const rounded = (an * 2n + ad) / (2n * ad);
  return Number(negative ? -rounded : rounded);
}

/** The median of whole numbers (the mean of the middle two for an even count); null if none. */
export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  if (sorted.length % 2 === 1) return sorted[mid] ?? null;
  return ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}

/** The mean of whole numbers to one decimal, rounded half up; null if none. */
export function meanTenths(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sum = values.reduce((a, b) => a + b, 0);
  const tenths = ratioBp(sum, values.length);
  return tenths === null ? null : Math.round(tenths / 1000) / 10;
}

/** The value at 0-based position `index` of the sorted multiset given as value → count. */
function nthOfCounts(sorted: readonly [number, number][], index: number): number {
  let seen = 0;
  for (const [value, count] of sorted) {
    seen += count;
    if (index < seen) return value;
  }
  return 0;
}

/** `median` of whole numbers given as value → how many times it occurs (pre-summed data). */
export function medianOfCounts(counts: ReadonlyMap<number, number>): number | null {
  const sorted = [...counts.entries()].filter(([, n]) => n > 0).sort((a, b) => a[0] - b[0]);
  const total = sorted.reduce((a, [, n]) => a + n, 0);
  if (total === 0) return null;
  const mid = total >> 1;
  if (total % 2 === 1) return nthOfCounts(sorted, mid);
  return (nthOfCounts(sorted, mid - 1) + nthOfCounts(sorted, mid)) / 2;
}

/** `meanTenths` of whole numbers given as value → how many times it occurs. */
export function meanTenthsOfCounts(counts: ReadonlyMap<number, number>): number | null {
  let total = 0;
  let sum = 0;
  for (const [value, n] of counts) {
    total += n;
    sum += value * n;
  }
  if (total === 0) return null;
  const tenths = ratioBp(sum, total);
  return tenths === null ? null : Math.round(tenths / 1000) / 10;
}

/** Whole days from `a` to `b` (calendar dates). */
export function daysBetween(a: Day, b: Day): number {
  return Math.round((Date.parse(`${b}T00:00:00Z`) - Date.parse(`${a}T00:00:00Z`)) / 86_400_000);
}

/** Every month from `from` to `to`, inclusive. */
export function monthsOf(period: Period): Month[] {
  const out: Month[] = [];
  let [y, m] = period.from.split('-').map(Number) as [number, number];
  const [ty, tm] = period.to.split('-').map(Number) as [number, number];
  while (y < ty || (y === ty && m <= tm)) {
    out.push(`${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}`);
    m += 1;
    if (m > 12) {
      m = 1;
      y += 1;
    }
  }
  return out;
}

export const inPeriod = (day: Day, period: Period): boolean => {
  const month = day.slice(0, 7);
  return month >= period.from && month <= period.to;
};

// ---------------------------------------------------------------------------------------------
// Days in a time zone, fast: an hour of UTC is one local day unless a midnight or a change of
// offset falls inside it, which is checked exactly.

const dayFormats = new Map<string, Intl.DateTimeFormat>();
const hourDays = new Map<string, Map<string, Day | null>>();

function exactDay(timeZone: string, ms: number): Day {
  let format = dayFormats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-CA', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
    });
    dayFormats.set(timeZone, format);
  }
  const parts = format.formatToParts(new Date(ms));
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? '01';
  return `${get('year').padStart(4, '0')}-${get('month')}-${get('day')}`;
}

/** The calendar day an ISO-8601 UTC instant falls on in `timeZone`. */
export function localDay(iso: string, timeZone: string): Day {
  let cache = hourDays.get(timeZone);
  if (!cache) {
    cache = new Map();
    hourDays.set(timeZone, cache);
  }
  const hour = iso.slice(0, 13);
  let day = cache.get(hour);
  if (day === undefined) {
    const start = Date.parse(`${hour}:00:00.000Z`);
    const first = exactDay(timeZone, start);
    day = first === exactDay(timeZone, start + 3_599_999) ? first : null;
    if (cache.size > 200_000) cache.clear();
    cache.set(hour, day);
  }
  return day ?? exactDay(timeZone, Date.parse(iso));
}

// ---------------------------------------------------------------------------------------------
// The figures.

export interface MonthRevenue {
  month: Month;
  receivedMinor: number;
  refundedMinor: number;
  revenueMinor: number;
}

export interface TypeFigures {
  /** '' for projects without a type. */
  projectType: string;
  projects: number;
  revenueMinor: number;
  costsMinor: number;
  profitMinor: number;
  marginBp: number | null;
  /** Minutes recorded on the type's projects that have hours (all time). */
  hoursMinutes: number;
  /** Lifetime (revenue − costs) of those projects per hour, minor units, rounded half up. */
  hourlyRateMinor: number | null;
}

export interface Figures {
  revenue: {
    receivedMinor: number;
    refundedMinor: number;
    revenueMinor: number;
    byMonth: MonthRevenue[];
  };
  outstanding: { amountMinor: number; milestones: number };
  upcoming: { amountMinor: number; milestones: number };
  onTime: {
    delivered: number;
    onTime: number;
    rateBp: number | null;
    projectsCompleted: number;
    projectsOnTime: number;
    projectRateBp: number | null;
  };
  collection: {
    deliveredMinor: number;
    paidMinor: number;
    rateBp: number | null;
    paidMilestones: number;
    medianDaysToPayment: number | null;
    meanDaysToPayment: number | null;
  };
  retention: {
    clients: number;
    repeatClients: number;
    repeatClientShareBp: number | null;
    repeatRevenueMinor: number;
    repeatRevenueShareBp: number | null;
    cohorts: { month: Month; clients: number; repeatClients: number }[];
  };
  costs: { costsMinor: number; profitMinor: number; marginBp: number | null };
  byType: TypeFigures[];
}

export interface FigureInput {
  period: Period;
  currency: string;
  /** Every project of the freelancer, in every currency (client counts are not money). */
  projects: readonly ProjectFact[];
  /** Milestones, payments and costs of the currency's projects only. */
  milestones: readonly MilestoneFact[];
  movements: readonly MovementFact[];
  costs: readonly CostFact[];
}

/** What a milestone counts as paid toward collection: its net holding, at most its amount. */
export const collectedMinor = (m: MilestoneFact): number =>
  Math.max(0, Math.min(m.netMinor, m.amountMinor));

/** What a delivered, unpaid milestone still owes. */
export const owedMinor = (m: MilestoneFact): number =>
  m.status === 'delivered' ? Math.max(0, m.amountMinor - m.netMinor) : 0;

export function computeFigures(input: FigureInput): Figures {
  const { period, currency } = input;
  const projectById = new Map(input.projects.map((p) => [p.id, p]));
  const months = monthsOf(period);
  const endDay = `${period.to}-31`;

  // Revenue by month.
  const byMonth = new Map<Month, MonthRevenue>(
    months.map((month) => [month, { month, receivedMinor: 0, refundedMinor: 0, revenueMinor: 0 }]),
  );
  const periodRevenueByProject = new Map<string, number>();
  const lifetimeRevenueByProject = new Map<string, number>();
  for (const mv of input.movements) {
    const signed = mv.kind === 'payment' ? mv.amountMinor : -mv.amountMinor;
    lifetimeRevenueByProject.set(
      mv.projectId,
      (lifetimeRevenueByProject.get(mv.projectId) ?? 0) + signed,
    );
    const row = byMonth.get(mv.day.slice(0, 7));
    if (!row) continue;
    if (mv.kind === 'payment') row.receivedMinor += mv.amountMinor;
    else row.refundedMinor += mv.amountMinor;
    row.revenueMinor += signed;
    periodRevenueByProject.set(
      mv.projectId,
      (periodRevenueByProject.get(mv.projectId) ?? 0) + signed,
    );
  }
  const monthRows = [...byMonth.values()];

  // Outstanding and upcoming (today's state, live projects), on time, collection.
  const outstanding = { amountMinor: 0, milestones: 0 };
  const upcoming = { amountMinor: 0, milestones: 0 };
  let delivered = 0;
  let onTime = 0;
  let deliveredMinor = 0;
  let paidMinor = 0;
  const daysToPayment: number[] = [];
  const completion = new Map<string, { all: boolean; last: Day; due: Day }>();
  for (const m of input.milestones) {
    const project = projectById.get(m.projectId);
    const live = project !== undefined && !project.archived;
    if (live && m.status === 'delivered') {
      const owed = owedMinor(m);
      if (owed > 0) {
        outstanding.amountMinor += owed;
        outstanding.milestones += 1;
      }
    }
    if (live && (m.status === 'open' || m.status === 'locked')) {
      upcoming.amountMinor += m.amountMinor;
      upcoming.milestones += 1;
    }
    const c = completion.get(m.projectId) ?? { all: true, last: '', due: '' };
    if (m.deliveredDay === null) c.all = false;
    else if (m.deliveredDay > c.last) c.last = m.deliveredDay;
    if (m.dueDate > c.due) c.due = m.dueDate;
    completion.set(m.projectId, c);
    if (m.deliveredDay === null || !inPeriod(m.deliveredDay, period)) continue;
    delivered += 1;
    if (m.deliveredDay <= m.dueDate) onTime += 1;
    deliveredMinor += m.amountMinor;
    paidMinor += collectedMinor(m);
    if (m.status === 'paid' && m.paidDay !== null) {
      daysToPayment.push(Math.max(0, daysBetween(m.deliveredDay, m.paidDay)));
    }
  }
  let projectsCompleted = 0;
  let projectsOnTime = 0;
  for (const c of completion.values()) {
    if (!c.all || !inPeriod(c.last, period)) continue;
    projectsCompleted += 1;
    if (c.last <= c.due) projectsOnTime += 1;
  }

  // Retention: clients by their first project (any currency), up to the period's end.
  const clientFirst = new Map<string, { first: Day; projects: number }>();
  for (const p of input.projects) {
    if (p.createdDay > endDay) continue;
    const c = clientFirst.get(p.clientId);
    if (!c) clientFirst.set(p.clientId, { first: p.createdDay, projects: 1 });
    else {
      c.projects += 1;
      if (p.createdDay < c.first) c.first = p.createdDay;
    }
  }
  let repeatClients = 0;
  const cohorts = new Map(months.map((month) => [month, { month, clients: 0, repeatClients: 0 }]));
  for (const c of clientFirst.values()) {
    if (c.projects > 1) repeatClients += 1;
    const cohort = cohorts.get(c.first.slice(0, 7));
    if (cohort) {
      cohort.clients += 1;
      if (c.projects > 1) cohort.repeatClients += 1;
    }
  }
  let repeatRevenueMinor = 0;
  for (const [projectId, amount] of periodRevenueByProject) {
    const project = projectById.get(projectId);
    if (project && (clientFirst.get(project.clientId)?.projects ?? 0) > 1) {
      repeatRevenueMinor += amount;
    }
  }

  // Costs, profit and project types.
  const periodCostsByProject = new Map<string, number>();
  const lifetimeCostsByProject = new Map<string, number>();
  let costsMinor = 0;
  for (const c of input.costs) {
    lifetimeCostsByProject.set(
      c.projectId,
      (lifetimeCostsByProject.get(c.projectId) ?? 0) + c.amountMinor,
    );
    if (!inPeriod(c.day, period)) continue;
    costsMinor += c.amountMinor;
    periodCostsByProject.set(
      c.projectId,
      (periodCostsByProject.get(c.projectId) ?? 0) + c.amountMinor,
    );
  }
  const types = new Map<string, TypeSums>();
  for (const p of input.projects) {
    if (p.currency !== currency) continue;
    const t = types.get(p.projectType) ?? emptyTypeSums();
    const revenue = periodRevenueByProject.get(p.id) ?? 0;
    const costs = periodCostsByProject.get(p.id) ?? 0;
    const active = revenue !== 0 || costs !== 0 || periodRevenueByProject.has(p.id);
    if (active) t.projects += 1;
    t.revenue += revenue;
    t.costs += costs;
    if (p.hoursMinutes !== null && p.hoursMinutes > 0) {
      t.hours += p.hoursMinutes;
      t.hourlyProfit +=
        (lifetimeRevenueByProject.get(p.id) ?? 0) - (lifetimeCostsByProject.get(p.id) ?? 0);
    }
    types.set(p.projectType, t);
  }
  return figuresOf({
    byMonth: monthRows,
    outstanding,
    upcoming,
    delivered,
    onTime,
    projectsCompleted,
    projectsOnTime,
    deliveredMinor,
    paidMinor,
    paidMilestones: daysToPayment.length,
    medianDaysToPayment: median(daysToPayment),
    meanDaysToPayment: meanTenths(daysToPayment),
    clients: clientFirst.size,
    repeatClients,
    repeatRevenueMinor,
    cohorts: [...cohorts.values()],
    costsMinor,
    types,
  });
}

/** A project type's integer sums, from which its ranked figures are made. */
export interface TypeSums {
  projects: number;
  revenue: number;
  costs: number;
  hours: number;
  hourlyProfit: number;
}

export const emptyTypeSums = (): TypeSums => ({
  projects: 0,
  revenue: 0,
  costs: 0,
  hours: 0,
  hourlyProfit: 0,
});

/**
 * The integer sums every figure is made of, however they were gathered (from the rows by
 * `computeFigures`, from the kept sums by `figuresFromSums`), and the one place that turns them
 * into the dashboard's ratios, margins and ranking.
 */
export interface FigureSums {
  byMonth: MonthRevenue[];
  outstanding: { amountMinor: number; milestones: number };
  upcoming: { amountMinor: number; milestones: number };
  delivered: number;
  onTime: number;
  projectsCompleted: number;
  projectsOnTime: number;
  deliveredMinor: number;
  paidMinor: number;
  paidMilestones: number;
  medianDaysToPayment: number | null;
  meanDaysToPayment: number | null;
  clients: number;
  repeatClients: number;
  repeatRevenueMinor: number;
  cohorts: { month: Month; clients: number; repeatClients: number }[];
  costsMinor: number;
  types: ReadonlyMap<string, TypeSums>;
}

export function figuresOf(sums: FigureSums): Figures {
  const { byMonth, delivered, onTime, projectsCompleted, projectsOnTime } = sums;
  const { deliveredMinor, paidMinor, clients, repeatClients, repeatRevenueMinor, costsMinor } =
    sums;
  const receivedMinor = byMonth.reduce((a, r) => a + r.receivedMinor, 0);
  const refundedMinor = byMonth.reduce((a, r) => a + r.refundedMinor, 0);
  const revenueMinor = receivedMinor - refundedMinor;
  const byType: TypeFigures[] = [...sums.types.entries()]
    .filter(([, t]) => t.projects > 0 || t.hours > 0)
    .map(([projectType, t]) => ({
      projectType,
      projects: t.projects,
      revenueMinor: t.revenue,
      costsMinor: t.costs,
      profitMinor: t.revenue - t.costs,
      marginBp: ratioBp(t.revenue - t.costs, t.revenue),
      hoursMinutes: t.hours,
      hourlyRateMinor: t.hours > 0 ? ratioBp(t.hourlyProfit * 60, t.hours * 10_000) : null,
    }))
    .sort(
      (a, b) =>
        b.profitMinor - a.profitMinor ||
        (a.projectType < b.projectType ? -1 : a.projectType > b.projectType ? 1 : 0),
    );
  return {
    revenue: { receivedMinor, refundedMinor, revenueMinor, byMonth },
    outstanding: sums.outstanding,
    upcoming: sums.upcoming,
    onTime: {
      delivered,
      onTime,
      rateBp: ratioBp(onTime, delivered),
      projectsCompleted,
      projectsOnTime,
      projectRateBp: ratioBp(projectsOnTime, projectsCompleted),
    },
    collection: {
      deliveredMinor,
      paidMinor,
      rateBp: ratioBp(paidMinor, deliveredMinor),
      paidMilestones: sums.paidMilestones,
      medianDaysToPayment: sums.medianDaysToPayment,
      meanDaysToPayment: sums.meanDaysToPayment,
    },
    retention: {
      clients,
      repeatClients,
      repeatClientShareBp: ratioBp(repeatClients, clients),
      repeatRevenueMinor,
      repeatRevenueShareBp: ratioBp(repeatRevenueMinor, revenueMinor),
      cohorts: sums.cohorts,
    },
    costs: {
      costsMinor,
      profitMinor: revenueMinor - costsMinor,
      marginBp: ratioBp(revenueMinor - costsMinor, revenueMinor),
    },
    byType,
  };
}

// ---------------------------------------------------------------------------------------------
// Per-project statistics (the drill-down and the CSV).

export interface ProjectStats {
  projectId: string;
  milestones: number;
  deliveredMilestones: number;
  /** Delivered (or paid) milestones ÷ all, in basis points. */
  progressBp: number | null;
  totalMinor: number;
  /** Net of refunds, all time. */
  paidMinor: number;
  /** What delivered, unpaid milestones still owe. */
  owedMinor: number;
  /** Days past due: delivered late (delivery − due), or not delivered and due before today. */
  daysLate: number;
  costsMinor: number;
  profitMinor: number;
  /** Revenue and costs in the period. */
  periodRevenueMinor: number;
  periodCostsMinor: number;
  /** Whether money moved for it in the period (revenue may net to 0). */
  periodMoney: boolean;
  /** Milestones delivered in the period, and how many of them on time. */
  periodDelivered: number;
  periodOnTime: number;
}

export function projectStats(input: {
  period: Period;
  today: Day;
  projectIds: readonly string[];
  milestones: readonly MilestoneFact[];
  movements: readonly MovementFact[];
  costs: readonly CostFact[];
}): Map<string, ProjectStats> {
  const out = new Map<string, ProjectStats>();
  const of = (projectId: string): ProjectStats => {
    let s = out.get(projectId);
    if (!s) {
      s = {
        projectId,
        milestones: 0,
        deliveredMilestones: 0,
        progressBp: null,
        totalMinor: 0,
        paidMinor: 0,
        owedMinor: 0,
        daysLate: 0,
        costsMinor: 0,
        profitMinor: 0,
        periodRevenueMinor: 0,
        periodCostsMinor: 0,
        periodMoney: false,
        periodDelivered: 0,
        periodOnTime: 0,
      };
      out.set(projectId, s);
    }
    return s;
  };
  for (const id of input.projectIds) of(id);
  for (const m of input.milestones) {
    const s = of(m.projectId);
    s.milestones += 1;
    s.totalMinor += m.amountMinor;
    s.owedMinor += owedMinor(m);
    if (m.deliveredDay !== null) {
      s.deliveredMilestones += 1;
      s.daysLate += Math.max(0, daysBetween(m.dueDate, m.deliveredDay));
      if (inPeriod(m.deliveredDay, input.period)) {
        s.periodDelivered += 1;
        if (m.deliveredDay <= m.dueDate) s.periodOnTime += 1;
      }
    } else if (m.dueDate < input.today) {
      s.daysLate += daysBetween(m.dueDate, input.today);
    }
  }
  for (const mv of input.movements) {
    const s = of(mv.projectId);
    const signed = mv.kind === 'payment' ? mv.amountMinor : -mv.amountMinor;
    s.paidMinor += signed;
    if (inPeriod(mv.day, input.period)) {
      s.periodRevenueMinor += signed;
      s.periodMoney = true;
    }
  }
  for (const c of input.costs) {
    const s = of(c.projectId);
    s.costsMinor += c.amountMinor;
    if (inPeriod(c.day, input.period)) s.periodCostsMinor += c.amountMinor;
  }
  for (const s of out.values()) {
    s.progressBp = ratioBp(s.deliveredMilestones, s.milestones);
    s.profitMinor = s.paidMinor - s.costsMinor;
  }
  return out;
}
