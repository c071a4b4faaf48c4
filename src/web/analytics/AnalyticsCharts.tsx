/**
 * The dashboard's charts (recharts, loaded only with this page). A chart is a picture for the
 * eye; the table after it, behind "Show table", carries the same figures for everyone else.
 */
import type { ReactNode } from 'react';
import { Bar, BarChart, CartesianGrid, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { useIntl } from 'react-intl';
import { useT } from '../i18n';
import type { Analytics } from './analytics-api';
import { useFigures } from './figures';

type Month = Analytics['revenue']['byMonth'][number];
type TypeRow = Analytics['byType'][number];
type Cohort = Analytics['retention']['cohorts'][number];

const AXIS = { fill: 'var(--muted)', fontSize: 12 };

function ChartCard(props: { id: string; heading: string; chart: ReactNode; table: ReactNode }) {
  const t = useT();
  return (
    <section className="card analytics-chart" aria-labelledby={`${props.id}-heading`}>
      <h2 id={`${props.id}-heading`}>{props.heading}</h2>
      {/* The picture only; its figures follow as a table. */}
      <div className="analytics-chart-area" aria-hidden="true">
        {props.chart}
      </div>
      <details className="analytics-table">
        <summary>{t('analytics.table.show')}</summary>
        {props.table}
      </details>
    </section>
  );
}

function useCompact(currency: string) {
  const intl = useIntl();
  return (minor: number) =>
    intl.formatNumber(minor / 100, {
      style: 'currency',
      currency,
      notation: 'compact',
      maximumFractionDigits: 1,
    });
}

export function RevenueChart(props: {
  rows: Month[];
  currency: string;
  monthLabel: (m: string) => string;
}) {
  const t = useT();
  const intl = useIntl();
  const { money } = useFigures(props.currency);
  const compact = useCompact(props.currency);
  const short = (m: string) =>
    intl.formatDate(`${m}-01T00:00:00Z`, { month: 'short', timeZone: 'UTC' });
  return (
    <ChartCard
      id="analytics-revenue"
      heading={t('analytics.chart.revenue')}
      chart={
        <ResponsiveContainer width="100%" height={240}>
          <BarChart data={props.rows} accessibilityLayer={false}>
            <CartesianGrid vertical={false} stroke="var(--divider)" />
            <XAxis dataKey="month" tickFormatter={short} tick={AXIS} interval="preserveStartEnd" />
            <YAxis tickFormatter={compact} tick={AXIS} width={64} />
            <Tooltip
              formatter={(value) => money(Number(value))}
              labelFormatter={(m) => props.monthLabel(String(m))}
              contentStyle={{ background: 'var(--surface)', borderColor: 'var(--border)' }}
            />
            <Bar
              dataKey="revenueMinor"
              name={t('analytics.table.revenue')}
              fill="var(--accent)"
              radius={[4, 4, 0, 0]}
            />
          </BarChart>
        </ResponsiveContainer>
      }
      table={
        <table>
          <caption className="visually-hidden">{t('analytics.chart.revenue')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('analytics.table.month')}</th>
              <th scope="col">{t('analytics.table.received')}</th>
              <th scope="col">{t('analytics.table.refunded')}</th>
              <th scope="col">{t('analytics.table.revenue')}</th>
            </tr>
          </thead>
          <tbody>
            {props.rows.map((row) => (
              <tr key={row.month}>
                <th scope="row">{props.monthLabel(row.month)}</th>
                <td>{money(row.receivedMinor)}</td>
                <td>{money(row.refundedMinor)}</td>
                <td>{money(row.revenueMinor)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      }
    />
  );
}

export function TypeChart(props: {
  rows: TypeRow[];
  currency: string;
  onPick: (projectType: string) => void;
}) {
  const t = useT();
  const { money, rate, hours } = useFigures(props.currency);
  const compact = useCompact(props.currency);
  const label = (type: string) => (type === '' ? t('analytics.type.none') : type);
  const data = props.rows.map((r) => ({ ...r, label: label(r.projectType) }));
  return (
    <ChartCard
      id="analytics-types"
      heading={t('analytics.chart.types')}
      chart={
        <ResponsiveContainer width="100%" height={Math.max(120, 44 * data.length + 40)}>
          <BarChart data={data} layout="vertical" accessibilityLayer={false}>
            <CartesianGrid horizontal={false} stroke="var(--divider)" />
            <XAxis type="number" tickFormatter={compact} tick={AXIS} />
            <YAxis type="category" dataKey="label" tick={AXIS} width={96} />
            <Tooltip
              formatter={(value) => money(Number(value))}
              contentStyle={{ background: 'var(--surface)', borderColor: 'var(--border)' }}
            />
            <Bar
              dataKey="profitMinor"
              name={t('analytics.table.profit')}
              fill="var(--success)"
              radius={[0, 4, 4, 0]}
            />
          </BarChart>
        </ResponsiveContainer>
      }
      table={
        <div className="table-scroll">
          <table>
            <caption className="visually-hidden">{t('analytics.chart.types')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('analytics.table.type')}</th>
                <th scope="col">{t('analytics.table.projects')}</th>
                <th scope="col">{t('analytics.table.revenue')}</th>
                <th scope="col">{t('analytics.table.costs')}</th>
                <th scope="col">{t('analytics.table.profit')}</th>
                <th scope="col">{t('analytics.table.margin')}</th>
                <th scope="col">{t('analytics.table.hours')}</th>
                <th scope="col">{t('analytics.table.rate')}</th>
              </tr>
            </thead>
            <tbody>
              {data.map((row) => (
                <tr key={row.projectType}>
                  <th scope="row">
                    <button
                      type="button"
                      className="link-button"
                      onClick={() => props.onPick(row.projectType)}
                    >
                      <bdi>{row.label}</bdi>
                    </button>
                  </th>
                  <td>{row.projects}</td>
                  <td>{money(row.revenueMinor)}</td>
                  <td>{money(row.costsMinor)}</td>
                  <td>{money(row.profitMinor)}</td>
                  <td>{rate(row.marginBp)}</td>
                  <td>{hours(row.hoursMinutes)}</td>
                  <td>
                    {row.hourlyRateMinor === null
                      ? t('analytics.none')
                      : money(row.hourlyRateMinor)}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      }
    />
  );
}

export function CohortChart(props: { rows: Cohort[]; monthLabel: (m: string) => string }) {
  const t = useT();
  const intl = useIntl();
  const short = (m: string) =>
    intl.formatDate(`${m}-01T00:00:00Z`, { month: 'short', year: '2-digit', timeZone: 'UTC' });
  const data = props.rows.map((r) => ({ ...r, once: r.clients - r.repeatClients }));
  return (
    <ChartCard
      id="analytics-cohorts"
      heading={t('analytics.chart.cohorts')}
      chart={
        <ResponsiveContainer width="100%" height={220}>
          <BarChart data={data} accessibilityLayer={false}>
            <CartesianGrid vertical={false} stroke="var(--divider)" />
            <XAxis dataKey="month" tickFormatter={short} tick={AXIS} interval="preserveStartEnd" />
            <YAxis allowDecimals={false} tick={AXIS} width={32} />
            <Tooltip
              labelFormatter={(m) => props.monthLabel(String(m))}
              contentStyle={{ background: 'var(--surface)', borderColor: 'var(--border)' }}
            />
            <Bar
              dataKey="repeatClients"
              stackId="c"
              name={t('analytics.table.repeat')}
              fill="var(--accent)"
            />
            <Bar
              dataKey="once"
              stackId="c"
              name={t('analytics.table.once')}
              fill="var(--border-control)"
            />
          </BarChart>
        </ResponsiveContainer>
      }
      table={
        <table>
          <caption className="visually-hidden">{t('analytics.chart.cohorts')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('analytics.table.firstProject')}</th>
              <th scope="col">{t('analytics.table.clients')}</th>
              <th scope="col">{t('analytics.table.repeat')}</th>
            </tr>
          </thead>
          <tbody>
            {props.rows.map((row) => (
              <tr key={row.month}>
                <th scope="row">{props.monthLabel(row.month)}</th>
                <td>{row.clients}</td>
                <td>{row.repeatClients}</td>
              </tr>
            ))}
          </tbody>
        </table>
      }
    />
  );
}
