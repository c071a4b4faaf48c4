import { useT } from '../i18n';

/** What each figure means — the same definitions as the README and src/domain/analytics.ts. */
export function AnalyticsHelp() {
  const t = useT();
  return (
    <details className="card analytics-help">
      <summary>{t('analytics.help.heading')}</summary>
      <dl>
        <dt>{t('analytics.help.periodTerm')}</dt>
        <dd>{t('analytics.help.period')}</dd>
        <dt>{t('analytics.kpi.revenue')}</dt>
        <dd>{t('analytics.help.revenue')}</dd>
        <dt>{t('analytics.kpi.collection')}</dt>
        <dd>{t('analytics.help.collection')}</dd>
        <dt>{t('analytics.kpi.onTime')}</dt>
        <dd>{t('analytics.help.onTime')}</dd>
        <dt>{t('analytics.kpi.daysToPay')}</dt>
        <dd>{t('analytics.help.daysToPay')}</dd>
        <dt>{t('analytics.kpi.outstanding')}</dt>
        <dd>{t('analytics.help.outstanding')}</dd>
        <dt>{t('analytics.kpi.profit')}</dt>
        <dd>{t('analytics.help.profit')}</dd>
        <dt>{t('analytics.kpi.retention')}</dt>
        <dd>{t('analytics.help.retention')}</dd>
      </dl>
    </details>
  );
}
