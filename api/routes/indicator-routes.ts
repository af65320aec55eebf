/**
 * Decision 766 indicators (aggregators/read-model.ts):
 *   GET /v1/indicators?unit=&period=                        a unit's scoreboard (its subtree rolled up)
 *   GET /v1/indicators/ranking?parent=&period=              the units under a parent, ranked
 *   GET /v1/indicators/dossiers?unit=&period=&indicator=    the dossiers behind a number
 */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { indicatorFields } from '../../aggregators/read-model.js';
import { ServiceUnavailableError } from '../../client/client-errors.js';
import { enforce, mayReadIndicators } from '../authorization.js';
import { type ApiContext, requireOfficial } from '../context.js';
import { NotFoundError } from '../http-errors.js';
import { errorResponses, periodSchema, unitCodeSchema } from '../schemas.js';

const indicatorIds = Object.keys(indicatorFields) as [string, ...string[]];

const scoreboardSchema = z
  .looseObject({
    unit: z.object({ code: z.string(), name: z.string() }),
    period: z.string(),
    unitsIncluded: z.number().int(),
    counters: z.record(z.string(), z.unknown()),
    scoreboard: z.looseObject({
      indicators: z.array(z.looseObject({ id: z.string(), name: z.string(), points: z.number() })),
      groups: z.array(
        z.looseObject({ id: z.string(), name: z.string(), points: z.number(), max: z.number() }),
      ),
      total: z.number(),
      rating: z.string(),
    }),
    tt01: z.looseObject({}),
  })
  .meta({ id: 'UnitScoreboard' });

const rankingSchema = z
  .array(
    z.object({ unit: z.object({ code: z.string(), name: z.string() }), total: z.number(), rank: z.number() }),
  )
  .meta({ id: 'Ranking' });

const dossiersBehindSchema = z
  .object({ indicator: z.string(), numerator: z.array(z.string()), rest: z.array(z.string()) })
  .meta({ id: 'DossiersBehind' });

export function registerIndicatorRoutes(scope: FastifyInstance, ctx: ApiContext): void {
  const app = scope.withTypeProvider<ZodTypeProvider>();

  const readModel = () => {
    if (!ctx.indicators) throw new ServiceUnavailableError('the indicator read model is not configured');
    return ctx.indicators;
  };
  const knownUnit = (code: string) => {
    if (!ctx.organisation.has(code)) {
      throw new NotFoundError(`Không có đơn vị ${code} (no unit ${code} in the organisation)`);
    }
    return code;
  };

  app.get(
    '/v1/indicators',
    {
      schema: {
        tags: ['indicators'],
        summary: 'Decision 766 scoreboard of a unit and its subtree for a period',
        querystring: z.strictObject({ unit: unitCodeSchema, period: periodSchema }),
        response: { 200: scoreboardSchema, ...errorResponses(400, 401, 403, 404, 503) },
      },
    },
    async (request) => {
      const official = requireOfficial(request);
      const unit = knownUnit(request.query.unit);
      enforce(mayReadIndicators(official, unit, ctx.organisation));
      return (await readModel().scoreboard(unit, request.query.period)) as unknown as z.output<
        typeof scoreboardSchema
      >;
    },
  );

  app.get(
    '/v1/indicators/ranking',
    {
      schema: {
        tags: ['indicators'],
        summary: 'The units directly under a parent, ranked by total score',
        querystring: z.strictObject({ parent: unitCodeSchema, period: periodSchema }),
        response: { 200: rankingSchema, ...errorResponses(400, 401, 403, 404, 503) },
      },
    },
    async (request) => {
      const official = requireOfficial(request);
      const parent = knownUnit(request.query.parent);
      enforce(mayReadIndicators(official, parent, ctx.organisation));
      return readModel().ranking(parent, request.query.period);
    },
  );

  app.get(
    '/v1/indicators/dossiers',
    {
      schema: {
        tags: ['indicators'],
        summary: 'The dossiers behind a number, e.g. the late dossiers of indicator 2.1',
        querystring: z.strictObject({
          unit: unitCodeSchema,
          period: periodSchema,
          indicator: z.enum(indicatorIds, `must be one of ${indicatorIds.join(', ')}`),
        }),
        response: { 200: dossiersBehindSchema, ...errorResponses(400, 401, 403, 404, 503) },
      },
    },
    async (request) => {
      const official = requireOfficial(request);
      const unit = knownUnit(request.query.unit);
      enforce(mayReadIndicators(official, unit, ctx.organisation));
      return readModel().dossiersBehind(unit, request.query.period, request.query.indicator);
    },
  );
}
