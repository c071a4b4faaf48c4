/**
 * The contract a client accepts: plain text generated from the project, its milestones and the
 * freelancer's terms template, with the SHA-256 of its exact bytes. Pure and deterministic — the
 * same input always gives the same text and hash — so a version can be regenerated and compared,
 * and the hash a client accepted proves which words they saw. Words come in as `labels` (from the
 * i18n messages) so this floor imports nothing above it.
 */
import { createHash } from 'node:crypto';
import { formatMoney } from './money';

/** Revision rounds included per milestone when the project does not say otherwise. */
export const DEFAULT_REVISION_ROUNDS = 2;
/** Days the client has to review a delivery when the project does not say otherwise. */
export const DEFAULT_REVIEW_WINDOW_DAYS = 14;

export interface ContractMilestone {
  position: number;
  title: string;
  deliverables: string;
  /** Calendar date "YYYY-MM-DD". */
  dueDate: string;
  amountMinor: number;
  revisionRounds?: number | null;
  /** A deposit: payable as soon as it opens (when the project starts), nothing to deliver. */
  isDeposit?: boolean | null;
  /** The stored milestone this describes; null or left out: a planned one (change orders). */
  id?: string | null;
}

/** The contract's fixed words, each with `{placeholders}` this module fills. */
export interface ContractLabels {
  /** {project} */
  heading: string;
  /** {freelancer} */
  freelancer: string;
  /** {client} */
  client: string;
  /** {currency} */
  currency: string;
  milestones: string;
  /** {position} {title} */
  milestone: string;
  /** {amount} */
  amount: string;
  /** {date} */
  due: string;
  deliverables: string;
  /** {count} */
  revisions: string;
  /** Said of a deposit milestone. */
  deposit: string;
  /** {total} */
  total: string;
  /** {days} */
  reviewWindow: string;
  /** {mediator} */
  mediator: string;
  terms: string;
  /** Who mediates when the project names nobody. */
  mediatorUnnamed: string;
}

export interface ContractInput {
  /** BCP 47 tag for amounts and dates ("en", "de"). */
  locale: string;
  projectTitle: string;
  currency: string;
  freelancer: string;
  client: string;
  mediator?: string | null;
  reviewWindowDays?: number | null;
  milestones: readonly ContractMilestone[];
  /** The freelancer's terms, with placeholders such as {freelancer}, {client}, {total}. */
  template: string;
  labels: ContractLabels;
}

export interface RenderedContract {
  text: string;
  /** Lowercase hex SHA-256 of the UTF-8 bytes of `text`. */
  sha256: string;
}

/** The placeholders a terms template may use. */
export const TEMPLATE_PLACEHOLDERS = [
  'freelancer',
  'client',
  'project',
  'total',
  'currency',
  'mediator',
  'reviewDays',
  'milestoneCount',
  'revisionRounds',
] as const;

/** Replaces `{name}` for known names; anything else (including unknown braces) stays as written. */
export function fillPlaceholders(
  template: string,
  values: Readonly<Record<string, string>>,
): string {
  return template.replace(/\{([A-Za-z][A-Za-z0-9]*)\}/g, (whole, name: string) =>
    Object.hasOwn(values, name) ? (values[name] as string) : whole,
  );
}

/** "2026-03-05" in the locale's long form, the same day wherever the server runs. */
function formatCalendarDate(locale: string, day: string): string {
  const parsed = new Date(`${day}T00:00:00Z`);
  if (Number.isNaN(parsed.getTime())) return day;
  return new Intl.DateTimeFormat(locale, { dateStyle: 'long', timeZone: 'UTC' }).format(parsed);
}

/** Line endings as \n, no trailing spaces, NFC: one spelling of the same words, one hash. */
function normalizeText(text: string): string {
  return text
    .replace(/\r\n?/g, '\n')
    .split('\n')
    .map((line) => line.trimEnd())
    .join('\n')
    .normalize('NFC');
}

function roundsOf(milestone: ContractMilestone): number {
  const rounds = milestone.revisionRounds;
  return rounds === undefined || rounds === null ? DEFAULT_REVISION_ROUNDS : rounds;
}

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

export function renderContract(input: ContractInput): RenderedContract {
  const { labels, locale, currency } = input;
  const money = (minor: number) => formatMoney(minor, currency, locale);
  const milestones = [...input.milestones].sort((a, b) => a.position - b.position);
  const totalMinor = milestones.reduce((sum, m) => sum + m.amountMinor, 0);
  const total = money(totalMinor);
  const reviewDays = input.reviewWindowDays ?? DEFAULT_REVIEW_WINDOW_DAYS;
  const mediator = input.mediator?.trim() ? input.mediator.trim() : labels.mediatorUnnamed;
  const rounds = new Set(milestones.map(roundsOf));

  const lines: string[] = [
    fillPlaceholders(labels.heading, { project: input.projectTitle }),
    '',
    fillPlaceholders(labels.freelancer, { freelancer: input.freelancer }),
    fillPlaceholders(labels.client, { client: input.client }),
    fillPlaceholders(labels.currency, { currency }),
    '',
    labels.milestones,
  ];
  for (const m of milestones) {
    lines.push(
      '',
      fillPlaceholders(labels.milestone, { position: String(m.position), title: m.title }),
      '  ' + fillPlaceholders(labels.amount, { amount: money(m.amountMinor) }),
      '  ' + fillPlaceholders(labels.due, { date: formatCalendarDate(locale, m.dueDate) }),
      '  ' + fillPlaceholders(labels.revisions, { count: String(roundsOf(m)) }),
    );
    if (m.isDeposit === true) lines.push('  ' + labels.deposit);
    const deliverables = normalizeText(m.deliverables).trim();
    if (deliverables !== '') {
      lines.push('  ' + labels.deliverables);
      for (const line of deliverables.split('\n')) lines.push('    ' + line);
    }
  }
  lines.push(
    '',
    fillPlaceholders(labels.total, { total }),
    fillPlaceholders(labels.reviewWindow, { days: String(reviewDays) }),
    fillPlaceholders(labels.mediator, { mediator }),
    '',
    labels.terms,
    '',
    fillPlaceholders(input.template, {
      freelancer: input.freelancer,
      client: input.client,
      project: input.projectTitle,
      total,
      currency,
      mediator,
      reviewDays: String(reviewDays),
      milestoneCount: String(milestones.length),
      // One number when every milestone includes the same; otherwise the list, in order.
      revisionRounds:
        rounds.size === 1 ? String([...rounds][0]) : milestones.map(roundsOf).join('/'),
    }).trim(),
  );
  const text = normalizeText(lines.join('\n')).trimEnd() + '\n';
  return { text, sha256: sha256Hex(text) };
}
