import { describe, expect, it } from 'vitest';
import { formatDossierCode, isDossierCode, parseDossierCode } from '../../domain/dossier-code.js';

describe('dossier code (§1.3 TT 01/2018 Art 19: <agency code>-YYMMDD-XXXX)', () => {
  it('§1.3: formats the illustrative example', () => {
    expect(formatDossierCode({ agencyCode: '000.00.15.H57', date: '2026-03-15', sequence: 7 })).toBe(
      '000.00.15.H57-260315-0007',
    );
  });

  it('§1.3: parses back what it formats', () => {
    const parts = { agencyCode: '000.01.41.H99', date: '2031-12-31', sequence: 9999 };
    expect(parseDossierCode(formatDossierCode(parts))).toEqual(parts);
    expect(parseDossierCode('000.00.15.H57-260315-0007')).toEqual({
      agencyCode: '000.00.15.H57',
      date: '2026-03-15',
      sequence: 7,
    });
  });

  it('§1.3: the sequence within a day is 1–9999', () => {
    const at = { agencyCode: '000.00.15.H57', date: '2026-03-15' };
    expect(formatDossierCode({ ...at, sequence: 1 })).toMatch(/-0001$/);
    expect(() => formatDossierCode({ ...at, sequence: 0 })).toThrow(/sequence 0 is out of range/);
    expect(() => formatDossierCode({ ...at, sequence: 10_000 })).toThrow(/sequence 10000 is out of range/);
    expect(() => formatDossierCode({ ...at, sequence: 1.5 })).toThrow(/out of range/);
  });

  it('refuses dates that YYMMDD cannot hold and bad agency codes', () => {
    expect(() => formatDossierCode({ agencyCode: '000.00.15.H57', date: '1999-12-31', sequence: 1 })).toThrow(
      /year must be 2000–2099/,
    );
    expect(() => formatDossierCode({ agencyCode: 'H55.242', date: '2026-03-15', sequence: 1 })).toThrow(
      /agency code "H55.242" must be an agency code/,
    );
  });

  it('says which part of a malformed code is wrong', () => {
    expect(() => parseDossierCode('000.00.15.H57-260315')).toThrow(/must have three parts/);
    expect(() => parseDossierCode('000.00.15-260315-0007')).toThrow(/agency code "000.00.15"/);
    expect(() => parseDossierCode('000.00.15.H57-26031-0007')).toThrow(/date part "26031" must be 6 digits/);
    expect(() => parseDossierCode('000.00.15.H57-260230-0007')).toThrow(
      /date part "260230" is not a real date \(2026-02-30\)/,
    );
    expect(() => parseDossierCode('000.00.15.H57-260315-07')).toThrow(/sequence part "07" must be 4 digits/);
    expect(() => parseDossierCode('000.00.15.H57-260315-0000')).toThrow(
      /sequence part "0000" must be 0001–9999/,
    );
  });

  it('isDossierCode tells codes from other text', () => {
    expect(isDossierCode('000.00.15.H57-260315-0007')).toBe(true);
    expect(isDossierCode('000.00.15.H57-260315-0007 ')).toBe(false);
    expect(isDossierCode('HS-2026-0001')).toBe(false);
  });
});
