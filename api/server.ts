/**
 * The HTTP API of tthc-flow for counters, officials, supervisors and citizens (Fastify).
 *
 * `buildApiServer(deps)` returns a ready Fastify instance; tests call `inject()` on it, `npm start`
 * listens with it (api/api-process.ts). Requests and responses are validated with zod; the OpenAPI
 * document is generated from the same schemas (`GET /openapi.json`, docs page `GET /docs`).
 * Logs go through pino with the personal-data redaction of infra/logging.ts; bodies are never
 * logged, and the lookup secret is cut out of logged URLs.
 */
import fastifyCookie from '@fastify/cookie';
import fastifyCors from '@fastify/cors';
import fastifyRateLimit from '@fastify/rate-limit';
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, type FastifyRequest } from 'fastify';
import {
  jsonSchemaTransform,
  jsonSchemaTransformObject,
  serializerCompiler,
} from 'fastify-type-provider-zod';
import type { z } from 'zod';
import { ServiceUnavailableError } from '../client/client-errors.js';
import { DossierSearch } from '../client/search.js';
import { createChainCalendar, type WorkingCalendar } from '../domain/calendar.js';
import { formatZodError } from '../domain/validation.js';
import { applicantKeyFor } from '../infra/digitized-registry.js';
import { createLogger } from '../infra/logging.js';
import { agencyJurisdiction, amendedChainLoader, loadCalendar } from '../rules/calendar-loader.js';
import { checkSecret } from './auth.js';
import { Authenticator } from './authentication.js';
import { authenticateCitizen } from './citizen-auth.js';
import { CitizenSessions } from './citizen-sessions.js';
import { ConsoleSessions } from './console-sessions.js';
import { type ApiContext, type ApiDeps, defaultApiLimits } from './context.js';
import { describePart, errorHandler, RequestValidationError, TooManyRequestsError } from './http-errors.js';
import { LookupLockout } from './lookup-lockout.js';
import { authenticateRequest } from './request-auth.js';
import { registerAuditRoutes } from './routes/audit-routes.js';
import { registerCitizenDossierRoutes } from './routes/citizen-dossier-routes.js';
import { registerCitizenRoutes } from './routes/citizen-routes.js';
import { codecRoutes, registerCodecSessionRoutes } from './routes/codec-routes.js';
import { registerDocumentRoutes } from './routes/document-routes.js';
import { registerDossierRoutes } from './routes/dossier-routes.js';
import { registerErasureRoutes } from './routes/erasure-routes.js';
import { registerCitizenFeedbackRoutes, registerFeedbackRoutes } from './routes/feedback-routes.js';
import { registerHealthRoutes } from './routes/health-routes.js';
import { registerIndicatorRoutes } from './routes/indicator-routes.js';
import { registerLookupRoutes } from './routes/lookup-routes.js';
import { registerOnlineInboxRoutes } from './routes/online-inbox-routes.js';
import { registerCitizenPaymentRoutes, registerGatewayRoutes } from './routes/payment-routes.js';
import { registerReferenceRoutes } from './routes/reference-routes.js';
import { registerRoleAssignmentRoutes } from './routes/role-assignment-routes.js';
import { registerSignInRoutes } from './routes/signin-routes.js';
import { registerTargetRoutes } from './routes/target-routes.js';
import { registerUploadRoutes } from './routes/upload-routes.js';
import { webConsole } from './web.js';

export type { ApiDeps } from './context.js';

export const API_VERSION = '1.0.0';

/** Builds the API (routes registered, plugins loaded); call `listen` or `inject` on it. */
export async function buildApiServer(deps: ApiDeps): Promise<FastifyInstance> {
  checkSecret(deps.secret);
  const jurisdictionCalendar = jurisdictionCalendars(deps);
  const now = deps.now ?? Date.now;
  const apiLimits = { ...defaultApiLimits, ...deps.limits };
  const ctx: ApiContext = {
    ...deps,
    now,
    search: new DossierSearch(deps.temporal, deps.secret),
    jurisdictionCalendar,
    agencyCalendar: (agency) => jurisdictionCalendar(agencyJurisdiction(deps.organisation, agency)),
    authenticator: new Authenticator({
      organisation: deps.organisation,
      now,
      oidc: deps.oidc,
      devSharedSecret: deps.devSharedSecretTokens ? deps.secret : undefined,
      assignments: deps.assignments,
    }),
    sessions: new ConsoleSessions(now),
    citizenSessions: new CitizenSessions(now),
    citizenKey: (idNumber) => {
      if (!deps.citizens)
        throw new ServiceUnavailableError('Dịch vụ công trực tuyến chưa được bật (no citizen services)');
      return applicantKeyFor({ type: 'citizen', idNumber }, deps.citizens.pseudonymSecret());
    },
    apiLimits,
    lookupLockout: new LookupLockout(apiLimits.lookupLockoutAttempts, apiLimits.lookupLockoutMs, now),
  };
  const base = deps.logger ?? createLogger({ name: 'tthc-api' });
  const logger = base.child({ component: 'api' }, { serializers: { req: serializeRequest } });

  const routes: RegisteredRoute[] = [];
  const app: FastifyInstance = Fastify({
    loggerInstance: logger as FastifyBaseLogger,
    bodyLimit: apiLimits.bodyLimit,
    // A client that takes longer to send its whole request gets a 408 (slow-client protection).
    requestTimeout: apiLimits.requestTimeoutMs,
    // Rejects JSON with __proto__ / constructor.prototype keys with a 400.
    onProtoPoisoning: 'error',
    onConstructorPoisoning: 'error',
    routerOptions: { maxParamLength: 500 },
  });

  app.addHook('onRoute', (route) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    const hidden = Boolean((route.schema as { hide?: boolean } | undefined)?.hide);
    for (const method of methods) routes.push({ method: String(method), url: route.url, hidden });
  });
  routeLists.set(app, routes);

  app.setValidatorCompiler<z.ZodType>(({ schema, httpPart }) => (data) => {
    const result = schema.safeParse(data);
    if (result.success) return { value: result.data };
    return {
      error: new RequestValidationError(
        `Dữ liệu không hợp lệ ở ${describePart(httpPart)} (invalid request ${describePart(httpPart)})`,
        formatZodError(result.error),
      ),
    };
  });
  app.setSerializerCompiler(serializerCompiler);
  app.setErrorHandler(errorHandler);
  app.setNotFoundHandler((request, reply) => {
    void reply.code(404).send({
      error: `Không có tài nguyên ${request.method} ${request.url.split('?')[0]} (not found)`,
      code: 'NOT_FOUND',
    });
  });

  await app.register(fastifySwagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'tthc-flow API',
        description:
          'Dossier processing for Vietnamese administrative procedures (thủ tục hành chính): ' +
          'counters receive and hand back, competent agencies process, supervisors follow, citizens look up.',
        version: API_VERSION,
      },
      components: {
        securitySchemes: {
          bearerAuth: {
            type: 'http',
            scheme: 'bearer',
            bearerFormat: 'JWT',
            description:
              'An access token of the OpenID Connect provider naming the official (tthc login, or the console’s session cookie)',
          },
        },
      },
      security: [{ bearerAuth: [] }],
      tags: [
        { name: 'dossiers', description: 'Receive, read, search, forms' },
        { name: 'actions', description: 'Actions on a dossier (one route per action)' },
        { name: 'documents', description: 'Stored documents (scans, signed results)' },
        { name: 'indicators', description: 'Decision 766 service-quality index' },
        { name: 'reference', description: 'Catalogue, calendar, organisation' },
        { name: 'feedback', description: 'Feedback and petitions (phản ánh, kiến nghị)' },
        { name: 'citizens', description: 'Lookup with the code and secret on the receipt' },
        {
          name: 'audit',
          description:
            'The personal-data access log, and erasing a closed dossier’s personal data (administrators)',
        },
        { name: 'health', description: 'Liveness and readiness' },
        { name: 'codec', description: 'Codec server of the Temporal Web UI (decrypted payloads, audited)' },
        {
          name: 'sign-in',
          description: 'Officials’ sign-in with the OpenID Connect provider (console sessions)',
        },
        { name: 'roles', description: 'The role-assignment table (administrators)' },
      ],
    },
    transform: jsonSchemaTransform,
    transformObject: jsonSchemaTransformObject,
  });
  await app.register(fastifySwaggerUi, { routePrefix: '/docs' });

  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
  await app.register(fastifyCookie);

  await app.register(fastifyRateLimit, {
    global: false,
    errorResponseBuilder: (_request, context) => {
      const seconds = Math.max(1, Math.ceil(context.ttl / 1000));
      return new TooManyRequestsError(
        `Quá nhiều yêu cầu; vui lòng thử lại sau ${seconds} giây (too many requests: at most ${context.max} per ${context.after}; retry in ${seconds} s)`,
        'RATE_LIMITED',
        seconds,
        new Date(Date.now() + seconds * 1000).toISOString(),
      );
    },
  });
  const lookupLimit = app.rateLimit({ max: apiLimits.lookupPerMinute, timeWindow: 60_000 });
  const writeLimit = app.rateLimit({
    max: apiLimits.writesPerMinute,
    timeWindow: 60_000,
    keyGenerator: (request) => (request.official ? `official:${request.official.id}` : `ip:${request.ip}`),
  });
  const citizenWriteLimit = app.rateLimit({
    max: apiLimits.writesPerMinute,
    timeWindow: 60_000,
    keyGenerator: (request) =>
      request.citizen ? `citizen:${request.citizen.applicantKey}` : `ip:${request.ip}`,
  });
  const unsafe = (method: string) => method !== 'GET' && method !== 'HEAD' && method !== 'OPTIONS';

  await app.register(async (api) => {
    // Browsers on other origins only where configured (TTHC_CORS_ORIGINS), and never with cookies.
    if (deps.corsOrigins && deps.corsOrigins.length > 0) {
      await api.register(fastifyCors, {
        origin: [...deps.corsOrigins],
        credentials: false,
        methods: ['GET', 'POST', 'PUT', 'DELETE'],
        allowedHeaders: ['authorization', 'content-type'],
        maxAge: 600,
      });
    }

    // Public routes; the citizens' lookups and feedback are rate-limited per address.
    await api.register(async (scope) => {
      scope.addHook('onRequest', async (request, reply) => {
        if (request.url.startsWith('/v1/lookup') || request.url.startsWith('/v1/feedback/online')) {
          await lookupLimit.call(scope, request, reply);
        }
      });
      registerHealthRoutes(scope, ctx);
      registerLookupRoutes(scope, ctx);
      registerCitizenFeedbackRoutes(scope, ctx);
      // The payment gateway's notification and the browser's return: the signature is the check.
      registerGatewayRoutes(scope, ctx);
    });

    // Citizens' online services: a citizen's token or session first (an official's is a 403);
    // state-changing requests are rate-limited per citizen.
    await api.register(async (scope) => {
      scope.addHook('onRequest', async (request) => {
        request.citizen = await authenticateCitizen(ctx, request);
      });
      scope.addHook('preHandler', async (request, reply) => {
        if (unsafe(request.method)) await citizenWriteLimit.call(scope, request, reply);
      });
      registerCitizenRoutes(scope, ctx);
      registerCitizenDossierRoutes(scope, ctx);
      registerCitizenPaymentRoutes(scope, ctx);
    });

    // Sign-in with the identity provider (cookies; rate-limited per address).
    await api.register(async (scope) => {
      registerSignInRoutes(scope, ctx);
    });

    // Routes for officials: a valid bearer token or console session first, for every route of this scope;
    // state-changing requests are rate-limited per official.
    await api.register(async (scope) => {
      scope.addHook('onRequest', async (request) => {
        const caller = await authenticateRequest(ctx, request);
        request.official = caller.official;
        request.authExpiresAt = caller.expiresAt;
      });
      scope.addHook('preHandler', async (request, reply) => {
        if (unsafe(request.method)) await writeLimit.call(scope, request, reply);
      });
      registerDossierRoutes(scope, ctx);
      registerDocumentRoutes(scope, ctx);
      registerIndicatorRoutes(scope, ctx);
      registerReferenceRoutes(scope, ctx);
      registerFeedbackRoutes(scope, ctx);
      registerCodecSessionRoutes(scope, ctx);
      registerAuditRoutes(scope, ctx);
      registerErasureRoutes(scope, ctx);
      registerRoleAssignmentRoutes(scope, ctx);
      registerUploadRoutes(scope, ctx);
      registerTargetRoutes(scope, ctx);
      registerOnlineInboxRoutes(scope, ctx);
    });
  });
  await app.register(codecRoutes, { prefix: '/codec', ctx, origins: deps.codecOrigins ?? [] });
  await app.register(webConsole, { ctx });

  await app.ready();
  return app;
}

export interface RegisteredRoute {
  method: string;
  url: string;
  /** Hidden from the OpenAPI document (the docs page's own assets, /openapi.json). */
  hidden: boolean;
}

const routeLists = new WeakMap<FastifyInstance, RegisteredRoute[]>();

/** Every route registered in an API built by buildApiServer (including HEAD routes Fastify adds). */
export function registeredRoutes(app: FastifyInstance): RegisteredRoute[] {
  return [...(routeLists.get(app) ?? [])];
}

/** Like Fastify's, with the lookup secret, page tokens and file names cut out of the URL. */
function serializeRequest(request: FastifyRequest) {
  return {
    method: request.method,
    url: redactUrl(request.url),
    host: request.host,
    remoteAddress: request.ip,
  };
}

export function redactUrl(url: string): string {
  // Uploaded files' names may name a person (`?name=CCCD Nguyen Van A.pdf`): cut out too.
  return url.replace(/([?&](?:secret|pageToken|name)=)[^&#]*/gi, '$1[redacted]');
}

/** Jurisdictions' calendars: the calendar files and the published amendments, cached until they change. */
function jurisdictionCalendars(deps: ApiDeps): (jurisdiction: string) => WorkingCalendar {
  const chainOf = amendedChainLoader(deps.calendarAmendments);
  const calendars = new Map<string, { revision: number | undefined; calendar: WorkingCalendar }>();
  return (jurisdiction) => {
    const revision = deps.calendarAmendments?.revision();
    const cached = calendars.get(jurisdiction);
    if (cached && cached.revision === revision) return cached.calendar;
    const calendar = deps.calendarAmendments
      ? createChainCalendar(chainOf(jurisdiction))
      : loadCalendar(jurisdiction);
    calendars.set(jurisdiction, { revision, calendar });
    return calendar;
  };
}
