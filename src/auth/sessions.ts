/**
 * Session tokens: 256 random bits in an HttpOnly cookie; the database keeps only their SHA-256,
 * so a leaked database does not hand out live sessions.
 */
import type { Kysely } from 'kysely';
import { generateToken, hashSecret } from '../domain/access-secrets';
import { insertClientSession, insertSession } from '../db/queries/sessions';
import type { DB } from '../db/schema';

export interface IssuedSession {
  token: string;
  csrfToken: string;
  expiresAt: string;
}

const DAY_MS = 24 * 60 * 60 * 1000;

export async function startFreelancerSession(
  db: Kysely<DB>,
  options: { userId: string; days: number; now: Date },
): Promise<IssuedSession> {
  const token = generateToken();
  const csrfToken = generateToken();
  const expiresAt = new Date(options.now.getTime() + options.days * DAY_MS).toISOString();
  await insertSession(db, {
    tokenHash: hashSecret(token),
    userId: options.userId,
    csrfToken,
    createdAt: options.now.toISOString(),
    expiresAt,
  });
  return { token, csrfToken, expiresAt };
}

export async function startClientSession(
  db: Kysely<DB>,
  options: { projectId: string; accessGeneration: number; days: number; now: Date },
): Promise<IssuedSession> {
  const token = generateToken();
  const csrfToken = generateToken();
  const expiresAt = new Date(options.now.getTime() + options.days * DAY_MS).toISOString();
  await insertClientSession(db, {
    tokenHash: hashSecret(token),
    projectId: options.projectId,
    accessGeneration: options.accessGeneration,
    csrfToken,
    createdAt: options.now.toISOString(),
    expiresAt,
  });
  return { token, csrfToken, expiresAt };
}
