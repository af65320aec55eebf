/**
 * TTHC publication records, the facts behind Decision 766 indicators 1.1–1.3 (DOMAIN.md §2.3
 * group 1):
 * - issuers: the units that publish procedures (a ministry, a province's People's Committee),
 *   with the officials in charge of procedure control, who are reminded of deadlines;
 * - legal documents (VBQPPL): number and effective date, what a publication rests on;
 * - publication decisions (QĐCB): number, date, issuer, kind, and each procedure it publishes as
 *   new, amended, replaced or abolished, with its legal basis (ND 63/2010 Art 15);
 * - disclosures: the day a procedure was made public on the national database (CSDLQG, the
 *   "Công khai" button) after a decision, and which of the seven parts of ND 63/2010 Art 8(2) the
 *   published entry states (ND 63/2010 Art 24 as amended by ND 92/2017).
 * The same shape is the data file (data/publications/<organisation>.json), an import file and the
 * store's content; records are identified by unit, number, or procedure and decision.
 */
import { z } from 'zod';
import { procedureCodeSchema } from './catalogue.js';
import type { OrganisationRegistry } from './organisation.js';
import { PUBLISHED_PARTS } from './published-parts.js';
import { unitCodeSchema } from './unit-code.js';
import { civilDateSchema, textSchema } from './validation.js';

/** The legal level of an issuer, which sets its deadlines (not an organisation tier). */
export const ISSUER_LEVELS = ['ministry', 'province'] as const;
export type IssuerLevel = (typeof ISSUER_LEVELS)[number];

/**
 * - 'thong-thuong': a ministry's QĐCB of the procedures in its sector;
 * - 'dac-thu': a province's QĐCB đặc thù, of procedures its own legal documents set;
 * - 'danh-muc': a province's decision listing procedures a ministry published, as applied locally.
 */
export const DECISION_KINDS = ['thong-thuong', 'dac-thu', 'danh-muc'] as const;
export type DecisionKind = (typeof DECISION_KINDS)[number];

/** Mới ban hành, sửa đổi bổ sung, thay thế, bãi bỏ. */
export const PROCEDURE_CHANGES = ['new', 'amended', 'replaced', 'abolished'] as const;
export type ProcedureChange = (typeof PROCEDURE_CHANGES)[number];

const emailSchema = z.email('must be an email address');
const phoneSchema = z
  .string()
  .regex(/^(0|\+84)\d{9,10}$/, 'must be a Vietnamese phone number: 0 or +84 followed by 9–10 digits');

export const responsibleOfficialSchema = z.strictObject({
  id: textSchema,
  name: textSchema,
  email: emailSchema.optional(),
  phone: phoneSchema.optional(),
});

export const issuerSchema = z.strictObject({
  unit: unitCodeSchema,
  level: z.enum(ISSUER_LEVELS),
  /** The officials in charge of procedure control (cán bộ đầu mối kiểm soát TTHC). */
  officials: z.array(responsibleOfficialSchema).default([]),
});

export const legalDocumentSchema = z.strictObject({
  /** Số ký hiệu, e.g. '15/2026/QĐ-UBND'. */
  number: textSchema,
  title: textSchema.optional(),
  effectiveFrom: civilDateSchema,
  /** Adopted by the shortened procedure (trình tự rút gọn): disclosure within 2 working days. */
  shortenedProcedure: z.boolean().default(false),
  /** For the reminder before 1.1's deadline: the issuer that must publish the procedures below. */
  publishedBy: unitCodeSchema.optional(),
  /** The procedures this document creates, amends, replaces or abolishes. */
  procedures: z.array(procedureCodeSchema).default([]),
});

export const publishedProcedureSchema = z.strictObject({
  code: procedureCodeSchema,
  change: z.enum(PROCEDURE_CHANGES),
  /** For a 'replaced' change: the procedure this one replaces. */
  replaces: procedureCodeSchema.optional(),
  /** Numbers of the legal documents the publication rests on. */
  legalBasis: z.array(textSchema).min(1, 'must name at least one legal document'),
});

export const publicationDecisionSchema = z.strictObject({
  /** Số ký hiệu, e.g. '320/QĐ-UBND'. */
  number: textSchema,
  issuedOn: civilDateSchema,
  /** The issuing body: a unit listed in `issuers`. */
  issuer: unitCodeSchema,
  kind: z.enum(DECISION_KINDS),
  title: textSchema.optional(),
  procedures: z.array(publishedProcedureSchema).min(1, 'must publish at least one procedure'),
});

export const disclosureSchema = z.strictObject({
  procedure: procedureCodeSchema,
  /** The decision whose change was made public. */
  decision: textSchema,
  /** The day the procedure was made public on CSDLQG ("Công khai"). */
  disclosedOn: civilDateSchema,
  /** The parts of ND 63/2010 Art 8(2) the published entry states. */
  publishedParts: z.array(z.enum(PUBLISHED_PARTS)),
});

export const publicationRecordsSchema = z.strictObject({
  version: textSchema.optional(),
  notes: z.string().optional(),
  issuers: z.array(issuerSchema).default([]),
  legalDocuments: z.array(legalDocumentSchema).default([]),
  decisions: z.array(publicationDecisionSchema).default([]),
  disclosures: z.array(disclosureSchema).default([]),
});

export type ResponsibleOfficial = z.output<typeof responsibleOfficialSchema>;
export type Issuer = z.output<typeof issuerSchema>;
export type LegalDocument = z.output<typeof legalDocumentSchema>;
export type PublishedProcedure = z.output<typeof publishedProcedureSchema>;
export type PublicationDecision = z.output<typeof publicationDecisionSchema>;
export type Disclosure = z.output<typeof disclosureSchema>;
export type PublicationRecords = z.output<typeof publicationRecordsSchema>;
export type PublicationRecordsInput = z.input<typeof publicationRecordsSchema>;

export const emptyPublicationRecords = (): PublicationRecords => ({
  issuers: [],
  legalDocuments: [],
  decisions: [],
  disclosures: [],
});

// ---------------------------------------------------------------------------------------------
// Identity

export const RECORD_KINDS = ['issuers', 'legalDocuments', 'decisions', 'disclosures'] as const;
export type RecordKind = (typeof RECORD_KINDS)[number];
type RecordOf<K extends RecordKind> = PublicationRecords[K][number];

const identities: { [K in RecordKind]: (record: RecordOf<K>) => string } = {
  issuers: (issuer) => issuer.unit,
  legalDocuments: (document) => document.number,
  decisions: (decision) => decision.number,
  disclosures: (disclosure) => `${disclosure.procedure} ${disclosure.decision}`,
};

/** What identifies a record among those of its kind: unit, number, or "procedure decision". */
export function recordIdentity<K extends RecordKind>(kind: K, record: RecordOf<K>): string {
  return identities[kind](record);
}

// ---------------------------------------------------------------------------------------------
// Checks beyond the schema: duplicates and references

export interface RecordIssue {
  path: (string | number)[];
  message: string;
}

/** The same record twice in one set of records. */
export function duplicateIssues(records: PublicationRecords): RecordIssue[] {
  return RECORD_KINDS.flatMap((kind) => {
    const seen = new Map<string, number>();
    return (records[kind] as RecordOf<typeof kind>[]).flatMap((record, i): RecordIssue[] => {
      const id = recordIdentity(kind, record);
      const first = seen.get(id);
      seen.set(id, first ?? i);
      return first === undefined
        ? []
        : [{ path: [kind, i], message: `"${id}" is already listed at ${kind}[${first}]` }];
    });
  });
}

/**
 * The references of `records` that do not resolve in `known` (the records themselves, or the
 * store's records merged with an import): issuers, legal bases, decisions and their procedures,
 * and, when given, the units of the organisation registry.
 */
export function referenceIssues(
  records: PublicationRecords,
  known: PublicationRecords = records,
  organisation?: OrganisationRegistry,
): RecordIssue[] {
  const issuers = new Set(known.issuers.map((issuer) => issuer.unit));
  const documents = new Set(known.legalDocuments.map((document) => document.number));
  const decisions = new Map(known.decisions.map((decision) => [decision.number, decision]));
  const issues: RecordIssue[] = [];
  const notIssuer = (unit: string) => `"${unit}" is not an issuer of the records (add it to issuers)`;
  records.issuers.forEach((issuer, i) => {
    if (organisation && !organisation.has(issuer.unit))
      issues.push({
        path: ['issuers', i, 'unit'],
        message: `"${issuer.unit}" is not a unit of the registry`,
      });
  });
  records.legalDocuments.forEach((document, i) => {
    if (document.publishedBy !== undefined && !issuers.has(document.publishedBy))
      issues.push({ path: ['legalDocuments', i, 'publishedBy'], message: notIssuer(document.publishedBy) });
  });
  records.decisions.forEach((decision, i) => {
    if (!issuers.has(decision.issuer))
      issues.push({ path: ['decisions', i, 'issuer'], message: notIssuer(decision.issuer) });
    issues.push(...procedureIssues(decision, documents).map((issue) => at(['decisions', i], issue)));
  });
  records.disclosures.forEach((disclosure, i) => {
    issues.push(...disclosureIssues(disclosure, decisions).map((issue) => at(['disclosures', i], issue)));
  });
  return issues;
}

const at = (prefix: (string | number)[], issue: RecordIssue): RecordIssue => ({
  path: [...prefix, ...issue.path],
  message: issue.message,
});

function procedureIssues(decision: PublicationDecision, documents: ReadonlySet<string>): RecordIssue[] {
  const issues: RecordIssue[] = [];
  const codes = new Set<string>();
  decision.procedures.forEach((entry, j) => {
    const path = ['procedures', j];
    if (codes.has(entry.code))
      issues.push({ path: [...path, 'code'], message: `${entry.code} is listed twice in the decision` });
    codes.add(entry.code);
    if ((entry.change === 'replaced') !== (entry.replaces !== undefined))
      issues.push({
        path: [...path, 'replaces'],
        message: 'names the replaced procedure exactly when the change is "replaced"',
      });
    entry.legalBasis.forEach((number, k) => {
      if (!documents.has(number))
        issues.push({
          path: [...path, 'legalBasis', k],
          message: `"${number}" is not a legal document of the records (add it to legalDocuments)`,
        });
    });
  });
  return issues;
}

function disclosureIssues(
  disclosure: Disclosure,
  decisions: ReadonlyMap<string, PublicationDecision>,
): RecordIssue[] {
  const decision = decisions.get(disclosure.decision);
  if (!decision)
    return [{ path: ['decision'], message: `"${disclosure.decision}" is not a decision of the records` }];
  const issues: RecordIssue[] = [];
  if (!decision.procedures.some((entry) => entry.code === disclosure.procedure))
    issues.push({
      path: ['procedure'],
      message: `${disclosure.procedure} is not among the procedures decision ${decision.number} publishes`,
    });
  if (disclosure.disclosedOn < decision.issuedOn)
    issues.push({
      path: ['disclosedOn'],
      message: `must not be before the decision's date (${decision.issuedOn})`,
    });
  if (new Set(disclosure.publishedParts).size !== disclosure.publishedParts.length)
    issues.push({ path: ['publishedParts'], message: 'must not repeat a part' });
  return issues;
}

// ---------------------------------------------------------------------------------------------
// Merging an import into the stored records

export interface RecordChange {
  kind: RecordKind;
  id: string;
}

export interface MergeResult {
  records: PublicationRecords;
  added: RecordChange[];
  /** Records whose stored content the import changes (the import wins). */
  replaced: RecordChange[];
  unchanged: number;
}

/** A JSON text with the object keys sorted: equal records give equal texts. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, item) =>
    item && typeof item === 'object' && !Array.isArray(item)
      ? Object.fromEntries(Object.entries(item).sort(([a], [b]) => a.localeCompare(b)))
      : item,
  );
}

/** The stored records with the import's: a record with the identity of a stored one replaces it. */
export function mergePublicationRecords(
  stored: PublicationRecords,
  incoming: PublicationRecords,
): MergeResult {
  const result: MergeResult = { records: { ...stored }, added: [], replaced: [], unchanged: 0 };
  for (const kind of RECORD_KINDS) mergeKind(kind, stored, incoming, result);
  return result;
}

function mergeKind<K extends RecordKind>(
  kind: K,
  stored: PublicationRecords,
  incoming: PublicationRecords,
  result: MergeResult,
): void {
  const merged = new Map(
    (stored[kind] as RecordOf<K>[]).map((record) => [recordIdentity(kind, record), record]),
  );
  for (const record of incoming[kind] as RecordOf<K>[]) {
    const id = recordIdentity(kind, record);
    const current = merged.get(id);
    if (current === undefined) result.added.push({ kind, id });
    else if (canonicalJson(current) !== canonicalJson(record)) result.replaced.push({ kind, id });
    else result.unchanged++;
    merged.set(id, record);
  }
  (result.records as Record<RecordKind, unknown[]>)[kind] = [...merged.values()];
}
