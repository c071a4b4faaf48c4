/**
 * Applying an accepted dispute resolution (issue #11), in the accepting step's transaction, under
 * the project's lock. Both parties agreed, so what the resolution says becomes the project's state
 * at once — and, once the client has accepted the contract, a new contract version accepted by
 * that agreement (stored the way an accepted change order's is, src/actions/change-orders.ts), so
 * payment does not wait for a fresh acceptance:
 *
 * - a revision with a new due date, on a delivered, unpaid milestone: the milestone is reopened
 *   for re-delivery the way a revision request reopens it (src/actions/request-revision.ts), due
 *   on the agreed date. It is the settlement, not one of the rounds the contract includes: the
 *   round it uses is added to the milestone's rounds in the new version, so the rounds left stay
 *   what they were. On a paid milestone nothing changes (paid milestones never do): the
 *   freelancer delivers the revision by the date, as recorded.
 * - a split, on a delivered, unpaid milestone: its amount becomes what the client pays (a new
 *   milestone version, so a checkout opened for the old amount no longer matches; a live invoice
 *   for the old amount is cancelled by a credit note and issued anew), and it is paid as usual.
 * - a partial refund (something was paid): nothing moves automatically — the freelancer refunds
 *   the agreed amount and records it as usual; the step says so.
 * - a withdrawal: nothing changes; the payment gate opens again.
 *
 * A project whose client never accepted the contract gets no acceptance here: the changed text is
 * stored as a new version (as any change before acceptance is), and the client accepts the
 * contract before paying, as always.
 */
import type { Kysely } from 'kysely';
import { refreshProjectSums } from '../db/queries/analytics-sums';
import { hasContractAcceptance } from '../db/queries/change-orders';
import { findOwnedClient } from '../db/queries/clients';
import { updateMilestone } from '../db/queries/milestones';
import type { ContractAcceptanceRow, ContractVersionRow, DB, MilestoneRow } from '../db/schema';
import type { AppliedResolution, Resolution } from '../domain/dispute';
import { notFound } from '../domain/errors';
import { storeAcceptedVersion } from './change-orders';
import { generateContract, syncContractVersion } from './contract-versions';
import { settleInvoiceAfterChange, termsOf } from './invoice-documents';
import type { LockedProject } from './locked-project';
import { reopenForRevision } from './request-revision';

/** Where the client's agreement was given: their request when accepting or proposing. */
export interface ClientAgreement {
  ip: string;
  userAgent: string;
}

export interface ResolutionOutcome {
  applied: AppliedResolution;
  /** The contract version the agreement accepted, for recordAcceptedVersion after the step. */
  accepted: { version: ContractVersionRow; acceptance: ContractAcceptanceRow } | null;
}

export async function applyResolution(
  trx: Kysely<DB>,
  options: {
    locked: LockedProject;
    milestone: MilestoneRow;
    index: number;
    resolution: Resolution;
    /** What was paid for the milestone, net of refunds. */
    paidMinor: number;
    agreement: ClientAgreement;
    note: string;
    now: string;
  },
): Promise<ResolutionOutcome> {
  const { locked, milestone, resolution, now } = options;
  const unpaid = milestone.status === 'delivered';
  const none: ResolutionOutcome = { applied: { kind: 'none' }, accepted: null };
  switch (resolution.kind) {
    case 'withdraw':
      return none;
    case 'partial_refund':
      return {
        applied: { kind: 'refund_due', amountMinor: resolution.amountMinor },
        accepted: null,
      };
    case 'revision': {
      if (!unpaid) return none;
      const base = await syncContractVersion(trx, locked.project.id, now);
      const { round } = await reopenForRevision(trx, {
        locked,
        index: options.index,
        note: options.note,
        now,
        extra: {
          due_date: resolution.dueDate,
          // The settlement's round, on top of those included: the rounds left stay as they were.
          revision_rounds: milestone.revision_rounds + 1,
          // Delivered again, it is reviewed again.
          approved_at: null,
        },
      });
      await refreshProjectSums(trx, locked.project.id);
      const accepted = await agreedVersion(trx, {
        locked,
        base,
        agreement: options.agreement,
        now,
      });
      return {
        applied: {
          kind: 'reopened',
          dueDate: resolution.dueDate,
          dueBefore: milestone.due_date,
          round,
          version: accepted?.version.version ?? null,
        },
        accepted,
      };
    }
    case 'split': {
      if (!unpaid) return none;
      const base = await syncContractVersion(trx, locked.project.id, now);
      const changes = {
        amount_minor: resolution.clientPaysMinor,
        // A new version: a checkout session opened for the old amount no longer matches.
        version: milestone.version + 1,
        updated_at: now,
      };
      await updateMilestone(trx, locked.project.id, milestone.id, changes);
      const row: MilestoneRow = { ...milestone, ...changes };
      await settleInvoiceAfterChange(trx, {
        locked,
        milestoneId: milestone.id,
        milestone: row,
        change: { type: 'milestone_changed', now: termsOf(locked, row) },
        actor: { type: 'system', id: null },
        now: new Date(now),
      });
      await refreshProjectSums(trx, locked.project.id);
      const accepted = await agreedVersion(trx, {
        locked,
        base,
        agreement: options.agreement,
        now,
      });
      return {
        applied: {
          kind: 'repriced',
          amountMinor: resolution.clientPaysMinor,
          amountBeforeMinor: milestone.amount_minor,
          version: accepted?.version.version ?? null,
        },
        accepted,
      };
    }
  }
}

/**
 * The contract as the milestone now stands, as a new version accepted by the client's agreement
 * (their name as on record, the IP and user agent of the request that agreed, the text's hash) —
 * or, before the client ever accepted the contract, as a new version still to be accepted.
 */
async function agreedVersion(
  trx: Kysely<DB>,
  options: {
    locked: LockedProject;
    base: ContractVersionRow;
    agreement: ClientAgreement;
    now: string;
  },
): Promise<ResolutionOutcome['accepted']> {
  const { project } = options.locked;
  if (!(await hasContractAcceptance(trx, project.id))) {
    await syncContractVersion(trx, project.id, options.now);
    return null;
  }
  const [generated, client] = await Promise.all([
    generateContract(trx, project.id),
    findOwnedClient(trx, project.owner_id, project.client_id),
  ]);
  if (!generated || !client) throw notFound('Project');
  return storeAcceptedVersion(trx, {
    projectId: project.id,
    version: options.base.version + 1,
    generated,
    reason: 'dispute',
    acceptance: { fullName: client.name, ...options.agreement, sha256: generated.sha256 },
    now: options.now,
  });
}
