/**
 * Writing to a project's stream, inside the caller's transaction: every entry takes the
 * project's next sequence number (under its row lock), is stored, and is announced to the app
 * instances once the transaction commits (this instance's sockets get the entry as written, the
 * others read it). Also the system entries other actions post into the conversation as things
 * happen (file uploaded, delivered, payment received, receipt issued), and the live events
 * without a message that open pages refresh on (terms accepted, project or milestones changed,
 * archived, access issued or revoked).
 */
import type { Kysely } from 'kysely';
import { newId, newStreamTag } from '../db/ids';
import { insertMessage, insertStreamEvent, takeStreamSeq } from '../db/queries/chat';
import type { ChatMessageRow, DB, StreamEventType } from '../db/schema';
import type { AppliedResolution, DisputeParty, Resolution } from '../domain/dispute';
import type { StreamAnnouncer, StreamEntry } from '../events/stream-bus';

export async function appendStreamEntry(
  trx: Kysely<DB>,
  events: StreamAnnouncer,
  entry: {
    projectId: string;
    type: StreamEventType;
    thread: string | null;
    /** The message the entry is about, as this transaction leaves it (edited, deleted). */
    message: ChatMessageRow | null;
    data?: Record<string, unknown>;
    at: string;
  },
): Promise<number> {
  const seq = await takeStreamSeq(trx, entry.projectId);
  const data = entry.data ?? {};
  const tag = newStreamTag();
  const { message, ...fields } = entry;
  await insertStreamEvent(trx, { ...fields, seq, data, tag, messageId: message?.id ?? null });
  await events.announce(trx, { ...fields, seq, data, tag, message });
  return seq;
}

/** Stores a new message (its number is its creation's) and announces it. */
export async function appendMessage(
  trx: Kysely<DB>,
  events: StreamAnnouncer,
  message: Omit<ChatMessageRow, 'seq' | 'edited_at' | 'deleted_at'>,
): Promise<ChatMessageRow> {
  const seq = await takeStreamSeq(trx, message.project_id);
  const row: ChatMessageRow = { ...message, seq, edited_at: null, deleted_at: null };
  await insertMessage(trx, row);
  await recordNewMessage(trx, events, row);
  return row;
}

/**
 * A message just stored under its number (`row.seq`, taken under the project's lock): its entry
 * in the project's stream, announced once the transaction commits.
 */
export async function recordNewMessage(
  trx: Kysely<DB>,
  events: StreamAnnouncer,
  row: ChatMessageRow,
): Promise<void> {
  const entry = newMessageEntry(row, newStreamTag());
  await insertStreamEvent(trx, { ...entry, messageId: row.id });
  await events.announce(trx, entry);
}

/** The stream entry of a message just stored, under its random tag (`newStreamTag()`). */
export function newMessageEntry(row: ChatMessageRow, tag: string): StreamEntry & { tag: string } {
  return {
    projectId: row.project_id,
    seq: row.seq,
    type: 'message.created',
    thread: row.thread,
    message: row,
    data: {},
    at: row.created_at,
    tag,
  };
}

export type SystemEvent =
  | { type: 'file.uploaded'; fileId: string; name: string; size: number }
  | {
      type: 'milestone.delivered';
      milestoneId: string;
      position: number;
      title: string;
      /** Delivered again after this revision round. */
      round?: number;
    }
  | { type: 'milestone.approved'; milestoneId: string; position: number; title: string }
  | {
      type: 'revision.requested';
      milestoneId: string;
      position: number;
      title: string;
      round: number;
      rounds: number;
      note: string;
    }
  | { type: 'file.superseded'; fileId: string; name: string; supersededBy: string | null }
  | {
      type: 'payment.received';
      paymentId: string;
      amountMinor: number;
      currency: string;
      outstandingMinor: number;
    }
  | { type: 'receipt.issued'; receiptId: string; number: number }
  | {
      type: 'payment.reminder';
      milestoneId: string;
      /** Days after delivery. */
      day: number;
      amountMinor: number;
      currency: string;
      dueAt: string;
    }
  | {
      /** The review window passed with the delivery neither approved, paid nor sent back. */
      type: 'review.reminder';
      milestoneId: string;
      position: number;
      title: string;
      days: number;
    }
  | {
      /** A step of a dispute on the milestone (src/actions/dispute-record.ts). */
      type: 'dispute.step';
      disputeId: string;
      milestoneId: string;
      position: number;
      title: string;
      step: 'opened' | 'statement' | 'propose' | 'accept' | 'decline' | 'escalate' | 'withdraw';
      party: DisputeParty;
      /** Opened by a card chargeback Stripe reported. */
      chargeback: boolean;
      resolution: Resolution | null;
      /** What accepting the resolution changed (src/actions/dispute-resolution.ts). */
      applied: AppliedResolution | null;
      currency: string;
    }
  | {
      type: 'payment.overdue';
      milestoneId: string;
      amountMinor: number;
      currency: string;
      dueAt: string;
    };

/** A system entry in a milestone's thread, in the transaction of what it reports. */
export async function postSystemEntry(
  trx: Kysely<DB>,
  events: StreamAnnouncer,
  entry: { projectId: string; milestoneId: string; event: SystemEvent; at: string },
): Promise<void> {
  await appendMessage(trx, events, {
    id: newId(),
    project_id: entry.projectId,
    thread: entry.milestoneId,
    author_type: 'system',
    author_id: null,
    kind: 'system',
    body: '',
    event: JSON.stringify(entry.event),
    reply_to: null,
    created_at: entry.at,
  });
}

/** A stream entry that is no message: the open pages (both parties') refresh what it names. */
export type LiveEvent =
  | { type: 'terms.accepted' }
  | { type: 'project.updated'; what: 'project' | 'milestones' }
  | { type: 'project.archived' }
  | { type: 'project.unarchived' }
  | { type: 'access.changed'; shared: boolean };

/** Appends a live event to the project's stream, in the transaction of what it reports. */
export async function postLiveEvent(
  trx: Kysely<DB>,
  events: StreamAnnouncer,
  entry: { projectId: string; event: LiveEvent; at: string },
): Promise<void> {
  const { type, ...data } = entry.event;
  await appendStreamEntry(trx, events, {
    projectId: entry.projectId,
    type,
    thread: null,
    message: null,
    data,
    at: entry.at,
  });
}
