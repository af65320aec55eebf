import type { Readable } from 'node:stream';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { IllegalActionError } from '../../client/client-errors.js';
import type { DossierView } from '../../contract/dossier-contract.js';
import type { Procedure } from '../../domain/catalogue.js';
import {
  applicationOfDraft,
  type Draft,
  draftExpiresAt,
  draftFieldsSchema,
  draftIdSchema,
  eFormOf,
} from '../../domain/citizen-drafts.js';
import { toCivilDate } from '../../domain/time.js';
import { formatByteSize, uploadMediaTypes } from '../../domain/uploads.js';
import { kebabIdSchema } from '../../domain/validation.js';
import { DraftNotFoundError } from '../../infra/citizen-store.js';
import { getProcedure, loadCatalogue } from '../../rules/catalogue-loader.js';
import { citizenOf, ownDossier, procedureToday, servicesOf } from '../citizen-access.js';
import type { ApiContext } from '../context.js';
import { NotFoundError } from '../http-errors.js';
import { codeParamsSchema, errorResponses } from '../schemas.js';
import {
  DEFAULT_UPLOAD_LIMIT_BYTES,
  refuseDeclaredTooLarge,
  storeUpload,
  tooLarge,
  UploadRefusedError,
} from '../upload-intake.js';

const draftParams = z.strictObject({ id: draftIdSchema });
const documentParams = z.strictObject({ id: draftIdSchema, kind: kebabIdSchema });
const nameQuery = z.strictObject({
  name: z.string().min(1, 'must name the file').max(500, 'must be at most 500 characters'),
});

export function registerCitizenRoutes(scope: FastifyInstance, ctx: ApiContext): void {
  registerCatalogueRoutes(scope, ctx);
  registerDraftRoutes(scope, ctx);
  void scope.register(async (child) => {
    // Uploads arrive as a stream, whatever their declared type: read with their limits below.
    child.removeAllContentTypeParsers();
    child.addContentTypeParser('*', (_request, payload, done) => done(null, payload));
    registerUploadRoutes(child, ctx);
  });
}

/** Lower case without diacritics: "Đăng ký" and "dang ky" find the same procedures. */
function folded(text: string): string {
  return text.normalize('NFD').replace(/\p{M}/gu, '').replace(/đ/g, 'd').replace(/Đ/g, 'd').toLowerCase();
}

/** Where a citizen may lodge a procedure's dossier: the one-stop centres of its tier, with the agency that decides. */
function placesFor(ctx: ApiContext, procedure: Procedure) {
  const org = ctx.organisation;
  const centres = org.units.filter((u) => u.kind === 'one-stop-centre' && u.tier === procedure.level);
  return centres.flatMap((centre) => {
    const agencies =
      procedure.level === 'cap-xa' && centre.parent
        ? [org.get(centre.parent)]
        : org.units.filter((u) => u.tier === procedure.level && u.kind === 'agency');
    return agencies.map((agency) => ({
      receivingUnit: centre.code,
      competentAgency: agency.code,
      label: procedure.level === 'cap-xa' ? centre.name : `${centre.name} — ${agency.name}`,
    }));
  });
}

/**
 * The draft checked as an application, plus where it is lodged: the receiving unit and the agency
 * must be one of the procedure's places (a unit code of another tier or province is refused).
 */
function checkDraft(ctx: ApiContext, draft: Draft, citizen: { idNumber: string }, procedure: Procedure) {
  const checked = applicationOfDraft(draft, citizen, procedure, draft.id);
  if (!draft.receivingUnit || !draft.competentAgency) return checked;
  const known = placesFor(ctx, procedure).some(
    (p) => p.receivingUnit === draft.receivingUnit && p.competentAgency === draft.competentAgency,
  );
  if (known) return checked;
  return {
    application: undefined,
    errors: [
      ...checked.errors,
      {
        field: 'receivingUnit',
        message: 'Nơi nộp hồ sơ đã chọn không tiếp nhận thủ tục này; vui lòng chọn lại',
      },
    ],
  };
}

function registerCatalogueRoutes(scope: FastifyInstance, ctx: ApiContext): void {
  const app = scope.withTypeProvider<ZodTypeProvider>();
  app.get(
    '/v1/citizen/procedures',
    {
      schema: {
        tags: ['citizens'],
        summary: 'Procedures that take online submissions today, searched by name or code',
        querystring: z.strictObject({ q: z.string().max(100).optional() }),
        response: {
          200: z.object({
            procedures: z.array(
              z.object({
                code: z.string(),
                name: z.string(),
                sector: z.string(),
                serviceLevel: z.string(),
                feeOnlineVnd: z.number(),
              }),
            ),
          }),
          ...errorResponses(400, 401, 403),
        },
      },
    },
    async (request) => {
      const today = toCivilDate(ctx.now());
      const words = folded(request.query.q ?? '')
        .split(/\s+/)
        .filter(Boolean);
      const codes = [...new Set(loadCatalogue().procedures.map((p) => p.code))];
      const procedures = codes
        .flatMap((code) => {
          try {
            return [getProcedure(code, today)];
          } catch {
            return [];
          }
        })
        .filter((p) => p.submissionMethods?.includes('online'))
        .filter((p) => {
          const text = folded(`${p.code} ${p.name} ${p.sector}`);
          return words.every((word) => text.includes(word));
        })
        .map((p) => ({
          code: p.code,
          name: p.name,
          sector: p.sector,
          serviceLevel: p.serviceLevel,
          feeOnlineVnd: eFormOf(p).feeOnlineVnd,
        }));
      return { procedures };
    },
  );

  app.get(
    '/v1/citizen/procedures/:code/eform',
    {
      schema: {
        tags: ['citizens'],
        summary: 'The e-form of a procedure: its fields, components, online fee and where to lodge it',
        params: z.strictObject({ code: z.string().max(40) }),
        response: { 200: z.looseObject({}), ...errorResponses(400, 401, 403, 404) },
      },
    },
    async (request) => {
      const procedure = procedureToday(ctx, request.params.code);
      if (!procedure.submissionMethods?.includes('online'))
        throw new NotFoundError(`Thủ tục ${procedure.code} không nhận hồ sơ trực tuyến`);
      return { ...eFormOf(procedure), places: placesFor(ctx, procedure) };
    },
  );
}

// -------------------------------------------------------------------------------------------------
// Drafts

function draftOut(ctx: ApiContext, draft: Draft) {
  const services = servicesOf(ctx);
  const expiresAt = draftExpiresAt(Date.parse(draft.updatedAt), services.draftRetentionDays);
  let procedureName: string | undefined;
  try {
    procedureName = procedureToday(ctx, draft.procedureCode).name;
  } catch {
    // A procedure no longer in force: the draft still shows, under its code.
  }
  return { ...draft, procedureName, expiresAt: new Date(expiresAt).toISOString() };
}

async function readDraft(ctx: ApiContext, request: FastifyRequest, id: string): Promise<Draft> {
  try {
    return await servicesOf(ctx).store.getDraft(citizenOf(request).applicantKey, id);
  } catch (error) {
    if (error instanceof DraftNotFoundError) throw new NotFoundError(`Không tìm thấy bản nháp ${id}`);
    throw error;
  }
}

const fieldErrorsSchema = z.array(z.object({ field: z.string(), message: z.string() }));

function registerDraftRoutes(scope: FastifyInstance, ctx: ApiContext): void {
  const app = scope.withTypeProvider<ZodTypeProvider>();
  const store = () => servicesOf(ctx).store;

  app.get(
    '/v1/citizen/drafts',
    {
      schema: {
        tags: ['citizens'],
        summary: 'The citizen’s drafts, newest first',
        response: { 200: z.object({ drafts: z.array(z.looseObject({})) }), ...errorResponses(401, 403) },
      },
    },
    async (request) => {
      const drafts = await store().listDrafts(citizenOf(request).applicantKey);
      return { drafts: drafts.filter((d) => !d.submittedAs).map((d) => draftOut(ctx, d)) };
    },
  );

  app.post(
    '/v1/citizen/drafts',
    {
      schema: {
        tags: ['citizens'],
        summary: 'Starts a draft of a procedure that takes online submissions',
        body: z.strictObject({ procedureCode: z.string().max(40) }),
        response: { 201: z.looseObject({}), ...errorResponses(400, 401, 403, 404) },
      },
    },
    async (request, reply) => {
      const procedure = procedureToday(ctx, request.body.procedureCode);
      if (!procedure.submissionMethods?.includes('online'))
        throw new NotFoundError(`Thủ tục ${procedure.code} không nhận hồ sơ trực tuyến`);
      const draft = await store().createDraft(citizenOf(request).applicantKey, procedure.code, ctx.now());
      request.log.info({ draftId: draft.id, procedure: procedure.code }, 'citizen draft created');
      return reply.code(201).send(draftOut(ctx, draft));
    },
  );

  app.get(
    '/v1/citizen/drafts/:id',
    {
      schema: {
        tags: ['citizens'],
        summary: 'A draft, with what still stops it from being submitted (errors beside the fields)',
        params: draftParams,
        response: {
          200: z.looseObject({ draft: z.looseObject({}), errors: fieldErrorsSchema }),
          ...errorResponses(401, 403, 404),
        },
      },
    },
    async (request) => {
      const draft = await readDraft(ctx, request, request.params.id);
      const procedure = procedureToday(ctx, draft.procedureCode);
      const { errors } = checkDraft(ctx, draft, citizenOf(request).citizen, procedure);
      return { draft: draftOut(ctx, draft), errors };
    },
  );

  app.put(
    '/v1/citizen/drafts/:id',
    {
      schema: {
        tags: ['citizens'],
        summary: 'Saves the fields of a draft as the citizen goes (every field optional)',
        params: draftParams,
        body: draftFieldsSchema,
        response: { 200: z.looseObject({}), ...errorResponses(400, 401, 403, 404, 409) },
      },
    },
    async (request) => {
      const { applicantKey, citizen } = citizenOf(request);
      await readDraft(ctx, request, request.params.id);
      const fields = request.body;
      const draft = await store().updateDraft(
        applicantKey,
        request.params.id,
        (current) => {
          if (current.submittedAs)
            throw new IllegalActionError(
              'ILLEGAL_STATE',
              `Bản nháp đã được nộp thành hồ sơ ${current.submittedAs}`,
            );
          return { ...current, ...fields, applicant: { ...current.applicant, ...fields.applicant } };
        },
        ctx.now(),
      );
      const { errors } = checkDraft(ctx, draft, citizen, procedureToday(ctx, draft.procedureCode));
      return { draft: draftOut(ctx, draft), errors };
    },
  );

  app.delete(
    '/v1/citizen/drafts/:id',
    {
      schema: {
        tags: ['citizens'],
        summary: 'Removes a draft with its uploaded files',
        params: draftParams,
        response: { 204: z.null(), ...errorResponses(401, 403, 404) },
      },
    },
    async (request, reply) => {
      await readDraft(ctx, request, request.params.id);
      await store().removeDraft(citizenOf(request).applicantKey, request.params.id, ctx.documents);
      return reply.code(204).send(null);
    },
  );

  app.delete(
    '/v1/citizen/drafts/:id/documents/:kind',
    {
      schema: {
        tags: ['citizens'],
        summary: 'Takes a component out of a draft',
        params: documentParams,
        response: { 200: z.looseObject({}), ...errorResponses(401, 403, 404) },
      },
    },
    async (request) => {
      await readDraft(ctx, request, request.params.id);
      const draft = await store().updateDraft(
        citizenOf(request).applicantKey,
        request.params.id,
        (current) => ({
          ...current,
          documents: current.documents.filter((d) => d.kind !== request.params.kind),
        }),
        ctx.now(),
      );
      return draftOut(ctx, draft);
    },
  );

  app.get(
    '/v1/citizen/digitized',
    {
      schema: {
        tags: ['citizens'],
        summary: 'Components of a procedure the citizen already has digitized (reusable, ND 45/2020)',
        querystring: z.strictObject({ procedure: z.string().max(40) }),
        response: {
          200: z.object({ reusable: z.array(z.looseObject({})) }),
          ...errorResponses(401, 403, 404),
        },
      },
    },
    async (request) => {
      const registry = servicesOf(ctx).digitized;
      if (!registry) return { reusable: [] };
      const procedure = procedureToday(ctx, request.query.procedure);
      const today = toCivilDate(ctx.now());
      const reusable = [];
      for (const document of procedure.requiredDocuments) {
        const record = await registry.findReusable(citizenOf(request).applicantKey, document.kind, today);
        if (record)
          reusable.push({
            kind: document.kind,
            name: document.name,
            ref: record.ref,
            digitizedAt: record.digitizedAt,
          });
      }
      return { reusable };
    },
  );

  app.post(
    '/v1/citizen/drafts/:id/documents/:kind/reuse',
    {
      schema: {
        tags: ['citizens'],
        summary: 'Uses a component the citizen already has digitized instead of uploading it',
        params: documentParams,
        response: { 200: z.looseObject({}), ...errorResponses(401, 403, 404) },
      },
    },
    async (request) => {
      const { applicantKey } = citizenOf(request);
      const { id, kind } = request.params;
      const draft = await readDraft(ctx, request, id);
      const record = await servicesOf(ctx).digitized?.findReusable(
        applicantKey,
        kind,
        toCivilDate(ctx.now()),
      );
      const stored = record ? await ctx.documents.describe(record.ref) : null;
      if (!record || !stored)
        throw new NotFoundError(`Bạn chưa có thành phần "${kind}" đã số hóa còn hiệu lực`);
      const name = procedureToday(ctx, draft.procedureCode).requiredDocuments.find(
        (d) => d.kind === kind,
      )?.name;
      const updated = await servicesOf(ctx).store.updateDraft(
        applicantKey,
        id,
        (current) => ({
          ...current,
          documents: [
            ...current.documents.filter((d) => d.kind !== kind),
            {
              kind,
              ref: record.ref,
              name: (name ?? stored.name).slice(0, 200),
              mediaType: uploadMediaTypes.find((t) => t === stored.mediaType) ?? 'application/pdf',
              size: stored.size,
              reused: true,
            },
          ],
        }),
        ctx.now(),
      );
      return draftOut(ctx, updated);
    },
  );

  app.post(
    '/v1/citizen/drafts/:id/submit',
    {
      schema: {
        tags: ['citizens'],
        summary: 'Submits a draft: the dossier waits in the receiving unit’s online inbox',
        params: draftParams,
        response: {
          201: z.object({ code: z.string(), existing: z.boolean() }),
          400: z.object({
            error: z.string(),
            code: z.string(),
            issues: z.array(z.string()),
            fields: fieldErrorsSchema,
          }),
          ...errorResponses(401, 403, 404, 409),
        },
      },
    },
    async (request, reply) => {
      const { applicantKey, citizen } = citizenOf(request);
      const services = servicesOf(ctx);
      const draft = await readDraft(ctx, request, request.params.id);
      const procedure = procedureToday(ctx, draft.procedureCode);
      // The draft's id is the request id: submitting again returns the same dossier.
      const { application, errors } = checkDraft(ctx, draft, citizen, procedure);
      if (!application) {
        return reply.code(400).send({
          error: 'Hồ sơ chưa đủ để nộp; vui lòng sửa các mục được đánh dấu',
          code: 'INCOMPLETE',
          issues: errors.map((e) => `${e.field}: ${e.message}`),
          fields: errors,
        });
      }
      const { code, existing } = await ctx.dossiers.submitOnline(application);
      await services.store.addDossier(applicantKey, code, ctx.now());
      for (const document of draft.documents) await ctx.documents.claim(document.ref, code);
      await services.store.updateDraft(
        applicantKey,
        draft.id,
        (d) => ({ ...d, submittedAs: code }),
        ctx.now(),
      );
      // The files now belong to the dossier: removing the draft releases them without destroying them.
      await services.store.removeDraft(applicantKey, draft.id, ctx.documents);
      request.log.info({ dossierCode: code, draftId: draft.id }, 'citizen submitted a dossier online');
      return reply.code(201).send({ code, existing });
    },
  );
}

// -------------------------------------------------------------------------------------------------
// Uploads (a draft's components; a dossier's supplements)

function uploadLimit(ctx: ApiContext): number {
  return ctx.uploadLimitBytes ?? DEFAULT_UPLOAD_LIMIT_BYTES;
}

/** What may still be uploaded to a dossier that already holds `used` bytes. */
function remainingRefusal(ctx: ApiContext, used: number): { limit: number; refusal: UploadRefusedError } {
  const perFile = uploadLimit(ctx);
  const total = servicesOf(ctx).dossierUploadLimitBytes;
  const left = Math.max(0, total - used);
  if (left >= perFile) return { limit: perFile, refusal: tooLarge(perFile) };
  return {
    limit: left,
    refusal: new UploadRefusedError(
      413,
      'TOO_LARGE',
      `Tổng dung lượng các tệp của hồ sơ vượt quá ${formatByteSize(total)}; còn được tải lên ${formatByteSize(left)} (the dossier's files may add up to ${total} bytes)`,
    ),
  };
}

async function receiveFile(ctx: ApiContext, request: FastifyRequest, used: number, name: string) {
  const { limit, refusal } = remainingRefusal(ctx, used);
  refuseDeclaredTooLarge(request.headers['content-length'], limit, refusal);
  return storeUpload(ctx.documents, request.body as Readable, name, limit, refusal);
}

function registerUploadRoutes(scope: FastifyInstance, ctx: ApiContext): void {
  const app = scope.withTypeProvider<ZodTypeProvider>();
  const uploaded = z.looseObject({});

  app.put(
    '/v1/citizen/drafts/:id/documents/:kind',
    {
      schema: {
        tags: ['citizens'],
        summary:
          'Uploads a component of a draft as the request body (PDF, JPEG or PNG; typed from the content)',
        params: documentParams,
        querystring: nameQuery,
        response: { 200: uploaded, ...errorResponses(400, 401, 403, 404) },
      },
    },
    async (
      request: FastifyRequest<{ Params: { id: string; kind: string }; Querystring: { name: string } }>,
    ) => {
      const { applicantKey } = citizenOf(request);
      const { id, kind } = request.params;
      const draft = await readDraft(ctx, request, id);
      const procedure = procedureToday(ctx, draft.procedureCode);
      const component = procedure.requiredDocuments.find((d) => d.kind === kind);
      if (!component)
        throw new NotFoundError(`Thủ tục ${procedure.code} không có thành phần hồ sơ "${kind}"`);
      const used = draft.documents.filter((d) => d.kind !== kind).reduce((sum, d) => sum + d.size, 0);
      const { stored, mediaType } = await receiveFile(ctx, request, used, request.query.name);
      // The file belongs to the draft until it is submitted (removing the draft destroys it).
      await ctx.documents.claim(stored.ref, id);
      const updated = await servicesOf(ctx).store.updateDraft(
        applicantKey,
        id,
        (current) => ({
          ...current,
          documents: [
            ...current.documents.filter((d) => d.kind !== kind),
            { kind, ref: stored.ref, name: stored.name.slice(0, 200), mediaType, size: stored.size },
          ],
        }),
        ctx.now(),
      );
      request.log.info(
        { draftId: id, kind, ref: stored.ref, size: stored.size, mediaType },
        'citizen upload',
      );
      return draftOut(ctx, updated);
    },
  );

  app.post(
    '/v1/citizen/dossiers/:code/uploads',
    {
      schema: {
        tags: ['citizens'],
        summary: 'Uploads a file to supplement one of the citizen’s dossiers (then POST …/supplement)',
        params: codeParamsSchema,
        querystring: nameQuery,
        response: { 201: uploaded, ...errorResponses(400, 401, 403, 404, 409) },
      },
    },
    async (
      request: FastifyRequest<{ Params: { code: string }; Querystring: { name: string } }>,
      reply: FastifyReply,
    ) => {
      const { code } = request.params;
      const view = await ownDossier(ctx, request, code);
      // Files are taken only to answer an open supplementation request.
      if (view.ended || !view.state.supplements.some((s) => s.providedAt === undefined)) {
        throw new IllegalActionError('ILLEGAL_STATE', `Hồ sơ ${code} không có yêu cầu bổ sung đang chờ`);
      }
      const used = await dossierBytes(ctx, view);
      const { stored, mediaType } = await receiveFile(ctx, request, used, request.query.name);
      await ctx.documents.claim(stored.ref, code);
      request.log.info(
        { dossierCode: code, ref: stored.ref, size: stored.size, mediaType },
        'citizen upload',
      );
      return reply.code(201).send({ ref: stored.ref, name: stored.name, size: stored.size, mediaType });
    },
  );
}

async function dossierBytes(ctx: ApiContext, view: DossierView): Promise<number> {
  let total = 0;
  for (const component of view.state.components) {
    const ref = component.ref;
    if (!ref) continue;
    total += (await ctx.documents.describe(ref).catch(() => null))?.size ?? 0;
  }
  return total;
}
