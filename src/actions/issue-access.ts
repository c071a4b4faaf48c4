import type { Kysely } from 'kysely';
import { appendActivity } from '../db/queries/activity';
import { findOwnedClient } from '../db/queries/clients';
import { deleteClientSessionsOfProject } from '../db/queries/sessions';
import { updateProject } from '../db/queries/projects';
import { findUserById } from '../db/queries/users';
import type { DB } from '../db/schema';
import { generateAccessCode, generateLinkToken, hashSecret } from '../domain/access-secrets';
import { AppError } from '../domain/errors';
import { queueTemplateMail } from './queue-mail';
import type { StreamAnnouncer } from '../events/stream-bus';
import { postLiveEvent } from './chat-stream';
import type { ActionContext } from './context';
import { lockProjectForChange } from './locked-project';

export interface IssuedAccess {
  code: string;
  link: string;
  /** An earlier code and link existed and stopped working (their sessions ended). */
  replacedEarlierCode: boolean;
}

/**
 * Issues a new access code and link for the client, replacing any earlier pair and ending the
 * sessions opened with it. The secrets are returned once; only their hashes are kept.
 */
export async function issueAccess(
  options: ActionContext & { events: StreamAnnouncer; ownerId: string; projectId: string },
): Promise<IssuedAccess> {
  return options.db
    .transaction()
    .execute(async (trx) => (await issueInTransaction(trx, options, false)).issued);
}

/**
 * "Share with client" by email: issues a fresh code and link (only their hashes are kept, so the
 * earlier pair cannot be sent again; it stops working, and the answer says so) and queues an
 * invitation to the client's email in the same transaction — link, code and the freelancer's
 * name on it, sent as "<Freelancer> via Milepost" with Reply-To the freelancer. The freelancer
 * gets both secrets back to copy, as with issueAccess.
 */
export async function inviteClient(
  options: ActionContext & { events: StreamAnnouncer; ownerId: string; projectId: string },
): Promise<IssuedAccess & { sentTo: string }> {
  return options.db.transaction().execute(async (trx) => {
    const { issued, projectTitle, clientId } = await issueInTransaction(trx, options, true);
    const client = await findOwnedClient(trx, options.ownerId, clientId);
    const freelancer = await findUserById(trx, options.ownerId);
    if (!client || !freelancer) throw new AppError('NOT_FOUND', 'Client not found');
    await queueTemplateMail(trx, {
      ownerId: options.ownerId,
      kind: 'invitation',
      template: {
        name: 'invitation',
        locale: client.locale,
        input: {
          freelancer: {
            name: freelancer.name,
            email: freelancer.email,
            businessName: freelancer.business_name,
          },
          client: { name: client.name, email: client.email },
          project: { id: options.projectId, title: projectTitle },
          link: issued.link,
          code: issued.code,
        },
      },
      now: new Date().toISOString(),
    });
    return { ...issued, sentTo: client.email };
  });
}

async function issueInTransaction(
  trx: Kysely<DB>,
  options: ActionContext & { events: StreamAnnouncer; ownerId: string; projectId: string },
  emailed: boolean,
): Promise<{ issued: IssuedAccess; projectTitle: string; clientId: string }> {
  const code = generateAccessCode();
  const token = generateLinkToken();
  const now = new Date().toISOString();
  const { project } = await lockProjectForChange(trx, { ...options, now, act: 'access' });
  const replacedEarlierCode = project.access_code_hash !== null;
  await updateProject(trx, project.id, {
    access_code_hash: hashSecret(code),
    access_token_hash: hashSecret(token),
    access_generation: project.access_generation + 1,
    access_created_at: now,
  });
  await deleteClientSessionsOfProject(trx, project.id);
  await options.events.sessionsChanged(trx, { projectId: project.id });
  await appendActivity(trx, {
    projectId: project.id,
    actorType: 'freelancer',
    actorId: options.ownerId,
    action: 'access.issued',
    details: { replacedEarlierCode, ...(emailed && { emailedToClient: true }) },
    at: now,
  });
  await postLiveEvent(trx, options.events, {
    projectId: project.id,
    event: { type: 'access.changed', shared: true },
    at: now,
  });
  // A fragment never reaches servers or their logs; the portal trades it for a session cookie.
  const link = `${options.config.publicUrl}/portal#access=${token}`;
  return {
    issued: { code, link, replacedEarlierCode },
    projectTitle: project.title,
    clientId: project.client_id,
  };
}
