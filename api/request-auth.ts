/**
 * Authenticating one request: a bearer token when the request has an Authorization header, else
 * the console's session cookie, with the CSRF check on state-changing methods.
 */
import type { FastifyRequest } from 'fastify';
import { AuthenticationError, bearerToken } from './auth.js';
import type { AuthenticatedCaller } from './authentication.js';
import { ForbiddenError } from './authorization.js';
import { type ConsoleSession, CSRF_HEADER, csrfMatches, SESSION_COOKIE } from './console-sessions.js';
import type { ApiContext } from './context.js';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** 403: a cookie-authenticated state-changing request without the session's CSRF token. */
export class CsrfError extends ForbiddenError {
  override name = 'CsrfError';
  readonly code = 'CSRF';
  constructor() {
    super({
      vi: 'thiếu hoặc sai mã chống giả mạo yêu cầu (CSRF); hãy tải lại trang',
      en: `missing or wrong CSRF token (${CSRF_HEADER}); reload the console`,
    });
  }
}

/** The caller of a request; throws AuthenticationError (401) or CsrfError (403). */
export async function authenticateRequest(
  ctx: ApiContext,
  request: FastifyRequest,
): Promise<AuthenticatedCaller & { session?: ConsoleSession }> {
  const header = request.headers.authorization;
  if (header !== undefined && header !== '') return ctx.authenticator.bearer(bearerToken(header));
  const cookie = request.cookies?.[SESSION_COOKIE];
  if (!cookie) throw new AuthenticationError('missing');
  const found = ctx.sessions.lookup(cookie);
  if (found.status !== 'active') throw new AuthenticationError('session-expired');
  if (!SAFE_METHODS.has(request.method) && !csrfMatches(found.session, request.headers[CSRF_HEADER])) {
    throw new CsrfError();
  }
  return { official: found.session.official, expiresAt: found.session.expiresAt, session: found.session };
}
