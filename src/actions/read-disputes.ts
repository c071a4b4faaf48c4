import {
  citedFiles,
  citedMessages,
  listDisputeEntriesOfProject,
  listDisputesOfProject,
} from '../db/queries/disputes';
import { findOwnedProject, findProjectById } from '../db/queries/projects';
import { findUserById } from '../db/queries/users';
import type { DisputeEntryRow, DisputeRow } from '../db/schema';
import { isActive } from '../domain/dispute';
import { notFound } from '../domain/errors';
import { listMilestones } from '../db/queries/milestones';
import type { ActionContext } from './context';
import { citedIds, mediatorOf } from './dispute-record';

/** Characters of a cited message shown with the dispute (the whole text is in the chat). */
export const EXCERPT_CHARS = 160;

/** A cited message as the dispute's history shows it: who wrote it, when, and how it begins. */
export interface CitedMessage {
  id: string;
  seq: number;
  thread: string;
  author: 'freelancer' | 'client' | 'system';
  kind: 'text' | 'system';
  createdAt: string;
  /** The first characters of its text as it stands; null once deleted (or a system entry). */
  excerpt: string | null;
  edited: boolean;
  deleted: boolean;
}

export interface CitedFile {
  id: string;
  name: string;
  milestoneId: string;
  superseded: boolean;
}

export interface DisputeRecord {
  row: DisputeRow;
  entries: DisputeEntryRow[];
  /** Active on a delivered, unpaid milestone: payment waits (src/actions/dispute-gate.ts). */
  blocksPayment: boolean;
}

/**
 * A project's disputes with their entries, for its freelancer or its client (anyone else: 404),
 * and the mediator the contract names (shown before escalating).
 */
export async function readDisputes(
  options: Pick<ActionContext, 'db'> & { projectId: string; ownerId?: string },
): Promise<{
  disputes: DisputeRecord[];
  mediator: string;
  /** What the entries cite, by id (an id not found here was a file removed since). */
  cited: { messages: Map<string, CitedMessage>; files: Map<string, CitedFile> };
}> {
  const { db } = options;
  const project =
    options.ownerId === undefined
      ? await findProjectById(db, options.projectId)
      : await findOwnedProject(db, options.ownerId, options.projectId);
  if (!project) throw notFound('Project');
  const [rows, entries, owner, milestones] = await Promise.all([
    listDisputesOfProject(db, project.id),
    listDisputeEntriesOfProject(db, project.id),
    findUserById(db, project.owner_id),
    listMilestones(db, project.id),
  ]);
  const ids = citedIds(entries);
  const [messages, files] = await Promise.all([
    citedMessages(db, project.id, ids.messageIds),
    citedFiles(db, project.id, ids.fileIds),
  ]);
  const delivered = new Set(milestones.filter((m) => m.status === 'delivered').map((m) => m.id));
  return {
    disputes: rows.map((row) => ({
      row,
      entries: entries.filter((e) => e.dispute_id === row.id),
      blocksPayment: isActive(row.status) && delivered.has(row.milestone_id),
    })),
    mediator: mediatorOf(project, owner),
    cited: {
      messages: new Map(
        messages.map((m) => [
          m.id,
          {
            id: m.id,
            seq: m.seq,
            thread: m.thread,
            author: m.author_type,
            kind: m.kind,
            createdAt: m.created_at,
            excerpt:
              m.deleted_at !== null || m.kind !== 'text' ? null : excerptOf(m.body, EXCERPT_CHARS),
            edited: m.edited_at !== null,
            deleted: m.deleted_at !== null,
          },
        ]),
      ),
      files: new Map(
        files.map((f) => [
          f.id,
          {
            id: f.id,
            name: f.name,
            milestoneId: f.milestone_id,
            superseded: f.superseded_at !== null,
          },
        ]),
      ),
    },
  };
}

/** The text's first `max` characters (whole code points), with an ellipsis when cut. */
export function excerptOf(text: string, max: number): string {
  const chars = Array.from(text.trim());
  return chars.length <= max ? chars.join('') : `${chars.slice(0, max).join('').trimEnd()}…`;
}
