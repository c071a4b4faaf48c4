import { hashSecret } from '../domain/access-secrets';
import { deleteClientSession, deleteSession } from '../db/queries/sessions';
import type { StreamAnnouncer } from '../events/stream-bus';
import type { ActionContext } from './context';

/** Ends the freelancer's session; their sockets on every instance are re-checked (and close). */
export async function logOut(
  options: Pick<ActionContext, 'db'> & {
    events: StreamAnnouncer;
    sessionToken: string;
    userId: string;
  },
): Promise<void> {
  await deleteSession(options.db, hashSecret(options.sessionToken));
  await options.events.sessionsChanged(options.db, { userId: options.userId });
}

/** Ends the client's session; their sockets on every instance are re-checked (and close). */
export async function leavePortal(
  options: Pick<ActionContext, 'db'> & {
    events: StreamAnnouncer;
    sessionToken: string;
    projectId: string;
  },
): Promise<void> {
  await deleteClientSession(options.db, hashSecret(options.sessionToken));
  await options.events.sessionsChanged(options.db, { projectId: options.projectId });
}
