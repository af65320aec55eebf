/**
 * Retention of personal data (Law 91/2025/QH15), pure parts: the day a closed dossier's personal
 * data falls due (ended day + the procedure's months), which catalogue entry gives the period, and
 * the keys and filters the retention index finds the due dossiers with.
 */
import { describe, expect, it } from 'vitest';
import type { Procedure } from '../../domain/catalogue.js';
import { endedOn, personalDataDueDate, retentionFor } from '../../domain/retention.js';
import { addCalendarMonths } from '../../domain/time.js';
import { dueFilters, dueKey, parseDueKey, recordKey } from '../../retention/retention-index.js';
import { loadCatalogue } from '../../rules/catalogue-loader.js';

describe('the due day', () => {
  it('adds calendar months, keeping the day or taking the last day of a shorter month', () => {
    expect(addCalendarMonths('2026-04-23', 60)).toBe('2031-04-23');
    expect(addCalendarMonths('2026-01-31', 1)).toBe('2026-02-28');
    expect(addCalendarMonths('2028-01-31', 1)).toBe('2028-02-29');
    expect(addCalendarMonths('2026-11-30', 3)).toBe('2027-02-28');
    expect(addCalendarMonths('2026-12-15', 1)).toBe('2027-01-15');
    expect(addCalendarMonths('2027-03-15', -3)).toBe('2026-12-15');
  });

  it('counts from the day the dossier ended, in Vietnam time', () => {
    // 23:30 UTC on the 22nd is already the 23rd in Vietnam.
    expect(endedOn({ endedAt: '2026-04-22T23:30:00Z' })).toBe('2026-04-23');
    expect(endedOn({ returnedAt: '2026-04-23T10:00:00+07:00' })).toBe('2026-04-23');
    expect(endedOn({})).toBeUndefined();
    expect(personalDataDueDate('2026-04-23', { months: 60 })).toBe('2031-04-23');
    expect(personalDataDueDate('2024-02-29', { months: 24 })).toBe('2026-02-28');
  });

  it('takes the later of the end and the hand-back', () => {
    expect(endedOn({ endedAt: '2026-04-23T09:00:00+07:00', returnedAt: '2026-04-25T09:00:00+07:00' })).toBe(
      '2026-04-25',
    );
  });
});

describe('which catalogue entry gives the period', () => {
  const catalogue = loadCatalogue().procedures;
  const marriage = (version: string) =>
    catalogue.find((p) => p.code === '1.000894' && p.ruleVersion.version === version) as Procedure;
  const withMonths = (procedure: Procedure, months: number): Procedure => ({
    ...procedure,
    personalDataRetention: { months },
  });
  const procedures = [withMonths(marriage('2025-07'), 48), withMonths(marriage('2026-01'), 72)];

  it('the rule version the dossier was received under', () => {
    expect(
      retentionFor(procedures, {
        procedureCode: '1.000894',
        ruleVersion: '2025-07',
        receivedOn: '2026-03-01',
      }),
    ).toEqual({ months: 48, source: 'rule-version' });
  });

  it('else the version in force on the day it was received, else the latest version', () => {
    expect(
      retentionFor(procedures, { procedureCode: '1.000894', ruleVersion: 'gone', receivedOn: '2025-08-01' }),
    ).toEqual({ months: 48, source: 'in-force' });
    expect(
      retentionFor(procedures, { procedureCode: '1.000894', ruleVersion: 'gone', receivedOn: '2024-01-01' }),
    ).toEqual({ months: 72, source: 'latest-version' });
  });

  it('else, for a procedure the catalogue no longer lists, the longest period of the catalogue', () => {
    expect(
      retentionFor(catalogue, { procedureCode: '9.999999', ruleVersion: 'x', receivedOn: '2026-01-01' }),
    ).toEqual({ months: 120, source: 'longest-in-catalogue' });
  });
});

describe('the retention index keys', () => {
  const code = '000.01.41.H99-260423-0007';

  it('keeps a dossier under its due day, with its code as a key token', () => {
    expect(dueKey('2031-04-23', code)).toBe('due.2031.04.23.000_01_41_H99-260423-0007');
    expect(parseDueKey('due.2031.04.23.000_01_41_H99-260423-0007')).toEqual({
      scheduledOn: '2031-04-23',
      dossierCode: code,
    });
    expect(parseDueKey(recordKey(code))).toBeUndefined();
    expect(recordKey(code)).toBe('d.000_01_41_H99-260423-0007');
  });

  it('finds the days on or before today with one filter per past year, past month and day of the month', () => {
    const filters = dueFilters('2031-03-02', 2029);
    expect(filters).toEqual([
      'due.2029.>',
      'due.2030.>',
      'due.2031.01.>',
      'due.2031.02.>',
      'due.2031.03.01.*',
      'due.2031.03.02.*',
    ]);
    expect(dueFilters('2000-01-01')).toEqual(['due.2000.01.01.*']);
  });

  it('the filters match exactly the keys due on or before today', () => {
    const matches = (filter: string, key: string) => {
      const [f, k] = [filter.split('.'), key.split('.')];
      if (f.at(-1) === '>') return k.length >= f.length && f.slice(0, -1).every((t, i) => t === k[i]);
      return f.length === k.length && f.every((t, i) => t === '*' || t === k[i]);
    };
    const today = '2031-03-15';
    const days = [
      '2028-12-31',
      '2030-06-01',
      '2031-02-28',
      '2031-03-01',
      '2031-03-15',
      '2031-03-16',
      '2031-04-01',
      '2032-01-01',
    ];
    for (const day of days) {
      const key = dueKey(day, code);
      const matched = dueFilters(today).filter((filter) => matches(filter, key));
      expect(matched.length, day).toBe(day <= today ? 1 : 0);
    }
  });
});
