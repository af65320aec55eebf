/**
 * Reference data for every official (read-only):
 *   GET /v1/procedures?at=                      the catalogue in force on a date (default today), and
 *                                               the versions taking effect later, with what they change
 *   GET /v1/procedures/{code}?at=               one procedure
 *   GET /v1/calendar/due?procedure=&received=   the appointment date (as `tthc calendar due`)
 *   GET /v1/organisation/units                  the organisation registry
 */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  APPLICANT_TYPES,
  findProcedureVersion,
  type Procedure,
  SUBMISSION_METHODS,
} from '../../domain/catalogue.js';
import { upcomingVersions } from '../../domain/catalogue-changes.js';
import { parseInstant, toCivilDate } from '../../domain/time.js';
import { loadCatalogue } from '../../rules/catalogue-loader.js';
import { dueDateAnswer } from '../../rules/due-date.js';
import { type ApiContext, requireOfficial } from '../context.js';
import { BadRequestError, NotFoundError } from '../http-errors.js';
import { civilDateParamSchema, errorResponses, instantParamSchema, procedureCodeSchema } from '../schemas.js';

const procedureSchema = z
  .looseObject({
    code: z.string(),
    name: z.string(),
    level: z.string(),
    competentAuthority: z.string(),
    applicantTypes: z
      .array(z.enum(APPLICANT_TYPES))
      .optional()
      .describe('Đối tượng thực hiện: who may apply; absent when the procedure does not publish it'),
    submissionMethods: z
      .array(z.enum(SUBMISSION_METHODS))
      .optional()
      .describe('Cách thức thực hiện: the channels a dossier may be lodged by; absent when not published'),
    duration: z.looseObject({ unit: z.string() }),
    serviceLevel: z.string(),
    requiredDocuments: z.array(
      z.looseObject({
        kind: z.string(),
        name: z.string(),
        copies: z.number().optional().describe('Số lượng; absent when not published'),
      }),
    ),
    fees: z.array(z.looseObject({ name: z.string(), amountVnd: z.number() })),
    ruleVersion: z.looseObject({ version: z.string(), effectiveFrom: z.string() }),
  })
  .meta({ id: 'Procedure' });

const amountsSchema = z.object({ amountVnd: z.number(), onlineAmountVnd: z.number().optional() });
const documentChangeSchema = z.object({
  kind: z.string(),
  name: z.string(),
  fields: z.array(z.enum(['name', 'required', 'copies', 'condition'])).optional(),
});
const feeChangeSchema = z.object({
  name: z.string(),
  from: amountsSchema.optional(),
  to: amountsSchema.optional(),
});

const upcomingVersionSchema = z
  .object({
    code: z.string(),
    name: z.string(),
    version: z.string(),
    effectiveFrom: z.string().describe('Dossiers received from this date get this version'),
    legalBasis: z.array(z.string()),
    replaces: z
      .object({ version: z.string(), effectiveFrom: z.string() })
      .optional()
      .describe('The version in force until then; absent for a new procedure'),
    changes: z.object({
      duration: z
        .object({ from: z.string(), to: z.string() })
        .optional()
        .describe('Thời hạn giải quyết before and after, when it changes'),
      documents: z.object({
        added: z.array(documentChangeSchema),
        removed: z.array(documentChangeSchema),
        changed: z.array(documentChangeSchema),
      }),
      fees: z.object({
        added: z.array(feeChangeSchema),
        removed: z.array(feeChangeSchema),
        changed: z.array(feeChangeSchema),
      }),
    }),
  })
  .meta({ id: 'UpcomingProcedureVersion' });

const dueResponseSchema = z
  .object({
    procedure: z.object({ code: z.string(), name: z.string(), ruleVersion: z.string() }),
    duration: z.looseObject({ unit: z.string() }),
    receivedAt: z.string(),
    countedFrom: z.string(),
    dueDate: z.string(),
    dueAt: z.string(),
    jurisdiction: z.string(),
    calendarVersion: z.string(),
    calendarConfirmed: z.boolean(),
  })
  .meta({ id: 'DueDate' });

const unitsResponseSchema = z
  .object({
    version: z.string(),
    name: z.string().optional(),
    tiers: z.array(z.object({ id: z.string(), name: z.string(), rank: z.number() })),
    units: z.array(
      z.object({
        code: z.string(),
        name: z.string(),
        tier: z.string(),
        kind: z.string(),
        parent: z.string().optional(),
        province: z.string().describe('The province unit this unit serves'),
        jurisdiction: z.string(),
      }),
    ),
  })
  .meta({ id: 'OrganisationUnits' });

const jurisdictionSchema = z
  .string()
  .regex(/^[A-Za-z0-9-]{1,32}$/, 'must be a calendar jurisdiction id such as VN')
  .default('VN');

export function registerReferenceRoutes(scope: FastifyInstance, ctx: ApiContext): void {
  const app = scope.withTypeProvider<ZodTypeProvider>();
  const today = () => toCivilDate(ctx.now());

  app.get(
    '/v1/procedures',
    {
      schema: {
        tags: ['reference'],
        summary: 'The procedure catalogue in force on a date, and the versions that take effect later',
        querystring: z.strictObject({ at: civilDateParamSchema.optional() }),
        response: {
          200: z.object({
            at: z.string(),
            procedures: z.array(procedureSchema),
            upcoming: z
              .array(upcomingVersionSchema)
              .describe('Versions not yet in force on `at`, in date order, with what each changes'),
          }),
          ...errorResponses(400, 401),
        },
      },
    },
    async (request) => {
      requireOfficial(request);
      const at = request.query.at ?? today();
      const all = loadCatalogue().procedures;
      const procedures: Procedure[] = [];
      for (const code of [...new Set(all.map((p) => p.code))]) {
        const version = tryVersion(all, code, at);
        if (version) procedures.push(version);
      }
      return { at, procedures, upcoming: upcomingVersions(all, at) } as {
        at: string;
        procedures: z.output<typeof procedureSchema>[];
        upcoming: z.output<typeof upcomingVersionSchema>[];
      };
    },
  );

  app.get(
    '/v1/procedures/:code',
    {
      schema: {
        tags: ['reference'],
        summary: 'One procedure, in the version in force on a date',
        params: z.strictObject({ code: procedureCodeSchema }),
        querystring: z.strictObject({ at: civilDateParamSchema.optional() }),
        response: { 200: procedureSchema, ...errorResponses(400, 401, 404) },
      },
    },
    async (request) => {
      requireOfficial(request);
      const at = request.query.at ?? today();
      const version = tryVersion(loadCatalogue().procedures, request.params.code, at);
      if (!version) {
        throw new NotFoundError(
          `Không có thủ tục ${request.params.code} có hiệu lực ngày ${at} (no procedure ${request.params.code} in force on ${at})`,
        );
      }
      return version as z.output<typeof procedureSchema>;
    },
  );

  app.get(
    '/v1/calendar/due',
    {
      schema: {
        tags: ['reference'],
        summary: 'The appointment date (ngày hẹn trả kết quả) of a procedure received at an instant',
        querystring: z.strictObject({
          procedure: procedureCodeSchema,
          received: instantParamSchema,
          jurisdiction: jurisdictionSchema.optional(),
        }),
        response: { 200: dueResponseSchema, ...errorResponses(400, 401) },
      },
    },
    async (request) => {
      requireOfficial(request);
      const receivedAt = parseInstant(request.query.received);
      const procedure = tryVersion(
        loadCatalogue().procedures,
        request.query.procedure,
        toCivilDate(receivedAt),
      );
      if (!procedure) {
        throw new BadRequestError('Invalid query', [
          `procedure: "${request.query.procedure}" is not a procedure in force on ${toCivilDate(receivedAt)}`,
        ]);
      }
      const jurisdiction = request.query.jurisdiction ?? 'VN';
      let cal: ReturnType<typeof ctx.jurisdictionCalendar>;
      try {
        cal = ctx.jurisdictionCalendar(jurisdiction);
      } catch {
        throw new BadRequestError('Invalid query', [`jurisdiction: no calendar "${jurisdiction}"`]);
      }
      try {
        return dueDateAnswer(procedure, receivedAt, cal);
      } catch (error) {
        throw new BadRequestError('Invalid query', [`received: ${(error as Error).message}`]);
      }
    },
  );

  app.get(
    '/v1/organisation/units',
    {
      schema: {
        tags: ['reference'],
        summary: 'The organisation registry: tiers and units',
        response: { 200: unitsResponseSchema, ...errorResponses(401) },
      },
    },
    async (request) => {
      requireOfficial(request);
      const org = ctx.organisation;
      return {
        version: org.data.version,
        name: org.data.name,
        tiers: org.tiers.map(({ id, name, rank }) => ({ id, name, rank })),
        units: org.units.map((unit) => ({
          code: unit.code,
          name: unit.name,
          tier: unit.tier,
          kind: unit.kind,
          parent: unit.parent,
          province: org.provinceOf(unit.code).code,
          jurisdiction: unit.jurisdiction,
        })),
      };
    },
  );
}

function tryVersion(procedures: readonly Procedure[], code: string, at: string): Procedure | undefined {
  try {
    return findProcedureVersion(procedures, code, at);
  } catch {
    return undefined;
  }
}
