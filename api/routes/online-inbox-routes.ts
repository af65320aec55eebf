/**
 * The receiving unit's online inbox (issue #18 item 3): the dossiers citizens submitted online
 * that wait for the counter's decision — accept-intake (the receipt goes to the citizen),
 * request-intake-supplement (one request, electronic items only: a paper item is refused) or
 * refuse-intake with the reasons — each with the last day the law gives to ask for supplements
 * (ND 61 Art 19(4): 3 working days). The decisions are the dossier action routes.
 */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { onlineIntakeDueDate } from '../../domain/dossier/dossier-checks.js';
import { paymentStatus } from '../../domain/online-payment.js';
import { enforce, ForbiddenError, maySearch } from '../authorization.js';
import { type ApiContext, requireOfficial } from '../context.js';
import { errorResponses } from '../schemas.js';

export function registerOnlineInboxRoutes(scope: FastifyInstance, ctx: ApiContext): void {
  const app = scope.withTypeProvider<ZodTypeProvider>();
  app.get(
    '/v1/online-inbox',
    {
      schema: {
        tags: ['dossiers'],
        summary: 'The counter’s online inbox: dossiers submitted online waiting for the intake decision',
        response: {
          200: z.object({
            unit: z.string(),
            items: z.array(
              z.object({
                code: z.string(),
                procedure: z.object({ code: z.string(), name: z.string() }),
                submittedAt: z.string(),
                supplementDueDate: z.string().optional(),
                supplemented: z.boolean(),
                payment: z.object({ dueVnd: z.number(), paidVnd: z.number(), paid: z.boolean() }),
              }),
            ),
          }),
          ...errorResponses(401, 403, 503),
        },
      },
    },
    async (request) => {
      const official = requireOfficial(request);
      if (official.role !== 'counter-officer')
        throw new ForbiddenError({
          vi: 'chỉ cán bộ một cửa xem hộp thư hồ sơ trực tuyến',
          en: 'only counter officers have an online inbox',
        });
      enforce(maySearch(official, { receivingUnit: official.unit }, ctx.organisation));
      const page = await ctx.search.search(
        { receivingUnits: [official.unit], status: 'CHO_TIEP_NHAN' },
        { pageSize: 100 },
      );
      const items = [];
      for (const summary of page.items.filter((s) => s.channel === 'online' && !s.closed)) {
        const view = await ctx.dossiers.get(summary.code).catch(() => undefined);
        if (!view?.state.onlineIntake || view.state.step !== 'intake') continue;
        const { state } = view;
        const payment = paymentStatus(state);
        items.push({
          code: state.code,
          procedure: { code: state.procedure.code, name: state.procedure.name },
          submittedAt: new Date(state.submittedAt).toISOString(),
          supplementDueDate: state.supplements.some((s) => s.phase === 'intake')
            ? undefined
            : onlineIntakeDueDate(state, ctx.agencyCalendar(state.application.competentAgency)),
          supplemented: state.supplements.some((s) => s.phase === 'intake' && s.providedAt !== undefined),
          payment: { dueVnd: payment.dueVnd, paidVnd: payment.paidVnd, paid: payment.paid },
        });
      }
      return { unit: official.unit, items };
    },
  );
}
