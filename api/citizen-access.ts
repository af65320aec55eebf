/**
 * What the citizens' routes share (api/routes/citizen-routes.ts, citizen-dossier-routes.ts,
 * payment-routes.ts): the citizen of a request, the citizens' services, the citizen's own dossier
 * (another's is a 404), the procedure in force today, and a PDF file as the answer.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ServiceUnavailableError } from '../client/client-errors.js';
import type { DossierView } from '../contract/dossier-contract.js';
import type { Procedure } from '../domain/catalogue.js';
import { toCivilDate } from '../domain/time.js';
import { getProcedure } from '../rules/catalogue-loader.js';
import type { AuthenticatedCitizen } from './citizen-auth.js';
import type { ApiContext, CitizenServices } from './context.js';
import { NotFoundError } from './http-errors.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The citizen of a /v1/citizen route (bearer token or citizen session). */
    citizen?: AuthenticatedCitizen;
  }
}

export function citizenOf(request: FastifyRequest): AuthenticatedCitizen {
  if (!request.citizen) throw new Error('citizen route without a citizen');
  return request.citizen;
}

export function servicesOf(ctx: ApiContext): CitizenServices {
  if (!ctx.citizens)
    throw new ServiceUnavailableError('Dịch vụ công trực tuyến chưa được bật (no citizen services)');
  return ctx.citizens;
}

/** The citizen's dossier, or a 404 when it is not theirs (as for a code that does not exist). */
export async function ownDossier(
  ctx: ApiContext,
  request: FastifyRequest,
  code: string,
): Promise<DossierView> {
  const { applicantKey } = citizenOf(request);
  if (!(await servicesOf(ctx).store.owns(applicantKey, code))) {
    throw new NotFoundError(`Không tìm thấy hồ sơ ${code} trong tài khoản của bạn`);
  }
  return ctx.dossiers.get(code);
}

/** The version of a procedure in force today; a 404 when there is none. */
export function procedureToday(ctx: ApiContext, code: string): Procedure {
  try {
    return getProcedure(code, toCivilDate(ctx.now()));
  } catch {
    throw new NotFoundError(`Không có thủ tục ${code} đang áp dụng`);
  }
}

export function pdfReply(reply: FastifyReply, pdf: Buffer, fileName: string) {
  return reply
    .header('content-type', 'application/pdf')
    .header('content-disposition', `attachment; filename="${fileName}"`)
    .header('cache-control', 'no-store')
    .send(pdf);
}
