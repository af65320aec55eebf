/**
 * HTTP errors of the API and the one error handler that maps every typed error to a status:
 * 400 bad input (every failing field named), 401 not authenticated, 403 not allowed, 404 unknown
 * resource, 409 the rules do not allow the action now, 410 the dossier's personal data was erased,
 * 503 a backing service is unreachable.
 * Input a client sent never yields a 500.
 */
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import {
  DossierErasedError,
  DossierNotFoundError,
  DossierValidationError,
  IllegalActionError,
  ServiceUnavailableError,
} from '../client/client-errors.js';
import { ValidationError } from '../domain/validation.js';
import { DossierStillOpenError, UnknownDossierError } from '../retention/dossier-erasure.js';
import { AuthenticationError } from './auth.js';
import { ForbiddenError } from './authorization.js';
import { IdentityProviderUnavailableError } from './oidc-tokens.js';

/** 429: too many requests (a rate limit) or a locked lookup; says when to try again. */
export class TooManyRequestsError extends Error {
  override name = 'TooManyRequestsError';
  constructor(
    message: string,
    readonly code: string,
    readonly retryAfterSeconds: number,
    readonly retryAt?: string,
  ) {
    super(message);
  }
}

/** Body of every error response. */
export const errorSchema = z
  .object({
    error: z.string().describe('What went wrong, in Vietnamese and/or English'),
    code: z.string().optional().describe('Machine-readable reason, e.g. WRONG_AGENCY, expired, FORBIDDEN'),
    issues: z.array(z.string()).optional().describe('One line per failing field: "<path>: <rule>"'),
    retryAt: z.string().optional().describe('429: when to try again (ISO 8601 instant)'),
  })
  .meta({ id: 'Error' });
export type ErrorBody = z.output<typeof errorSchema>;

/** Bad input: `issues` names every failing field. */
export class BadRequestError extends Error {
  override name = 'BadRequestError';
  readonly statusCode = 400;
  constructor(
    message: string,
    readonly issues: string[],
  ) {
    super(message);
  }
}

export class NotFoundError extends Error {
  override name = 'NotFoundError';
  readonly statusCode = 404;
}

/** 410: the dossier's personal data was erased; `details` are what may still be told (no personal data). */
export class GoneError extends Error {
  override name = 'GoneError';
  readonly statusCode = 410;
  constructor(
    message: string,
    readonly details: Record<string, unknown>,
  ) {
    super(message);
  }
}

/** Request validation failed for one part of the request (params, body, querystring). */
export class RequestValidationError extends BadRequestError {
  override name = 'RequestValidationError';
  readonly code = 'FST_ERR_VALIDATION';
}

const partNames: Record<string, string> = {
  body: 'body',
  params: 'path',
  querystring: 'query',
  headers: 'headers',
};

export function describePart(httpPart: string | undefined): string {
  return partNames[httpPart ?? ''] ?? httpPart ?? 'request';
}

interface Mapped {
  status: number;
  body: ErrorBody & Record<string, unknown>;
  headers?: Record<string, string>;
}

/** Maps an error to the response; undefined for an unexpected error (a 500). */
export function mapError(error: unknown): Mapped | undefined {
  if (error instanceof BadRequestError) {
    return { status: 400, body: { error: error.message, code: 'INVALID_INPUT', issues: error.issues } };
  }
  if (error instanceof DossierValidationError || error instanceof ValidationError) {
    return {
      status: 400,
      body: { error: firstLine(error.message), code: 'INVALID_INPUT', issues: error.issues },
    };
  }
  if (error instanceof AuthenticationError) {
    return {
      status: 401,
      body: { error: error.message, code: error.reason },
      headers: {
        'www-authenticate': `Bearer realm="tthc", error="${error.reason === 'missing' ? 'invalid_request' : 'invalid_token'}", error_description="${error.reason}"`,
      },
    };
  }
  if (error instanceof ForbiddenError) {
    const code = (error as ForbiddenError & { code?: string }).code ?? 'FORBIDDEN';
    return { status: 403, body: { error: error.message, code } };
  }
  if (error instanceof IdentityProviderUnavailableError) {
    return {
      status: 503,
      body: { error: error.message, code: 'IDP_UNAVAILABLE' },
      headers: { 'retry-after': '30' },
    };
  }
  if (error instanceof TooManyRequestsError) {
    return {
      status: 429,
      body: { error: error.message, code: error.code, retryAt: error.retryAt },
      headers: { 'retry-after': String(error.retryAfterSeconds) },
    };
  }
  if (
    error instanceof NotFoundError ||
    error instanceof DossierNotFoundError ||
    error instanceof UnknownDossierError
  ) {
    return { status: 404, body: { error: error.message, code: 'NOT_FOUND' } };
  }
  if (error instanceof IllegalActionError)
    return { status: 409, body: { error: error.message, code: error.code } };
  if (error instanceof DossierStillOpenError) {
    return { status: 409, body: { error: error.message, code: 'DOSSIER_OPEN' } };
  }
  if (error instanceof GoneError) {
    return { status: 410, body: { error: error.message, code: 'ERASED', ...error.details } };
  }
  if (error instanceof DossierErasedError)
    return { status: 410, body: { error: error.message, code: 'ERASED' } };
  if (error instanceof ServiceUnavailableError || isUnavailable(error)) {
    return {
      status: 503,
      body: {
        error: `Dịch vụ tạm thời không sẵn sàng; vui lòng thử lại (service unavailable: ${firstLine((error as Error).message)})`,
        code: 'UNAVAILABLE',
      },
      headers: { 'retry-after': '5' },
    };
  }
  const fastifyError = error as Partial<FastifyError>;
  if (
    typeof fastifyError.statusCode === 'number' &&
    fastifyError.statusCode >= 400 &&
    fastifyError.statusCode < 500
  ) {
    return {
      status: fastifyError.statusCode,
      body: { error: fastifyError.message ?? 'Bad request', code: fastifyError.code },
    };
  }
  return undefined;
}

/** gRPC UNAVAILABLE / DEADLINE_EXCEEDED from Temporal, or a closed / timed-out NATS connection. */
function isUnavailable(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: unknown }).code;
  if (error.name === 'ServiceError' || error.name === 'GrpcError') return true;
  if (code === 14 || code === 4) return true;
  if (error.name === 'ConnectionError' || error.name === 'ClosedConnectionError') return true;
  if (error.name === 'TimeoutError' || error.name === 'RequestError') return true;
  return false;
}

function firstLine(text: string): string {
  return text.split('\n')[0] ?? text;
}

export function errorHandler(error: unknown, request: FastifyRequest, reply: FastifyReply): void {
  const mapped = mapError(error);
  if (mapped) {
    // Client errors are routine: log the status and reason only, never the body.
    request.log.info({ status: mapped.status, code: mapped.body.code }, 'request rejected');
    if (mapped.headers) void reply.headers(mapped.headers);
    void reply.code(mapped.status).send(mapped.body);
    return;
  }
  request.log.error({ err: error }, 'unexpected error');
  void reply.code(500).send({
    error: 'Lỗi hệ thống; đã ghi nhận (internal error; it has been logged)',
    code: 'INTERNAL',
  });
}
