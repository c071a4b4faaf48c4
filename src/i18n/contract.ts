import type { ContractLabels } from '../domain/contract';
import { MESSAGES } from './intl';
import type { Locale } from './locales';

/**
 * The contract's fixed words and default terms template in one language, as written in the
 * messages (raw, not ICU-formatted): src/domain/contract.ts fills their {placeholders} itself,
 * because a freelancer's own template uses the same placeholders.
 */
export function contractWords(locale: Locale): { labels: ContractLabels; template: string } {
  const m = MESSAGES[locale];
  return {
    labels: {
      heading: m['contract.heading'],
      freelancer: m['contract.freelancer'],
      client: m['contract.client'],
      currency: m['contract.currency'],
      milestones: m['contract.milestones'],
      milestone: m['contract.milestone'],
      amount: m['contract.amount'],
      due: m['contract.due'],
      deliverables: m['contract.deliverables'],
      revisions: m['contract.revisions'],
      deposit: m['contract.deposit'],
      total: m['contract.total'],
      reviewWindow: m['contract.reviewWindow'],
      mediator: m['contract.mediator'],
      terms: m['contract.terms'],
      mediatorUnnamed: m['contract.mediatorUnnamed'],
    },
    template: m['contract.template'],
  };
}
