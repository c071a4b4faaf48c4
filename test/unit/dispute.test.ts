/**
 * The dispute rules (src/domain/dispute.ts): every transition and every refusal, then a property
 * over random sequences of steps by both parties: a settled dispute takes nothing more, it is
 * resolved only by the other party's acceptance of a standing proposal (with exactly that
 * resolution), withdrawn only by its opener or by accepting a withdrawal, escalated at most once,
 * and a refused step changes nothing.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  applyStep,
  canOpen,
  isActive,
  opened,
  other,
  type DisputeParty,
  type DisputeState,
  type DisputeStep,
  type DisputedMilestone,
  type Resolution,
} from '../../src/domain/dispute';
import { AppError } from '../../src/domain/errors';

const RUNS = Number(process.env.MILEPOST_DISPUTE_RUNS ?? 300);
const TODAY = '2026-12-03';
const DELIVERED: DisputedMilestone = { status: 'delivered', amountMinor: 2000_00, paidMinor: 0 };
const PAID: DisputedMilestone = { status: 'paid', amountMinor: 2000_00, paidMinor: 2000_00 };

function refusal(run: () => unknown): string {
  try {
    run();
  } catch (err) {
    if (err instanceof AppError) return err.code;
    throw err;
  }
  throw new Error('expected a refusal');
}

describe('opening a dispute', () => {
  it('needs a delivered or paid milestone with no dispute active', () => {
    expect(canOpen({ status: 'delivered' }, 0)).toEqual({ ok: true });
    expect(canOpen({ status: 'paid' }, 0)).toEqual({ ok: true });
    for (const status of ['locked', 'open']) {
      const answer = canOpen({ status }, 0);
      expect(answer.ok).toBe(false);
      if (!answer.ok) expect(answer.error.code).toBe('MILESTONE_NOT_DELIVERED');
    }
    const twice = canOpen({ status: 'delivered' }, 1);
    expect(twice.ok).toBe(false);
    if (!twice.ok) expect(twice.error.code).toBe('DISPUTE_OPEN');
  });

  it('is active while open or escalated, not once settled', () => {
    expect(isActive('open')).toBe(true);
    expect(isActive('escalated')).toBe(true);
    expect(isActive('resolved')).toBe(false);
    expect(isActive('withdrawn')).toBe(false);
  });
});

describe('steps', () => {
  const start = opened('client');

  it('resolves when the other party accepts the standing proposal, with its resolution', () => {
    const revision: Resolution = { kind: 'revision', dueDate: '2026-12-20' };
    const proposed = applyStep(
      start,
      { type: 'propose', by: 'freelancer', resolution: revision },
      DELIVERED,
      TODAY,
    );
    expect(proposed.proposal).toEqual({ by: 'freelancer', resolution: revision });
    expect(
      refusal(() => applyStep(proposed, { type: 'accept', by: 'freelancer' }, DELIVERED, TODAY)),
    ).toBe('CONFLICT');
    const resolved = applyStep(proposed, { type: 'accept', by: 'client' }, DELIVERED, TODAY);
    expect(resolved).toEqual({
      status: 'resolved',
      openedBy: 'client',
      proposal: null,
      resolution: revision,
    });
    expect(
      refusal(() => applyStep(resolved, { type: 'statement', by: 'client' }, DELIVERED, TODAY)),
    ).toBe('DISPUTE_CLOSED');
  });

  it('a declined proposal is gone; a new one replaces the old', () => {
    const first = applyStep(
      start,
      { type: 'propose', by: 'client', resolution: { kind: 'split', clientPaysMinor: 1500_00 } },
      DELIVERED,
      TODAY,
    );
    const second = applyStep(
      first,
      {
        type: 'propose',
        by: 'freelancer',
        resolution: { kind: 'split', clientPaysMinor: 1800_00 },
      },
      DELIVERED,
      TODAY,
    );
    expect(second.proposal?.by).toBe('freelancer');
    const declined = applyStep(second, { type: 'decline', by: 'client' }, DELIVERED, TODAY);
    expect(declined.proposal).toBeNull();
    expect(declined.status).toBe('open');
    expect(
      refusal(() => applyStep(declined, { type: 'accept', by: 'client' }, DELIVERED, TODAY)),
    ).toBe('CONFLICT');
  });

  it('the opener withdraws at once; the other party only by proposing it', () => {
    expect(applyStep(start, { type: 'withdraw', by: 'client' }, DELIVERED, TODAY).status).toBe(
      'withdrawn',
    );
    expect(
      refusal(() => applyStep(start, { type: 'withdraw', by: 'freelancer' }, DELIVERED, TODAY)),
    ).toBe('FORBIDDEN');
    const asked = applyStep(
      start,
      { type: 'propose', by: 'freelancer', resolution: { kind: 'withdraw' } },
      DELIVERED,
      TODAY,
    );
    expect(asked.status).toBe('open');
    expect(applyStep(asked, { type: 'accept', by: 'client' }, DELIVERED, TODAY).status).toBe(
      'withdrawn',
    );
    expect(
      applyStep(
        start,
        { type: 'propose', by: 'client', resolution: { kind: 'withdraw' } },
        DELIVERED,
        TODAY,
      ).status,
    ).toBe('withdrawn');
  });

  it('escalates once, and agreement still settles an escalated dispute', () => {
    const escalated = applyStep(start, { type: 'escalate', by: 'freelancer' }, DELIVERED, TODAY);
    expect(escalated.status).toBe('escalated');
    expect(
      refusal(() => applyStep(escalated, { type: 'escalate', by: 'client' }, DELIVERED, TODAY)),
    ).toBe('CONFLICT');
    const refund: Resolution = { kind: 'partial_refund', amountMinor: 500_00 };
    const proposed = applyStep(
      escalated,
      { type: 'propose', by: 'client', resolution: refund },
      PAID,
      TODAY,
    );
    expect(
      applyStep(proposed, { type: 'accept', by: 'freelancer' }, PAID, TODAY).resolution,
    ).toEqual(refund);
  });

  it('refuses resolutions that cannot apply to the milestone', () => {
    const propose = (resolution: Resolution, m: DisputedMilestone) =>
      refusal(() => applyStep(start, { type: 'propose', by: 'client', resolution }, m, TODAY));
    expect(propose({ kind: 'revision', dueDate: '2026-12-02' }, DELIVERED)).toBe(
      'VALIDATION_FAILED',
    );
    expect(propose({ kind: 'revision', dueDate: '3 Dec' }, DELIVERED)).toBe('VALIDATION_FAILED');
    expect(propose({ kind: 'partial_refund', amountMinor: 100 }, DELIVERED)).toBe(
      'VALIDATION_FAILED',
    );
    expect(propose({ kind: 'partial_refund', amountMinor: 2000_01 }, PAID)).toBe(
      'VALIDATION_FAILED',
    );
    expect(propose({ kind: 'partial_refund', amountMinor: 0 }, PAID)).toBe('VALIDATION_FAILED');
    expect(propose({ kind: 'partial_refund', amountMinor: 1.5 }, PAID)).toBe('VALIDATION_FAILED');
    expect(propose({ kind: 'split', clientPaysMinor: 1000_00 }, PAID)).toBe('VALIDATION_FAILED');
    expect(propose({ kind: 'split', clientPaysMinor: 2000_00 }, DELIVERED)).toBe(
      'VALIDATION_FAILED',
    );
    expect(propose({ kind: 'split', clientPaysMinor: 0 }, DELIVERED)).toBe('VALIDATION_FAILED');
    // Accepted, a split becomes the amount: it must leave something to pay.
    const partlyPaid: DisputedMilestone = { ...DELIVERED, paidMinor: 500_00 };
    expect(propose({ kind: 'split', clientPaysMinor: 500_00 }, partlyPaid)).toBe(
      'VALIDATION_FAILED',
    );
    expect(
      applyStep(
        start,
        { type: 'propose', by: 'client', resolution: { kind: 'split', clientPaysMinor: 500_01 } },
        partlyPaid,
        TODAY,
      ).proposal?.resolution,
    ).toEqual({ kind: 'split', clientPaysMinor: 500_01 });
    // Today is allowed; the whole amount refunded is allowed.
    expect(
      applyStep(
        start,
        { type: 'propose', by: 'client', resolution: { kind: 'revision', dueDate: TODAY } },
        DELIVERED,
        TODAY,
      ).proposal,
    ).not.toBeNull();
    expect(
      applyStep(
        start,
        {
          type: 'propose',
          by: 'client',
          resolution: { kind: 'partial_refund', amountMinor: 2000_00 },
        },
        PAID,
        TODAY,
      ).proposal,
    ).not.toBeNull();
  });
});

describe('random sequences of steps', () => {
  const party = fc.constantFrom<DisputeParty>('freelancer', 'client');
  const resolution: fc.Arbitrary<Resolution> = fc.oneof(
    fc.record({
      kind: fc.constant('revision' as const),
      dueDate: fc.constantFrom('2026-11-30', TODAY, '2027-01-15'),
    }),
    fc.record({
      kind: fc.constant('partial_refund' as const),
      amountMinor: fc.integer({ min: -5, max: 2500_00 }),
    }),
    fc.record({
      kind: fc.constant('split' as const),
      clientPaysMinor: fc.integer({ min: -5, max: 2500_00 }),
    }),
    fc.constant({ kind: 'withdraw' as const }),
  );
  const step: fc.Arbitrary<DisputeStep> = fc.oneof(
    fc.record({ type: fc.constant('statement' as const), by: party }),
    fc.record({ type: fc.constant('propose' as const), by: party, resolution }),
    fc.record({ type: fc.constant('accept' as const), by: party }),
    fc.record({ type: fc.constant('decline' as const), by: party }),
    fc.record({ type: fc.constant('escalate' as const), by: party }),
    fc.record({ type: fc.constant('withdraw' as const), by: party }),
  );
  const milestone = fc.constantFrom(DELIVERED, PAID, {
    status: 'paid' as const,
    amountMinor: 2000_00,
    paidMinor: 700_00,
  });

  it('keeps every rule of the dispute', () => {
    fc.assert(
      fc.property(party, milestone, fc.array(step, { maxLength: 30 }), (opener, m, steps) => {
        let state: DisputeState = opened(opener);
        let escalations = 0;
        for (const s of steps) {
          const before = state;
          const snapshot = structuredClone(state);
          let after: DisputeState;
          try {
            after = applyStep(state, s, m, TODAY);
          } catch (err) {
            if (!(err instanceof AppError)) throw err;
            // A refused step changes nothing; a settled dispute refuses everything.
            expect(state).toEqual(snapshot);
            if (!isActive(before.status)) expect(err.code).toBe('DISPUTE_CLOSED');
            continue;
          }
          expect(isActive(before.status)).toBe(true);
          expect(after.openedBy).toBe(opener);
          if (after.status === 'escalated' && before.status !== 'escalated') escalations += 1;
          // Never back to open once escalated.
          if (before.status === 'escalated') expect(after.status).not.toBe('open');
          if (after.status === 'resolved') {
            expect(s.type).toBe('accept');
            expect(before.proposal).not.toBeNull();
            expect(s.by).toBe(other(before.proposal?.by ?? s.by));
            expect(after.resolution).toEqual(before.proposal?.resolution);
          } else {
            expect(after.resolution).toBeNull();
          }
          if (after.status === 'withdrawn') {
            const byOpener =
              (s.type === 'withdraw' ||
                (s.type === 'propose' && s.resolution.kind === 'withdraw')) &&
              s.by === opener;
            const accepted = s.type === 'accept' && before.proposal?.resolution.kind === 'withdraw';
            expect(byOpener || accepted).toBe(true);
          }
          if (!isActive(after.status)) expect(after.proposal).toBeNull();
          if (after.proposal !== null)
            expect(
              after.proposal.resolution.kind === 'withdraw' && after.proposal.by === opener,
            ).toBe(false);
          state = after;
        }
        expect(escalations).toBeLessThanOrEqual(1);
      }),
      { numRuns: RUNS },
    );
  });
});
