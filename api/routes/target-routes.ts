/**
 * Yearly targets of units (giao chỉ tiêu: domain/unit-targets.ts):
 *   GET /v1/targets?unit=&year=    a unit and the units under it: each measure's share so far, the
 *                                  target, the forecast to the end of the year, and who falls behind
 *   PUT /v1/targets/{year}         the targets a province (the issuing unit) gives for a year
 */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { addCounts } from '../../aggregators/indicator-store.js';
import { ServiceUnavailableError } from '../../client/client-errors.js';
import { toCivilDate } from '../../domain/time.js';
import { targetMeasures, yearTargetsSchema } from '../../domain/unit-targets.js';
import { emptyCounters } from '../../indicators/dossier-counters.js';
import { recentMonths, targetProgress, yearElapsed } from '../../indicators/target-progress.js';
import { enforce, mayGiveTargets, mayReadIndicators } from '../authorization.js';
import { type ApiContext, requireOfficial } from '../context.js';
import { BadRequestError, NotFoundError } from '../http-errors.js';
import { errorResponses, unitCodeSchema } from '../schemas.js';

const yearSchema = z
  .string()
  .regex(/^20\d{2}$/, 'must be a year such as 2026')
  .transform(Number);

const measureSchema = z.object({
  measure: z.enum(targetMeasures as [string, ...string[]]),
  target: z.number().optional(),
  actual: z.number().nullable(),
  numerator: z.number(),
  denominator: z.number(),
  forecast: z.number().nullable(),
  behind: z.boolean(),
});

const targetProgressSchema = z
  .object({
    year: z.number(),
    elapsed: z.number().describe('Share of the year elapsed, 0–1'),
    decision: z.object({ number: z.string(), date: z.string() }).optional(),
    issuedBy: z.string().optional(),
    units: z.array(
      z.object({
        unit: z.object({ code: z.string(), name: z.string() }),
        measures: z.array(measureSchema),
        behind: z.boolean().describe('The forecast misses at least one target'),
      }),
    ),
  })
  .meta({ id: 'TargetProgress' });

export function registerTargetRoutes(scope: FastifyInstance, ctx: ApiContext): void {
  const app = scope.withTypeProvider<ZodTypeProvider>();
  const store = () => {
    if (!ctx.targets) throw new ServiceUnavailableError('the targets store is not configured');
    return ctx.targets;
  };
  const readModel = () => {
    if (!ctx.indicators) throw new ServiceUnavailableError('the indicator read model is not configured');
    return ctx.indicators;
  };

  app.get(
    '/v1/targets',
    {
      schema: {
        tags: ['indicators'],
        summary: 'Progress of a unit and the units under it against their yearly targets (giao chỉ tiêu)',
        querystring: z.strictObject({ unit: unitCodeSchema, year: yearSchema.optional() }),
        response: { 200: targetProgressSchema, ...errorResponses(400, 401, 403, 404, 503) },
      },
    },
    async (request) => {
      const official = requireOfficial(request);
      const { unit } = request.query;
      if (!ctx.organisation.has(unit)) throw new NotFoundError(`Không có đơn vị ${unit} (no unit ${unit})`);
      enforce(mayReadIndicators(official, unit, ctx.organisation));
      const today = toCivilDate(ctx.now());
      const year = request.query.year ?? Number(today.slice(0, 4));
      const issuedBy = ctx.organisation.provinceOf(unit).code;
      const targets = await store().get(issuedBy, year);
      const elapsed = yearElapsed(year, today);
      const units = [ctx.organisation.get(unit), ...ctx.organisation.children(unit)];
      const progress = await Promise.all(
        units.map(async (u) => {
          const [yearToDate, ...recent] = await Promise.all(
            [String(year), ...recentMonths(year, today)].map((period) =>
              readModel().dossierCounters(u.code, period),
            ),
          );
          const measures = targetProgress({
            target: targets?.targets.find((t) => t.unit === u.code),
            yearToDate: yearToDate ?? emptyCounters(),
            recent: recent.reduce((sum, part) => addCounts(sum, part), emptyCounters()),
            elapsed,
          });
          return { unit: { code: u.code, name: u.name }, measures, behind: measures.some((m) => m.behind) };
        }),
      );
      return {
        year,
        elapsed,
        ...(targets ? { decision: targets.decision, issuedBy: targets.issuedBy } : {}),
        units: progress,
      };
    },
  );

  app.put(
    '/v1/targets/:year',
    {
      schema: {
        tags: ['indicators'],
        summary: 'Give units their yearly targets (the issuing unit’s supervisors, administrators)',
        params: z.strictObject({ year: yearSchema }),
        body: yearTargetsSchema,
        response: { 200: yearTargetsSchema, ...errorResponses(400, 401, 403, 503) },
      },
    },
    async (request) => {
      const official = requireOfficial(request);
      const body = request.body;
      if (body.year !== request.params.year) {
        throw new BadRequestError('Năm không khớp (the year does not match)', [
          `year: ${body.year} differs from the path's ${request.params.year}`,
        ]);
      }
      enforce(mayGiveTargets(official, body.issuedBy));
      const stored = await store().put(body, ctx.organisation);
      request.log.info(
        { official: official.id, issuedBy: stored.issuedBy, year: stored.year, units: stored.targets.length },
        'targets given',
      );
      return stored;
    },
  );
}
