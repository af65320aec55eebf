/**
 * The parts a published procedure must state (ND 63/2010 Art 8(2)): tên, trình tự, cách thức,
 * thành phần và số lượng hồ sơ, thời hạn, đối tượng, cơ quan thực hiện. Decision 766 indicator 1.3
 * counts the procedures that state all seven (DOMAIN.md §2.3).
 */
import type { Procedure } from './catalogue.js';

/** The seven parts, as the procedure fields that hold them, in the order of Art 8(2). */
export const PUBLISHED_PARTS = [
  'name',
  'steps',
  'submissionMethods',
  'requiredDocuments',
  'duration',
  'applicantTypes',
  'competentAuthority',
] as const;
export type PublishedPart = (typeof PUBLISHED_PARTS)[number];

/** The parts as Art 8(2) names them, for officials. */
export const publishedPartNames: Readonly<Record<PublishedPart, string>> = {
  name: 'tên thủ tục',
  steps: 'trình tự thực hiện',
  submissionMethods: 'cách thức thực hiện',
  requiredDocuments: 'thành phần, số lượng hồ sơ',
  duration: 'thời hạn giải quyết',
  applicantTypes: 'đối tượng thực hiện',
  competentAuthority: 'cơ quan thực hiện',
};

const filled = (text: string | undefined) => (text?.trim() ?? '') !== '';
const listed = (list: readonly unknown[] | undefined) => (list?.length ?? 0) > 0;

const states: Readonly<Record<PublishedPart, (procedure: Procedure) => boolean>> = {
  name: (p) => filled(p.name),
  steps: (p) => listed(p.steps),
  submissionMethods: (p) => listed(p.submissionMethods),
  // Thành phần *và số lượng*: every document with the number of copies asked for.
  requiredDocuments: (p) =>
    listed(p.requiredDocuments) && p.requiredDocuments.every((d) => d.copies !== undefined),
  duration: (p) => p.duration !== undefined,
  applicantTypes: (p) => listed(p.applicantTypes),
  competentAuthority: (p) => filled(p.competentAuthority),
};

/** The parts of ND 63/2010 Art 8(2) that `procedure` does not state, in the article's order. */
export function missingPublishedParts(procedure: Procedure): PublishedPart[] {
  return PUBLISHED_PARTS.filter((part) => !states[part](procedure));
}

/** The procedure states all seven parts (it counts in indicator 1.3's numerator). */
export function isPublishedComplete(procedure: Procedure): boolean {
  return missingPublishedParts(procedure).length === 0;
}
