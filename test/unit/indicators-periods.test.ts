/**
 * indicators/periods.ts: Decision 766 reporting periods (DOMAIN.md §2.3 "period = the selected
 * range", §2.4) in Vietnam time. Instants carry their offset, so results do not depend on TZ.
 */
import { describe, expect, it } from 'vitest';
import { parseInstant } from '../../domain/time.js';
import {
  isPeriodId,
  PeriodError,
  parsePeriod,
  periodBounds,
  periodContains,
  periodsContaining,
} from '../../indicators/periods.js';

const at = parseInstant;

describe('period ids (DOMAIN.md §2.3, §2.4: month, quarter, 6 months, 9 months, year)', () => {
  it.each([
    ['2026-04-23', 'day', '2026-04-23', '2026-04-23'],
    ['2026-02', 'month', '2026-02-01', '2026-02-28'],
    ['2028-02', 'month', '2028-02-01', '2028-02-29'],
    ['2026-Q1', 'quarter', '2026-01-01', '2026-03-31'],
    ['2026-Q4', 'quarter', '2026-10-01', '2026-12-31'],
    ['2026-H1', 'half', '2026-01-01', '2026-06-30'],
    ['2026-H2', 'half', '2026-07-01', '2026-12-31'],
    ['2026-9M', 'nine-months', '2026-01-01', '2026-09-30'],
    ['2026', 'year', '2026-01-01', '2026-12-31'],
  ])('%s is a %s from %s to %s', (id, kind, firstDay, lastDay) => {
    expect(parsePeriod(id)).toEqual({
      id,
      kind,
      year: 2026 + (id.startsWith('2028') ? 2 : 0),
      firstDay,
      lastDay,
    });
  });

  it.each([
    ['2026-13', /month must be 01–12/],
    ['2026-02-30', /not a real calendar day/],
    ['2026-Q5', /not a reporting period.*YYYY-Qn/],
    ['2026-H3', /not a reporting period/],
    ['26-04', /not a reporting period/],
    ['2026-8M', /not a reporting period/],
    ['', /not a reporting period/],
  ])('rejects %j with a clear error', (id, message) => {
    expect(() => parsePeriod(id)).toThrow(PeriodError);
    expect(() => parsePeriod(id)).toThrow(message);
    expect(isPeriodId(id)).toBe(false);
  });
});

describe('period bounds in Vietnam time (UTC+7)', () => {
  it('a month starts at 00:00 on the 1st and ends, exclusive, at 00:00 on the 1st of the next', () => {
    expect(periodBounds('2026-04')).toEqual({
      start: at('2026-04-01T00:00:00+07:00'),
      end: at('2026-05-01T00:00:00+07:00'),
      firstDay: '2026-04-01',
      lastDay: '2026-04-30',
    });
  });

  it('Q4 and the year end at 00:00 on 1 January of the next year', () => {
    expect(periodBounds('2026-Q4').end).toBe(at('2027-01-01T00:00:00+07:00'));
    expect(periodBounds('2026').end).toBe(at('2027-01-01T00:00:00+07:00'));
  });

  it('contains an instant from its start up to, not including, its end', () => {
    expect(periodContains('2026-04', at('2026-04-01T00:00:00+07:00'))).toBe(true);
    expect(periodContains('2026-04', at('2026-04-30T23:59:59.999+07:00'))).toBe(true);
    expect(periodContains('2026-04', at('2026-05-01T00:00:00+07:00'))).toBe(false);
  });
});

describe('periods containing an instant', () => {
  it('uses the Vietnam civil date: 31/3 17:30 UTC is already 1 April in Vietnam', () => {
    expect(periodsContaining(at('2026-03-31T17:30:00Z'))).toEqual([
      '2026-04-01',
      '2026-04',
      '2026-Q2',
      '2026',
    ]);
    expect(periodsContaining(at('2026-03-31T16:59:59Z'))).toEqual([
      '2026-03-31',
      '2026-03',
      '2026-Q1',
      '2026',
    ]);
  });

  it('offers the 6- and 9-month periods on request; no 9M period from October', () => {
    const kinds = ['half', 'nine-months'] as const;
    expect(periodsContaining(at('2026-09-30T23:00:00+07:00'), kinds)).toEqual(['2026-H2', '2026-9M']);
    expect(periodsContaining(at('2026-10-01T08:00:00+07:00'), kinds)).toEqual(['2026-H2']);
  });
});
