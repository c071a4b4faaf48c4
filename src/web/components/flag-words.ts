/**
 * Why a Stripe payment was flagged, in the screen's language: from the problems the activity
 * entry keeps as data (src/domain/flag-reasons.ts), else its recorded English sentence (entries
 * written before the problems were kept), else "not recorded".
 */
import { isFlagProblem, type FlagProblem } from '../../domain/flag-reasons';
import type { Translate } from '../i18n';
import type { Format } from '../i18n/format';

function problemWords(p: FlagProblem, t: Translate, f: Format): string {
  switch (p.kind) {
    case 'otherMilestone':
      return t('payments.flag.otherMilestone');
    case 'currency':
      return t('payments.flag.currency', { got: p.got, expected: p.expected });
    case 'amount':
      return t('payments.flag.amount', {
        got: p.gotMinor === null ? '?' : f.money(p.gotMinor, p.currency),
        expected: f.money(p.expectedMinor, p.currency),
      });
    case 'mode':
      return p.live ? t('payments.flag.liveOnTest') : t('payments.flag.testOnLive');
  }
}

export function flagWhy(
  details: Record<string, unknown>,
  t: Translate,
  f: Format,
  noReason: string,
): string {
  const { problems, reason } = details;
  if (Array.isArray(problems) && problems.length > 0 && problems.every(isFlagProblem))
    return problems.map((p) => problemWords(p, t, f)).join('; ');
  return typeof reason === 'string' && reason !== '' ? reason : noReason;
}
