/**
 * The due-date rule of src/domain/due-dates.ts in words, for the project builder and the
 * milestone form: a warning under the field while typing, never a refusal.
 */
import { dueDateWarnings, type DueDateWarning } from '../../domain/due-dates';
import type { Translate } from '../i18n';
import type { Format } from '../i18n/format';

export function dueWarningText(
  warning: DueDateWarning | null | undefined,
  /** The position (1, 2, …) shown for the milestone at an index of the compared list. */
  positionAt: (index: number) => number,
  t: Translate,
  f: Format,
): string | null {
  if (!warning) return null;
  switch (warning.kind) {
    case 'past':
      return t('project.due.past', { today: f.date(warning.today) });
    case 'beforeEarlier':
      return t('project.due.beforeEarlier', {
        position: positionAt(warning.other),
        date: f.date(warning.otherDue),
      });
    case 'afterLater':
      return t('project.due.afterLater', {
        position: positionAt(warning.other),
        date: f.date(warning.otherDue),
      });
  }
}

/** One milestone's warning among the others of its project (ordered by position). */
export function dueWarningAmong(
  own: { position: number; dueDate: string },
  others: readonly { position: number; dueDate: string }[],
  today: string,
): { warning: DueDateWarning | null; positionAt: (index: number) => number } {
  const timeline = [...others.filter((o) => o.position !== own.position), own].sort(
    (a, b) => a.position - b.position,
  );
  const index = timeline.indexOf(own);
  const warning = dueDateWarnings(
    timeline.map((m) => m.dueDate),
    today,
  )[index];
  return { warning: warning ?? null, positionAt: (i) => timeline[i]?.position ?? i + 1 };
}
