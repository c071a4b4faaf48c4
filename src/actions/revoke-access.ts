import { appendActivity } from '../db/queries/activity';
import { updateProject } from '../db/queries/projects';
import { deleteClientSessionsOfProject } from '../db/queries/sessions';
import type { StreamAnnouncer } from '../events/stream-bus';
import { postLiveEvent } from './chat-stream';
import type { ActionContext } from './context';
import { lockProjectForChange } from './locked-project';

/** Revokes the client's code and link and ends their sessions, issuing nothing in their place. */
export async function revokeAccess(
  options: Pick<ActionContext, 'db'> & {
    events: StreamAnnouncer;
    ownerId: string;
    projectId: string;
  },
): Promise<void> {
  const now = new Date().toISOString();
  await options.db.transaction().execute(async (trx) => {
    const { project } = await lockProjectForChange(trx, { ...options, now, act: 'access' });
    await updateProject(trx, project.id, {
      access_code_hash: null,
      access_token_hash: null,
      access_generation: project.access_generation + 1,
      access_created_at: null,
    });
    await deleteClientSessionsOfProject(trx, project.id);
    await options.events.sessionsChanged(trx, { projectId: project.id });
    await appendActivity(trx, {
      projectId: project.id,
      actorType: 'freelancer',
      actorId: options.ownerId,
      action: 'access.revoked',
      at: now,
    });
    await postLiveEvent(trx, options.events, {
      projectId: project.id,
      event: { type: 'access.changed', shared: false },
      at: now,
    });
  });
}
