/**
 * Shared steps of the dispute actions (open-dispute, add-dispute-step, the chargeback in
 * handle-stripe-event): the caller's project under its lock, the evidence check, the milestone
 * as the rules see it, and the record of one step — its entry, the activity entry, the system
 * entry in the milestone's chat thread and the mail to the other party, all in the caller's
 * transaction.
 */
import type { Kysely } from 'kysely';
import { newId } from '../db/ids';
import { appendActivity } from '../db/queries/activity';
import { findOwnedClient } from '../db/queries/clients';
import {
  insertDisputeEntry,
  nextDisputeEntrySeq,
  projectFileIds,
  projectMessageIds,
} from '../db/queries/disputes';
import { listPaymentsOfMilestone } from '../db/queries/payments';
import { findUserById } from '../db/queries/users';
import type { DB, DisputeEntryRow, DisputeRow, MilestoneRow, ProjectRow } from '../db/schema';
import {
  other,
  type AppliedResolution,
  type DisputedMilestone,
  type DisputeParty,
  type Resolution,
} from '../domain/dispute';
import { AppError } from '../domain/errors';
import { balanceOf } from '../domain/payment-balance';
import type { StreamAnnouncer } from '../events/stream-bus';
import type { DisputeMailEvent } from '../mail/templates/dispute';
import { lockClientProject } from './approve-milestone';
import { postLiveEvent, postSystemEntry } from './chat-stream';
import { movementsOf } from './credit-payment';
import { lockProjectForChange, type LockedProject } from './locked-project';
import { queueTemplateMail } from './queue-mail';

/**
 * Who acts: the freelancer (by their account) or the project's client (by their session, with
 * the IP and user agent of the request: a resolution the client agrees to is a contract
 * acceptance, src/actions/dispute-resolution.ts).
 */
export type DisputeCaller =
  { party: 'freelancer'; ownerId: string } | { party: 'client'; ip?: string; userAgent?: string };

export interface Evidence {
  messageIds: string[];
  fileIds: string[];
}

export const NO_EVIDENCE: Evidence = { messageIds: [], fileIds: [] };

/** An entry's stored evidence (dispute_entries.evidence). */
export function evidenceOf(stored: string): Evidence {
  const parsed = JSON.parse(stored) as Partial<Evidence>;
  return { messageIds: parsed.messageIds ?? [], fileIds: parsed.fileIds ?? [] };
}

/** Every id the entries cite, once each. */
export function citedIds(entries: readonly { evidence: string }[]): Evidence {
  const messageIds = new Set<string>();
  const fileIds = new Set<string>();
  for (const e of entries) {
    const evidence = evidenceOf(e.evidence);
    for (const id of evidence.messageIds) messageIds.add(id);
    for (const id of evidence.fileIds) fileIds.add(id);
  }
  return { messageIds: [...messageIds], fileIds: [...fileIds] };
}

export type DisputeStepKind = DisputeEntryRow['type'];

/** The project under its lock, for either party (anyone else: 404). */
export function lockDisputeProject(
  trx: Kysely<DB>,
  caller: DisputeCaller,
  projectId: string,
  now: string,
): Promise<LockedProject> {
  return caller.party === 'freelancer'
    ? lockProjectForChange(trx, { ownerId: caller.ownerId, projectId, now, act: 'change' })
    : lockClientProject(trx, projectId, now);
}

/**
 * Evidence cites only the project's own chat messages and files (else 400 naming the field).
 * Both parties read every thread of their project, so "the project's own" is also "visible to
 * the citing party". A deleted message may be cited: the app shows it as deleted, and the
 * activity chain keeps the text it had (message.deleted), so a mediator can still read it.
 * System entries of the threads may be cited too; the screens offer only the parties' messages.
 */
export async function checkEvidence(
  trx: Kysely<DB>,
  projectId: string,
  evidence: Evidence,
): Promise<Evidence> {
  const messageIds = [...new Set(evidence.messageIds)];
  const fileIds = [...new Set(evidence.fileIds)];
  const [messages, files] = await Promise.all([
    projectMessageIds(trx, projectId, messageIds),
    projectFileIds(trx, projectId, fileIds),
  ]);
  const strangeMessage = messageIds.findIndex((id) => !messages.has(id));
  if (strangeMessage >= 0)
    throw new AppError(
      'VALIDATION_FAILED',
      'Evidence cites a message that is not in this project',
      {
        field: `evidence.messageIds.${strangeMessage}`,
      },
    );
  const strangeFile = fileIds.findIndex((id) => !files.has(id));
  if (strangeFile >= 0)
    throw new AppError('VALIDATION_FAILED', 'Evidence cites a file that is not in this project', {
      field: `evidence.fileIds.${strangeFile}`,
    });
  return { messageIds, fileIds };
}

/** The milestone as the rules see it: delivered or paid, its amount and what it holds. */
export async function disputedMilestone(
  trx: Kysely<DB>,
  milestone: MilestoneRow,
): Promise<DisputedMilestone> {
  const balance = balanceOf(
    milestone.amount_minor,
    movementsOf(await listPaymentsOfMilestone(trx, milestone.id)),
  );
  return {
    status: milestone.status === 'paid' ? 'paid' : 'delivered',
    amountMinor: milestone.amount_minor,
    paidMinor: balance.netMinor,
  };
}

/** The mediator the contract names: the project's own, else the freelancer's; '' for none. */
export function mediatorOf(project: ProjectRow, owner: { contract_mediator: string } | undefined) {
  return (project.mediator ?? owner?.contract_mediator ?? '').trim();
}

/**
 * The activity action each step writes. Exported for test/unit/activity-labels.test.ts, whose
 * scan of `action: '…'` literals cannot see the actions of a table.
 */
export const DISPUTE_ACTIVITY: Record<DisputeMailEvent, string> = {
  opened: 'dispute.opened',
  statement: 'dispute.statement',
  propose: 'dispute.proposed',
  accept: 'dispute.accepted',
  decline: 'dispute.declined',
  escalate: 'dispute.escalated',
  withdraw: 'dispute.withdrawn',
};

/**
 * Records one step: the entry, the activity, the milestone thread's system entry, a live event
 * for open pages, and the mail to the other party.
 */
export async function recordDisputeStep(
  trx: Kysely<DB>,
  events: StreamAnnouncer,
  options: {
    locked: LockedProject;
    milestone: MilestoneRow;
    dispute: DisputeRow;
    event: DisputeMailEvent;
    party: DisputeParty;
    text: string;
    resolution: Resolution | null;
    /** What accepting the resolution changed; null for every other step. */
    applied?: AppliedResolution | null;
    evidence: Evidence;
    /** A chargeback reported by Stripe: the system acts on the client's side. */
    chargeback?: { stripeDisputeId: string; reason: string | null; amountMinor: number };
    now: string;
  },
): Promise<DisputeEntryRow> {
  const { locked, milestone, dispute, event, party, now } = options;
  const project = locked.project;
  const entry: DisputeEntryRow = {
    id: newId(),
    dispute_id: dispute.id,
    project_id: project.id,
    seq: await nextDisputeEntrySeq(trx, dispute.id),
    type: event === 'opened' ? 'statement' : event,
    party,
    text: options.text,
    resolution: options.resolution === null ? null : JSON.stringify(options.resolution),
    evidence: JSON.stringify(options.evidence),
    created_at: now,
  };
  await insertDisputeEntry(trx, entry);
  const chargeback = options.chargeback !== undefined;
  await appendActivity(trx, {
    projectId: project.id,
    actorType: chargeback ? 'system' : party,
    actorId: chargeback || party === 'client' ? null : project.owner_id,
    action: DISPUTE_ACTIVITY[event],
    details: {
      disputeId: dispute.id,
      entryId: entry.id,
      milestoneId: milestone.id,
      position: milestone.position,
      party,
      text: options.text,
      ...(options.resolution !== null && { resolution: options.resolution }),
      ...(options.applied && { applied: options.applied }),
      ...(options.evidence.messageIds.length + options.evidence.fileIds.length > 0 && {
        evidence: options.evidence,
      }),
      ...(options.chargeback && { chargeback: options.chargeback }),
    },
    at: now,
  });
  await postSystemEntry(trx, events, {
    projectId: project.id,
    milestoneId: milestone.id,
    event: {
      type: 'dispute.step',
      disputeId: dispute.id,
      milestoneId: milestone.id,
      position: milestone.position,
      title: milestone.title,
      step: event,
      party,
      chargeback,
      resolution: options.resolution,
      applied: options.applied ?? null,
      currency: project.currency,
    },
    at: now,
  });
  await postLiveEvent(trx, events, {
    projectId: project.id,
    event: { type: 'project.updated', what: 'milestones' },
    at: now,
  });
  const [freelancer, client] = await Promise.all([
    findUserById(trx, project.owner_id),
    findOwnedClient(trx, project.owner_id, project.client_id),
  ]);
  if (!freelancer || !client) return entry;
  const to = other(party);
  await queueTemplateMail(trx, {
    ownerId: project.owner_id,
    kind: 'dispute',
    template: {
      name: 'dispute',
      locale: to === 'client' ? client.locale : freelancer.locale,
      input: {
        event,
        to,
        chargeback,
        freelancer: { name: freelancer.business_name || freelancer.name, email: freelancer.email },
        client: { name: client.name, email: client.email },
        project: { id: project.id, title: project.title },
        milestone: { id: milestone.id, position: milestone.position, title: milestone.title },
        text: options.text,
        resolution: options.resolution,
        applied: options.applied ?? null,
        currency: project.currency,
        mediator: event === 'escalate' ? (dispute.mediator ?? '') : '',
      },
    },
    now,
  });
  return entry;
}
