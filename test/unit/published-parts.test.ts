/**
 * Indicator 1.3 (DOMAIN.md §2.3): a procedure counts as published in full when it states the seven
 * parts of ND 63/2010 Art 8(2): tên, trình tự, cách thức, thành phần và số lượng hồ sơ, thời hạn,
 * đối tượng, cơ quan thực hiện.
 */
import { describe, expect, it } from 'vitest';
import type { Procedure } from '../../domain/catalogue.js';
import { isPublishedComplete, missingPublishedParts, PUBLISHED_PARTS } from '../../domain/published-parts.js';
import { getProcedure, loadCatalogue } from '../../rules/catalogue-loader.js';

const birth = getProcedure('1.001193', '2026-06-01');

/** `birth` with one change, as a catalogue could hold it (the optional parts absent). */
function variant(change: (copy: Procedure) => void): Procedure {
  const copy = structuredClone(birth);
  change(copy);
  return copy;
}

describe('missingPublishedParts (ND 63/2010 Art 8(2); DOMAIN.md §2.3 indicator 1.3)', () => {
  it('names the seven parts in the order of Art 8(2)', () => {
    expect(PUBLISHED_PARTS).toEqual([
      'name',
      'steps',
      'submissionMethods',
      'requiredDocuments',
      'duration',
      'applicantTypes',
      'competentAuthority',
    ]);
  });

  it('finds nothing missing in a procedure stating all seven', () => {
    expect(missingPublishedParts(birth)).toEqual([]);
    expect(isPublishedComplete(birth)).toBe(true);
  });

  it('Art 8(2)(c) cách thức: no submission methods', () => {
    const procedure = variant((p) => {
      delete p.submissionMethods;
    });
    expect(missingPublishedParts(procedure)).toEqual(['submissionMethods']);
    expect(isPublishedComplete(procedure)).toBe(false);
  });

  it('Art 8(2)(e) đối tượng: no applicant types', () => {
    const procedure = variant((p) => {
      delete p.applicantTypes;
    });
    expect(missingPublishedParts(procedure)).toEqual(['applicantTypes']);
  });

  it('Art 8(2)(d) thành phần *và số lượng* hồ sơ: one document without its number of copies', () => {
    const procedure = variant((p) => {
      const document = p.requiredDocuments[1];
      if (document) delete document.copies;
    });
    expect(missingPublishedParts(procedure)).toEqual(['requiredDocuments']);
  });

  it('Art 8(2)(d): no documents at all', () => {
    const procedure = variant((p) => {
      p.requiredDocuments = [];
    });
    expect(missingPublishedParts(procedure)).toEqual(['requiredDocuments']);
  });

  it('Art 8(2)(a), (b), (g): a blank name, no steps, a blank authority (data not checked by the schema)', () => {
    const procedure = variant((p) => {
      p.name = ' ';
      p.steps = [];
      p.competentAuthority = '';
    });
    expect(missingPublishedParts(procedure)).toEqual(['name', 'steps', 'competentAuthority']);
  });

  it('lists several missing parts in the order of Art 8(2)', () => {
    const procedure = variant((p) => {
      delete p.applicantTypes;
      delete p.submissionMethods;
    });
    expect(missingPublishedParts(procedure)).toEqual(['submissionMethods', 'applicantTypes']);
  });

  it('the seed catalogue (DOMAIN.md §7) states all seven parts for every procedure', () => {
    const incomplete = loadCatalogue()
      .procedures.map((p) => ({ code: p.code, missing: missingPublishedParts(p) }))
      .filter((p) => p.missing.length > 0);
    expect(incomplete).toEqual([]);
  });
});
