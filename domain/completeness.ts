/**
 * The completeness check at intake, free of schemas so that workflow code can import it without
 * building the application's zod schemas in every workflow's sandbox.
 */
import type { DossierApplication } from './application.js';
import type { Procedure } from './catalogue.js';

export interface MissingDocument {
  kind: string;
  name: string;
}

export interface Completeness {
  complete: boolean;
  missing: MissingDocument[];
}

/**
 * Lists EVERY required document the application lacks, so the applicant can be asked to supplement
 * once, completely (ND 61 Art 15(3), Art 17(1)(a)). A requirement is met by a document of its kind
 * or of one of its alternatives, in any form. Conditional documents (`required: false`) are left to
 * the officer.
 */
export function checkCompleteness(
  application: Pick<DossierApplication, 'procedureCode' | 'documents'>,
  procedure: Procedure,
): Completeness {
  if (application.procedureCode !== procedure.code) {
    throw new Error(
      `Application is for procedure ${application.procedureCode}, not ${procedure.code} (${procedure.name})`,
    );
  }
  const present = new Set(application.documents.map((document) => document.kind));
  const missing = procedure.requiredDocuments
    .filter((required) => required.required)
    .filter(
      (required) => ![required.kind, ...(required.alternatives ?? [])].some((kind) => present.has(kind)),
    )
    .map(({ kind, name }) => ({ kind, name }));
  return { complete: missing.length === 0, missing };
}
