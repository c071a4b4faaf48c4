/**
 * Settings → Contract terms: the freelancer's terms template per client language, the outside
 * mediator their contracts name, and the review window new projects start with. Saving changes
 * no stored contract: each project's contract follows on its next read (a new version for
 * projects the client has not accepted yet; accepted projects keep the terms they accepted).
 */
import type { Kysely } from 'kysely';
import { findUserById, updateUser } from '../db/queries/users';
import type { DB, UserRow } from '../db/schema';
import { renderContract, TEMPLATE_PLACEHOLDERS } from '../domain/contract';
import { storedTemplate, templateProblem, type TermsLocale } from '../domain/contract-terms';
import { AppError, notFound } from '../domain/errors';
import { contractWords } from '../i18n/contract';
import { nowOf, type ActionContext } from './context';

export interface ContractTerms {
  /** The freelancer's own template per language; empty: the default applies. */
  templates: Record<TermsLocale, string>;
  /** Milepost's default templates, to start from. */
  defaults: Record<TermsLocale, string>;
  mediator: string;
  reviewWindowDays: number;
  placeholders: string[];
}

const LOCALES: readonly TermsLocale[] = ['en', 'de'];

export function presentContractTerms(user: UserRow): ContractTerms {
  return {
    templates: { en: user.contract_template_en ?? '', de: user.contract_template_de ?? '' },
    defaults: { en: contractWords('en').template, de: contractWords('de').template },
    mediator: user.contract_mediator,
    reviewWindowDays: user.review_window_days,
    placeholders: [...TEMPLATE_PLACEHOLDERS],
  };
}

export async function readContractTerms(db: Kysely<DB>, userId: string): Promise<ContractTerms> {
  const user = await findUserById(db, userId);
  if (!user) throw notFound('User');
  return presentContractTerms(user);
}

function checkTemplate(template: string, locale: TermsLocale): void {
  const problem = templateProblem(template);
  if (problem !== null) {
    throw new AppError('VALIDATION_FAILED', `templates.${locale} ${problem}`, {
      field: `templates.${locale}`,
    });
  }
}

/** Saves the terms; templates equal to the default (or empty) are stored as "the default". */
export async function updateContractTerms(
  options: Pick<ActionContext, 'db' | 'clock'> & {
    userId: string;
    terms: { templates: Record<TermsLocale, string>; mediator: string; reviewWindowDays: number };
  },
): Promise<ContractTerms> {
  const { terms } = options;
  for (const locale of LOCALES) checkTemplate(terms.templates[locale], locale);
  const stored = (locale: TermsLocale) => {
    const template = storedTemplate(terms.templates[locale]);
    return template === contractWords(locale).template.trim() ? null : template;
  };
  const user = await updateUser(
    options.db,
    options.userId,
    {
      contract_template_en: stored('en'),
      contract_template_de: stored('de'),
      contract_mediator: terms.mediator.trim(),
      review_window_days: terms.reviewWindowDays,
    },
    nowOf(options).toISOString(),
  );
  return presentContractTerms(user);
}

/** The sample project the preview renders: three milestones, a deposit first. */
const SAMPLE = {
  en: {
    project: 'Brand identity',
    client: 'Bea Kraus, Kraus GmbH',
    milestones: ['Deposit', 'Logo and colours', 'Brand guidelines'],
    deliverables: ['', 'Logo in SVG and PNG\nColour palette', 'Guidelines as PDF'],
  },
  de: {
    project: 'Markenauftritt',
    client: 'Bea Kraus, Kraus GmbH',
    milestones: ['Anzahlung', 'Logo und Farben', 'Markenrichtlinien'],
    deliverables: ['', 'Logo als SVG und PNG\nFarbpalette', 'Richtlinien als PDF'],
  },
} as const;

/** The contract a sample project would get with these terms, in the given client language. */
export async function previewContractTerms(
  options: Pick<ActionContext, 'db' | 'clock'> & {
    userId: string;
    locale: TermsLocale;
    template: string;
    mediator: string;
    reviewWindowDays: number;
  },
): Promise<{ text: string }> {
  checkTemplate(options.template, options.locale);
  const user = await findUserById(options.db, options.userId);
  if (!user) throw notFound('User');
  const { labels, template: defaultTemplate } = contractWords(options.locale);
  const sample = SAMPLE[options.locale];
  const today = nowOf(options);
  const day = (weeks: number) =>
    new Date(today.getTime() + weeks * 7 * 86_400_000).toISOString().slice(0, 10);
  const { text } = renderContract({
    locale: options.locale,
    projectTitle: sample.project,
    currency: 'EUR',
    freelancer: user.business_name || user.name,
    client: sample.client,
    mediator: options.mediator,
    reviewWindowDays: options.reviewWindowDays,
    milestones: sample.milestones.map((title, i) => ({
      position: i + 1,
      title,
      deliverables: sample.deliverables[i] ?? '',
      dueDate: day(i * 3),
      amountMinor: [500_00, 2400_00, 1500_00][i] ?? 0,
      revisionRounds: i === 0 ? 0 : 2,
      isDeposit: i === 0,
    })),
    template: storedTemplate(options.template) ?? defaultTemplate,
    labels,
  });
  return { text };
}
