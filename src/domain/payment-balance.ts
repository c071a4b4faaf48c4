/**
 * What a milestone has received: payments (possibly partial, possibly more than asked) less
 * refunds. A delivered milestone becomes paid once what it holds, net of refunds, covers its
 * amount; a milestone refunded in full is delivered again (its files lock) and owes its amount
 * anew. A paid milestone owes nothing, even after a partial refund (a goodwill gesture).
 */
export interface MoneyMovement {
  kind: 'payment' | 'refund';
  amountMinor: number;
  /** Flagged payments (wrong amount, currency or mode) never count. */
  counted: boolean;
}

export interface Balance {
  receivedMinor: number;
  refundedMinor: number;
  netMinor: number;
  /** What is still owed (net of refunds); 0 once covered, and 0 for a paid milestone. */
  outstandingMinor: number;
  /** How much more than the amount was received, net of refunds; 0 if none. */
  overpaidMinor: number;
  /** Whether what is held, net of refunds, covers the amount. */
  covered: boolean;
  refundedInFull: boolean;
}

export function balanceOf(
  amountMinor: number,
  movements: readonly MoneyMovement[],
  options: { paid?: boolean } = {},
): Balance {
  let received = 0;
  let refunded = 0;
  for (const m of movements) {
    if (!m.counted) continue;
    if (m.kind === 'payment') received += m.amountMinor;
    else refunded += m.amountMinor;
  }
  const net = received - refunded;
  return {
    receivedMinor: received,
    refundedMinor: refunded,
    netMinor: net,
    outstandingMinor: options.paid === true ? 0 : Math.max(0, amountMinor - net),
    overpaidMinor: Math.max(0, net - amountMinor),
    covered: net >= amountMinor,
    refundedInFull: received > 0 && refunded >= received,
  };
}
