/**
 * What crosses the HTTP API for an erasure (POST /v1/dossiers/{code}/erasure): the administrator's
 * request and the answer. Pure (zod only): the API validates with them, and `tthc erase` checks
 * the answer it gets.
 */
import { z } from 'zod';
import { dossierCodeSchema } from '../domain/dossier-code.js';
import { erasureReasons, requestedErasureReasons } from '../domain/personal-data-access.js';

/** A reference to the request (its document number, say): an identifier, recorded in the access log. */
export const erasureReferenceSchema = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, 'must be up to 64 letters, digits, . _ - (no spaces)')
  .describe('A reference to the request, e.g. its document number (letters, digits, . _ -)');

export const erasureRequestSchema = z
  .strictObject({
    reason: z
      .enum(requestedErasureReasons, `must be one of ${requestedErasureReasons.join(', ')}`)
      .describe('Why the data is erased (Law 91/2025/QH15)'),
    reference: erasureReferenceSchema.optional(),
  })
  .meta({ id: 'ErasureRequest' });
export type ErasureRequestBody = z.output<typeof erasureRequestSchema>;

export const erasureResultSchema = z
  .object({
    dossierCode: dossierCodeSchema,
    reason: z.enum(erasureReasons),
    reasonName: z.string().describe('The reason in Vietnamese'),
    alreadyErased: z.boolean().describe('It had been erased before: nothing more was erased now'),
    erasedAt: z.string().describe('When it was erased (ISO 8601 instant, the access log’s entry)'),
    documents: z
      .object({
        destroyed: z.array(z.string()).describe('Documents destroyed: no other dossier used them'),
        released: z.array(z.string()).describe('Documents the dossier no longer claims'),
      })
      .describe('The scans and results of the dossier (infra/document-store.ts)'),
    dataKeyDestroyed: z
      .boolean()
      .describe('The dossier’s data key was destroyed now: its Temporal history is undecipherable'),
    digitizedRecordsRemoved: z.number().int().describe('Records of the digitized-component registry removed'),
    digitizedRegistry: z
      .enum(['cleaned', 'dossier-index-only', 'already-erased'])
      .describe(
        'dossier-index-only: Temporal no longer had the dossier’s view, so its registry records were found by the dossier’s own index only',
      ),
  })
  .meta({ id: 'ErasureResult' });
export type ErasureResult = z.output<typeof erasureResultSchema>;
