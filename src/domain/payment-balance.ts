/**
 * What a milestone has received: payments (possibly partial, possibly more than asked) less
 * refunds. A delivered milestone becomes paid once what was received covers its amount; a
 * milestone refunded in full keeps its place in the sequence but its files lock again.
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
  /** What is still owed; 0 once covered. */
  outstandingMinor: number;
  /** How much more than the amount was received, net of refunds; 0 if none. */
  overpaidMinor: number;
  covered: boolean;
  refundedInFull: boolean;
}

export function balanceOf(amountMinor: number, movements: readonly MoneyMovement[]): Balance {
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
    outstandingMinor: Math.max(0, amountMinor - received),
    overpaidMinor: Math.max(0, net - amountMinor),
    covered: received >= amountMinor,
    refundedInFull: received > 0 && refunded >= received,
  };
}
