/**
 * The personal-data access log, for administrators only:
 *   GET /v1/audit/access?dossier={code}   every read of the dossier's personal data, in order
 * The log is read whether or not Temporal still holds the dossier: it outlives the workflow's
 * retention. A dossier nobody read answers an empty list.
 */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { type AccessEntry, accessLogPageSchema } from '../../audit/access-entry.js';
import type { OrganisationRegistry } from '../../domain/organisation.js';
import { readAccessLog } from '../access-logging.js';
import { enforce, mayReadAccessLog } from '../authorization.js';
import { type ApiContext, requireOfficial } from '../context.js';
import { dossierCodeSchema, errorResponses } from '../schemas.js';

export function registerAuditRoutes(scope: FastifyInstance, ctx: ApiContext): void {
  const app = scope.withTypeProvider<ZodTypeProvider>();
  app.get(
    '/v1/audit/access',
    {
      // Anyone but an administrator is refused before the query is even looked at.
      preValidation: async (request) => enforce(mayReadAccessLog(requireOfficial(request))),
      schema: {
        tags: ['audit'],
        summary: 'Every read of a dossier’s personal data by an official, in order (administrators only)',
        querystring: z.strictObject({
          dossier: dossierCodeSchema.describe('The dossier whose access log to read'),
        }),
        response: { 200: accessLogPageSchema, ...errorResponses(400, 401, 403, 503) },
      },
    },
    async (request) => {
      enforce(mayReadAccessLog(requireOfficial(request)));
      const dossierCode = request.query.dossier;
      const entries = await readAccessLog(ctx, dossierCode);
      return { dossierCode, entries, unitNames: unitNamesOf(ctx.organisation, entries) };
    },
  );
}

function unitNamesOf(organisation: OrganisationRegistry, entries: readonly AccessEntry[]) {
  const units = new Set(entries.map((entry) => entry.official.unit));
  return Object.fromEntries(
    [...units].filter((unit) => organisation.has(unit)).map((unit) => [unit, organisation.get(unit).name]),
  );
}
