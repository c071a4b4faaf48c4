/**
 * The freelancer's analytics for a period and one currency: rows read for the owner, turned into
 * the freelancer's days (their time zone), and handed to the one place the figures are defined
 * (src/domain/analytics.ts).
 */
import {
  listAnalyticsCosts,
  listAnalyticsMilestones,
  listAnalyticsMovements,
  listAnalyticsProjects,
  toCostFact,
  toMilestoneFacts,
  toMovementFacts,
  toProjectFact,
  type AnalyticsProjectRow,
} from '../db/queries/analytics';
import { ownerSumsStale, readOwnerSums } from '../db/queries/analytics-sums';
import { findUserById } from '../db/queries/users';
import { currenciesFromSums, figuresFromSums } from '../domain/analytics-sums';
import {
  computeFigures,
  monthsOf,
  projectStats,
  type CostFact,
  type Figures,
  type MilestoneFact,
  type MovementFact,
  type Period,
  type ProjectFact,
  type ProjectStats,
} from '../domain/analytics';
import { DEFAULT_TIME_ZONE, todayIn } from '../domain/calendar';
import { AppError, notFound } from '../domain/errors';
import { nowOf, type ActionContext } from './context';

/** The longest period one request may ask for (ten years of months). */
export const MAX_PERIOD_MONTHS = 120;

export const DRILL_METRICS = [
  'all',
  'revenue',
  'outstanding',
  'upcoming',
  'onTime',
  'late',
  'collection',
  'costs',
] as const;
export type DrillMetric = (typeof DRILL_METRICS)[number];

type Options = Pick<ActionContext, 'db' | 'clock'> & {
  ownerId: string;
  from?: string | undefined;
  to?: string | undefined;
  currency?: string | undefined;
};

interface Loaded {
  timeZone: string;
  today: string;
  period: Period;
  currencies: string[];
  currency: string | null;
  projects: AnalyticsProjectRow[];
  projectFacts: ProjectFact[];
  milestones: MilestoneFact[];
  movements: MovementFact[];
  costs: CostFact[];
}

export interface Analytics {
  timeZone: string;
  today: string;
  period: Period;
  /** Every currency the freelancer's projects are in, most projects first. */
  currencies: string[];
  /** The currency of the figures; null when there are no projects at all. */
  currency: string | null;
  figures: Figures;
}

/**
 * The dashboard's figures, from the owner's pre-summed analytics (src/domain/analytics-sums.ts):
 * a few hundred rows whatever the number of projects, milestones and payments. While the sums are
 * being rebuilt (after a change of time zone) from the rows instead: slower, but right.
 */
export async function readAnalytics(options: Options): Promise<Analytics> {
  if (await ownerSumsStale(options.db, options.ownerId)) return readAnalyticsFromRows(options);
  const user = await findUserById(options.db, options.ownerId);
  if (!user) throw notFound('User');
  const timeZone = user.time_zone || DEFAULT_TIME_ZONE;
  const today = todayIn(timeZone, nowOf(options));
  const period = periodOf(options, today);
  const sums = await readOwnerSums(options.db, options.ownerId, period);
  const currencies = currenciesFromSums(sums);
  const currency = options.currency ?? currencies[0] ?? null;
  return {
    timeZone,
    today,
    period,
    currencies,
    currency,
    figures: figuresFromSums({ period, currency: currency ?? '', sums }),
  };
}

/** The same figures computed from every row (what the sums must equal; tests compare them). */
export async function readAnalyticsFromRows(options: Options): Promise<Analytics> {
  const data = await load(options);
  const figures = computeFigures({
    period: data.period,
    currency: data.currency ?? '',
    projects: data.projectFacts,
    milestones: data.milestones,
    movements: data.movements,
    costs: data.costs,
  });
  return {
    timeZone: data.timeZone,
    today: data.today,
    period: data.period,
    currencies: data.currencies,
    currency: data.currency,
    figures,
  };
}

export interface ProjectAnalyticsRow extends ProjectStats {
  title: string;
  clientId: string;
  clientName: string;
  projectType: string;
  archived: boolean;
  hoursMinutes: number | null;
}

/** The projects behind a figure, with their statistics; `limit` undefined: all of them. */
export async function readAnalyticsProjects(
  options: Options & {
    metric: DrillMetric;
    projectType?: string | undefined;
    limit?: number | undefined;
    offset?: number | undefined;
  },
): Promise<Omit<Analytics, 'figures'> & { total: number; projects: ProjectAnalyticsRow[] }> {
  const data = await load(options);
  const inCurrency = data.projects.filter((p) => p.currency === data.currency);
  const stats = projectStats({
    period: data.period,
    today: data.today,
    projectIds: inCurrency.map((p) => p.id),
    milestones: data.milestones,
    movements: data.movements,
    costs: data.costs,
  });
  const rows: ProjectAnalyticsRow[] = [];
  for (const p of inCurrency) {
    const s = stats.get(p.id);
    if (!s) continue;
    if (options.projectType !== undefined && p.project_type !== options.projectType) continue;
    const live = p.archived_at === null;
    const keep: Record<DrillMetric, boolean> = {
      all: true,
      revenue: s.periodMoney,
      outstanding: live && s.owedMinor > 0,
      upcoming: live && s.deliveredMilestones < s.milestones,
      onTime: s.periodOnTime > 0,
      late: s.periodDelivered > s.periodOnTime,
      collection: s.periodDelivered > 0,
      costs: s.periodCostsMinor > 0,
    };
    if (!keep[options.metric]) continue;
    rows.push({
      ...s,
      title: p.title,
      clientId: p.client_id,
      clientName: p.client_name,
      projectType: p.project_type,
      archived: !live,
      hoursMinutes: p.hours_minutes,
    });
  }
  const key: Record<DrillMetric, (r: ProjectAnalyticsRow) => number> = {
    all: (r) => r.profitMinor,
    revenue: (r) => r.periodRevenueMinor,
    outstanding: (r) => r.owedMinor,
    upcoming: (r) => r.totalMinor - r.paidMinor,
    onTime: (r) => r.periodOnTime,
    late: (r) => r.daysLate,
    collection: (r) => r.periodDelivered,
    costs: (r) => r.periodCostsMinor,
  };
  const by = key[options.metric];
  rows.sort(
    (a, b) =>
      by(b) - by(a) ||
      (a.title < b.title ? -1 : a.title > b.title ? 1 : 0) ||
      (a.projectId < b.projectId ? -1 : 1),
  );
  const offset = options.offset ?? 0;
  return {
    timeZone: data.timeZone,
    today: data.today,
    period: data.period,
    currencies: data.currencies,
    currency: data.currency,
    total: rows.length,
    projects:
      options.limit === undefined ? rows.slice(offset) : rows.slice(offset, offset + options.limit),
  };
}

function periodOf(options: Options, today: string): Period {
  const thisMonth = today.slice(0, 7);
  const to = options.to ?? (options.from !== undefined ? thisMonth : thisMonth);
  let from = options.from;
  if (from === undefined) {
    const [y, m] = to.split('-').map(Number) as [number, number];
    const start = y * 12 + (m - 1) - 11;
    from = `${String(Math.floor(start / 12)).padStart(4, '0')}-${String((start % 12) + 1).padStart(2, '0')}`;
  }
  if (from > to) {
    throw new AppError('VALIDATION_FAILED', 'The period starts after it ends', { field: 'from' });
  }
  if (monthsOf({ from, to }).length > MAX_PERIOD_MONTHS) {
    throw new AppError(
      'VALIDATION_FAILED',
      `A period is at most ${MAX_PERIOD_MONTHS} months long`,
      { field: 'from' },
    );
  }
  return { from, to };
}

async function load(options: Options): Promise<Loaded> {
  const user = await findUserById(options.db, options.ownerId);
  if (!user) throw notFound('User');
  const timeZone = user.time_zone || DEFAULT_TIME_ZONE;
  const today = todayIn(timeZone, nowOf(options));
  const period = periodOf(options, today);
  const projects = await listAnalyticsProjects(options.db, options.ownerId);
  const counts = new Map<string, number>();
  for (const p of projects) counts.set(p.currency, (counts.get(p.currency) ?? 0) + 1);
  const currencies = [...counts.entries()]
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
    .map(([c]) => c);
  const currency = options.currency ?? currencies[0] ?? null;
  const projectFacts = projects.map((p) => toProjectFact(p, timeZone));
  if (currency === null) {
    return {
      timeZone,
      today,
      period,
      currencies,
      currency,
      projects,
      projectFacts,
      milestones: [],
      movements: [],
      costs: [],
    };
  }
  const [milestoneRows, movementRows, costRows] = await Promise.all([
    listAnalyticsMilestones(options.db, options.ownerId, currency),
    listAnalyticsMovements(options.db, options.ownerId, currency),
    listAnalyticsCosts(options.db, options.ownerId, currency),
  ]);
  const milestones = toMilestoneFacts(milestoneRows, movementRows, timeZone);
  const movements = toMovementFacts(movementRows, timeZone);
  const costs = costRows.map(toCostFact);
  return {
    timeZone,
    today,
    period,
    currencies,
    currency,
    projects,
    projectFacts,
    milestones,
    movements,
    costs,
  };
}
