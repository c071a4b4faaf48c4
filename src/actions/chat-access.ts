/**
 * Who may take part in a project's conversation, and as whom: its freelancer (the owner) or its
 * client (whoever holds the project's access). Changes lock the project; reads do not.
 */
import type { Kysely } from 'kysely';
import { listMilestones } from '../db/queries/milestones';
import {
  findOwnedProject,
  findProjectById,
  lockOwnedProject,
  lockProjectById,
} from '../db/queries/projects';
import type { ChatParty, DB, ProjectRow } from '../db/schema';
import { assertArchiveAllows } from '../domain/archive-rule';
import { GENERAL_THREAD, type ChatActor } from '../domain/chat-rules';
import { AppError, notFound } from '../domain/errors';

export interface Conversation {
  project: ProjectRow;
  party: ChatParty;
  /** What the caller's messages are signed with: the user id, or the project's client id. */
  authorId: string;
  /** 'general' and the milestones' ids, in order, with their titles. */
  threads: { id: string; milestoneId: string | null; position: number | null; title: string }[];
}

async function conversationOf(
  db: Kysely<DB>,
  project: ProjectRow | undefined,
  actor: ChatActor,
): Promise<Conversation> {
  if (!project) throw notFound('Project');
  const milestones = await listMilestones(db, project.id);
  return {
    project,
    party: actor.type,
    authorId: actor.type === 'freelancer' ? actor.userId : project.client_id,
    threads: [
      { id: GENERAL_THREAD, milestoneId: null, position: null, title: '' },
      ...milestones.map((m) => ({
        id: m.id,
        milestoneId: m.id,
        position: m.position,
        title: m.title,
      })),
    ],
  };
}

/**
 * For a change: takes the project's row lock and applies the archive rule (an archived project's
 * conversation is read-only, though reading it still moves the read marker).
 */
export async function lockConversation(
  trx: Kysely<DB>,
  actor: ChatActor,
  projectId: string,
  now: string,
  purpose: 'write' | 'read-marker' = 'write',
): Promise<Conversation> {
  const project =
    actor.type === 'freelancer'
      ? await lockOwnedProject(trx, actor.userId, projectId, now)
      : actor.projectId === projectId
        ? await lockProjectById(trx, projectId, now)
        : undefined;
  const conversation = await conversationOf(trx, project, actor);
  if (purpose === 'write') {
    assertArchiveAllows(
      conversation.project,
      actor.type === 'freelancer' ? 'change' : 'client-change',
    );
  }
  return conversation;
}

/** For reading: no lock. */
export async function readConversation(
  db: Kysely<DB>,
  actor: ChatActor,
  projectId: string,
): Promise<Conversation> {
  const project =
    actor.type === 'freelancer'
      ? await findOwnedProject(db, actor.userId, projectId)
      : actor.projectId === projectId
        ? await findProjectById(db, projectId)
        : undefined;
  return conversationOf(db, project, actor);
}

export function assertThread(conversation: Conversation, thread: string): void {
  if (!conversation.threads.some((t) => t.id === thread)) {
    throw new AppError(
      'VALIDATION_FAILED',
      'thread must be "general" or the id of one of the project\'s milestones',
      { field: 'thread' },
    );
  }
}
