/** How the dashboard writes its figures: money in one currency, rates from basis points, days. */
import { useIntl } from 'react-intl';
import { useT } from '../i18n';
import { useFormat } from '../i18n/format';

export function useFigures(currency: string) {
  const t = useT();
  const f = useFormat();
  const intl = useIntl();
  return {
    money: (minor: number) => f.money(minor, currency),
    /** Basis points as a percentage; "–" where there was nothing to divide by. */
    rate: (bp: number | null) =>
      bp === null
        ? t('analytics.none')
        : intl.formatNumber(bp / 10_000, { style: 'percent', maximumFractionDigits: 1 }),
    days: (value: number | null) =>
      value === null
        ? t('analytics.none')
        : t('analytics.days', {
            days: value,
            shown: intl.formatNumber(value, { maximumFractionDigits: 1 }),
          }),
    hours: (minutes: number | null) =>
      minutes === null || minutes === 0
        ? t('analytics.none')
        : intl.formatNumber(minutes / 60, { maximumFractionDigits: 1 }),
  };
}
