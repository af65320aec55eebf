/**
 * The API's use of the personal-data access log. Recording an official's read of a dossier's
 * personal data, for every route that serves it (the dossier view, a form naming the applicant, a
 * document, a codec decode): a route calls `recordPersonalDataRead` after its checks and before it
 * answers; when the log cannot record, the request fails with a 503 and the data is not served
 * unlogged. Reading a dossier's entries (`readAccessLog`, a 503 when the log cannot be read).
 *
 *   await recordPersonalDataRead(ctx, requireOfficial(request), {
 *     dossierCode, route: 'codec-decode', detail: keyId,
 *   });
 */
import type { AccessEntry, AccessRecord, AccessRecordInput } from '../audit/access-entry.js';
import { AccessLogUnavailableError } from '../audit/access-log.js';
import { ServiceUnavailableError } from '../client/client-errors.js';
import type { BuiltFormKind } from '../domain/forms/form-data.js';
import type { Official } from './auth.js';
import type { ApiContext } from './context.js';

/** What a route read, beyond the official who read it. */
export type PersonalDataRead = Pick<AccessRecordInput, 'dossierCode' | 'route' | 'detail'>;

export async function recordPersonalDataRead(
  ctx: Pick<ApiContext, 'accessLog'>,
  official: Official,
  read: PersonalDataRead,
): Promise<AccessRecord> {
  try {
    return await ctx.accessLog.record({
      official: { id: official.id, name: official.name, role: official.role, unit: official.unit },
      ...read,
    });
  } catch (error) {
    if (!(error instanceof AccessLogUnavailableError)) throw error;
    throw new ServiceUnavailableError(
      `nhật ký truy cập dữ liệu cá nhân không ghi được; dữ liệu không được cung cấp (the personal-data access log did not record the read: ${error.message})`,
    );
  }
}

/**
 * Forms that name no one: the control sheet lists units, officials and hand-over times only.
 * Every other form names the applicant (name, address) and its reading is recorded, including a
 * form added later unless it is listed here.
 */
const formsWithoutPersonalData: ReadonlySet<BuiltFormKind> = new Set(['control-sheet']);

export function formCarriesPersonalData(kind: BuiltFormKind): boolean {
  return !formsWithoutPersonalData.has(kind);
}

/** A dossier's entries, in the order recorded; a 503 when the log cannot be read. */
export async function readAccessLog(
  ctx: Pick<ApiContext, 'accessLog'>,
  code: string,
): Promise<AccessEntry[]> {
  try {
    return await ctx.accessLog.listForDossier(code);
  } catch (error) {
    if (!(error instanceof AccessLogUnavailableError)) throw error;
    throw new ServiceUnavailableError(
      `nhật ký truy cập dữ liệu cá nhân không đọc được (the personal-data access log cannot be read: ${error.message})`,
    );
  }
}
