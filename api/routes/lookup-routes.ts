/**
 * Citizens, without a token, with the dossier code and the lookup secret printed on the receipt:
 *   GET  /v1/lookup/{code}?secret=              status, appointment date, apology, and the units that
 *                                               read the applicant's personal data (the access log,
 *                                               api/access-logging.ts); no personal data. A dossier
 *                                               whose personal data was erased answers 410 with the
 *                                               units, the erasure included
 *   POST /v1/lookup/{code}/evaluation?secret=   the applicant's evaluation (TT 01/2018 Art 13)
 * A wrong secret is a 404, exactly like an unknown code, so codes cannot be probed; after
 * TTHC_LOOKUP_LOCKOUT_ATTEMPTS wrong secrets for one code its lookup answers 429 for
 * TTHC_LOOKUP_LOCKOUT_DURATION (api/lookup-lockout.ts).
 */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { summariseUnits } from '../../audit/access-entry.js';
import { DossierErasedError, DossierNotFoundError, IllegalActionError } from '../../client/client-errors.js';
import { actionSchemas } from '../../domain/dossier/dossier-actions.js';
import { readAccessLog } from '../access-logging.js';
import { checkLookupSecret } from '../auth.js';
import { type ApiContext, applicantActor } from '../context.js';
import { erasedDossierFacts } from '../erased-dossiers.js';
import { GoneError, NotFoundError } from '../http-errors.js';
import { codeParamsSchema, erasedDossierSchema, errorResponses } from '../schemas.js';

const secretQuerySchema = z.strictObject({
  secret: z.string().max(64, 'is not a lookup secret').describe('Mã tra cứu printed on the receipt'),
});

const unitAccessSchema = z
  .object({
    unit: z.object({ code: z.string(), name: z.string() }),
    firstAt: z.string().describe('The first read (ISO 8601 instant)'),
    lastAt: z.string().describe('The latest read (ISO 8601 instant)'),
    count: z.number().int().describe('How many reads'),
    routes: z
      .array(z.string())
      .describe('How: dossier-view, form, document, codec-decode, erasure (names in the console’s names.js)'),
  })
  .meta({ id: 'UnitAccess' });

export const lookupResponseSchema = z
  .object({
    code: z.string(),
    status: z.string(),
    statusName: z.string(),
    procedure: z.object({ code: z.string(), name: z.string() }),
    receivingUnit: z.object({ code: z.string(), name: z.string() }).describe('Where the result is collected'),
    appointmentDate: z.string().optional().describe('Ngày hẹn trả kết quả (after any apology), YYYY-MM-DD'),
    apology: z
      .object({ reason: z.string(), newAppointmentDate: z.string(), previousAppointmentDate: z.string() })
      .optional(),
    resultReady: z.boolean(),
    returned: z.boolean(),
    ended: z.boolean(),
    evaluated: z.boolean(),
    personalDataAccess: z
      .array(unitAccessSchema)
      .describe(
        'The units whose officials read the applicant’s personal data (the access log), first read first; no official is named',
      ),
  })
  .meta({ id: 'CitizenLookup', description: 'What a citizen sees: no personal data' });

const erasedLookupSchema = erasedDossierSchema
  .extend({
    personalDataAccess: z
      .array(unitAccessSchema)
      .describe(
        'The units that read the applicant’s personal data, and the one that erased it (route erasure)',
      ),
  })
  .meta({
    id: 'ErasedCitizenLookup',
    description: 'A dossier whose personal data was erased, as the citizen sees it',
  });

const notFoundMessage =
  'Không tìm thấy hồ sơ với mã số và mã tra cứu này (no dossier with this code and lookup secret)';

export function registerLookupRoutes(scope: FastifyInstance, ctx: ApiContext): void {
  const app = scope.withTypeProvider<ZodTypeProvider>();

  const unitRef = (code: string) => ({
    code,
    name: ctx.organisation.has(code) ? ctx.organisation.get(code).name : code,
  });

  const accessesOf = async (code: string) =>
    summariseUnits(await readAccessLog(ctx, code)).map((access) => ({
      ...access,
      unit: unitRef(access.unit),
    }));

  const viewFor = async (code: string, secret: string) => {
    // The secret is checked before Temporal is asked: a wrong secret costs nothing and tells nothing.
    // Too many wrong ones lock the code's lookup for a while (api/lookup-lockout.ts), right or wrong.
    ctx.lookupLockout.check(code);
    if (!checkLookupSecret(ctx.secret, code, secret)) {
      ctx.lookupLockout.failed(code);
      throw new NotFoundError(notFoundMessage);
    }
    ctx.lookupLockout.succeeded(code);
    try {
      return await ctx.dossiers.get(code);
    } catch (error) {
      if (error instanceof DossierNotFoundError) throw new NotFoundError(notFoundMessage);
      if (error instanceof DossierErasedError) {
        // Who read the data, and who erased it and when, stays for the citizen to see.
        const dossier = await erasedDossierFacts(ctx, code);
        throw new GoneError(error.message, { dossier, personalDataAccess: await accessesOf(code) });
      }
      throw error;
    }
  };

  app.get(
    '/v1/lookup/:code',
    {
      schema: {
        tags: ['citizens'],
        summary: 'Citizen lookup of a dossier by code and lookup secret',
        security: [],
        params: codeParamsSchema,
        querystring: secretQuerySchema,
        response: {
          200: lookupResponseSchema,
          ...errorResponses(400, 404, 409, 429, 503),
          410: erasedLookupSchema,
        },
      },
    },
    async (request) => {
      const { code } = request.params;
      const view = await viewFor(code, request.query.secret);
      const { state } = view;
      const unit = state.application.receivingUnit;
      const personalDataAccess = await accessesOf(code);
      return {
        code,
        status: state.status,
        statusName: view.statusName,
        procedure: { code: state.procedure.code, name: state.procedure.name },
        receivingUnit: unitRef(unit),
        appointmentDate: view.deadlines.decree?.dueDate,
        apology: state.apology
          ? {
              reason: state.apology.reason,
              newAppointmentDate: state.apology.newDueDate,
              previousAppointmentDate: state.apology.previousDueDate,
            }
          : undefined,
        resultReady: state.result !== undefined && state.returnedAt === undefined,
        returned: state.returnedAt !== undefined,
        ended: view.ended,
        evaluated: state.evaluation !== undefined,
        personalDataAccess,
      };
    },
  );

  app.post(
    '/v1/lookup/:code/evaluation',
    {
      schema: {
        tags: ['citizens'],
        summary: 'The applicant evaluates the service after the result was returned (once)',
        security: [],
        params: codeParamsSchema,
        querystring: secretQuerySchema,
        body: actionSchemas.evaluate,
        response: {
          200: z.object({ code: z.string(), status: z.string(), statusName: z.string() }),
          ...errorResponses(400, 404, 409, 410, 429, 503),
        },
      },
    },
    async (request) => {
      const { code } = request.params;
      const view = await viewFor(code, request.query.secret);
      if (view.ended) {
        throw new IllegalActionError('ILLEGAL_STATE', `Hồ sơ ${code} đã kết thúc; không đánh giá được nữa`);
      }
      try {
        const result = await ctx.dossiers.act(code, {
          name: 'evaluate',
          actor: applicantActor(code),
          payload: request.body,
        });
        request.log.info({ dossierCode: code }, 'applicant evaluation recorded');
        return { code, status: result.status, statusName: result.statusName };
      } catch (error) {
        if (error instanceof DossierNotFoundError) {
          throw new IllegalActionError('ILLEGAL_STATE', `Hồ sơ ${code} đã kết thúc; không đánh giá được nữa`);
        }
        throw error;
      }
    },
  );
}
