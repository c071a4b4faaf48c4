/**
 * Who is calling: a freelancer (cookie mp_session) or a client holding one project's access
 * (cookie mp_client). Authorization lives here and in the queries' WHERE clauses; nothing else
 * decides who may see what. Cookie-authenticated writes must echo the session's CSRF token.
 */
import type {} from '@fastify/cookie'; // its type augmentation of request and reply
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Kysely } from 'kysely';
import type { Config } from '../config';
import { findLiveClientSession, findLiveSession } from '../db/queries/sessions';
import type { DB, UserRow } from '../db/schema';
import { hashesEqual, hashSecret } from '../domain/access-secrets';
import { systemClock, type Clock } from '../domain/clock';
import { AppError } from '../domain/errors';
import type { IssuedSession } from '../auth/sessions';

export const FREELANCER_COOKIE = 'mp_session';
export const CLIENT_COOKIE = 'mp_client';
export const CSRF_HEADER = 'x-csrf-token';

export interface FreelancerCaller {
  user: UserRow;
  csrfToken: string;
  sessionToken: string;
}

export interface ClientCaller {
  projectId: string;
  csrfToken: string;
  sessionToken: string;
}

declare module 'fastify' {
  interface FastifyRequest {
    freelancer: FreelancerCaller | null;
    client: ClientCaller | null;
  }
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

function assertCsrf(request: FastifyRequest, expected: string): void {
  if (SAFE_METHODS.has(request.method)) return;
  const sent = request.headers[CSRF_HEADER];
  const ok =
    typeof sent === 'string' &&
    sent.length === expected.length &&
    hashesEqual(hashSecret(sent), hashSecret(expected));
  if (!ok) throw new AppError('CSRF_TOKEN_INVALID', `Missing or wrong ${CSRF_HEADER} header`);
}

export function freelancerAuthenticator(
  db: Kysely<DB>,
  options: { required: boolean; clock?: Clock },
) {
  const clock = options.clock ?? systemClock;
  return async function authenticateFreelancer(request: FastifyRequest): Promise<void> {
    const token = request.cookies[FREELANCER_COOKIE];
    const session = token
      ? await findLiveSession(db, hashSecret(token), clock.now().toISOString())
      : undefined;
    if (!token || !session) {
      if (options.required) throw new AppError('UNAUTHENTICATED', 'Log in to continue');
      return;
    }
    request.freelancer = { user: session.user, csrfToken: session.csrfToken, sessionToken: token };
    if (options.required) assertCsrf(request, session.csrfToken);
  };
}

export function clientAuthenticator(db: Kysely<DB>, clock: Clock = systemClock) {
  return async function authenticateClient(request: FastifyRequest): Promise<void> {
    const token = request.cookies[CLIENT_COOKIE];
    const session = token
      ? await findLiveClientSession(db, hashSecret(token), clock.now().toISOString())
      : undefined;
    if (!token || !session) {
      throw new AppError('UNAUTHENTICATED', 'Open the project with your access code to continue');
    }
    request.client = {
      projectId: session.projectId,
      csrfToken: session.csrfToken,
      sessionToken: token,
    };
    assertCsrf(request, session.csrfToken);
  };
}

/** The caller, once an authenticating hook has run; absent only if a route forgot its hook. */
export function freelancerOf(request: FastifyRequest): FreelancerCaller {
  if (!request.freelancer) throw new AppError('UNAUTHENTICATED', 'Log in to continue');
  return request.freelancer;
}

export function clientOf(request: FastifyRequest): ClientCaller {
  if (!request.client)
    throw new AppError('UNAUTHENTICATED', 'Open the project with your access code to continue');
  return request.client;
}

export function setSessionCookie(
  reply: FastifyReply,
  config: Config,
  name: string,
  session: IssuedSession,
): void {
  reply.setCookie(name, session.token, {
    httpOnly: true,
    sameSite: 'lax',
    secure: config.secureCookies,
    path: '/',
    expires: new Date(session.expiresAt),
  });
}

export function clearSessionCookie(reply: FastifyReply, config: Config, name: string): void {
  reply.clearCookie(name, {
    httpOnly: true,
    sameSite: 'lax',
    secure: config.secureCookies,
    path: '/',
  });
}

/** For routes both parties use (downloads): the freelancer's session, else the client's. */
export function anyCallerAuthenticator(db: Kysely<DB>, clock: Clock = systemClock) {
  const freelancer = freelancerAuthenticator(db, { required: false, clock });
  return async function authenticateAnyCaller(request: FastifyRequest): Promise<void> {
    await freelancer(request);
    if (request.freelancer) return;
    const token = request.cookies[CLIENT_COOKIE];
    const session = token
      ? await findLiveClientSession(db, hashSecret(token), clock.now().toISOString())
      : undefined;
    if (!token || !session)
      throw new AppError('UNAUTHENTICATED', 'Log in or open the project with your access code');
    request.client = {
      projectId: session.projectId,
      csrfToken: session.csrfToken,
      sessionToken: token,
    };
  };
}
