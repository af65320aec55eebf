/**
 * Upcoming changes of the catalogue (issue #21 item 2): the procedure versions not yet in force on a
 * date, each with what it changes against the version before it — the processing time, the
 * documents and the fees, the parts a counter must tell applicants about (ND 61 Art 15). A dossier
 * keeps the version in force when it was received; these apply to dossiers received from their
 * effective date.
 */
import type { Fee, Procedure, RequiredDocument } from './catalogue.js';
import { describeDuration } from './duration.js';
import type { CivilDate } from './time.js';

export interface DocumentChange {
  kind: string;
  name: string;
  /** What changed in a document kept: its name, whether it is required, how many copies. */
  fields?: Array<'name' | 'required' | 'copies' | 'condition'>;
}

export interface FeeChange {
  name: string;
  from?: { amountVnd: number; onlineAmountVnd?: number };
  to?: { amountVnd: number; onlineAmountVnd?: number };
}

export interface VersionChanges {
  /** The processing time before and after, in words (e.g. "03 ngày làm việc"), when it changes. */
  duration?: { from: string; to: string };
  documents: { added: DocumentChange[]; removed: DocumentChange[]; changed: DocumentChange[] };
  fees: { added: FeeChange[]; removed: FeeChange[]; changed: FeeChange[] };
}

export interface UpcomingVersion {
  code: string;
  name: string;
  version: string;
  effectiveFrom: CivilDate;
  legalBasis: string[];
  /** The version it replaces (in force on the day before it takes effect); absent for a new procedure. */
  replaces?: { version: string; effectiveFrom: CivilDate };
  changes: VersionChanges;
}

/** Versions taking effect after `at`, in date order, each against the version before it. */
export function upcomingVersions(procedures: readonly Procedure[], at: CivilDate): UpcomingVersion[] {
  const byCode = new Map<string, Procedure[]>();
  for (const procedure of procedures)
    byCode.set(procedure.code, [...(byCode.get(procedure.code) ?? []), procedure]);
  const upcoming: UpcomingVersion[] = [];
  for (const versions of byCode.values()) {
    const ordered = [...versions].sort((a, b) =>
      a.ruleVersion.effectiveFrom < b.ruleVersion.effectiveFrom ? -1 : 1,
    );
    ordered.forEach((version, i) => {
      if (version.ruleVersion.effectiveFrom <= at) return;
      upcoming.push(describeVersion(version, ordered[i - 1]));
    });
  }
  return upcoming.sort((a, b) =>
    a.effectiveFrom !== b.effectiveFrom
      ? a.effectiveFrom < b.effectiveFrom
        ? -1
        : 1
      : a.code < b.code
        ? -1
        : 1,
  );
}

function describeVersion(version: Procedure, previous: Procedure | undefined): UpcomingVersion {
  return {
    code: version.code,
    name: version.name,
    version: version.ruleVersion.version,
    effectiveFrom: version.ruleVersion.effectiveFrom,
    legalBasis: version.ruleVersion.legalBasis,
    replaces: previous
      ? { version: previous.ruleVersion.version, effectiveFrom: previous.ruleVersion.effectiveFrom }
      : undefined,
    changes: versionChanges(previous, version),
  };
}

/** What `next` changes against `previous` (everything is new when there is no previous version). */
export function versionChanges(previous: Procedure | undefined, next: Procedure): VersionChanges {
  const from = previous ? describeDuration(previous.duration) : undefined;
  const to = describeDuration(next.duration);
  return {
    duration: from !== to ? { from: from ?? '—', to } : undefined,
    documents: documentChanges(previous?.requiredDocuments ?? [], next.requiredDocuments),
    fees: feeChanges(previous?.fees ?? [], next.fees),
  };
}

const documentFields = ['name', 'required', 'copies', 'condition'] as const;

function documentChanges(before: readonly RequiredDocument[], after: readonly RequiredDocument[]) {
  const old = new Map(before.map((d) => [d.kind, d]));
  const now = new Map(after.map((d) => [d.kind, d]));
  const brief = (d: RequiredDocument): DocumentChange => ({ kind: d.kind, name: d.name });
  return {
    added: after.filter((d) => !old.has(d.kind)).map(brief),
    removed: before.filter((d) => !now.has(d.kind)).map(brief),
    changed: after.flatMap((d) => {
      const was = old.get(d.kind);
      const fields = was ? documentFields.filter((field) => was[field] !== d[field]) : [];
      return fields.length > 0 ? [{ ...brief(d), fields }] : [];
    }),
  };
}

function feeChanges(before: readonly Fee[], after: readonly Fee[]) {
  const amounts = (fee: Fee) => ({ amountVnd: fee.amountVnd, onlineAmountVnd: fee.onlineAmountVnd });
  const old = new Map(before.map((f) => [f.name, f]));
  const now = new Map(after.map((f) => [f.name, f]));
  return {
    added: after.filter((f) => !old.has(f.name)).map((f) => ({ name: f.name, to: amounts(f) })),
    removed: before.filter((f) => !now.has(f.name)).map((f) => ({ name: f.name, from: amounts(f) })),
    changed: after.flatMap((f) => {
      const was = old.get(f.name);
      if (!was || (was.amountVnd === f.amountVnd && was.onlineAmountVnd === f.onlineAmountVnd)) return [];
      return [{ name: f.name, from: amounts(was), to: amounts(f) }];
    }),
  };
}

/** One line per change, in Vietnamese, for the CLI and the console. */
export function describeChanges(changes: VersionChanges): string[] {
  const lines: string[] = [];
  if (changes.duration) lines.push(`Thời hạn giải quyết: ${changes.duration.from} → ${changes.duration.to}`);
  const { documents, fees } = changes;
  for (const d of documents.added) lines.push(`Thêm thành phần hồ sơ: ${d.name}`);
  for (const d of documents.removed) lines.push(`Bỏ thành phần hồ sơ: ${d.name}`);
  for (const d of documents.changed) lines.push(`Sửa thành phần hồ sơ (${d.fields?.join(', ')}): ${d.name}`);
  const vnd = (amount?: { amountVnd: number }) =>
    amount ? `${amount.amountVnd.toLocaleString('vi-VN')} đ` : '—';
  for (const f of fees.added) lines.push(`Thêm phí, lệ phí: ${f.name} (${vnd(f.to)})`);
  for (const f of fees.removed) lines.push(`Bỏ phí, lệ phí: ${f.name}`);
  for (const f of fees.changed) lines.push(`Sửa phí, lệ phí: ${f.name} ${vnd(f.from)} → ${vnd(f.to)}`);
  if (lines.length === 0)
    lines.push('Không đổi thời hạn, thành phần hồ sơ hay phí (chỉ đổi căn cứ pháp lý hoặc nội dung khác)');
  return lines;
}
