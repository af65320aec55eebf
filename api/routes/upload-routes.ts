/**
 * POST /v1/uploads?name=<file name>: a scanned or electronic component, sent as the request's body
 * (any Content-Type; the type is read from the content, not from the name or the header), stored
 * encrypted in the document store; the answer's `ref` is what an application's `fileRef` names.
 *
 * PDF, JPEG and PNG only (415 otherwise); at most the configured size (413, checked while the bytes
 * arrive); streamed into the store, never held whole; the file name is cleaned. A body cut off mid-way
 * (a dropped connection) stores nothing. The document belongs to no dossier until one claims it.
 */
import type { Readable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { uploadMediaTypes } from '../../domain/uploads.js';
import { enforce, mayUpload } from '../authorization.js';
import { type ApiContext, requireOfficial } from '../context.js';
import { errorResponses } from '../schemas.js';
import { DEFAULT_UPLOAD_LIMIT_BYTES, refuseDeclaredTooLarge, storeUpload } from '../upload-intake.js';

const uploadedSchema = z
  .object({
    ref: z.string().describe('sha256:<hex>: the application’s fileRef'),
    sha256: z.string(),
    size: z.number().int(),
    mediaType: z.enum(uploadMediaTypes),
    name: z.string().describe('The file name as stored (cleaned)'),
  })
  .meta({ id: 'Upload' });

export function registerUploadRoutes(scope: FastifyInstance, ctx: ApiContext): void {
  void scope.register(async (child) => {
    // The body arrives as a stream, whatever its declared type: it is read (with its limit) below.
    child.removeAllContentTypeParsers();
    child.addContentTypeParser('*', (_request, payload, done) => done(null, payload));
    const app = child.withTypeProvider<ZodTypeProvider>();
    app.post(
      '/v1/uploads',
      {
        schema: {
          tags: ['documents'],
          summary: 'Upload a component (PDF, JPEG or PNG) as the request body; stored encrypted',
          querystring: z.strictObject({
            name: z.string().min(1, 'must name the file').max(500, 'must be at most 500 characters'),
          }),
          response: { 201: uploadedSchema, ...errorResponses(400, 401, 403, 503) },
        },
      },
      async (request, reply) => {
        const official = requireOfficial(request);
        enforce(mayUpload(official));
        const limit = ctx.uploadLimitBytes ?? DEFAULT_UPLOAD_LIMIT_BYTES;
        refuseDeclaredTooLarge(request.headers['content-length'], limit);
        const { stored, mediaType } = await storeUpload(
          ctx.documents,
          request.body as Readable,
          request.query.name,
          limit,
        );
        request.log.info(
          { official: official.id, ref: stored.ref, size: stored.size, mediaType },
          'component uploaded',
        );
        return reply.code(201).send({
          ref: stored.ref,
          sha256: stored.sha256,
          size: stored.size,
          mediaType,
          name: stored.name,
        });
      },
    );
  });
}
