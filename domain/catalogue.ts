import { z } from 'zod';
import { statutoryDurationSchema } from './duration-schema.js';
import { type CivilDate, parseCivilDate } from './time.js';
import { civilDateSchema, kebabIdSchema, textSchema } from './validation.js';

/**
 * The procedure catalogue (danh mục thủ tục hành chính): one entry per procedure *rule version*.
 * Everything law can change (deadline, fees, documents, authority) is data with an effective-from
 * date; a dossier keeps the version in force on the day it was received (DOMAIN.md §0).
 */

/**
 * Procedure codes.
 * - DVCQG / CSDLQG về TTHC code: one digit, a dot, six digits, e.g. '1.001612', '2.000815'
 *   (first digit seen: 1 and 2 for nationally published procedures, 3 for province-specific ones).
 *   DVCQG service codes that append an agency code ('2.000815.000.00.00.H55') are not procedure
 *   codes and are refused.
 * - Provisional local code for a procedure whose national code is not confirmed:
 *   'LOCAL.' + upper-case letters/digits in '-'-separated groups, e.g. 'LOCAL.CPXD-NORL'.
 *   An entry with such a code must list 'code' in `unconfirmed`.
 */
export const DVCQG_PROCEDURE_CODE = /^\d\.\d{6}$/;
export const LOCAL_PROCEDURE_CODE = /^LOCAL\.[A-Z0-9]+(-[A-Z0-9]+)*$/;

export function isProcedureCode(text: string): boolean {
  return DVCQG_PROCEDURE_CODE.test(text) || LOCAL_PROCEDURE_CODE.test(text);
}

export const procedureCodeSchema = z
  .string()
  .refine(
    isProcedureCode,
    'must be a DVCQG procedure code such as 1.001612, or a provisional code such as LOCAL.CPXD-NORL',
  );

/**
 * Cách thức thực hiện (ND 63/2010 Art 8(2)(c)): the channels of ND 61 Art 16 a procedure accepts,
 * named as a dossier application's `channel`.
 */
export const SUBMISSION_METHODS = ['counter', 'postal', 'online'] as const;
export type SubmissionMethod = (typeof SUBMISSION_METHODS)[number];

/** Đối tượng thực hiện (ND 63/2010 Art 8(2)(e)): who may apply, named as an applicant's `type`. */
export const APPLICANT_TYPES = ['citizen', 'organisation'] as const;
export type ApplicantType = (typeof APPLICANT_TYPES)[number];

/** What officials read for each applicant type. */
export const applicantTypeNames: Readonly<Record<ApplicantType, string>> = {
  citizen: 'Công dân',
  organisation: 'Tổ chức, doanh nghiệp',
};

/** A non-empty list of distinct values of `values`; absent when the procedure does not publish it. */
function publishedListSchema<const T extends readonly [string, ...string[]]>(values: T, what: string) {
  const quoted = values.map((value) => `"${value}"`);
  const choices = `${quoted.slice(0, -1).join(', ')} or ${quoted.at(-1)}`;
  return z
    .array(z.enum(values, `must be ${choices}`))
    .min(1, `must list at least one ${what}`)
    .refine((list) => new Set(list).size === list.length, `must not list a ${what} twice`)
    .optional();
}

const vndSchema = z.number().int('must be a whole number of đồng').min(0, 'must not be negative');

export const feeSchema = z.strictObject({
  name: textSchema,
  amountVnd: vndSchema,
  /** What the amount is charged per, e.g. 'per page', 'per case', 'per contract'. Absent = once. */
  unit: textSchema.optional(),
  /** Amount when submitted online, if different (often reduced or waived). */
  onlineAmountVnd: vndSchema.optional(),
  /** Only charged in this case (e.g. amending an already certified contract). */
  condition: textSchema.optional(),
  /** The amount is set by the provincial People's Council (HĐND tỉnh); the figure is this province's. */
  setByProvince: z.boolean().optional(),
  note: textSchema.optional(),
});

export const requiredDocumentSchema = z.strictObject({
  kind: kebabIdSchema,
  name: textSchema,
  /** Must be present for the dossier to be complete. Conditional documents are `false` + `condition`. */
  required: z.boolean(),
  /** When required only in some cases, the case. */
  condition: textSchema.optional(),
  /** Other document kinds that satisfy this requirement instead (e.g. a witness statement). */
  alternatives: z.array(kebabIdSchema).optional(),
  /** The paper original must be presented or handed in. */
  paperOriginal: z.boolean().optional(),
  /** The agency can take it from a national database or the DVCQG data store (ND 224/2026 Art 18(4)). */
  reusableFromDataStore: z.boolean().optional(),
  /**
   * Số lượng: how many of this document the published procedure asks for (bản, bộ). Absent = the
   * number is not published, and the procedure lacks a part of ND 63/2010 Art 8(2).
   */
  copies: z.number().int('must be a whole number').min(1, 'must be at least 1').optional(),
  note: textSchema.optional(),
});

export const interAgencyParticipantSchema = z.strictObject({
  role: kebabIdSchema,
  agencyKind: kebabIdSchema,
  /** Working days of the statutory deadline allotted to this participant. */
  shareOfDeadline: z.number().int('must be a whole number of working days').min(1, 'must be at least 1'),
});

/**
 * How long the applicant's personal data of a closed dossier is kept, counted in calendar months
 * from the day the dossier ended; then it is erased (retention/). The law fixes no period (Law
 * 91/2025/QH15: kept only as long as the purpose needs), so the figure is the province's setting.
 */
export const personalDataRetentionSchema = z.strictObject({
  months: z
    .number('must be a number of months')
    .int('must be a whole number of months')
    .min(1, 'must be at least 1 month')
    .max(1200, 'must be at most 1200 months (100 years)'),
  /** Why this period, or where the province decided it. */
  note: textSchema.optional(),
});

export const ruleVersionSchema = z.strictObject({
  version: textSchema,
  effectiveFrom: civilDateSchema,
  legalBasis: z.array(textSchema).min(1, 'must cite at least one legal basis'),
});

const procedureShape = z.strictObject({
  code: procedureCodeSchema,
  name: textSchema,
  /** Lĩnh vực, e.g. 'Hộ tịch', 'Chứng thực'. */
  sector: textSchema,
  /** Id of the government tier that handles it, as declared in the organisation registry's tiers. */
  level: kebabIdSchema,
  /** Who decides, in words, e.g. 'UBND cấp xã'. */
  competentAuthority: textSchema,
  /** Who may apply. Absent = not published (indicator 1.3 counts the procedure as incomplete). */
  applicantTypes: publishedListSchema(APPLICANT_TYPES, 'applicant type'),
  /** How a dossier may be lodged. Absent = not published (indicator 1.3 counts it as incomplete). */
  submissionMethods: publishedListSchema(SUBMISSION_METHODS, 'submission method'),
  duration: statutoryDurationSchema,
  /** The longer time limit that applies instead of `duration` when `condition` holds. */
  extendedDuration: z.strictObject({ duration: statutoryDurationSchema, condition: textSchema }).optional(),
  /** Empty = free of charge. */
  fees: z.array(feeSchema),
  requiredDocuments: z.array(requiredDocumentSchema),
  serviceLevel: z.enum(['toan-trinh', 'mot-phan'], 'must be "toan-trinh" or "mot-phan" (DOMAIN.md §3)'),
  eligibleForToanTrinh: z.boolean(),
  /** The result is a paper document. */
  paperResult: z.boolean(),
  resultName: textSchema,
  /** Processing steps of the definition, in order, e.g. ['assign', 'appraise', 'approve']. */
  steps: z.array(kebabIdSchema).min(1, 'must list at least one processing step'),
  /** Other agencies taking part (liên thông, ND 61 Art 19(6)–(7)). */
  interAgency: z.array(interAgencyParticipantSchema).optional(),
  /** Retention of the applicant's personal data after the dossier ended (the province's setting). */
  personalDataRetention: personalDataRetentionSchema,
  ruleVersion: ruleVersionSchema,
  /** Fields (top-level name, optionally followed by '.detail') not confirmed in a primary text. */
  unconfirmed: z.array(textSchema),
  sources: z.array(textSchema).min(1, 'must cite at least one source'),
  notes: z.array(textSchema).optional(),
});

type ProcedureShape = z.output<typeof procedureShape>;
type IssueSink = (path: PropertyKey[], message: string) => void;

const PROCEDURE_FIELDS = new Set(Object.keys(procedureShape.shape));

export const procedureSchema = procedureShape.superRefine((procedure, ctx) => {
  const report: IssueSink = (path, message) => ctx.addIssue({ code: 'custom', path, message });
  checkProcedure(procedure, report);
});

export type Procedure = z.output<typeof procedureSchema>;
export type ProcedureInput = z.input<typeof procedureSchema>;
export type Fee = z.output<typeof feeSchema>;
export type RequiredDocument = z.output<typeof requiredDocumentSchema>;
export type InterAgencyParticipant = z.output<typeof interAgencyParticipantSchema>;
export type RuleVersion = z.output<typeof ruleVersionSchema>;
export type PersonalDataRetention = z.output<typeof personalDataRetentionSchema>;

function checkProcedure(procedure: ProcedureShape, report: IssueSink): void {
  if (LOCAL_PROCEDURE_CODE.test(procedure.code) && !procedure.unconfirmed.includes('code')) {
    report(['unconfirmed'], `must list "code": ${procedure.code} is a provisional local code`);
  }
  if (procedure.serviceLevel === 'toan-trinh' && !procedure.eligibleForToanTrinh) {
    report(['eligibleForToanTrinh'], 'must be true when serviceLevel is "toan-trinh"');
  }
  checkOnlineSubmission(procedure, report);
  procedure.unconfirmed.forEach((field, i) => {
    const top = field.split('.')[0] ?? '';
    if (!PROCEDURE_FIELDS.has(top)) report(['unconfirmed', i], `"${field}" is not a procedure field`);
  });
  checkDocumentKinds(procedure, report);
  checkInterAgencyShares(procedure, report);
}

/** Both service levels are online services (DOMAIN.md §3), so a procedure lists 'online' if it lists channels. */
function checkOnlineSubmission(procedure: ProcedureShape, report: IssueSink): void {
  const methods = procedure.submissionMethods ?? [];
  if (methods.length > 0 && !methods.includes('online')) {
    report(
      ['submissionMethods'],
      `must include "online": serviceLevel "${procedure.serviceLevel}" is an online service (DOMAIN.md §3)`,
    );
  }
}

function checkDocumentKinds(procedure: ProcedureShape, report: IssueSink): void {
  const seen = new Set<string>();
  procedure.requiredDocuments.forEach((document, i) => {
    if (seen.has(document.kind)) {
      report(['requiredDocuments', i, 'kind'], `document kind "${document.kind}" is listed twice`);
    }
    seen.add(document.kind);
  });
}

function checkInterAgencyShares(procedure: ProcedureShape, report: IssueSink): void {
  if (!procedure.interAgency || procedure.duration.unit !== 'working-days') return;
  const total = procedure.interAgency.reduce((sum, p) => sum + p.shareOfDeadline, 0);
  if (total > procedure.duration.value) {
    report(
      ['interAgency'],
      `shares add up to ${total} working days, more than the statutory ${procedure.duration.value}`,
    );
  }
}

// ---------------------------------------------------------------------------------------------
// The catalogue file.

export const catalogueSchema = z
  .strictObject({
    version: textSchema,
    effectiveFrom: civilDateSchema,
    procedures: z.array(procedureSchema),
  })
  .superRefine(checkDuplicateVersions, { when: () => true });

/**
 * A code may appear once per rule version: two entries with the same code and the same
 * `ruleVersion.effectiveFrom` are duplicates. Runs even when other fields fail (defensive reads).
 */
function checkDuplicateVersions(catalogue: unknown, ctx: z.RefinementCtx): void {
  const { procedures } = (catalogue ?? {}) as { procedures?: unknown };
  if (!Array.isArray(procedures)) return;
  const seen = new Map<string, number>();
  procedures.forEach((entry: unknown, i) => {
    const { code, name, ruleVersion } = (entry ?? {}) as {
      code?: unknown;
      name?: unknown;
      ruleVersion?: unknown;
    };
    const from = ((ruleVersion ?? {}) as { effectiveFrom?: unknown }).effectiveFrom;
    if (typeof code !== 'string') return;
    const key = `${code}@${String(from)}`;
    const first = seen.get(key);
    if (first !== undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['procedures', i, 'code'],
        message: `duplicate procedure code "${code}" (${String(name)}): procedures[${first}] already defines it from ${String(from)}`,
      });
    }
    seen.set(key, i);
  });
}

export type Catalogue = z.output<typeof catalogueSchema>;
export type CatalogueInput = z.input<typeof catalogueSchema>;

/** Distinct procedure codes in catalogue order. */
export function procedureCodes(procedures: readonly Procedure[]): string[] {
  return [...new Set(procedures.map((procedure) => procedure.code))];
}

/** Lines naming each procedure whose `level` is not one of the registry's tier ids. */
export function checkProcedureLevels(procedures: readonly Procedure[], tierIds: readonly string[]): string[] {
  return procedures
    .filter((procedure) => !tierIds.includes(procedure.level))
    .map(
      (procedure) =>
        `procedure ${procedure.code} (${procedure.name}): level "${procedure.level}" is not a tier of the registry (${tierIds.join(', ')})`,
    );
}

/**
 * The version of procedure `code` in force on `at`: among the entries with that code, the one with
 * the latest `ruleVersion.effectiveFrom` not after `at`.
 */
export function findProcedureVersion(
  procedures: readonly Procedure[],
  code: string,
  at: CivilDate,
): Procedure {
  parseCivilDate(at);
  const versions = procedures.filter((procedure) => procedure.code === code);
  if (versions.length === 0) throw new Error(`Unknown procedure code "${code}"`);
  const inForce = versions.filter((procedure) => procedure.ruleVersion.effectiveFrom <= at);
  if (inForce.length === 0) {
    const earliest = versions.map((procedure) => procedure.ruleVersion.effectiveFrom).sort()[0];
    throw new Error(`No version of procedure ${code} in force on ${at} (earliest version from ${earliest})`);
  }
  return inForce.reduce((latest, procedure) =>
    procedure.ruleVersion.effectiveFrom > latest.ruleVersion.effectiveFrom ? procedure : latest,
  );
}
