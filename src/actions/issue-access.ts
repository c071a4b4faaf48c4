import { appendActivity } from '../db/queries/activity';
import { deleteClientSessionsOfProject } from '../db/queries/sessions';
import { updateProject } from '../db/queries/projects';
import { generateAccessCode, generateLinkToken, hashSecret } from '../domain/access-secrets';
import type { ActionContext } from './context';
import { lockProjectForChange } from './locked-project';

/**
 * Issues a new access code and link for the client, replacing any earlier pair and ending the
 * sessions opened with it. The secrets are returned once; only their hashes are kept.
 */
export async function issueAccess(
  options: ActionContext & { ownerId: string; projectId: string },
): Promise<{ code: string; link: string }> {
  const code = generateAccessCode();
  const token = generateLinkToken();
  const now = new Date().toISOString();
  await options.db.transaction().execute(async (trx) => {
    const { project } = await lockProjectForChange(trx, { ...options, now, act: 'access' });
    await updateProject(trx, project.id, {
      access_code_hash: hashSecret(code),
      access_token_hash: hashSecret(token),
      access_generation: project.access_generation + 1,
      access_created_at: now,
    });
    await deleteClientSessionsOfProject(trx, project.id);
    await appendActivity(trx, {
      projectId: project.id,
      actorType: 'freelancer',
      actorId: options.ownerId,
      action: 'access.issued',
      details: { replacedEarlierCode: project.access_code_hash !== null },
      at: now,
    });
  });
  // A fragment never reaches servers or their logs; the portal trades it for a session cookie.
  return { code, link: `${options.config.publicUrl}/portal#access=${token}` };
}
