/**
 * When an outgoing message is tried again after the mail server refused or could not be reached:
 * exponential backoff (first, 2×first, 4×first, … capped at max), and when the freelancer is
 * told it keeps failing or the worker gives up. Pure: time is passed in.
 */
export interface MailRetryPolicy {
  /** Wait after the first failed attempt. */
  firstSeconds: number;
  /** Longest wait between attempts. */
  maxSeconds: number;
  /** From this many failed attempts on, the message is shown to the freelancer as failing. */
  failingAfterAttempts: number;
  /** Retrying stops this long after the message was queued (or last retried by hand). */
  giveUpHours: number;
}

/** Seconds to wait after the `attempts`-th failed attempt (attempts ≥ 1). */
export function retryDelaySeconds(attempts: number, policy: MailRetryPolicy): number {
  const exponent = Math.max(0, attempts - 1);
  // 2^exponent overflows to Infinity long before it matters; the cap keeps it finite.
  return Math.min(policy.maxSeconds, policy.firstSeconds * 2 ** Math.min(exponent, 52));
}

/** When to try again after a failure, or null when the worker should give up. */
export function nextAttemptAfterFailure(
  options: { attempts: number; queuedAt: Date; now: Date },
  policy: MailRetryPolicy,
): Date | null {
  const next = new Date(options.now.getTime() + retryDelaySeconds(options.attempts, policy) * 1000);
  const giveUpAt = options.queuedAt.getTime() + policy.giveUpHours * 3_600_000;
  return options.now.getTime() >= giveUpAt ? null : next;
}

export type MailState = 'pending' | 'failing' | 'failed' | 'sent';

/** What the freelancer is shown for a message. */
export function mailState(
  row: { status: 'pending' | 'sent' | 'failed'; attempts: number; lastError: string | null },
  policy: Pick<MailRetryPolicy, 'failingAfterAttempts'>,
): MailState {
  if (row.status !== 'pending') return row.status;
  return row.lastError !== null && row.attempts >= policy.failingAfterAttempts
    ? 'failing'
    : 'pending';
}
