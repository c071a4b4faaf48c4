import { findDispute, updateDispute } from '../db/queries/disputes';
import { findUserById } from '../db/queries/users';
import type { DisputeRow } from '../db/schema';
import { todayIn } from '../domain/calendar';
import {
  applyStep,
  type DisputeState,
  type DisputeStep,
  type Proposal,
  type Resolution,
} from '../domain/dispute';
import { notFound } from '../domain/errors';
import type { StreamAnnouncer } from '../events/stream-bus';
import { nowOf, type ActionContext } from './context';
import {
  checkEvidence,
  disputedMilestone,
  lockDisputeProject,
  mediatorOf,
  NO_EVIDENCE,
  recordDisputeStep,
  type DisputeCaller,
  type Evidence,
} from './dispute-record';
import { recordAcceptedVersion } from './change-orders';
import { applyResolution, type ClientAgreement } from './dispute-resolution';
import { findMilestone } from './locked-project';

const NO_AGREEMENT: ClientAgreement = { ip: '', userAgent: '' };

/**
 * A proposal as stored: a client's carries where they agreed to it (IP, user agent), kept for the
 * contract acceptance when the freelancer accepts it; the API shows neither.
 */
function storedProposal(proposal: Proposal, agreement: ClientAgreement | undefined): string {
  return JSON.stringify(
    proposal.by === 'client' && agreement ? { ...proposal, agreement } : proposal,
  );
}

function agreementOf(stored: string | null): ClientAgreement {
  if (stored === null) return NO_AGREEMENT;
  const { agreement } = JSON.parse(stored) as { agreement?: ClientAgreement };
  return agreement ?? NO_AGREEMENT;
}

/** The note a reopened milestone shows: the accepting step's words, else the dispute's statement. */
function resolutionNote(text: string, dispute: DisputeRow): string {
  return text.trim() !== '' ? text.trim() : dispute.statement;
}

/** What a party adds to an active dispute; every step may carry a note. */
export type DisputeStepInput =
  | { type: 'statement'; text: string; evidence: Evidence }
  | { type: 'propose'; resolution: Resolution; text: string }
  | { type: 'accept'; text: string }
  | { type: 'decline'; text: string }
  | { type: 'escalate'; text: string }
  | { type: 'withdraw'; text: string };

export function stateOf(row: DisputeRow): DisputeState {
  return {
    status: row.status,
    openedBy: row.opened_by,
    proposal: row.proposal === null ? null : (JSON.parse(row.proposal) as Proposal),
    resolution: row.resolution === null ? null : (JSON.parse(row.resolution) as Resolution),
  };
}

/**
 * A party's step in an active dispute — a statement (with evidence), a proposed resolution,
 * accepting or declining the other party's proposal, escalating to the contract's mediator, or
 * the opener's withdrawal — decided by the rules in src/domain/dispute.ts: 409 DISPUTE_CLOSED
 * once resolved or withdrawn, 409 CONFLICT for a step that does not fit (answering one's own
 * proposal), 400 for a resolution that cannot apply. Every step is in the milestone's thread,
 * the activity record and a mail to the other party. Accepting a resolution applies it in the
 * same transaction (src/actions/dispute-resolution.ts). No money moves.
 */
export async function addDisputeStep(
  options: Pick<ActionContext, 'db' | 'clock'> & {
    events: StreamAnnouncer;
    caller: DisputeCaller;
    projectId: string;
    disputeId: string;
    step: DisputeStepInput;
  },
): Promise<DisputeRow> {
  const at = nowOf(options);
  const now = at.toISOString();
  const party = options.caller.party;
  const input = options.step;
  const caller = options.caller;
  const agreement =
    caller.party === 'client'
      ? { ip: caller.ip ?? '', userAgent: caller.userAgent ?? '' }
      : undefined;
  return options.db.transaction().execute(async (trx) => {
    const locked = await lockDisputeProject(trx, options.caller, options.projectId, now);
    const dispute = await findDispute(trx, locked.project.id, options.disputeId);
    if (!dispute) throw notFound('Dispute');
    const { milestone, index } = findMilestone(locked, dispute.milestone_id);
    const owner = await findUserById(trx, locked.project.owner_id);
    const evidence =
      input.type === 'statement'
        ? await checkEvidence(trx, locked.project.id, input.evidence)
        : NO_EVIDENCE;
    const step: DisputeStep =
      input.type === 'propose'
        ? { type: 'propose', by: party, resolution: input.resolution }
        : { type: input.type, by: party };
    const before = stateOf(dispute);
    const disputed = await disputedMilestone(trx, milestone);
    const after = applyStep(before, step, disputed, todayIn(owner?.time_zone ?? 'UTC', at));
    const closing = after.status === 'resolved' || after.status === 'withdrawn';
    const escalating = after.status === 'escalated' && before.status !== 'escalated';
    const changes = {
      status: after.status,
      proposal:
        after.proposal === null
          ? null
          : input.type === 'propose'
            ? storedProposal(after.proposal, agreement)
            : JSON.stringify(after.proposal),
      resolution: after.resolution === null ? null : JSON.stringify(after.resolution),
      updated_at: now,
      ...(closing && { closed_at: now }),
      ...(escalating && { escalated_at: now, mediator: mediatorOf(locked.project, owner) }),
    };
    await updateDispute(trx, locked.project.id, dispute.id, changes);
    const updated: DisputeRow = { ...dispute, ...changes };
    // Accepted: the resolution applies now, in this transaction. The client's agreement is this
    // request (they accept) or their proposal's (the freelancer accepts it).
    const outcome =
      after.status === 'resolved' && after.resolution !== null
        ? await applyResolution(trx, {
            locked,
            milestone,
            index,
            resolution: after.resolution,
            paidMinor: disputed.paidMinor,
            agreement:
              party === 'client' ? (agreement ?? NO_AGREEMENT) : agreementOf(dispute.proposal),
            note: resolutionNote(input.text, dispute),
            now,
          })
        : null;
    // The opener proposing their own withdrawal withdraws at once: recorded as what it is.
    const event =
      input.type === 'propose' && after.status === 'withdrawn' ? 'withdraw' : input.type;
    await recordDisputeStep(trx, options.events, {
      locked,
      milestone,
      dispute: updated,
      event,
      party,
      text: input.text.trim(),
      resolution:
        input.type === 'propose'
          ? input.resolution
          : input.type === 'accept'
            ? (before.proposal?.resolution ?? null)
            : null,
      applied: outcome?.applied ?? null,
      evidence,
      now,
    });
    if (outcome?.accepted)
      await recordAcceptedVersion(trx, {
        ...outcome.accepted,
        about: { dispute: dispute.id, milestoneId: milestone.id },
        now,
      });
    return updated;
  });
}
