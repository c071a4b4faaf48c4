/**
 * The analytics figures from pre-summed cells, so a dashboard costs the same at ten projects and
 * at a hundred thousand. Each project and each client contributes a few cells (integer counts and
 * minor units keyed by currency, metric, month and one or two keys); the database keeps, per
 * owner, the sum of every cell, and `figuresFromSums` turns those sums into the same `Figures`
 * that `computeFigures` computes from the rows (src/domain/analytics.ts defines them; the ratio,
 * median and mean arithmetic stays there). test/unit/analytics-sums.test.ts checks the two agree.
 *
 * Why cells per source: a change to a project replaces that project's cells and adds the
 * difference to the owner's sums, inside the change's transaction; a rebuild from the rows gives
 * the same sums (test/integration/analytics-sums.test.ts).
 *
 * Months are the freelancer's (their time zone turns instants into days), so changing the time
 * zone rebuilds the owner's cells.
 */
import {
  collectedMinor,
  daysBetween,
  emptyTypeSums,
  figuresOf,
  meanTenthsOfCounts,
  medianOfCounts,
  monthsOf,
  owedMinor,
  type CostFact,
  type Day,
  type Figures,
  type MilestoneFact,
  type Month,
  type MonthRevenue,
  type MovementFact,
  type Period,
  type ProjectFact,
  type TypeSums,
} from './analytics';

export const SUM_METRICS = [
  /** Projects per currency (month ''): the currency list. */
  'projects',
  /** Credited payments / refunds by the month they moved. */
  'received',
  'refunded',
  /** Net revenue by month (month) of projects whose client became a repeat client in `key`. */
  'repeatRevenue',
  /** Today's state of live projects (month ''). */
  'outstandingMinor',
  'outstandingCount',
  'upcomingMinor',
  'upcomingCount',
  /** Milestones by the month they were delivered. */
  'delivered',
  'onTime',
  'deliveredMinor',
  'collectedMinor',
  /** Paid milestones delivered in `month`, `key` = whole days from delivery to payment. */
  'payDays',
  /** Projects by the month their last milestone was delivered. */
  'completed',
  'completedOnTime',
  /** Costs by the month they were spent (the cost's currency). */
  'costs',
  /** Per project type (`key`): net revenue and costs by month. */
  'typeRevenue',
  'typeCosts',
  /**
   * A project of type `key` with money moving or costs in `month`, `sub` = its previous such
   * month ('' for none): the projects active in months a..b are the cells with a ≤ month ≤ b and
   * sub < a, each counted once (at its first active month in the range).
   */
  'typeActive',
  /** Per project type (`key`, month ''): minutes and lifetime profit of projects with hours. */
  'typeMinutes',
  'typeHourlyProfit',
  /** Clients (currency ''): `month` = month of their first project, `key` = of their second. */
  'clients',
] as const;
export type SumMetric = (typeof SUM_METRICS)[number];

export interface SumCell {
  currency: string;
  metric: SumMetric;
  month: string;
  key: string;
  sub: string;
  value: number;
}

const cellId = (c: Omit<SumCell, 'value'>): string =>
  `${c.currency}\u0000${c.metric}\u0000${c.month}\u0000${c.key}\u0000${c.sub}`;

/** Adds cells with the same coordinates together, dropping zeros. */
export function mergeCells(cells: Iterable<SumCell>): SumCell[] {
  const out = new Map<string, SumCell>();
  for (const c of cells) {
    const id = cellId(c);
    const seen = out.get(id);
    if (seen) seen.value += c.value;
    else out.set(id, { ...c });
  }
  return [...out.values()].filter((c) => c.value !== 0);
}

/** The change from `before` to `after`, as cells to add (zeros dropped). */
export function cellDelta(before: readonly SumCell[], after: readonly SumCell[]): SumCell[] {
  return mergeCells([...after, ...before.map((c) => ({ ...c, value: -c.value }))]);
}

const monthOf = (day: Day): Month => day.slice(0, 7);

export interface ProjectSumInput {
  project: ProjectFact;
  /** Month of the second project of the project's client ('' while it has one). */
  clientRepeatMonth: Month | '';
  /** This project's milestones, credited movements, and costs (any currency). */
  milestones: readonly MilestoneFact[];
  movements: readonly MovementFact[];
  costs: readonly (CostFact & { currency: string })[];
}

/** The cells one project contributes. */
export function projectCells(input: ProjectSumInput): SumCell[] {
  const { project } = input;
  const currency = project.currency;
  const type = project.projectType;
  const cells: SumCell[] = [];
  const add = (metric: SumMetric, month: string, value: number, key = '', sub = '') => {
    if (value !== 0) cells.push({ currency, metric, month, key, sub, value });
  };
  add('projects', '', 1);
  const active = new Set<Month>();
  let lifetimeRevenue = 0;
  for (const mv of input.movements) {
    const month = monthOf(mv.day);
    const signed = mv.kind === 'payment' ? mv.amountMinor : -mv.amountMinor;
    lifetimeRevenue += signed;
    add(mv.kind === 'payment' ? 'received' : 'refunded', month, mv.amountMinor);
    if (input.clientRepeatMonth !== '')
      add('repeatRevenue', month, signed, input.clientRepeatMonth);
    add('typeRevenue', month, signed, type);
    active.add(month);
  }
  let lifetimeCosts = 0;
  for (const c of input.costs) {
    const month = monthOf(c.day);
    cells.push({
      currency: c.currency,
      metric: 'costs',
      month,
      key: '',
      sub: '',
      value: c.amountMinor,
    });
    if (c.currency !== currency) continue;
    lifetimeCosts += c.amountMinor;
    add('typeCosts', month, c.amountMinor, type);
    if (c.amountMinor !== 0) active.add(month);
  }
  let previous = '';
  for (const month of [...active].sort()) {
    add('typeActive', month, 1, type, previous);
    previous = month;
  }
  if (project.hoursMinutes !== null && project.hoursMinutes > 0) {
    add('typeMinutes', '', project.hoursMinutes, type);
    add('typeHourlyProfit', '', lifetimeRevenue - lifetimeCosts, type);
  }
  const live = !project.archived;
  let all = input.milestones.length > 0;
  let last = '';
  let due = '';
  for (const m of input.milestones) {
    if (live && m.status === 'delivered') {
      const owed = owedMinor(m);
      if (owed > 0) {
        add('outstandingMinor', '', owed);
        add('outstandingCount', '', 1);
      }
    }
    if (live && (m.status === 'open' || m.status === 'locked')) {
      add('upcomingMinor', '', m.amountMinor);
      add('upcomingCount', '', 1);
    }
    if (m.dueDate > due) due = m.dueDate;
    if (m.deliveredDay === null) {
      all = false;
      continue;
    }
    if (m.deliveredDay > last) last = m.deliveredDay;
    const month = monthOf(m.deliveredDay);
    add('delivered', month, 1);
    if (m.deliveredDay <= m.dueDate) add('onTime', month, 1);
    add('deliveredMinor', month, m.amountMinor);
    add('collectedMinor', month, collectedMinor(m));
    if (m.status === 'paid' && m.paidDay !== null) {
      add('payDays', month, 1, String(Math.max(0, daysBetween(m.deliveredDay, m.paidDay))));
    }
  }
  if (all) {
    add('completed', monthOf(last), 1);
    if (last <= due) add('completedOnTime', monthOf(last), 1);
  }
  return mergeCells(cells);
}

/** The cell one client contributes, from the days its projects were created (any currency). */
export function clientCells(createdDays: readonly Day[]): SumCell[] {
  if (createdDays.length === 0) return [];
  const [first, second] = [...createdDays].sort();
  return [
    {
      currency: '',
      metric: 'clients',
      month: monthOf(first ?? ''),
      key: second === undefined ? '' : monthOf(second),
      sub: '',
      value: 1,
    },
  ];
}

/** The month a client became a repeat client ('' while it has one project). */
export function repeatMonth(createdDays: readonly Day[]): Month | '' {
  return clientCells(createdDays)[0]?.key ?? '';
}

/** The currencies with projects, most projects first (as the dashboard lists them). */
export function currenciesFromSums(sums: readonly SumCell[]): string[] {
  return sums
    .filter((c) => c.metric === 'projects' && c.value > 0)
    .sort((a, b) => b.value - a.value || (a.currency < b.currency ? -1 : 1))
    .map((c) => c.currency);
}

/**
 * The figures for a period and a currency from the owner's sums (cells of that currency and of
 * currency ''; extra cells are ignored). The same result as computeFigures over the rows.
 */
export function figuresFromSums(input: {
  period: Period;
  currency: string;
  sums: readonly SumCell[];
}): Figures {
  const { period, currency } = input;
  const months = monthsOf(period);
  const inRange = (month: string) => month >= period.from && month <= period.to;
  const byMonth = new Map<Month, MonthRevenue>(
    months.map((month) => [month, { month, receivedMinor: 0, refundedMinor: 0, revenueMinor: 0 }]),
  );
  const outstanding = { amountMinor: 0, milestones: 0 };
  const upcoming = { amountMinor: 0, milestones: 0 };
  let delivered = 0;
  let onTime = 0;
  let deliveredMinor = 0;
  let paidMinor = 0;
  let projectsCompleted = 0;
  let projectsOnTime = 0;
  let repeatRevenueMinor = 0;
  let costsMinor = 0;
  const payDays = new Map<number, number>();
  const cohorts = new Map(months.map((month) => [month, { month, clients: 0, repeatClients: 0 }]));
  let clients = 0;
  let repeatClients = 0;
  const types = new Map<string, TypeSums>();
  const typeOf = (key: string) => {
    let t = types.get(key);
    if (!t) {
      t = emptyTypeSums();
      types.set(key, t);
    }
    return t;
  };
  for (const c of input.sums) {
    if (c.metric === 'clients') {
      if (c.currency !== '' || c.month > period.to) continue;
      clients += c.value;
      const repeat = c.key !== '' && c.key <= period.to;
      if (repeat) repeatClients += c.value;
      const cohort = cohorts.get(c.month);
      if (cohort) {
        cohort.clients += c.value;
        if (repeat) cohort.repeatClients += c.value;
      }
      continue;
    }
    if (c.currency !== currency) continue;
    switch (c.metric) {
      case 'outstandingMinor':
        outstanding.amountMinor += c.value;
        continue;
      case 'outstandingCount':
        outstanding.milestones += c.value;
        continue;
      case 'upcomingMinor':
        upcoming.amountMinor += c.value;
        continue;
      case 'upcomingCount':
        upcoming.milestones += c.value;
        continue;
      case 'typeMinutes':
        typeOf(c.key).hours += c.value;
        continue;
      case 'typeHourlyProfit':
        typeOf(c.key).hourlyProfit += c.value;
        continue;
      case 'typeActive':
        if (inRange(c.month) && c.sub < period.from) typeOf(c.key).projects += c.value;
        continue;
      case 'projects':
        continue;
      default:
        break;
    }
    if (!inRange(c.month)) continue;
    switch (c.metric) {
      case 'received': {
        const row = byMonth.get(c.month);
        if (row) {
          row.receivedMinor += c.value;
          row.revenueMinor += c.value;
        }
        break;
      }
      case 'refunded': {
        const row = byMonth.get(c.month);
        if (row) {
          row.refundedMinor += c.value;
          row.revenueMinor -= c.value;
        }
        break;
      }
      case 'repeatRevenue':
        if (c.key <= period.to) repeatRevenueMinor += c.value;
        break;
      case 'delivered':
        delivered += c.value;
        break;
      case 'onTime':
        onTime += c.value;
        break;
      case 'deliveredMinor':
        deliveredMinor += c.value;
        break;
      case 'collectedMinor':
        paidMinor += c.value;
        break;
      case 'payDays': {
        const days = Number(c.key);
        payDays.set(days, (payDays.get(days) ?? 0) + c.value);
        break;
      }
      case 'completed':
        projectsCompleted += c.value;
        break;
      case 'completedOnTime':
        projectsOnTime += c.value;
        break;
      case 'costs':
        costsMinor += c.value;
        break;
      case 'typeRevenue':
        typeOf(c.key).revenue += c.value;
        break;
      case 'typeCosts':
        typeOf(c.key).costs += c.value;
        break;
      default:
        break;
    }
  }
  return figuresOf({
    byMonth: [...byMonth.values()],
    outstanding,
    upcoming,
    delivered,
    onTime,
    projectsCompleted,
    projectsOnTime,
    deliveredMinor,
    paidMinor,
    paidMilestones: [...payDays.values()].reduce((a, n) => a + n, 0),
    medianDaysToPayment: medianOfCounts(payDays),
    meanDaysToPayment: meanTenthsOfCounts(payDays),
    clients,
    repeatClients,
    repeatRevenueMinor,
    cohorts: [...cohorts.values()],
    costsMinor,
    types,
  });
}
