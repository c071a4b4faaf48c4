/** The projects behind a figure (GET /api/analytics/projects), with their CSV. */
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { Link } from 'react-router';
import { ErrorBanner, Loading } from '../components/Notice';
import { useT } from '../i18n';
import { analyticsApi, analyticsKeys, exportCsvUrl, type DrillFilter } from './analytics-api';
import { useFigures } from './figures';

export function DrillDown({ filter, onClose }: { filter: DrillFilter; onClose: () => void }) {
  const t = useT();
  const { money, rate } = useFigures(filter.currency ?? '');
  const { data, error, isPending } = useQuery({
    queryKey: analyticsKeys.projects(filter),
    queryFn: () => analyticsApi.projects(filter),
    placeholderData: keepPreviousData,
  });
  const metricName = {
    all: t('analytics.metric.all'),
    revenue: t('analytics.metric.revenue'),
    outstanding: t('analytics.metric.outstanding'),
    upcoming: t('analytics.metric.upcoming'),
    onTime: t('analytics.metric.onTime'),
    late: t('analytics.metric.late'),
    collection: t('analytics.metric.collection'),
    costs: t('analytics.metric.costs'),
  }[filter.metric];
  const heading =
    filter.projectType === undefined
      ? metricName
      : t('analytics.drill.ofType', {
          type: filter.projectType === '' ? t('analytics.type.none') : filter.projectType,
        });
  return (
    <section
      className="card stack analytics-drill"
      aria-labelledby="analytics-drill"
      data-metric={filter.metric}
    >
      <div className="analytics-drill-head">
        <h2 id="analytics-drill" tabIndex={-1}>
          {t('analytics.drill.heading', { figure: heading })}
        </h2>
        <div className="analytics-drill-actions">
          <a className="button button-secondary" href={exportCsvUrl(filter)} download>
            {t('analytics.export')}
          </a>
          <button type="button" className="button button-secondary" onClick={onClose}>
            {t('analytics.drill.close')}
          </button>
        </div>
      </div>
      <ErrorBanner message={error?.message} />
      {isPending && !data ? <Loading what={t('analytics.drill.loading')} /> : null}
      {data && data.projects.length === 0 ? <p>{t('analytics.drill.empty')}</p> : null}
      {data && data.projects.length > 0 ? (
        <>
          <p className="muted">
            {t('analytics.drill.count', { shown: data.projects.length, total: data.total })}
          </p>
          <div className="table-scroll">
            <table>
              <thead>
                <tr>
                  <th scope="col">{t('analytics.table.project')}</th>
                  <th scope="col">{t('analytics.table.client')}</th>
                  <th scope="col">{t('analytics.table.progress')}</th>
                  <th scope="col">{t('analytics.table.paid')}</th>
                  <th scope="col">{t('analytics.table.owed')}</th>
                  <th scope="col">{t('analytics.table.daysLate')}</th>
                  <th scope="col">{t('analytics.table.profit')}</th>
                </tr>
              </thead>
              <tbody>
                {data.projects.map((p) => (
                  <tr key={p.projectId}>
                    <th scope="row">
                      <Link to={`/app/projects/${p.projectId}`}>
                        <bdi>{p.title}</bdi>
                      </Link>
                    </th>
                    <td>
                      <bdi>{p.clientName}</bdi>
                    </td>
                    <td>
                      {t('analytics.drill.progress', {
                        delivered: p.deliveredMilestones,
                        milestones: p.milestones,
                        rate: rate(p.progressBp),
                      })}
                    </td>
                    <td>
                      {money(p.paidMinor)} / {money(p.totalMinor)}
                    </td>
                    <td>{money(p.owedMinor)}</td>
                    <td>{p.daysLate}</td>
                    <td>{money(p.profitMinor)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      ) : null}
    </section>
  );
}
