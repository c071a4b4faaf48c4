/**
 * Who may take part in a project's conversation, and as whom: its freelancer (the owner) or its
 * client (whoever holds the project's access). Changes lock the project; reads do not.
 */
import type { Kysely } from 'kysely';
import { lockProjectTakingSeq } from '../db/queries/chat';
import { hasMilestone, listMilestones } from '../db/queries/milestones';
import {
  findOwnedProject,
  findProjectById,
  lockOwnedProject,
  lockProjectById,
} from '../db/queries/projects';
import type { ChatParty, DB, ProjectRow } from '../db/schema';
import { assertArchiveAllows, type ProjectAct } from '../domain/archive-rule';
import { GENERAL_THREAD, type ChatActor } from '../domain/chat-rules';
import { AppError, notFound } from '../domain/errors';

/** A project's conversation as one party takes part in it. */
export interface Participation {
  project: ProjectRow;
  party: ChatParty;
  /** What the caller's messages are signed with: the user id, or the project's client id. */
  authorId: string;
}

export interface Conversation extends Participation {
  /** 'general' and the milestones' ids, in order, with their titles. */
  threads: { id: string; milestoneId: string | null; position: number | null; title: string }[];
}

function participationOf(project: ProjectRow | undefined, actor: ChatActor): Participation {
  if (!project) throw notFound('Project');
  return {
    project,
    party: actor.type,
    authorId: actor.type === 'freelancer' ? actor.userId : project.client_id,
  };
}

async function conversationOf(
  db: Kysely<DB>,
  project: ProjectRow | undefined,
  actor: ChatActor,
): Promise<Conversation> {
  const participation = participationOf(project, actor);
  const milestones = await listMilestones(db, participation.project.id);
  return {
    ...participation,
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
 * Which project row a change by `actor` may lock: the freelancer's own (`ownerId`), or — ownerId
 * null — the one whose access the client holds; undefined for a client naming another project.
 */
export function lockScopeOf(
  actor: ChatActor,
  projectId: string,
): { ownerId: string | null } | undefined {
  if (actor.type === 'freelancer') return { ownerId: actor.userId };
  return actor.projectId === projectId ? { ownerId: null } : undefined;
}

/**
 * For a change: takes the project's row lock and applies the archive rule (an archived project's
 * conversation is read-only, though reading it still moves the read marker). With `takeSeq`, the
 * same statement takes the stream's next number (`project.stream_seq`) for one new entry.
 */
export async function lockConversation(
  trx: Kysely<DB>,
  actor: ChatActor,
  projectId: string,
  now: string,
  purpose: 'write' | 'read-marker' = 'write',
  { takeSeq = false }: { takeSeq?: boolean } = {},
): Promise<Participation> {
  const scope = lockScopeOf(actor, projectId);
  const project =
    scope === undefined
      ? undefined
      : takeSeq
        ? await lockProjectTakingSeq(trx, projectId, now, scope.ownerId)
        : scope.ownerId !== null
          ? await lockOwnedProject(trx, scope.ownerId, projectId, now)
          : await lockProjectById(trx, projectId, now);
  return purpose === 'write' ? writerOf(project, actor) : participationOf(project, actor);
}

/**
 * The checks of a change to the conversation, on the project as locked (undefined: none for
 * this actor): not found, else the archive rule.
 */
export function writerOf(project: ProjectRow | undefined, actor: ChatActor): Participation {
  const participation = participationOf(project, actor);
  assertArchiveAllows(participation.project, writeActOf(actor));
  return participation;
}

/** What writing to the conversation is, under the archive rule. */
export const writeActOf = (actor: ChatActor): ProjectAct =>
  actor.type === 'freelancer' ? 'change' : 'client-change';

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

export const badThread = (): AppError =>
  new AppError(
    'VALIDATION_FAILED',
    'thread must be "general" or the id of one of the project\'s milestones',
    { field: 'thread' },
  );

export function assertThread(conversation: Conversation, thread: string): void {
  if (!conversation.threads.some((t) => t.id === thread)) throw badThread();
}

/** The same check for a change: one look-up, none for the general thread. */
export async function assertThreadOf(
  db: Kysely<DB>,
  participation: Participation,
  thread: string,
): Promise<void> {
  if (thread === GENERAL_THREAD) return;
  if (!(await hasMilestone(db, participation.project.id, thread))) throw badThread();
}
