/**
 * Officials' sign-in with the OpenID Connect provider (outside /v1: they set and read cookies):
 *   GET  /auth/config         where the provider is and which clients to use (`tthc login` reads it)
 *   POST /auth/login          starts the console's authorization-code flow with PKCE; answers
 *                             `{ redirect }` (503 when the provider cannot be reached)
 *   GET  /auth/callback       the provider's redirect: the code is exchanged on the server, the access
 *                             token checked like any bearer token, and a session opened (HttpOnly,
 *                             SameSite=Strict cookie; Secure under https); the tokens stay here
 *   GET  /auth/session        the signed-in official, the session's end and its CSRF token
 *   POST /auth/logout         ends the session (CSRF token required)
 *   POST /auth/cli-sign-in    `tthc login` reports its device-flow sign-in (bearer token): recorded
 * Sign-ins, failed sign-ins and sign-outs go to the security log (audit/security-log.ts).
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import * as oidcClient from 'openid-client';
import { z } from 'zod';
import type { SecurityEntryInput } from '../../audit/security-log.js';
import { ServiceUnavailableError } from '../../client/client-errors.js';
import { AuthenticationError, type Official } from '../auth.js';
import { NoRoleError } from '../authentication.js';
import { ForbiddenError } from '../authorization.js';
import { authenticateCitizen } from '../citizen-auth.js';
import { CITIZEN_COOKIE } from '../citizen-sessions.js';
import { CSRF_HEADER, SESSION_COOKIE } from '../console-sessions.js';
import type { ApiContext, SignInSettings } from '../context.js';
import { IdentityProviderUnavailableError } from '../oidc-tokens.js';
import { authenticateRequest } from '../request-auth.js';
import { errorResponses } from '../schemas.js';

const SIGNIN_COOKIE = 'tthc_signin';
/** Console routes an official may be sent back to after signing in: `#/…`, nothing else. */
const returnRoute = z
  .string()
  .max(300)
  .regex(/^#\/[A-Za-z0-9\-._~%/]*$/, 'must be a console route such as #/ho-so')
  .optional();

const officialSchema = z
  .object({ id: z.string(), name: z.string(), unit: z.string(), role: z.string() })
  .meta({ id: 'SignedInOfficial' });

export const signInFailureCodes = [
  'signin-expired',
  'cancelled',
  'provider-unavailable',
  'no-role',
  'token-refused',
  'failed',
] as const;
type SignInFailure = (typeof signInFailureCodes)[number];

export function registerSignInRoutes(scope: FastifyInstance, ctx: ApiContext): void {
  const app = scope.withTypeProvider<ZodTypeProvider>();
  const signInLimit = scope.rateLimit({
    max: ctx.apiLimits.signInPerMinute,
    timeWindow: 60_000,
  });
  let clientConfig: oidcClient.Configuration | undefined;
  const configuration = (settings: SignInSettings) => {
    const oidc = ctx.authenticator.oidc;
    if (!oidc)
      throw new ServiceUnavailableError(
        'Máy chủ chưa cấu hình nhà cung cấp định danh (no identity provider configured)',
      );
    if (!clientConfig) {
      clientConfig = new oidcClient.Configuration(
        oidc.metadata as oidcClient.ServerMetadata,
        settings.clientId,
        settings.clientSecret ? { client_secret: settings.clientSecret } : undefined,
        settings.clientSecret ? oidcClient.ClientSecretPost(settings.clientSecret) : oidcClient.None(),
      );
      if (oidc.issuer.startsWith('http:')) oidcClient.allowInsecureRequests(clientConfig);
    }
    return clientConfig;
  };
  const requireSignIn = (): SignInSettings => {
    if (!ctx.signIn || !ctx.authenticator.oidc) {
      throw new ServiceUnavailableError(
        'Máy chủ chưa cấu hình đăng nhập bằng nhà cung cấp định danh (sign-in with an identity provider is not configured)',
      );
    }
    return ctx.signIn;
  };
  const secure = () => (ctx.signIn?.publicUrl ?? '').startsWith('https:');
  const record = async (request: FastifyRequest, entry: SecurityEntryInput) => {
    try {
      await ctx.securityLog?.record(entry);
    } catch (error) {
      request.log.warn({ error: (error as Error).message, kind: entry.kind }, 'security log not written');
    }
  };
  const who = (official: Official) => ({
    id: official.id,
    name: official.name,
    role: official.role,
    unit: official.unit,
  });

  app.get(
    '/auth/config',
    {
      schema: {
        tags: ['sign-in'],
        summary: 'The identity provider and clients officials sign in with (read by tthc login)',
        security: [],
        response: {
          200: z.object({
            issuer: z.string(),
            audience: z.string(),
            cliClientId: z.string(),
            scopes: z.string(),
            deviceAuthorizationEndpoint: z.string().optional(),
          }),
          ...errorResponses(503),
        },
      },
    },
    async () => {
      const settings = requireSignIn();
      const oidc = ctx.authenticator.oidc as NonNullable<typeof ctx.authenticator.oidc>;
      return {
        issuer: oidc.issuer,
        audience: oidc.audience,
        cliClientId: settings.cliClientId,
        scopes: settings.scopes,
        deviceAuthorizationEndpoint: oidc.metadata.device_authorization_endpoint,
      };
    },
  );

  /** Starts a sign-in at the provider (officials' or citizens'); answers where to send the browser. */
  const startSignIn = async (
    request: FastifyRequest,
    reply: FastifyReply,
    body: { return?: string; popup?: boolean },
    citizen: boolean,
  ) => {
    const settings = requireSignIn();
    // New sign-ins need the provider: say so now rather than send the browser to a dead page.
    await (ctx.authenticator.oidc as NonNullable<typeof ctx.authenticator.oidc>).checkReachable();
    const codeVerifier = oidcClient.randomPKCECodeVerifier();
    const pending = ctx.sessions.startSignIn({
      state: oidcClient.randomState(),
      nonce: oidcClient.randomNonce(),
      codeVerifier,
      returnTo: body.return ?? '',
      popup: body.popup === true,
      citizen,
    });
    const url = oidcClient.buildAuthorizationUrl(configuration(settings), {
      redirect_uri: `${settings.publicUrl}/auth/callback`,
      scope: settings.scopes,
      code_challenge: await oidcClient.calculatePKCECodeChallenge(codeVerifier),
      code_challenge_method: 'S256',
      state: pending.state,
      nonce: pending.nonce,
      // A shared computer (a counter, a library, a service kiosk): every sign-in asks for the password.
      prompt: 'login',
    });
    void reply.setCookie(SIGNIN_COOKIE, pending.id, {
      httpOnly: true,
      sameSite: 'lax',
      secure: secure(),
      path: '/auth',
      maxAge: 600,
    });
    void request;
    return { redirect: url.href };
  };

  app.post(
    '/auth/citizen/login',
    {
      onRequest: signInLimit,
      schema: {
        tags: ['sign-in'],
        summary:
          'Starts a citizen’s sign-in (authorization code with PKCE; a VNeID level-2 account at the province’s provider)',
        security: [],
        body: z.strictObject({ return: returnRoute }).default({}),
        response: {
          200: z.object({ redirect: z.string().describe('The provider’s authorization URL') }),
          ...errorResponses(400, 429, 503),
        },
      },
    },
    async (request, reply) => startSignIn(request, reply, request.body, true),
  );

  app.get(
    '/auth/citizen/session',
    {
      schema: {
        tags: ['sign-in'],
        summary: 'The citizen’s session: who, when it ends, its CSRF token (the ID number is shown masked)',
        security: [],
        response: {
          200: z.object({
            citizen: z.object({ name: z.string(), idNumberMasked: z.string(), level: z.number() }),
            expiresAt: z.string(),
            csrfToken: z.string(),
          }),
          ...errorResponses(401, 403),
        },
      },
    },
    async (request, reply) => {
      const caller = await authenticateCitizen(ctx, request);
      if (!caller.session) throw new AuthenticationError('missing', 'no citizen session');
      void reply.header('cache-control', 'no-store');
      return {
        citizen: {
          name: caller.citizen.name,
          idNumberMasked: `********${caller.citizen.idNumber.slice(-4)}`,
          level: caller.citizen.level,
        },
        expiresAt: new Date(caller.expiresAt).toISOString(),
        csrfToken: caller.session.csrfToken,
      };
    },
  );

  app.post(
    '/auth/citizen/logout',
    {
      schema: {
        tags: ['sign-in'],
        summary: 'Ends the citizen’s session (the CSRF token in x-csrf-token)',
        security: [],
        response: { 204: z.null(), ...errorResponses(401, 403) },
      },
    },
    async (request, reply) => {
      const caller = await authenticateCitizen(ctx, request);
      void reply.clearCookie(CITIZEN_COOKIE, { path: '/' });
      ctx.citizenSessions.end(caller.session?.id);
      return reply.code(204).send(null);
    },
  );

  app.post(
    '/auth/login',
    {
      onRequest: signInLimit,
      schema: {
        tags: ['sign-in'],
        summary:
          'Starts the console sign-in (authorization code with PKCE); answers where to send the browser',
        security: [],
        body: z.strictObject({ return: returnRoute, popup: z.boolean().optional() }).default({}),
        response: {
          200: z.object({ redirect: z.string().describe('The provider’s authorization URL') }),
          ...errorResponses(400, 429, 503),
        },
      },
    },
    async (request, reply) => startSignIn(request, reply, request.body, false),
  );

  app.get(
    '/auth/callback',
    {
      onRequest: signInLimit,
      schema: {
        tags: ['sign-in'],
        summary: 'The provider’s redirect after sign-in: opens the session and returns to the console',
        security: [],
        querystring: z.looseObject({
          code: z.string().max(4096).optional(),
          state: z.string().max(4096).optional(),
          iss: z.string().max(4096).optional(),
          error: z.string().max(4096).optional(),
          error_description: z.string().max(4096).optional(),
        }),
        response: { 303: z.null(), ...errorResponses(400, 429) },
      },
    },
    async (request, reply) => {
      const pending = ctx.sessions.takeSignIn(request.cookies[SIGNIN_COOKIE]);
      void reply.clearCookie(SIGNIN_COOKIE, { path: '/auth' });
      const fail = async (code: SignInFailure, official?: { id: string }) => {
        // A citizen's failed sign-in is not an official's security event: only its page says so.
        if (!pending?.citizen) {
          await record(request, {
            kind: 'sign-in-failed',
            via: 'console',
            reason: code,
            official: official ? { id: official.id } : undefined,
          });
        }
        const target = pending?.citizen
          ? `/console/citizen.html?loi=${code}#/dang-nhap`
          : pending?.popup
            ? `/console/signed-in.html?loi=${code}`
            : `/console/?loi=${code}#/dang-nhap`;
        return reply.code(303).header('location', target).send(null);
      };
      if (!pending) return fail('signin-expired');
      if (request.query.error) return fail(request.query.error === 'access_denied' ? 'cancelled' : 'failed');
      const settings = requireSignIn();
      let accessToken: string;
      try {
        const currentUrl = new URL(request.url, settings.publicUrl);
        const tokens = await oidcClient.authorizationCodeGrant(configuration(settings), currentUrl, {
          pkceCodeVerifier: pending.codeVerifier,
          expectedState: pending.state,
          expectedNonce: pending.nonce,
          idTokenExpected: true,
        });
        accessToken = tokens.access_token;
      } catch (error) {
        request.log.info({ error: (error as Error).message }, 'sign-in: code exchange failed');
        return fail(isNetworkError(error) ? 'provider-unavailable' : 'failed');
      }
      if (pending.citizen) {
        try {
          const { citizen, expiresAt: until } = await ctx.authenticator.citizen(accessToken);
          const session = ctx.citizenSessions.create(citizen, ctx.citizenKey(citizen.idNumber), until);
          request.log.info('citizen signed in');
          void reply.setCookie(CITIZEN_COOKIE, session.id, {
            httpOnly: true,
            sameSite: 'strict',
            secure: secure(),
            path: '/',
            expires: new Date(until),
          });
          return reply.code(303).header('location', `/console/citizen.html${pending.returnTo}`).send(null);
        } catch (error) {
          if (error instanceof IdentityProviderUnavailableError) return fail('provider-unavailable');
          if (error instanceof AuthenticationError || error instanceof ForbiddenError)
            return fail('token-refused');
          throw error;
        }
      }
      let official: Official;
      let expiresAt: number;
      try {
        ({ official, expiresAt } = await ctx.authenticator.bearer(accessToken));
      } catch (error) {
        if (error instanceof NoRoleError) return fail('no-role', { id: error.officialId });
        if (error instanceof IdentityProviderUnavailableError) return fail('provider-unavailable');
        if (error instanceof AuthenticationError || error instanceof ForbiddenError)
          return fail('token-refused');
        throw error;
      }
      const session = ctx.sessions.create(official, expiresAt);
      await record(request, { kind: 'sign-in', via: 'console', official: who(official) });
      request.log.info({ official: official.id, role: official.role, unit: official.unit }, 'signed in');
      void reply.setCookie(SESSION_COOKIE, session.id, {
        httpOnly: true,
        sameSite: 'strict',
        secure: secure(),
        path: '/',
        expires: new Date(expiresAt),
      });
      const target = pending.popup ? '/console/signed-in.html' : `/console/${pending.returnTo}`;
      return reply.code(303).header('location', target).send(null);
    },
  );

  app.get(
    '/auth/session',
    {
      schema: {
        tags: ['sign-in'],
        summary: 'The console session: the official, when it ends, and its CSRF token',
        security: [],
        response: {
          200: z.object({
            official: officialSchema,
            expiresAt: z.string().describe('ISO 8601 instant'),
            csrfToken: z.string().describe(`Send it in ${CSRF_HEADER} with every state-changing request`),
          }),
          ...errorResponses(401),
        },
      },
    },
    async (request, reply) => {
      const caller = await authenticateRequest(ctx, request);
      if (!caller.session) throw new AuthenticationError('missing', 'no console session');
      void reply.header('cache-control', 'no-store');
      return {
        official: caller.official,
        expiresAt: new Date(caller.expiresAt).toISOString(),
        csrfToken: caller.session.csrfToken,
      };
    },
  );

  app.post(
    '/auth/logout',
    {
      schema: {
        tags: ['sign-in'],
        summary: 'Ends the console session (the CSRF token in x-csrf-token)',
        security: [],
        response: { 204: z.null(), ...errorResponses(401, 403) },
      },
    },
    async (request, reply) => {
      const caller = await authenticateRequest(ctx, request);
      clearSession(reply);
      if (caller.session) {
        ctx.sessions.end(caller.session.id);
        await record(request, { kind: 'sign-out', via: 'console', official: who(caller.official) });
      }
      return reply.code(204).send(null);
    },
  );

  app.post(
    '/auth/cli-sign-in',
    {
      onRequest: signInLimit,
      schema: {
        tags: ['sign-in'],
        summary: 'tthc login reports its sign-in (device flow); answers the official the token names',
        response: {
          200: z.object({ official: officialSchema, expiresAt: z.string() }),
          ...errorResponses(401, 403),
        },
      },
    },
    async (request) => {
      const authorization = request.headers.authorization;
      if (!authorization) throw new AuthenticationError('missing');
      let caller: Awaited<ReturnType<typeof authenticateRequest>>;
      try {
        caller = await authenticateRequest(ctx, request);
      } catch (error) {
        await record(request, {
          kind: 'sign-in-failed',
          via: 'cli',
          reason: error instanceof NoRoleError ? 'no-role' : 'token-refused',
          official: error instanceof NoRoleError ? { id: error.officialId } : undefined,
        });
        throw error;
      }
      await record(request, { kind: 'sign-in', via: 'cli', official: who(caller.official) });
      return { official: caller.official, expiresAt: new Date(caller.expiresAt).toISOString() };
    },
  );
}

function clearSession(reply: FastifyReply): void {
  void reply.clearCookie(SESSION_COOKIE, { path: '/' });
}

function isNetworkError(error: unknown): boolean {
  const text = `${(error as Error)?.name} ${(error as Error)?.message} ${String((error as { cause?: unknown }).cause)}`;
  return /fetch failed|ECONNREFUSED|ECONNRESET|ETIMEDOUT|TimeoutError|AbortError|network/i.test(text);
}
