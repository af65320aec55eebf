/**
 * TTHC publication records (domain/publication-records.ts): the file format, the checks beyond
 * the schema (duplicates, references), merging an import into stored records, and the loader of
 * data/publications/ with errors naming the file and the field.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  duplicateIssues,
  mergePublicationRecords,
  type PublicationRecordsInput,
  publicationRecordsSchema,
  referenceIssues,
} from '../../domain/publication-records.js';
import { PUBLISHED_PARTS } from '../../domain/published-parts.js';
import { loadOrganisation } from '../../rules/organisation-loader.js';
import { loadPublications, readPublicationFile } from '../../rules/publication-loader.js';

const province = '000.00.00.H99';
const organisation = loadOrganisation('demo');

const base: PublicationRecordsInput = {
  issuers: [{ unit: province, level: 'province' }],
  legalDocuments: [{ number: '12/2026/QĐ-UBND', effectiveFrom: '2026-11-16' }],
  decisions: [
    {
      number: '2890/QĐ-UBND',
      issuedOn: '2026-11-05',
      issuer: province,
      kind: 'dac-thu',
      procedures: [{ code: 'LOCAL.CPXD-NORL', change: 'amended', legalBasis: ['12/2026/QĐ-UBND'] }],
    },
  ],
  disclosures: [
    {
      procedure: 'LOCAL.CPXD-NORL',
      decision: '2890/QĐ-UBND',
      disclosedOn: '2026-11-10',
      publishedParts: [...PUBLISHED_PARTS],
    },
  ],
};
const parse = (input: PublicationRecordsInput) => publicationRecordsSchema.parse(input);

function writeTemp(name: string, content: unknown): string {
  const directory = mkdtempSync(join(tmpdir(), 'tthc-publications-'));
  const file = join(directory, name);
  writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content));
  return file;
}

describe('the records and their checks', () => {
  it('accepts a decision, its legal basis and its disclosure, with defaults', () => {
    const records = parse(base);
    expect(records.legalDocuments[0]).toMatchObject({ shortenedProcedure: false, procedures: [] });
    expect(referenceIssues(records, records, organisation)).toEqual([]);
  });

  it('reports unresolved references at their field: issuer, legal basis, decision, procedure, registry unit', () => {
    const records = parse({
      ...base,
      issuers: [{ unit: '000.00.77.H99', level: 'province' }],
      decisions: [
        {
          number: '2890/QĐ-UBND',
          issuedOn: '2026-11-05',
          issuer: province,
          kind: 'dac-thu',
          procedures: [{ code: 'LOCAL.CPXD-NORL', change: 'replaced', legalBasis: ['99/2026/QĐ-UBND'] }],
        },
      ],
      disclosures: [
        { procedure: '1.001193', decision: '2890/QĐ-UBND', disclosedOn: '2026-11-01', publishedParts: [] },
        { procedure: '1.001193', decision: '1/QĐ-UBND', disclosedOn: '2026-11-10', publishedParts: [] },
      ],
    });
    const lines = referenceIssues(records, records, organisation).map(
      (issue) => `${issue.path.join('.')}: ${issue.message}`,
    );
    expect(lines).toEqual([
      'issuers.0.unit: "000.00.77.H99" is not a unit of the registry',
      `decisions.0.issuer: "${province}" is not an issuer of the records (add it to issuers)`,
      'decisions.0.procedures.0.replaces: names the replaced procedure exactly when the change is "replaced"',
      'decisions.0.procedures.0.legalBasis.0: "99/2026/QĐ-UBND" is not a legal document of the records (add it to legalDocuments)',
      'disclosures.0.procedure: 1.001193 is not among the procedures decision 2890/QĐ-UBND publishes',
      "disclosures.0.disclosedOn: must not be before the decision's date (2026-11-05)",
      'disclosures.1.decision: "1/QĐ-UBND" is not a decision of the records',
    ]);
  });

  it('finds a record listed twice', () => {
    const records = parse({
      ...base,
      legalDocuments: [...(base.legalDocuments ?? []), ...(base.legalDocuments ?? [])],
    });
    expect(duplicateIssues(records)).toEqual([
      { path: ['legalDocuments', 1], message: '"12/2026/QĐ-UBND" is already listed at legalDocuments[0]' },
    ]);
  });
});

describe('merging an import into the stored records', () => {
  it('adds new records, replaces changed ones (the import wins) and counts the unchanged', () => {
    const stored = parse(base);
    const incoming = parse({
      legalDocuments: [
        { number: '12/2026/QĐ-UBND', effectiveFrom: '2026-11-20' },
        { number: '15/2026/QĐ-UBND', effectiveFrom: '2026-12-01' },
      ],
      issuers: base.issuers,
    });
    const merge = mergePublicationRecords(stored, incoming);
    expect(merge.added).toEqual([{ kind: 'legalDocuments', id: '15/2026/QĐ-UBND' }]);
    expect(merge.replaced).toEqual([{ kind: 'legalDocuments', id: '12/2026/QĐ-UBND' }]);
    expect(merge.unchanged).toBe(1);
    expect(merge.records.legalDocuments.map((d) => d.effectiveFrom)).toEqual(['2026-11-20', '2026-12-01']);
    expect(merge.records.decisions).toEqual(stored.decisions);
  });
});

describe('the loader (rules/publication-loader.ts)', () => {
  it("loads the demo organisation's records, self-contained", () => {
    const records = loadPublications('demo', organisation);
    expect(records?.issuers.map((issuer) => issuer.unit)).toEqual([province]);
    expect(records?.decisions.length).toBeGreaterThan(0);
    expect(loadPublications('simulation', loadOrganisation('simulation'))).toBeUndefined();
  });

  it('names the file and every failing field', () => {
    const file = writeTemp('bad.json', {
      ...base,
      decisions: [{ ...base.decisions?.[0], issuedOn: '2026-02-30', kind: 'other' }],
      extra: true,
    });
    expect(() => readPublicationFile(file)).toThrow(file);
    let message = '';
    try {
      readPublicationFile(file);
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toContain('decisions[0].issuedOn: must be a real calendar date');
    expect(message).toContain('decisions[0].kind: must be one of "thong-thuong", "dac-thu", "danh-muc"');
    expect(message).toContain('extra: is not a known field');
    expect(() => readPublicationFile(writeTemp('broken.json', '{'))).toThrow(/is not valid JSON/);
  });

  it('refuses a data file whose references do not resolve, naming the field', () => {
    const file = writeTemp('demo.json', { ...base, legalDocuments: [] });
    const directory = pathToFileURL(`${join(file, '..')}/`);
    expect(() => loadPublications('demo', organisation, directory)).toThrow(
      /decisions\[0\]\.procedures\[0\]\.legalBasis\[0\]: "12\/2026\/QĐ-UBND" is not a legal document/,
    );
  });
});
