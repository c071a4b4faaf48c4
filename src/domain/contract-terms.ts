/**
 * The freelancer's contract terms (Settings → Contract terms): their own terms template per
 * client language, an outside mediator and the default review window. Pure rules: what a
 * template may contain, and which template and mediator a project's contract uses.
 */
import { TEMPLATE_PLACEHOLDERS } from './contract';
import { MAX_REVIEW_WINDOW_DAYS, MIN_REVIEW_WINDOW_DAYS } from './revisions';
import { textProblem } from './text-rules';

export const MAX_TEMPLATE_LENGTH = 20_000;
export const MAX_MEDIATOR_LENGTH = 200;
export { MAX_REVIEW_WINDOW_DAYS, MIN_REVIEW_WINDOW_DAYS };

export type TermsLocale = 'en' | 'de';

/** The `{names}` in a template that renderContract does not fill, each once, in order. */
export function unknownPlaceholders(template: string): string[] {
  const known = new Set<string>(TEMPLATE_PLACEHOLDERS);
  const unknown: string[] = [];
  for (const match of template.matchAll(/\{([^{}\n]{0,60})\}/g)) {
    const name = match[1] ?? '';
    if (!known.has(name) && !unknown.includes(name)) unknown.push(name);
  }
  return unknown;
}

/**
 * Why this template cannot be used, or null. Empty means "Milepost's default" and is fine;
 * otherwise it is prose (tab and line breaks allowed), at most MAX_TEMPLATE_LENGTH characters,
 * and every `{placeholder}` is one renderContract fills.
 */
export function templateProblem(template: string): string | null {
  if (template.length > MAX_TEMPLATE_LENGTH) {
    return `must be at most ${MAX_TEMPLATE_LENGTH} characters`;
  }
  const text = textProblem(template, 'multi-line');
  if (text !== null) return text;
  const unknown = unknownPlaceholders(template);
  if (unknown.length > 0) {
    return `has unknown placeholders: ${unknown.map((n) => `{${n}}`).join(', ')} (known: ${TEMPLATE_PLACEHOLDERS.map((n) => `{${n}}`).join(', ')})`;
  }
  return null;
}

/** The stored template of a language: null when empty (the default applies). */
export function storedTemplate(template: string): string | null {
  const trimmed = template.replace(/\r\n?/g, '\n').trim();
  return trimmed === '' ? null : trimmed;
}

/**
 * The template and mediator a project's contract is generated from: once accepted, what was
 * accepted (copied onto the project; a project accepted before these settings existed accepted
 * the default template and no named mediator); before, the freelancer's current ones, the
 * project's own mediator first.
 */
export function termsForProject(input: {
  accepted: boolean;
  project: { contractTemplate: string | null; mediator: string | null };
  freelancer: { template: string | null; mediator: string };
  defaultTemplate: string;
}): { template: string; mediator: string } {
  const { project, freelancer } = input;
  if (input.accepted) {
    return {
      template: project.contractTemplate ?? input.defaultTemplate,
      mediator: project.mediator ?? '',
    };
  }
  return {
    template: freelancer.template ?? input.defaultTemplate,
    mediator: project.mediator ?? freelancer.mediator,
  };
}
