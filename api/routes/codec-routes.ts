/**
 * The codec server of the Temporal Web UI and `temporal workflow show --codec-endpoint`:
 * `POST /codec/decode` and `POST /codec/encode` with `{ payloads: [{ metadata, data }] }` (base64).
 * It returns plaintext, so only administrators and supervisors (of the dossier's subtree) may use
 * it; everyone else gets 403, and every decode is logged (who, which dossiers).
 *
 * The caller proves who they are with an access token (`--codec-auth 'Bearer …'`) or, from the Web
 * UI (which can send only cookies to a plain-http codec), with the codec cookie that
 * `POST /v1/codec/session` sets (from the console's session or a bearer token): HttpOnly,
 * SameSite=Strict, path /codec, good for the codec only, signed by the server itself.
 */
import fastifyCors from '@fastify/cors';
import type { Payload, PayloadCodec } from '@temporalio/common';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ServiceUnavailableError } from '../../client/client-errors.js';
import { isDossierCode } from '../../domain/dossier-code.js';
import { EncryptionCodec } from '../../encryption/payload-codec.js';
import { recordPersonalDataRead } from '../access-logging.js';
import {
  AuthenticationError,
  bearerToken,
  CODEC_AUDIENCE,
  issueToken,
  type Official,
  verifyToken,
} from '../auth.js';
import { enforce, mayDecodePayloads, mayUseCodec } from '../authorization.js';
import { type ApiContext, requireOfficial } from '../context.js';
import { errorResponses } from '../schemas.js';

export const CODEC_COOKIE = 'tthc_codec';
const CODEC_PATH = '/codec';
/** The longest a codec session lasts (never longer than the token that opened it). */
const MAX_SESSION_SECONDS = 8 * 3600;
const MAX_PAYLOADS = 10_000;

const base64 = z.string().regex(/^[A-Za-z0-9+/]*={0,2}$/, 'must be base64');
const payloadSchema = z
  .object({
    metadata: z.record(z.string(), base64).optional(),
    data: base64.optional(),
  })
  .meta({ id: 'CodecPayload' });
const payloadsSchema = z
  // An empty list is sent as `{}` (proto3 JSON leaves empty repeated fields out).
  .object({
    payloads: z.array(payloadSchema).max(MAX_PAYLOADS, `at most ${MAX_PAYLOADS} payloads`).default([]),
  })
  .meta({ id: 'CodecPayloads' });
type JsonPayload = z.output<typeof payloadSchema>;

/** `POST /v1/codec/session` and `DELETE /v1/codec/session`, in the scope of bearer-token routes. */
export function registerCodecSessionRoutes(scope: FastifyInstance, ctx: ApiContext): void {
  const app = scope.withTypeProvider<ZodTypeProvider>();
  app.post(
    '/v1/codec/session',
    {
      schema: {
        tags: ['codec'],
        summary: 'Opens a codec session for the Temporal Web UI (an HttpOnly cookie for /codec)',
        response: {
          200: z.object({
            endpoint: z.string(),
            expiresAt: z.string(),
            webUi: z
              .object({ url: z.string(), namespace: z.string() })
              .optional()
              .describe('The Temporal Web UI the session is for, when the API knows it'),
          }),
          ...errorResponses(401, 403),
        },
      },
    },
    async (request, reply) => {
      const official = requireOfficial(request);
      enforce(mayUseCodec(official));
      const seconds = sessionSeconds(request.authExpiresAt, ctx.now());
      const session = await issueToken(
        ctx.secret,
        { sub: official.id, name: official.name, unit: official.unit, role: official.role },
        `${seconds}s`,
        ctx.now(),
        CODEC_AUDIENCE,
      );
      void reply.setCookie(CODEC_COOKIE, session.token, {
        httpOnly: true,
        sameSite: 'strict',
        secure: request.protocol === 'https',
        path: CODEC_PATH,
        maxAge: seconds,
      });
      request.log.info(
        { official: official.id, role: official.role, unit: official.unit },
        'codec session opened',
      );
      const webUi = ctx.temporalWebUi
        ? { url: ctx.temporalWebUi, namespace: ctx.temporal.options.namespace }
        : undefined;
      return { endpoint: CODEC_PATH, expiresAt: session.expiresAt, webUi };
    },
  );
  app.delete(
    '/v1/codec/session',
    {
      schema: {
        tags: ['codec'],
        summary: 'Closes the codec session (removes the cookie)',
        response: { 204: z.null(), ...errorResponses(401) },
      },
    },
    async (request, reply) => {
      requireOfficial(request);
      void reply.clearCookie(CODEC_COOKIE, { path: CODEC_PATH });
      return reply.code(204).send(null);
    },
  );
}

/** The codec endpoints under /codec, with CORS for the Web UI's origins only. */
export async function codecRoutes(
  scope: FastifyInstance,
  options: { ctx: ApiContext; origins: readonly string[] },
): Promise<void> {
  const { ctx } = options;
  await scope.register(fastifyCors, {
    origin: [...options.origins],
    credentials: true,
    methods: ['POST'],
    allowedHeaders: ['content-type', 'x-namespace', 'authorization'],
    maxAge: 600,
  });
  scope.addHook('onRequest', async (request) => {
    if (request.method === 'OPTIONS') return;
    request.official = await codecCaller(request, ctx);
  });
  const app = scope.withTypeProvider<ZodTypeProvider>();
  const route = (summary: string) => ({
    bodyLimit: 32 * 1024 * 1024,
    schema: {
      tags: ['codec'],
      summary,
      headers: z.object({ 'x-namespace': z.string().optional() }),
      body: payloadsSchema,
      response: { 200: payloadsSchema, ...errorResponses(400, 401, 403, 503) },
    },
  });

  app.post(
    '/decode',
    route('Decrypts payloads (administrators; supervisors for their subtree)'),
    async (request) => {
      const official = requireOfficial(request);
      const payloads = request.body.payloads.map(fromJson);
      const subjects = [...new Set(payloads.map(EncryptionCodec.subjectOf).filter((s) => s !== undefined))];
      enforce(mayDecodePayloads(official, subjects, ctx.organisation));
      // Recorded before anything is decoded: a decode the log cannot record is refused (503).
      for (const dossierCode of subjects.filter(isDossierCode)) {
        await recordPersonalDataRead(ctx, official, { dossierCode, route: 'codec-decode' });
      }
      request.log.info(
        {
          official: official.id,
          role: official.role,
          unit: official.unit,
          subjects,
          payloads: payloads.length,
        },
        'codec decode',
      );
      const decoded = await Promise.all(payloads.map((payload) => decodeOrKeep(ctx, payload)));
      return { payloads: decoded.map(toJson) };
    },
  );

  app.post(
    '/encode',
    route('Encrypts payloads under the active key (administrators and supervisors)'),
    async (request) => {
      enforce(mayUseCodec(requireOfficial(request)));
      const codec = requireCodec(ctx);
      return { payloads: (await codec.encode(request.body.payloads.map(fromJson))).map(toJson) };
    },
  );
}

async function codecCaller(request: FastifyRequest, ctx: ApiContext): Promise<Official> {
  if (request.headers.authorization) {
    return (await ctx.authenticator.bearer(bearerToken(request.headers.authorization))).official;
  }
  // The codec cookie is the server's own (HS256 under the server secret, audience tthc-codec).
  const official = await verifyToken(
    ctx.secret,
    request.cookies[CODEC_COOKIE] ?? '',
    ctx.now(),
    CODEC_AUDIENCE,
  );
  if (!ctx.organisation.has(official.unit)) {
    throw new AuthenticationError('invalid-claims', `unit ${official.unit} is not in the organisation`);
  }
  return official;
}

/** A payload the codec cannot decode (an erased dossier, a key this process lacks) is returned as it came. */
async function decodeOrKeep(ctx: ApiContext, payload: Payload): Promise<Payload> {
  try {
    const [decoded] = await requireCodec(ctx).decode([payload]);
    return decoded as Payload;
  } catch {
    return payload;
  }
}

function requireCodec(ctx: ApiContext): PayloadCodec {
  if (!ctx.codec)
    throw new ServiceUnavailableError(
      'Máy chủ API chạy không có bộ giải mã (this API runs without the payload codec)',
    );
  return ctx.codec;
}

/** The codec session never outlives the token or console session that opened it. */
function sessionSeconds(expiresAt: number | undefined, now: number): number {
  const remaining = expiresAt === undefined ? MAX_SESSION_SECONDS : Math.floor((expiresAt - now) / 1000);
  return Math.max(1, Math.min(MAX_SESSION_SECONDS, remaining));
}

function fromJson(json: JsonPayload): Payload {
  return {
    metadata: Object.fromEntries(
      Object.entries(json.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v, 'base64')]),
    ),
    data: Buffer.from(json.data ?? '', 'base64'),
  };
}

function toJson(payload: Payload): JsonPayload {
  return {
    metadata: Object.fromEntries(
      Object.entries(payload.metadata ?? {}).map(([k, v]) => [
        k,
        Buffer.from(v as Uint8Array).toString('base64'),
      ]),
    ),
    data: Buffer.from(payload.data ?? new Uint8Array()).toString('base64'),
  };
}
