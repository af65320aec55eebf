/**
 * The citizen's own dossiers (issue #18; docs/citizen.md): the list, one dossier with its timeline
 * and what it owes, its live events, its statutory forms as PDF files, answering a supplementation
 * request, the signed e-result (a readable PDF copy, the signed original and the check of its
 * signature) and the rating of the service. Another citizen's dossier is a 404.
 */
import { createHash } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { IllegalActionError } from '../../client/client-errors.js';
import type { DossierView } from '../../contract/dossier-contract.js';
import { actionSchemas } from '../../domain/dossier/dossier-actions.js';
import { onlineIntakeDueDate } from '../../domain/dossier/dossier-checks.js';
import { historyNames } from '../../domain/dossier/dossier-labels.js';
import { paymentStatus } from '../../domain/online-payment.js';
import { formatInstant, formatVietnameseDate } from '../../domain/time.js';
import { kebabIdSchema } from '../../domain/validation.js';
import { formPdf, resultPdf } from '../../infra/form-pdf.js';
import { citizenOf, ownDossier, pdfReply, procedureToday, servicesOf } from '../citizen-access.js';
import { authenticateCitizen } from '../citizen-auth.js';
import { CitizenEventStreams } from '../citizen-events.js';
import { type ApiContext, applicantActor } from '../context.js';
import { BadRequestError, NotFoundError } from '../http-errors.js';
import { codeParamsSchema, errorResponses } from '../schemas.js';

/** Forms a citizen may download (the control sheet is the office's own). */
const citizenForms = ['receipt', 'supplementation-request', 'refusal', 'apology', 'stop-notice'] as const;

function summaryOf(view: DossierView) {
  const { state } = view;
  return {
    code: state.code,
    procedure: { code: state.procedure.code, name: state.procedure.name },
    status: state.status,
    statusName: view.statusName,
    submittedAt: new Date(state.submittedAt).toISOString(),
    appointmentDate: view.deadlines.decree?.dueDate,
    payment: paymentStatus(state),
    ended: view.ended,
  };
}

function detailOf(ctx: ApiContext, view: DossierView) {
  const { state } = view;
  const openSupplement = [...state.supplements].reverse().find((s) => !s.providedAt);
  const unitName = (code: string) => (ctx.organisation.has(code) ? ctx.organisation.get(code).name : code);
  return {
    ...summaryOf(view),
    receivingUnit: { code: state.application.receivingUnit, name: unitName(state.application.receivingUnit) },
    competentAgency: {
      code: state.application.competentAgency,
      name: unitName(state.application.competentAgency),
    },
    waitingInOnlineInbox: Boolean(
      state.onlineIntake && state.step === 'intake' && state.status === 'CHO_TIEP_NHAN',
    ),
    onlineIntakeDueDate: onlineIntakeDueDate(state, ctx.agencyCalendar(state.application.competentAgency)),
    acceptedAt: state.acceptedAt ? new Date(state.acceptedAt).toISOString() : undefined,
    components: state.components.map((c) => ({
      kind: c.kind,
      name: c.name,
      digitized: Boolean(c.digitized),
    })),
    supplementRequest: openSupplement
      ? {
          phase: openSupplement.phase,
          reason: openSupplement.reason,
          items: openSupplement.items.map((i) => ({ kind: i.kind, name: i.name, reason: i.reason })),
        }
      : undefined,
    payments: state.payments.map((p) => ({
      amountVnd: p.amountVnd,
      channel: p.channel,
      receiptRef: p.receiptRef,
      at: new Date(p.at).toISOString(),
    })),
    forms: citizenForms.filter((f) => view.forms[f] !== undefined),
    result: state.result
      ? {
          kind: state.result.kind,
          signedBy: state.result.signedBy,
          signedByName: unitName(state.result.signedBy),
          signedAt: state.result.signedAt,
          sha256: state.result.sha256,
          reason: state.result.reason,
        }
      : undefined,
    returned: state.returnedAt !== undefined,
    evaluated: state.evaluation !== undefined,
    canEvaluate: state.status === 'DA_TRA_KET_QUA' && !state.evaluation && !view.ended,
    timeline: [
      {
        at: new Date(state.submittedAt).toISOString(),
        action: 'submitted-online',
        title: 'Nộp hồ sơ trực tuyến',
        status: 'CHO_TIEP_NHAN',
        by: 'Người nộp hồ sơ',
        note: undefined,
      },
      ...state.history.map((entry) => ({
        at: entry.at,
        action: entry.action,
        title: historyNames[entry.action] ?? entry.action,
        status: entry.status,
        by:
          entry.actor?.role === 'applicant'
            ? 'Người nộp hồ sơ'
            : entry.actor
              ? unitName(entry.actor.unit)
              : undefined,
        note: entry.note,
      })),
    ],
    eventSeq: view.eventSeq,
  };
}

export function registerCitizenDossierRoutes(scope: FastifyInstance, ctx: ApiContext): void {
  const app = scope.withTypeProvider<ZodTypeProvider>();
  const streams = new CitizenEventStreams(ctx);
  scope.addHook('preClose', async () => streams.closeAll());

  app.get(
    '/v1/citizen/dossiers/:code/events',
    {
      schema: {
        tags: ['citizens'],
        summary:
          'Server-sent events of one of the citizen’s dossiers: "changed" ({ code, type }, no personal data) at each of its events',
        params: codeParamsSchema,
        response: errorResponses(400, 401, 403, 404, 503),
      },
    },
    async (request, reply) => {
      const { code } = request.params;
      const { applicantKey, session } = citizenOf(request);
      if (!(await servicesOf(ctx).store.owns(applicantKey, code))) {
        throw new NotFoundError(`Không tìm thấy hồ sơ ${code} trong tài khoản của bạn`);
      }
      // At each heartbeat: is the session (or the token) still good?
      const stillValid = session
        ? async () => {
            if (!ctx.citizenSessions.lookup(session.id)) throw new Error('session ended');
          }
        : async () => {
            await authenticateCitizen(ctx, request);
          };
      streams.stream(request, reply, code, stillValid);
    },
  );

  app.get(
    '/v1/citizen/dossiers',
    {
      schema: {
        tags: ['citizens'],
        summary: 'The citizen’s dossiers, newest first',
        response: { 200: z.object({ dossiers: z.array(z.looseObject({})) }), ...errorResponses(401, 403) },
      },
    },
    async (request) => {
      const codes = await servicesOf(ctx).store.dossierCodes(citizenOf(request).applicantKey);
      const dossiers = [];
      for (const code of codes) {
        const view = await ctx.dossiers.get(code).catch(() => undefined);
        dossiers.push(view ? summaryOf(view) : { code, statusName: 'Không đọc được hồ sơ' });
      }
      return { dossiers };
    },
  );

  app.get(
    '/v1/citizen/dossiers/:code',
    {
      schema: {
        tags: ['citizens'],
        summary: 'One of the citizen’s dossiers: status, timeline, payments, forms, result',
        params: codeParamsSchema,
        response: { 200: z.looseObject({}), ...errorResponses(400, 401, 403, 404, 410) },
      },
    },
    async (request) => detailOf(ctx, await ownDossier(ctx, request, request.params.code)),
  );

  app.get(
    '/v1/citizen/dossiers/:code/forms/:form',
    {
      schema: {
        tags: ['citizens'],
        summary: 'A statutory form issued on the dossier, as a PDF file',
        params: z.strictObject({ code: codeParamsSchema.shape.code, form: z.enum(citizenForms) }),
        response: errorResponses(400, 401, 403, 404, 410),
      },
    },
    async (request, reply) => {
      const { code, form } = request.params;
      const view = await ownDossier(ctx, request, code);
      const data = view.forms[form];
      if (!data) throw new NotFoundError(`Hồ sơ ${code} chưa có văn bản "${form}"`);
      return pdfReply(reply, formPdf(data), `${code}-${form}.pdf`);
    },
  );

  app.post(
    '/v1/citizen/dossiers/:code/supplement',
    {
      schema: {
        tags: ['citizens'],
        summary: 'Answers a supplementation request with files uploaded to the dossier',
        params: codeParamsSchema,
        body: z.strictObject({
          documents: z
            .array(
              z.strictObject({
                kind: kebabIdSchema,
                ref: z.string().regex(/^sha256:[0-9a-f]{64}$/),
                name: z.string().min(1).max(200).optional(),
              }),
            )
            .min(1, 'must list at least one document'),
        }),
        response: { 200: z.looseObject({}), ...errorResponses(400, 401, 403, 404, 409, 410) },
      },
    },
    async (request) => {
      const { code } = request.params;
      const view = await ownDossier(ctx, request, code);
      for (const d of request.body.documents) {
        if (!(await ctx.documents.claim(d.ref, code)))
          throw new BadRequestError(`Không tìm thấy tệp ${d.ref}; vui lòng tải lên lại`, [
            `documents: ${d.ref}`,
          ]);
      }
      const documents = request.body.documents.map((d) => ({
        kind: d.kind,
        name: d.name,
        form: 'electronic' as const,
        fileRef: d.ref,
      }));
      const name = view.state.step === 'intake' ? 'provide-intake-supplement' : 'provide-supplementation';
      const result = await ctx.dossiers.act(code, {
        name,
        actor: applicantActor(code),
        payload: { documents },
      });
      request.log.info({ dossierCode: code, documents: documents.length }, 'citizen supplemented a dossier');
      return { code, status: result.status, statusName: result.statusName };
    },
  );

  app.post(
    '/v1/citizen/dossiers/:code/evaluation',
    {
      schema: {
        tags: ['citizens'],
        summary: 'Rates the service once the result was returned (once)',
        params: codeParamsSchema,
        body: actionSchemas.evaluate,
        response: { 200: z.looseObject({}), ...errorResponses(400, 401, 403, 404, 409, 410) },
      },
    },
    async (request) => {
      const { code } = request.params;
      const view = await ownDossier(ctx, request, code);
      if (view.ended)
        throw new IllegalActionError('ILLEGAL_STATE', `Hồ sơ ${code} đã kết thúc; không đánh giá được nữa`);
      const result = await ctx.dossiers.act(code, {
        name: 'evaluate',
        actor: applicantActor(code),
        payload: request.body,
      });
      request.log.info({ dossierCode: code }, 'citizen rated the service');
      return { code, status: result.status, statusName: result.statusName };
    },
  );

  app.get(
    '/v1/citizen/dossiers/:code/result',
    {
      schema: {
        tags: ['citizens'],
        summary: 'The signed e-result: who signed it, when, its hash, and the check of its signature',
        params: codeParamsSchema,
        response: { 200: z.looseObject({}), ...errorResponses(400, 401, 403, 404, 410) },
      },
    },
    async (request) => {
      const { code } = request.params;
      const { state } = await ownDossier(ctx, request, code);
      const result = resultOf(state, code);
      const check = await checkResult(ctx, result);
      return {
        kind: result.kind,
        signedBy: result.signedBy,
        signedAt: result.signedAt,
        sha256: result.sha256,
        algorithm: 'Ed25519',
        signature: result.signature,
        publicKeyFingerprint: result.publicKeyFingerprint,
        publicKeyPem: check.publicKeyPem,
        verification: {
          hashMatches: check.hashMatches,
          signatureValid: check.signatureValid,
          valid: check.valid,
        },
        verdict: check.valid
          ? `Chữ ký số hợp lệ: văn bản do ${unitNameOf(ctx, result.signedBy)} (${result.signedBy}) ký lúc ${vietnameseDateTime(result.signedAt)}, không bị sửa đổi sau khi ký`
          : 'Không xác thực được chữ ký số của văn bản này',
      };
    },
  );

  app.get(
    '/v1/citizen/dossiers/:code/result/signed',
    {
      schema: {
        tags: ['citizens'],
        summary: 'The signed e-result itself (the bytes whose hash was signed)',
        params: codeParamsSchema,
        response: errorResponses(400, 401, 403, 404, 410),
      },
    },
    async (request, reply) => {
      const { code } = request.params;
      const { state } = await ownDossier(ctx, request, code);
      const stored = await ctx.documents.get(resultOf(state, code).ref);
      if (!stored) throw new NotFoundError(`Không còn lưu văn bản kết quả của hồ sơ ${code}`);
      await receivedOnline(ctx, request, state);
      return (reply as FastifyReply)
        .header('content-type', stored.meta.mediaType)
        .header('content-disposition', `attachment; filename="${code}-ket-qua-da-ky.json"`)
        .header('cache-control', 'no-store')
        .send(Buffer.from(stored.content));
    },
  );

  app.get(
    '/v1/citizen/dossiers/:code/result.pdf',
    {
      schema: {
        tags: ['citizens'],
        summary: 'A readable copy of the signed e-result as a PDF file',
        params: codeParamsSchema,
        response: errorResponses(400, 401, 403, 404, 410),
      },
    },
    async (request, reply) => {
      const { code } = request.params;
      const { state } = await ownDossier(ctx, request, code);
      const result = resultOf(state, code);
      const stored = await ctx.documents.get(result.ref);
      const signed = stored
        ? (JSON.parse(Buffer.from(stored.content).toString('utf8')) as { text?: string })
        : {};
      const agency = state.application.competentAgency;
      const pdf = resultPdf({
        dossierCode: code,
        procedure: { code: state.procedure.code, name: state.procedure.name },
        resultName: procedureToday(ctx, state.procedure.code).resultName,
        kind: result.kind,
        text: signed.text ?? result.reason ?? '',
        agencyName: unitNameOf(ctx, agency),
        signedBy: result.signedBy,
        signedAt: result.signedAt,
        sha256: result.sha256,
        publicKeyFingerprint: result.publicKeyFingerprint,
      });
      await receivedOnline(ctx, request, state);
      return pdfReply(reply, pdf, `${code}-ket-qua.pdf`);
    },
  );
}

/** The dossier's signed result; 404 while it has none. */
function resultOf(state: DossierView['state'], code: string): NonNullable<DossierView['state']['result']> {
  if (!state.result) throw new NotFoundError(`Hồ sơ ${code} chưa có kết quả`);
  return state.result;
}

function unitNameOf(ctx: ApiContext, code: string): string {
  return ctx.organisation.has(code) ? ctx.organisation.get(code).name : code;
}

/** 'HH:mm dd/MM/yyyy' in Vietnam time, as forms print it. */
function vietnameseDateTime(iso: string): string {
  const local = formatInstant(Date.parse(iso));
  return `${local.slice(11, 16)} ngày ${formatVietnameseDate(local.slice(0, 10))}`;
}

/** The stored result hashed again and its signature checked with the signing unit's public key. */
async function checkResult(
  ctx: ApiContext,
  result: NonNullable<DossierView['state']['result']>,
): Promise<{ hashMatches: boolean; signatureValid: boolean; valid: boolean; publicKeyPem?: string }> {
  const stored = await ctx.documents.get(result.ref);
  const hashMatches =
    stored !== null && createHash('sha256').update(stored.content).digest('hex') === result.sha256;
  const signatures = servicesOf(ctx).signatures;
  const signatureValid =
    signatures !== undefined &&
    result.signature !== undefined &&
    result.publicKeyFingerprint !== undefined &&
    (await signatures.verify(
      {
        unitCode: result.signedBy,
        algorithm: 'Ed25519',
        signedAt: result.signedAt,
        sha256: result.sha256,
        signature: result.signature,
        publicKeyFingerprint: result.publicKeyFingerprint,
      },
      result.sha256,
    ));
  const publicKeyPem = signatures ? await signatures.publicKeyPem(result.signedBy) : undefined;
  return { hashMatches, signatureValid, valid: hashMatches && signatureValid, publicKeyPem };
}

/**
 * Full online service (ND 224/2026): the applicant of an online dossier whose result is electronic
 * only receives it by downloading it, and that download is the return of the result (channel
 * online); no counter officer hands anything over. Repeated downloads change nothing.
 */
async function receivedOnline(
  ctx: ApiContext,
  request: FastifyRequest,
  state: DossierView['state'],
): Promise<void> {
  const returnable = state.status === 'DA_XU_LY_XONG' || state.status === 'TU_CHOI';
  if (!returnable || state.application.channel !== 'online' || !state.result || state.result.paperResult)
    return;
  try {
    await ctx.dossiers.act(state.code, {
      name: 'return-result',
      actor: applicantActor(state.code),
      payload: { channel: 'online' },
    });
    request.log.info({ dossierCode: state.code }, 'result returned online: the applicant downloaded it');
  } catch (error) {
    // Returned a moment ago (another download, the counter): the download is served all the same.
    if (!(error instanceof IllegalActionError)) throw error;
  }
}
