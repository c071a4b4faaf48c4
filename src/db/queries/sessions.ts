import type { Kysely } from 'kysely';
import type { DB, UserRow } from '../schema';

export interface SessionWithUser {
  csrfToken: string;
  user: UserRow;
}

export async function insertSession(
  db: Kysely<DB>,
  session: {
    tokenHash: string;
    userId: string;
    csrfToken: string;
    createdAt: string;
    expiresAt: string;
  },
): Promise<void> {
  await db
    .insertInto('sessions')
    .values({
      token_hash: session.tokenHash,
      user_id: session.userId,
      csrf_token: session.csrfToken,
      created_at: session.createdAt,
      expires_at: session.expiresAt,
    })
    .execute();
}

export async function findLiveSession(
  db: Kysely<DB>,
  tokenHash: string,
  now: string,
): Promise<SessionWithUser | undefined> {
  const row = await db
    .selectFrom('sessions')
    .innerJoin('users', 'users.id', 'sessions.user_id')
    .selectAll('users')
    .select('sessions.csrf_token')
    .where('sessions.token_hash', '=', tokenHash)
    .where('sessions.expires_at', '>', now)
    .executeTakeFirst();
  if (!row) return undefined;
  const { csrf_token, ...user } = row;
  return { csrfToken: csrf_token, user };
}

export async function deleteSession(db: Kysely<DB>, tokenHash: string): Promise<void> {
  await db.deleteFrom('sessions').where('token_hash', '=', tokenHash).execute();
}

/** Ends every session of a user but the one given (after a password change). */
export async function deleteOtherSessions(
  db: Kysely<DB>,
  userId: string,
  keepTokenHash: string,
): Promise<void> {
  await db
    .deleteFrom('sessions')
    .where('user_id', '=', userId)
    .where('token_hash', '!=', keepTokenHash)
    .execute();
}

/** Ends every session of a user (after a password reset). */
export async function deleteSessionsOfUser(db: Kysely<DB>, userId: string): Promise<void> {
  await db.deleteFrom('sessions').where('user_id', '=', userId).execute();
}

export async function insertClientSession(
  db: Kysely<DB>,
  session: {
    tokenHash: string;
    projectId: string;
    accessGeneration: number;
    csrfToken: string;
    createdAt: string;
    expiresAt: string;
  },
): Promise<void> {
  await db
    .insertInto('client_sessions')
    .values({
      token_hash: session.tokenHash,
      project_id: session.projectId,
      access_generation: session.accessGeneration,
      csrf_token: session.csrfToken,
      created_at: session.createdAt,
      expires_at: session.expiresAt,
    })
    .execute();
}

/**
 * A client session is live only while its project's access has not been reissued or revoked
 * since it began: the generation numbers must still match.
 */
export async function findLiveClientSession(
  db: Kysely<DB>,
  tokenHash: string,
  now: string,
): Promise<{ projectId: string; csrfToken: string } | undefined> {
  const row = await db
    .selectFrom('client_sessions')
    .innerJoin('projects', 'projects.id', 'client_sessions.project_id')
    .select(['client_sessions.project_id', 'client_sessions.csrf_token'])
    .where('client_sessions.token_hash', '=', tokenHash)
    .where('client_sessions.expires_at', '>', now)
    .whereRef('client_sessions.access_generation', '=', 'projects.access_generation')
    .where('projects.access_code_hash', 'is not', null)
    .executeTakeFirst();
  return row && { projectId: row.project_id, csrfToken: row.csrf_token };
}

export async function deleteClientSession(db: Kysely<DB>, tokenHash: string): Promise<void> {
  await db.deleteFrom('client_sessions').where('token_hash', '=', tokenHash).execute();
}

export async function deleteClientSessionsOfProject(
  db: Kysely<DB>,
  projectId: string,
): Promise<void> {
  await db.deleteFrom('client_sessions').where('project_id', '=', projectId).execute();
}

/** Of these freelancer session hashes, the ones still live (for open sockets' re-checks). */
export async function liveSessionHashes(
  db: Kysely<DB>,
  tokenHashes: readonly string[],
  now: string,
): Promise<Set<string>> {
  if (tokenHashes.length === 0) return new Set();
  const rows = await db
    .selectFrom('sessions')
    .select('token_hash')
    .where('token_hash', 'in', [...tokenHashes])
    .where('expires_at', '>', now)
    .execute();
  return new Set(rows.map((r) => r.token_hash));
}

/**
 * Of these client session hashes, the ones still live (as findLiveClientSession judges), with
 * whether their project is archived.
 */
export async function liveClientSessionHashes(
  db: Kysely<DB>,
  tokenHashes: readonly string[],
  now: string,
): Promise<Map<string, { projectId: string; archived: boolean }>> {
  if (tokenHashes.length === 0) return new Map();
  const rows = await db
    .selectFrom('client_sessions')
    .innerJoin('projects', 'projects.id', 'client_sessions.project_id')
    .select(['client_sessions.token_hash', 'client_sessions.project_id', 'projects.archived_at'])
    .where('client_sessions.token_hash', 'in', [...tokenHashes])
    .where('client_sessions.expires_at', '>', now)
    .whereRef('client_sessions.access_generation', '=', 'projects.access_generation')
    .where('projects.access_code_hash', 'is not', null)
    .execute();
  return new Map(
    rows.map((r) => [r.token_hash, { projectId: r.project_id, archived: r.archived_at !== null }]),
  );
}
