/**
 * GET /v1/documents/{ref}?dossier={code}: a stored document of a dossier (a scanned component or
 * the signed result). The dossier names who may read it: staff of its receiving unit, competent
 * or participating agency, supervisors of the subtree, administrators. A ref that does not belong
 * to the dossier is a 404. Every download is recorded in the personal-data access log before it
 * is sent (a 503 when the log cannot record it).
 */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { recordPersonalDataRead } from '../access-logging.js';
import { enforce, mayReadDocument } from '../authorization.js';
import { type ApiContext, requireOfficial, scopeOf } from '../context.js';
import { NotFoundError } from '../http-errors.js';
import { documentRefSchema, dossierCodeSchema, errorResponses } from '../schemas.js';

export function registerDocumentRoutes(scope: FastifyInstance, ctx: ApiContext): void {
  const app = scope.withTypeProvider<ZodTypeProvider>();
  app.get(
    '/v1/documents/:ref',
    {
      schema: {
        tags: ['documents'],
        summary: 'A stored document of a dossier (scan or signed result), as bytes',
        params: z.strictObject({ ref: documentRefSchema }),
        querystring: z.strictObject({
          dossier: dossierCodeSchema.describe('The dossier the document belongs to'),
        }),
        response: {
          200: {
            description: 'The document bytes, with its media type',
            content: { 'application/octet-stream': { schema: z.string().describe('binary') } },
          },
          ...errorResponses(400, 401, 403, 404, 410, 503),
        },
      },
    },
    async (request, reply) => {
      const official = requireOfficial(request);
      const { ref } = request.params;
      const code = request.query.dossier;
      const view = await ctx.dossiers.get(code);
      enforce(mayReadDocument(official, scopeOf(view), ctx.organisation));
      const refs = new Set<string>();
      if (view.state.result?.ref) refs.add(view.state.result.ref);
      for (const component of view.state.components) if (component.ref) refs.add(component.ref);
      const notFound = () =>
        new NotFoundError(`Hồ sơ ${code} không có tài liệu ${ref} (dossier ${code} has no document ${ref})`);
      if (!refs.has(ref)) throw notFound();
      const stored = await ctx.documents.get(ref);
      if (!stored) throw notFound();
      // Scans and results are personal data: recorded before a byte is sent.
      await recordPersonalDataRead(ctx, official, { dossierCode: code, route: 'document', detail: ref });
      const fileName = stored.meta.name.replace(/[^\w.-]/g, '_') || 'document';
      return (
        reply
          .header('content-type', stored.meta.mediaType)
          .header('content-length', String(stored.content.byteLength))
          .header(
            'content-disposition',
            `attachment; filename="${fileName}"; filename*=UTF-8''${encodeURIComponent(stored.meta.name)}`,
          )
          .header('x-content-type-options', 'nosniff')
          .header('cache-control', 'private, no-store')
          // Bytes are sent as they are (Fastify does not serialize a Buffer); the schema only documents them.
          .send(Buffer.from(stored.content) as unknown as string)
      );
    },
  );
}
