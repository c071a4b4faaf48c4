/**
 * The one path by which money is credited to a milestone, whoever reports it (the freelancer by
 * hand, or a Stripe webhook): inside the caller's transaction, with the project locked, it
 * records the payment, pays and unlocks the milestone once what was received covers it, opens
 * the next one, takes the receipt's gapless number and queues the receipt mail — all or nothing.
 */
import { refreshProjectSums } from '../db/queries/analytics-sums';
import type { FlagProblem } from '../domain/flag-reasons';
import type { Kysely } from 'kysely';
import { newId } from '../db/ids';
import { appendActivity } from '../db/queries/activity';
import { findOwnedClient } from '../db/queries/clients';
import { listFilesOfProject } from '../db/queries/files';
import { insertPayment, listPaymentsOfMilestone } from '../db/queries/payments';
import { insertReceipt, takeReceiptNumber } from '../db/queries/receipts';
import { findUserById } from '../db/queries/users';
import type { DB, MilestoneRow, PaymentRow, ReceiptRow } from '../db/schema';
import { applyEvent, isPayable } from '../domain/milestone-sequence';
import { approveByPayment } from './approve-milestone';
import { balanceOf, type Balance } from '../domain/payment-balance';
import type { ReceiptSnapshot } from '../domain/receipt';
import { applyStatuses, type LockedProject } from './locked-project';
import type { StreamAnnouncer } from '../events/stream-bus';
import { postSystemEntry } from './chat-stream';
import { queueReceiptMail } from './send-receipt';

export interface CreditResult {
  payment: PaymentRow;
  balance: Balance;
  receipt: ReceiptRow | null;
}

export function movementsOf(payments: readonly PaymentRow[]) {
  return payments.map((p) => ({
    kind: p.kind,
    amountMinor: p.amount_minor,
    counted: p.status === 'credited',
  }));
}

export async function creditPayment(
  trx: Kysely<DB>,
  options: {
    locked: LockedProject;
    milestone: MilestoneRow;
    payment: PaymentRow;
    actor: { type: 'freelancer' | 'system'; id: string | null };
    now: string;
    /** Where the conversation's system entries (payment received, receipt issued) go. */
    events: StreamAnnouncer;
    /** Why a payment is recorded but not counted (wrong amount, currency or mode). */
    flaggedBecause?: string;
    /** The same, as data the screens word in their language. */
    flagProblems?: readonly FlagProblem[];
  },
): Promise<CreditResult> {
  const { locked, milestone, payment, now } = options;
  await insertPayment(trx, payment);
  const details = {
    paymentId: payment.id,
    milestoneId: milestone.id,
    position: milestone.position,
    amountMinor: payment.amount_minor,
    currency: payment.currency,
    method: payment.method,
    reference: payment.reference,
    receivedOn: payment.received_on,
    source: payment.source,
  };
  const balance = balanceOf(
    milestone.amount_minor,
    movementsOf(await listPaymentsOfMilestone(trx, milestone.id)),
  );
  if (options.flaggedBecause !== undefined) {
    await appendActivity(trx, {
      projectId: locked.project.id,
      actorType: options.actor.type,
      actorId: options.actor.id,
      action: 'payment.flagged',
      details: { ...details, reason: options.flaggedBecause, problems: options.flagProblems ?? [] },
      at: now,
    });
    return { payment, balance, receipt: null };
  }
  await appendActivity(trx, {
    projectId: locked.project.id,
    actorType: options.actor.type,
    actorId: options.actor.id,
    action: 'payment.recorded',
    details: {
      ...details,
      receivedMinor: balance.receivedMinor,
      outstandingMinor: balance.outstandingMinor,
    },
    at: now,
  });
  await postSystemEntry(trx, options.events, {
    projectId: locked.project.id,
    milestoneId: milestone.id,
    event: {
      type: 'payment.received',
      paymentId: payment.id,
      amountMinor: payment.amount_minor,
      currency: payment.currency,
      outstandingMinor: balance.outstandingMinor,
    },
    at: now,
  });
  const deposit = milestone.is_deposit === 1;
  if (isPayable(milestone.status, deposit) && balance.covered) {
    const index = locked.milestones.findIndex((m) => m.id === milestone.id);
    const next = applyEvent(
      locked.milestones.map((m) => m.status),
      { type: 'pay', index, deposit },
    );
    // Paying a delivery approves it, when the client had not pressed Approve before.
    if (milestone.status === 'delivered' && milestone.approved_at === null)
      await approveByPayment(trx, { locked, milestone, now });
    await appendActivity(trx, {
      projectId: locked.project.id,
      actorType: 'system',
      actorId: null,
      action: 'milestone.paid',
      details: { milestoneId: milestone.id, position: milestone.position, title: milestone.title },
      at: now,
    });
    await appendActivity(trx, {
      projectId: locked.project.id,
      actorType: 'system',
      actorId: null,
      action: 'files.unlocked',
      details: { milestoneId: milestone.id, position: milestone.position },
      at: now,
    });
    await applyStatuses(trx, { locked, milestones: locked.milestones, next, now });
  }
  const receipt = await issueReceipt(trx, { locked, milestone, payment, balance, now });
  await postSystemEntry(trx, options.events, {
    projectId: locked.project.id,
    milestoneId: milestone.id,
    event: { type: 'receipt.issued', receiptId: receipt.id, number: receipt.number },
    at: now,
  });
  await refreshProjectSums(trx, locked.project.id);
  return { payment, balance, receipt };
}

async function issueReceipt(
  trx: Kysely<DB>,
  options: {
    locked: LockedProject;
    milestone: MilestoneRow;
    payment: PaymentRow;
    balance: Balance;
    now: string;
  },
): Promise<ReceiptRow> {
  const { locked, milestone, payment, balance, now } = options;
  const ownerId = locked.project.owner_id;
  const [freelancer, client, files] = await Promise.all([
    findUserById(trx, ownerId),
    findOwnedClient(trx, ownerId, locked.project.client_id),
    listFilesOfProject(trx, locked.project.id),
  ]);
  const number = await takeReceiptNumber(trx, ownerId);
  const snapshot: ReceiptSnapshot = {
    number,
    issuedAt: now,
    freelancer: {
      name: freelancer?.name ?? '',
      businessName: freelancer?.business_name ?? '',
      email: freelancer?.email ?? '',
      address: freelancer?.postal_address ?? '',
      taxId: freelancer?.tax_id ?? '',
    },
    client: {
      name: client?.name ?? '',
      company: client?.company ?? '',
      email: client?.email ?? '',
      address: client?.postal_address ?? '',
      taxId: client?.tax_id ?? '',
    },
    project: { id: locked.project.id, title: locked.project.title },
    milestone: {
      position: milestone.position,
      title: milestone.title,
      amountMinor: milestone.amount_minor,
      paymentReference: milestone.payment_reference,
    },
    payment: {
      amountMinor: payment.amount_minor,
      currency: payment.currency,
      method: payment.method,
      reference: payment.reference,
      receivedOn: payment.received_on,
    },
    balance: {
      receivedMinor: balance.receivedMinor,
      outstandingMinor: balance.outstandingMinor,
      overpaidMinor: balance.overpaidMinor,
    },
    files: files
      .filter((f) => f.milestone_id === milestone.id && f.status === 'complete')
      .map((f) => ({ name: f.name, size: f.size, sha256: f.sha256 ?? '' })),
  };
  const receipt: ReceiptRow = {
    id: newId(),
    owner_id: ownerId,
    number,
    project_id: locked.project.id,
    milestone_id: milestone.id,
    payment_id: payment.id,
    snapshot: JSON.stringify(snapshot),
    created_at: now,
  };
  await insertReceipt(trx, receipt);
  await queueReceiptMail(trx, receipt, snapshot, {
    freelancer: freelancer?.locale ?? 'en',
    client: client?.locale ?? 'en',
  });
  await appendActivity(trx, {
    projectId: locked.project.id,
    actorType: 'system',
    actorId: null,
    action: 'receipt.issued',
    details: { receiptId: receipt.id, number, paymentId: payment.id },
    at: now,
  });
  return receipt;
}
