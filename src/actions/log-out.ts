import { hashSecret } from '../domain/access-secrets';
import { deleteClientSession, deleteSession } from '../db/queries/sessions';
import type { ActionContext } from './context';

export async function logOut(
  options: Pick<ActionContext, 'db'> & { sessionToken: string },
): Promise<void> {
  await deleteSession(options.db, hashSecret(options.sessionToken));
}

export async function leavePortal(
  options: Pick<ActionContext, 'db'> & { sessionToken: string },
): Promise<void> {
  await deleteClientSession(options.db, hashSecret(options.sessionToken));
}
