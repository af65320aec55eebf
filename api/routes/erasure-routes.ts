/**
 * Erasing a closed dossier's personal data on a request (Law 91/2025/QH15), administrators only:
 *   POST /v1/dossiers/{code}/erasure   { reason, reference? } → what was erased
 * The same erasure the retention sweep does (retention/dossier-erasure.ts): 409 while the dossier
 * is open, 404 for a dossier nobody knows, 200 saying so for one already erased. Recorded in the
 * access log as the administrator's (route `erasure`), so the citizen's lookup shows it.
 */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { ServiceUnavailableError } from '../../client/client-errors.js';
import { erasureReasonNames } from '../../domain/personal-data-access.js';
import { erasureRequestSchema, erasureResultSchema } from '../../retention/erasure-schemas.js';
import { enforce, mayErase } from '../authorization.js';
import { type ApiContext, requireOfficial } from '../context.js';
import { codeParamsSchema, errorResponses } from '../schemas.js';

export function registerErasureRoutes(scope: FastifyInstance, ctx: ApiContext): void {
  const app = scope.withTypeProvider<ZodTypeProvider>();
  app.post(
    '/v1/dossiers/:code/erasure',
    {
      // Anyone but an administrator is refused before the body is even looked at.
      preValidation: async (request) => enforce(mayErase(requireOfficial(request))),
      schema: {
        tags: ['audit'],
        summary: 'Erase the personal data of a closed dossier on a request (administrators only)',
        description:
          'Destroys the documents only this dossier used, its digitized-registry records and its data key (its Temporal history becomes undecipherable); the events and the indicators stay. Refused (409 DOSSIER_OPEN) while the dossier is open. Erasing an erased dossier changes nothing (alreadyErased).',
        params: codeParamsSchema,
        body: erasureRequestSchema,
        response: { 200: erasureResultSchema, ...errorResponses(400, 401, 403, 404, 409, 503) },
      },
    },
    async (request) => {
      const official = requireOfficial(request);
      enforce(mayErase(official));
      if (!ctx.erasure) {
        throw new ServiceUnavailableError('erasure is not configured in this API process');
      }
      const { code } = request.params;
      const { reason, reference } = request.body;
      const outcome = await ctx.erasure.erase(code, {
        by: { id: official.id, name: official.name, role: official.role, unit: official.unit },
        reason,
        reference,
      });
      request.log.info(
        { dossierCode: code, reason, alreadyErased: outcome.alreadyErased },
        'personal data erasure requested',
      );
      return { ...outcome, reasonName: erasureReasonNames[outcome.reason] };
    },
  );
}
