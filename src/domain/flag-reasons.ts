/**
 * Why a Stripe payment was recorded but not counted, as data: the activity record keeps these
 * beside the English sentence (`reason`), so each screen words them in its own language.
 */
export type FlagProblem =
  | { kind: 'otherMilestone' }
  | { kind: 'currency'; got: string; expected: string }
  | { kind: 'amount'; gotMinor: number | null; expectedMinor: number; currency: string }
  | { kind: 'mode'; live: boolean };

/** Type guard for a problem read back from an activity entry's details (untrusted JSON). */
export function isFlagProblem(value: unknown): value is FlagProblem {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  switch (v.kind) {
    case 'otherMilestone':
      return true;
    case 'currency':
      return typeof v.got === 'string' && typeof v.expected === 'string';
    case 'amount':
      return (
        (v.gotMinor === null || typeof v.gotMinor === 'number') &&
        typeof v.expectedMinor === 'number' &&
        typeof v.currency === 'string'
      );
    case 'mode':
      return typeof v.live === 'boolean';
    default:
      return false;
  }
}
