import { limitedAttempt } from '../auth/attempt-limits';
import { startClientSession, type IssuedSession } from '../auth/sessions';
import { appendActivity } from '../db/queries/activity';
import { findProjectByAccessHash, lockProjectById } from '../db/queries/projects';
import type { ProjectRow } from '../db/schema';
import {
  hashesEqual,
  hashSecret,
  isWellFormedLinkToken,
  normalizeAccessCode,
} from '../domain/access-secrets';
import { clientAddressKey } from '../domain/client-address';
import { assertArchiveAllows } from '../domain/archive-rule';
import { AppError } from '../domain/errors';
import type { Kysely } from 'kysely';
import type { DB } from '../db/schema';
import { nowOf, type ActionContext } from './context';
import { notifyFreelancer } from './schedule-notifications';

export type AccessSecret = { code: string } | { token: string };

type AccessColumn = 'access_code_hash' | 'access_token_hash';

/**
 * The client opens a project with the code they typed or the token their link carried.
 *
 * Wrong codes count per address (IPv6 by /64) and instance-wide, so guessing 60-bit codes stays
 * hopeless. A link's 256-bit token cannot be guessed, so a valid one is never refused by a limit
 * (a flood of wrong codes must not lock out the client who holds the link); wrong tokens count
 * against their address only. What cannot be a code or a token at all is refused with 400 and
 * not counted: it was a typing slip, not a guess.
 */
export async function openProjectWithCode(
  options: ActionContext & { secret: AccessSecret; ip: string },
): Promise<{ projectId: string; session: IssuedSession }> {
  const { db, config, secret } = options;
  const now = nowOf(options);
  const { accessFailuresPerIp, accessFailuresGlobal, failureWindowMinutes } = config.limits;
  const column: AccessColumn = 'code' in secret ? 'access_code_hash' : 'access_token_hash';
  const field = 'code' in secret ? 'code' : 'token';
  const presented = wellFormed(secret);
  const invalid = new AppError(
    'INVALID_ACCESS',
    'That access code or link is not valid. Check it with your freelancer.',
    { field },
  );
  const check = async () => {
    const found = await projectHolding(db, column, presented);
    return found ? { ok: true as const, value: found } : { ok: false as const, error: invalid };
  };
  const policy = {
    key: clientAddressKey(options.ip),
    windowMinutes: failureWindowMinutes,
    maxPerKey: accessFailuresPerIp,
    keyScopes: ['access', 'access-link'],
  };
  let opened: { project: ProjectRow; stored: string } | undefined;
  if ('token' in secret) {
    // Checked before any count: only a wrong token is limited.
    opened = await projectHolding(db, column, presented);
    opened ??= await limitedAttempt(db, { ...policy, scope: 'access-link' }, now, check);
  } else {
    opened = await limitedAttempt(
      db,
      { ...policy, scope: 'access', maxInScope: accessFailuresGlobal },
      now,
      check,
    );
  }
  const { project, stored } = opened;
  const at = now.toISOString();
  return db.transaction().execute(async (trx) => {
    const current = await lockProjectById(trx, project.id, at);
    // Reissued or revoked between our read and the lock: the secret no longer opens it.
    if (!current || current[column] !== stored) {
      throw new AppError('INVALID_ACCESS', 'That access code or link is no longer valid', {
        field,
      });
    }
    // Archived or not, the client may come back to read what they paid for.
    assertArchiveAllows(current, 'client-read');
    const session = await startClientSession(trx, {
      projectId: current.id,
      accessGeneration: current.access_generation,
      days: config.clientSessionDays,
      now,
    });
    if (!(await hasBeenOpened(trx, current.id))) {
      await notifyFreelancer(trx, { project: current, notice: 'client_visit', now: at });
    }
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

/** Whether the client has opened the project before (the activity record keeps every visit). */
async function hasBeenOpened(trx: Kysely<DB>, projectId: string): Promise<boolean> {
  const row = await trx
    .selectFrom('activity')
    .select('id')
    .where('project_id', '=', projectId)
    .where('action', '=', 'client.opened')
    .limit(1)
    .executeTakeFirst();
  return row !== undefined;
}

/** The presented secret's hash, or a 400 when it cannot be a code or a link token at all. */
function wellFormed(secret: AccessSecret): string {
  if ('code' in secret) {
    const normalized = normalizeAccessCode(secret.code);
    if (normalized === null) {
      throw new AppError(
        'VALIDATION_FAILED',
        'An access code has 12 letters and digits, like K7QM-2XPD-9RTA',
        { field: 'code' },
      );
    }
    return hashSecret(normalized);
  }
  if (!isWellFormedLinkToken(secret.token)) {
    throw new AppError(
      'VALIDATION_FAILED',
      'That is not the token of an access link; open the link itself',
      { field: 'token' },
    );
  }
  return hashSecret(secret.token);
}

async function projectHolding(
  db: Kysely<DB>,
  column: AccessColumn,
  presented: string,
): Promise<{ project: ProjectRow; stored: string } | undefined> {
  const found = await findProjectByAccessHash(db, column, presented);
  const hash = found?.[column];
  return found && hash && hashesEqual(hash, presented)
    ? { project: found, stored: hash }
    : undefined;
}
