/**
 * Due dates that look like a typing slip: a date already past, or one out of step with the
 * milestones around it (milestone 3 due before milestone 2). Only a warning — a late project or
 * a deliberately overlapping plan is the freelancer's call, so nothing here refuses a date.
 * Dates are calendar dates (YYYY-MM-DD), compared as strings; anything else is ignored.
 */

export type DueDateWarning =
  | { kind: 'past'; today: string }
  /** Due before an earlier milestone: `other` is the index of the earlier one due latest. */
  | { kind: 'beforeEarlier'; other: number; otherDue: string }
  /** Due after a later milestone: `other` is the index of the later one due first. */
  | { kind: 'afterLater'; other: number; otherDue: string };

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

/**
 * For each milestone, in sequence order, what (if anything) is odd about its due date, `today`
 * being the freelancer's calendar date. A past date is said first; otherwise the milestone is
 * compared with those before it, then with those after it.
 */
export function dueDateWarnings(
  dueDates: readonly string[],
  today: string,
): (DueDateWarning | null)[] {
  return dueDates.map((due, i) => {
    if (!ISO_DATE.test(due)) return null;
    if (due < today) return { kind: 'past', today };
    let latestEarlier: number | null = null;
    for (let j = 0; j < i; j++) {
      const other = dueDates[j] ?? '';
      if (!ISO_DATE.test(other)) continue;
      if (latestEarlier === null || other > (dueDates[latestEarlier] ?? '')) latestEarlier = j;
    }
    const before = latestEarlier === null ? '' : (dueDates[latestEarlier] ?? '');
    if (latestEarlier !== null && before > due)
      return { kind: 'beforeEarlier', other: latestEarlier, otherDue: before };
    let firstLater: number | null = null;
    for (let j = i + 1; j < dueDates.length; j++) {
      const other = dueDates[j] ?? '';
      if (!ISO_DATE.test(other)) continue;
      if (firstLater === null || other < (dueDates[firstLater] ?? '')) firstLater = j;
    }
    const after = firstLater === null ? '' : (dueDates[firstLater] ?? '');
    if (firstLater !== null && after < due)
      return { kind: 'afterLater', other: firstLater, otherDue: after };
    return null;
  });
}
