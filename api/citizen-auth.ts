/**
 * Authenticating a citizen's request (api/citizen-sessions.ts has the sessions): a citizen's
 * bearer token, else the `tthc_citizen` session cookie with the CSRF check on state-changing
 * methods; an official's token is a 403.
 */
import type { FastifyRequest } from 'fastify';
import { AuthenticationError, bearerToken } from './auth.js';
import type { Citizen } from './authentication.js';
import { CITIZEN_COOKIE, type CitizenSession } from './citizen-sessions.js';
import { CSRF_HEADER, csrfMatches } from './console-sessions.js';
import type { ApiContext } from './context.js';
import { CsrfError } from './request-auth.js';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export interface AuthenticatedCitizen {
  citizen: Citizen;
  applicantKey: string;
  expiresAt: number;
  session?: CitizenSession;
}

/**
 * The citizen of a request: a citizen's bearer token (apps, tests), else the citizen session
 * cookie with the CSRF check on state-changing methods. 401 otherwise; an official's token is a 403.
 */
export async function authenticateCitizen(
  ctx: ApiContext,
  request: FastifyRequest,
): Promise<AuthenticatedCitizen> {
  const header = request.headers.authorization;
  if (header !== undefined && header !== '') {
    const { citizen, expiresAt } = await ctx.authenticator.citizen(bearerToken(header));
    return { citizen, expiresAt, applicantKey: ctx.citizenKey(citizen.idNumber) };
  }
  const session = ctx.citizenSessions.lookup(request.cookies?.[CITIZEN_COOKIE]);
  if (!session)
    throw new AuthenticationError(request.cookies?.[CITIZEN_COOKIE] ? 'session-expired' : 'missing');
  if (!SAFE_METHODS.has(request.method) && !csrfMatches(session, request.headers[CSRF_HEADER])) {
    throw new CsrfError();
  }
  return {
    citizen: session.citizen,
    applicantKey: session.applicantKey,
    expiresAt: session.expiresAt,
    session,
  };
}
