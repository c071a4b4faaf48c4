/**
 * The freelancer's business at a glance (GET /api/analytics): headline figures, revenue by
 * month, profit by project type and clients by first project — every chart followed by its
 * table — for a period and one currency at a time, with the projects behind a figure and their
 * CSV. The period, currency and drill-down live in the address, so a view can be linked.
 */
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useIntl } from 'react-intl';
import { Link, useSearchParams } from 'react-router';
import { ErrorBanner, Loading } from '../components/Notice';
import { useTitle } from '../hooks';
import { useT } from '../i18n';
import {
  analyticsApi,
  analyticsKeys,
  type Analytics,
  type AnalyticsFilter,
  type DrillMetric,
} from './analytics-api';
import { CohortChart, RevenueChart, TypeChart } from './AnalyticsCharts';
import { AnalyticsHelp } from './AnalyticsHelp';
import { DrillDown } from './DrillDown';
import { useFigures } from './figures';
import './analytics.css';

export const PERIODS = ['last12', 'thisYear', 'lastYear', 'last24'] as const;
export type Period = (typeof PERIODS)[number];

const month = (d: Date) => d.toISOString().slice(0, 7);

/** The months a preset covers, counted from this month. */
export function periodRange(period: Period, now = new Date()): { from: string; to: string } {
  const y = now.getUTCFullYear();
  const m = now.getUTCMonth();
  switch (period) {
    case 'thisYear':
      return { from: `${y}-01`, to: month(now) };
    case 'lastYear':
      return { from: `${y - 1}-01`, to: `${y - 1}-12` };
    case 'last24':
      return { from: month(new Date(Date.UTC(y, m - 23, 1))), to: month(now) };
    case 'last12':
      return { from: month(new Date(Date.UTC(y, m - 11, 1))), to: month(now) };
  }
}

const isPeriod = (v: string | null): v is Period => PERIODS.some((p) => p === v);
const METRICS: DrillMetric[] = [
  'all',
  'revenue',
  'outstanding',
  'upcoming',
  'onTime',
  'late',
  'collection',
  'costs',
];
const isMetric = (v: string | null): v is DrillMetric => METRICS.some((m) => m === v);

export function AnalyticsPage() {
  const t = useT();
  useTitle(t('analytics.title'));
  const [params, setParams] = useSearchParams();
  const periodParam = params.get('period');
  const period: Period = isPeriod(periodParam) ? periodParam : 'last12';
  const filter: AnalyticsFilter = {
    ...periodRange(period),
    currency: params.get('currency') ?? undefined,
  };
  const { data, error, isPending } = useQuery({
    queryKey: analyticsKeys.figures(filter),
    queryFn: () => analyticsApi.figures(filter),
    placeholderData: keepPreviousData,
  });
  const metricParam = params.get('metric');
  const metric = isMetric(metricParam) ? metricParam : undefined;
  const projectType = params.get('type') ?? undefined;

  const change = (next: Record<string, string | undefined>) =>
    setParams(
      (current) => {
        const merged = new URLSearchParams(current);
        for (const [k, v] of Object.entries(next)) {
          if (v === undefined) merged.delete(k);
          else merged.set(k, v);
        }
        return merged;
      },
      { replace: true, preventScrollReset: true },
    );
  const drill = (m: DrillMetric, type?: string) => {
    change({ metric: m, type });
    requestAnimationFrame(() => document.getElementById('analytics-drill')?.focus());
  };

  return (
    <div className="analytics stack">
      <h1>{t('analytics.title')}</h1>
      <p className="lead">{t('analytics.lead')}</p>
      <form className="analytics-controls" onSubmit={(e) => e.preventDefault()}>
        <div className="field">
          <label htmlFor="analytics-period">{t('analytics.period.label')}</label>
          <select
            id="analytics-period"
            value={period}
            onChange={(e) => change({ period: e.target.value })}
          >
            <option value="last12">{t('analytics.period.last12')}</option>
            <option value="thisYear">{t('analytics.period.thisYear')}</option>
            <option value="lastYear">{t('analytics.period.lastYear')}</option>
            <option value="last24">{t('analytics.period.last24')}</option>
          </select>
        </div>
        {data && data.currencies.length > 0 ? (
          <div className="field">
            <label htmlFor="analytics-currency">{t('analytics.currency.label')}</label>
            <select
              id="analytics-currency"
              value={data.currency ?? ''}
              aria-describedby="analytics-currency-note"
              onChange={(e) => change({ currency: e.target.value })}
            >
              {data.currencies.map((c) => (
                <option key={c} value={c}>
                  {c}
                </option>
              ))}
            </select>
            <p id="analytics-currency-note" className="hint">
              {t('analytics.currency.note')}
            </p>
          </div>
        ) : null}
      </form>
      <ErrorBanner message={error?.message} />
      {isPending && !data ? <Loading what={t('analytics.loading')} /> : null}
      {data && data.currency === null ? (
        <section className="card empty">
          <h2>{t('analytics.empty.heading')}</h2>
          <p>{t('analytics.empty.explain')}</p>
          <p>
            <Link to="/app/projects/new">{t('analytics.empty.action')}</Link>
          </p>
        </section>
      ) : null}
      {data && data.currency !== null ? (
        <Dashboard data={data} currency={data.currency} onDrill={drill} />
      ) : null}
      {data && data.currency !== null && metric ? (
        <DrillDown
          filter={{ ...filter, currency: data.currency, metric, projectType }}
          onClose={() => change({ metric: undefined, type: undefined })}
        />
      ) : null}
      <AnalyticsHelp />
    </div>
  );
}

function Dashboard({
  data,
  currency,
  onDrill,
}: {
  data: Analytics;
  currency: string;
  onDrill: (metric: DrillMetric, type?: string) => void;
}) {
  const t = useT();
  const intl = useIntl();
  const { rate, money, days } = useFigures(currency);
  const monthLabel = (m: string) =>
    intl.formatDate(`${m}-01T00:00:00Z`, { month: 'long', year: 'numeric', timeZone: 'UTC' });
  const r = data.revenue;
  const kpis: {
    id: string;
    label: string;
    value: string;
    hint: string;
    metric: DrillMetric;
  }[] = [
    {
      id: 'revenue',
      label: t('analytics.kpi.revenue'),
      value: money(r.revenueMinor),
      hint: t('analytics.kpi.revenueHint', {
        received: money(r.receivedMinor),
        refunded: money(r.refundedMinor),
      }),
      metric: 'revenue',
    },
    {
      id: 'collection',
      label: t('analytics.kpi.collection'),
      value: rate(data.collection.rateBp),
      hint: t('analytics.kpi.collectionHint', {
        paid: money(data.collection.paidMinor),
        delivered: money(data.collection.deliveredMinor),
      }),
      metric: 'collection',
    },
    {
      id: 'onTime',
      label: t('analytics.kpi.onTime'),
      value: rate(data.onTime.rateBp),
      hint: t('analytics.kpi.onTimeHint', {
        onTime: data.onTime.onTime,
        delivered: data.onTime.delivered,
        projectRate: rate(data.onTime.projectRateBp),
      }),
      metric: 'onTime',
    },
    {
      id: 'daysToPay',
      label: t('analytics.kpi.daysToPay'),
      value: days(data.collection.medianDaysToPayment),
      hint: t('analytics.kpi.daysToPayHint', {
        mean: days(data.collection.meanDaysToPayment),
        count: data.collection.paidMilestones,
      }),
      metric: 'collection',
    },
    {
      id: 'outstanding',
      label: t('analytics.kpi.outstanding'),
      value: money(data.outstanding.amountMinor),
      hint: t('analytics.kpi.outstandingHint', { count: data.outstanding.milestones }),
      metric: 'outstanding',
    },
    {
      id: 'upcoming',
      label: t('analytics.kpi.upcoming'),
      value: money(data.upcoming.amountMinor),
      hint: t('analytics.kpi.upcomingHint', { count: data.upcoming.milestones }),
      metric: 'upcoming',
    },
    {
      id: 'profit',
      label: t('analytics.kpi.profit'),
      value: money(data.costs.profitMinor),
      hint: t('analytics.kpi.profitHint', {
        costs: money(data.costs.costsMinor),
        margin: rate(data.costs.marginBp),
      }),
      metric: 'costs',
    },
    {
      id: 'retention',
      label: t('analytics.kpi.retention'),
      value: rate(data.retention.repeatClientShareBp),
      hint: t('analytics.kpi.retentionHint', {
        repeat: data.retention.repeatClients,
        clients: data.retention.clients,
        share: rate(data.retention.repeatRevenueShareBp),
      }),
      metric: 'all',
    },
  ];
  return (
    <>
      <p className="muted analytics-period" aria-live="polite">
        {t('analytics.period.range', {
          from: monthLabel(data.period.from),
          to: monthLabel(data.period.to),
          currency,
        })}
      </p>
      <ul className="analytics-kpis" aria-label={t('analytics.kpi.heading')}>
        {kpis.map((k) => (
          <li key={k.id} className="card analytics-kpi" data-kpi={k.id}>
            <span className="analytics-kpi-label">{k.label}</span>
            <strong className="analytics-kpi-value">{k.value}</strong>
            <span className="muted analytics-kpi-hint">{k.hint}</span>
            <button
              type="button"
              className="link-button"
              aria-label={t('analytics.drill.link', { figure: k.label })}
              onClick={() => onDrill(k.metric)}
            >
              {t('analytics.drill.show')}
            </button>
          </li>
        ))}
      </ul>
      <RevenueChart rows={r.byMonth} currency={currency} monthLabel={monthLabel} />
      <TypeChart rows={data.byType} currency={currency} onPick={(type) => onDrill('all', type)} />
      <CohortChart rows={data.retention.cohorts} monthLabel={monthLabel} />
    </>
  );
}
