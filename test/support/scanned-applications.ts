/**
 * Applications whose documents are really stored (scanned at the counter or uploaded online), for
 * tests that run dossiers through workers. fixtures.ts holds the pure builders.
 */
import type { Applicant, DossierApplicationInput } from '../../domain/application.js';
import type { DocumentStore } from '../../infra/document-store.js';

export interface ScannedApplicationOptions {
  requestId: string;
  applicant: Applicant;
  channel: DossierApplicationInput['channel'];
  receivingUnit: string;
  competentAgency: string;
  vneidAuthenticated?: boolean;
}

/**
 * A complete 1.001612 (Đăng ký thành lập hộ kinh doanh) application: the request form and the
 * applicant's identity papers, stored in `store` (paper originals scanned, or electronic online).
 * The files' content names the request, so two requests never share a stored file.
 */
export async function scannedHouseholdBusiness(
  store: DocumentStore,
  options: ScannedApplicationOptions,
): Promise<DossierApplicationInput> {
  const form = options.channel === 'online' ? 'electronic' : 'paper';
  const scan = async (name: string) =>
    (
      await store.put(new TextEncoder().encode(`${name} ${options.requestId}`), {
        mediaType: 'application/pdf',
        name,
      })
    ).ref;
  return {
    ...options,
    procedureCode: '1.001612',
    documents: [
      { kind: 'giay-de-nghi-dang-ky-ho-kinh-doanh', form, fileRef: await scan('de-nghi.pdf') },
      { kind: 'giay-to-phap-ly-ca-nhan', form, fileRef: await scan('giay-to.pdf') },
    ],
  };
}
