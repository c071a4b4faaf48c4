import { limitedAttempt } from '../auth/attempt-limits';
import { startClientSession, type IssuedSession } from '../auth/sessions';
import { appendActivity } from '../db/queries/activity';
import { findProjectByAccessHash, lockProjectById } from '../db/queries/projects';
import { hashesEqual, hashSecret, normalizeAccessCode } from '../domain/access-secrets';
import { AppError } from '../domain/errors';
import { nowOf, type ActionContext } from './context';

export type AccessSecret = { code: string } | { token: string };

/**
 * The client opens a project with the code they typed or the token their link carried.
 * Failures count per IP and instance-wide, so guessing 60-bit codes stays hopeless.
 */
export async function openProjectWithCode(
  options: ActionContext & { secret: AccessSecret; ip: string },
): Promise<{ projectId: string; session: IssuedSession }> {
  const { db, config, secret } = options;
  const now = nowOf(options);
  const { accessFailuresPerIp, accessFailuresGlobal, failureWindowMinutes } = config.limits;
  const column = 'code' in secret ? 'access_code_hash' : 'access_token_hash';
  const field = 'code' in secret ? 'code' : 'token';
  const { project, stored } = await limitedAttempt(
    db,
    {
      scope: 'access',
      key: options.ip,
      windowMinutes: failureWindowMinutes,
      maxPerKey: accessFailuresPerIp,
      maxInScope: accessFailuresGlobal,
    },
    now,
    async (trx) => {
      const normalized = 'code' in secret ? normalizeAccessCode(secret.code) : secret.token;
      const presented = normalized === null ? null : hashSecret(normalized);
      const found =
        presented === null ? undefined : await findProjectByAccessHash(trx, column, presented);
      const hash = found?.[column];
      if (!found || !hash || presented === null || !hashesEqual(hash, presented)) {
        return {
          ok: false,
          error: new AppError(
            'INVALID_ACCESS',
            'That access code or link is not valid. Check it with your freelancer.',
            { field },
          ),
        };
      }
      return { ok: true, value: { project: found, stored: hash } };
    },
  );
  const at = now.toISOString();
  return db.transaction().execute(async (trx) => {
    const current = await lockProjectById(trx, project.id, at);
    // Reissued or revoked between our read and the lock: the secret no longer opens it.
    if (!current || current[column] !== stored) {
      throw new AppError('INVALID_ACCESS', 'That access code or link is no longer valid', {
        field,
      });
    }
    const session = await startClientSession(trx, {
      projectId: current.id,
      accessGeneration: current.access_generation,
      days: config.clientSessionDays,
      now,
    });
    await appendActivity(trx, {
      projectId: current.id,
      actorType: 'client',
      actorId: null,
      action: 'client.opened',
      details: { via: 'code' in secret ? 'code' : 'link' },
      at,
    });
    return { projectId: current.id, session };
  });
}
