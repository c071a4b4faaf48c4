/**
 * Deposits, approval and revision rounds (issue #11): the numbers the contract states and the
 * rules that decide whether a client may approve a delivery or ask for another round.
 */
import { AppError } from './errors';

/** Rounds of revision a milestone includes unless the freelancer says otherwise. */
export const DEFAULT_REVISION_ROUNDS = 2;
export const MAX_REVISION_ROUNDS = 10;
/** Days after a delivery before the client is reminded to review it. */
export const DEFAULT_REVIEW_WINDOW_DAYS = 14;
export const MIN_REVIEW_WINDOW_DAYS = 1;
export const MAX_REVIEW_WINDOW_DAYS = 90;
/** The longest note a client may attach to a revision request. */
export const MAX_REVISION_NOTE = 5000;

/** Refuses a revision request once the included rounds are used: more is a change order. */
export function assertRoundLeft(used: number, included: number, label: string): void {
  if (used >= included) {
    throw new AppError(
      'REVISION_ROUNDS_USED',
      included === 0
        ? `${label} includes no rounds of revision: further changes need a change order`
        : `${label} has used all ${included} included rounds of revision: further changes need a change order`,
    );
  }
}
