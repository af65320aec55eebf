import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { type CalendarDataInput, createCalendar, parseCalendarData } from '../../domain/calendar.js';
import { addCalendarDays, type CivilDate } from '../../domain/time.js';
import {
  clearCalendarCache,
  listJurisdictions,
  loadCalendar,
  loadCalendarChain,
  loadCalendarData,
} from '../../rules/calendar-loader.js';

const vn = loadCalendar('VN');

function datesFrom(first: CivilDate, last: CivilDate): CivilDate[] {
  const dates: CivilDate[] = [];
  for (let date = first; date <= last; date = addCalendarDays(date, 1)) dates.push(date);
  return dates;
}

/** Minimal national calendar with the statutory rules and no year data. */
const RULES_ONLY: CalendarDataInput = {
  jurisdiction: 'VN',
  name: 'Rules only',
  version: 'test',
  effectiveFrom: '2024-01-01',
  fixedHolidays: [
    { month: 1, day: 1, name: 'Tết Dương lịch' },
    { month: 4, day: 30, name: 'Ngày Chiến thắng' },
    { month: 5, day: 1, name: 'Quốc tế Lao động' },
    { month: 9, day: 2, name: 'Quốc khánh' },
  ],
  lunarHolidays: [{ lunarMonth: 3, lunarDay: 10, name: 'Giỗ Tổ Hùng Vương' }],
  provisionalDefaults: { tetNguyenDan: true, quocKhanhSecondDay: true },
};

describe('VN calendar, years with data (DOMAIN.md §6)', () => {
  it('§6 Art 112(3) Tết 2026: civil servants are off every day from Sat 14/2 to Sun 22/2/2026', () => {
    for (const date of datesFrom('2026-02-14', '2026-02-22')) expect(vn.isWorkingDay(date), date).toBe(false);
  });

  it('§6 Tết 2026: Fri 13/2 and Mon 23/2/2026 are working days', () => {
    expect(vn.isWorkingDay('2026-02-13')).toBe(true);
    expect(vn.isWorkingDay('2026-02-23')).toBe(true);
  });

  it('§6 Labour Code Art 111(3): Giỗ Tổ 2026 on Sun 26/4 gives Mon 27/4 off', () => {
    expect(vn.dayOffReason('2026-04-26')).toBe('Giỗ Tổ Hùng Vương');
    expect(vn.dayOffReason('2026-04-27')).toBe('Nghỉ bù Giỗ Tổ Hùng Vương');
    expect(vn.isWorkingDay('2026-04-28')).toBe(true);
  });

  it('§6 Art 112(1): 30/4 (Ngày Chiến thắng) and 1/5 (Quốc tế Lao động) 2026 are off', () => {
    expect(vn.dayOffReason('2026-04-30')).toBe('Ngày Chiến thắng');
    expect(vn.dayOffReason('2026-05-01')).toBe('Quốc tế Lao động');
    expect(vn.isWorkingDay('2026-05-04')).toBe(true);
  });

  it('§6 hoán đổi ngày làm việc: Sat 8/2/2025 is a working day and Mon 27/1/2025 is off', () => {
    expect(vn.isWorkingDay('2025-02-08')).toBe(true);
    expect(vn.dayOffReason('2025-01-27')).toBe('Hoán đổi ngày làm việc');
  });

  it('§6 hoán đổi 30/4–1/5/2025: Fri 2/5 is off and Sat 26/4 is worked', () => {
    for (const date of datesFrom('2025-04-30', '2025-05-04')) expect(vn.isWorkingDay(date), date).toBe(false);
    expect(vn.isWorkingDay('2025-04-26')).toBe(true);
  });

  it('§6 Tết Dương lịch 2026: off Thu 1/1 – Sun 4/1, Sat 10/1 worked', () => {
    for (const date of datesFrom('2026-01-01', '2026-01-04')) expect(vn.isWorkingDay(date), date).toBe(false);
    expect(vn.isWorkingDay('2026-01-10')).toBe(true);
  });

  it('§6 Art 112(1), (3) Quốc khánh 2026: off Sat 29/8 – Wed 2/9, Sat 22/8 worked', () => {
    for (const date of datesFrom('2026-08-29', '2026-09-02')) expect(vn.isWorkingDay(date), date).toBe(false);
    expect(vn.dayOffReason('2026-09-01')).toBe('Quốc khánh (ngày nghỉ liền kề)');
    expect(vn.isWorkingDay('2026-08-22')).toBe(true);
    expect(vn.isWorkingDay('2026-09-03')).toBe(true);
  });

  it('§6 pending change: 24/11/2026 (Ngày Văn hóa Việt Nam) is not a day off', () => {
    expect(vn.isWorkingDay('2026-11-24')).toBe(true);
  });

  it('§1.4 working week: weekly rest days are named Thứ Bảy and Chủ nhật', () => {
    expect(vn.dayOffReason('2026-03-07')).toBe('Thứ Bảy');
    expect(vn.dayOffReason('2026-03-08')).toBe('Chủ nhật');
    expect(vn.dayOffReason('2026-03-09')).toBeUndefined();
  });

  it('§6 the data covers 2024–2027, and unconfirmed years say so', () => {
    for (const year of [2024, 2025, 2026, 2027])
      expect(vn.coverage(year).hasYearData, String(year)).toBe(true);
    expect(vn.coverage(2027)).toEqual({ hasYearData: true, confirmed: false });
  });
});

describe('deadline arithmetic (DOMAIN.md §1.4)', () => {
  it('§1.4 Civil Code Art 147: 2026-04-23 + 3 working days skips Mon 27/4 (nghỉ bù) → 2026-04-29', () => {
    expect(vn.addWorkingDays('2026-04-23', 3)).toBe('2026-04-29');
  });

  it('§1.4 Civil Code Art 147: counting across 30/4–1/5/2026 → 2026-04-29 + 2 = Tue 5/5', () => {
    expect(vn.addWorkingDays('2026-04-29', 2)).toBe('2026-05-05');
  });

  it('§1.4 Civil Code Art 147: counting across Tết 2026 → Thu 12/2 + 2 = Mon 23/2', () => {
    expect(vn.addWorkingDays('2026-02-12', 1)).toBe('2026-02-13');
    expect(vn.addWorkingDays('2026-02-12', 2)).toBe('2026-02-23');
    expect(vn.nextWorkingDay('2026-02-13')).toBe('2026-02-23');
  });

  it('§1.4 swapped Saturday counts: Thu 24/4/2025 + 2 working days = Sat 26/4/2025', () => {
    expect(vn.addWorkingDays('2025-04-24', 2)).toBe('2025-04-26');
    expect(vn.addWorkingDays('2025-04-24', 5)).toBe('2025-05-05');
  });

  it('§1.4 Civil Code Art 148(5): a deadline on a holiday moves to the next working day', () => {
    const tenCalendarDays = addCalendarDays('2026-04-20', 10);
    expect(tenCalendarDays).toBe('2026-04-30');
    expect(vn.onOrAfterWorkingDay(tenCalendarDays)).toBe('2026-05-04');
    expect(vn.onOrAfterWorkingDay('2026-05-04')).toBe('2026-05-04');
  });

  it('§1.4 same-day matters (n = 0): the day itself if working, else the next working day', () => {
    expect(vn.addWorkingDays('2026-04-28', 0)).toBe('2026-04-28');
    expect(vn.addWorkingDays('2026-04-26', 0)).toBe('2026-04-28');
  });

  it('§1.4 addWorkingDays rejects negative or fractional counts', () => {
    expect(() => vn.addWorkingDays('2026-04-28', -1)).toThrow(RangeError);
    expect(() => vn.addWorkingDays('2026-04-28', 1.5)).toThrow(RangeError);
  });

  it('§1.4 workingDaysBetween counts d with from < d <= to', () => {
    expect(vn.workingDaysBetween('2026-04-23', '2026-04-29')).toBe(3);
    expect(vn.workingDaysBetween('2026-02-13', '2026-02-23')).toBe(1);
    expect(vn.workingDaysBetween('2026-04-29', '2026-04-23')).toBe(0);
    expect(vn.workingDaysBetween('2026-04-29', '2026-04-29')).toBe(0);
  });

  it('§1.4 workingDaysBetween(d, addWorkingDays(d, n)) = n', () => {
    for (const start of datesFrom('2025-12-20', '2026-03-10')) {
      for (const n of [1, 5, 15]) expect(vn.workingDaysBetween(start, vn.addWorkingDays(start, n))).toBe(n);
    }
  });

  it('§1.4 results do not depend on the host time zone (Asia/Ho_Chi_Minh vs America/New_York)', () => {
    const sample = () => {
      const calendar = createCalendar(loadCalendarData('VN'));
      return datesFrom('2025-12-25', '2027-02-15').map((date) => [date, calendar.addWorkingDays(date, 3)]);
    };
    expect(withTimeZone('America/New_York', sample)).toEqual(withTimeZone('Asia/Ho_Chi_Minh', sample));
  });
});

describe('years without data (DOMAIN.md §6 rules only)', () => {
  it('§6 years outside the data still work and report confirmed = false', () => {
    expect(vn.coverage(2030)).toEqual({ hasYearData: false, confirmed: false });
    expect(vn.dayOffReason('2030-04-30')).toBe('Ngày Chiến thắng');
    expect(vn.dayOffReason('2030-03-09')).toBe('Thứ Bảy');
    expect(vn.isWorkingDay('2030-03-11')).toBe(true);
  });

  it('§6 Art 112(1): Giỗ Tổ is computed from 10/3 lunar (Fri 12/4/2030)', () => {
    expect(vn.dayOffReason('2030-04-12')).toBe('Giỗ Tổ Hùng Vương');
  });

  it('§6 Art 111(3): Tết Dương lịch on Sat 1/1/2028 gives Mon 3/1/2028 off', () => {
    expect(vn.dayOffReason('2028-01-03')).toBe('Nghỉ bù Tết Dương lịch');
    expect(vn.isWorkingDay('2028-01-04')).toBe(true);
  });

  it('§6 Art 112(1), 111(3): provisional Tết 2030 is 30/12–4/1 lunar, weekend days compensated', () => {
    for (const date of datesFrom('2030-02-01', '2030-02-05'))
      expect(vn.dayOffReason(date), date).toBe('Tết Nguyên đán');
    expect(vn.dayOffReason('2030-02-06')).toBe('Nghỉ bù Tết Nguyên đán');
    expect(vn.dayOffReason('2030-02-07')).toBe('Nghỉ bù Tết Nguyên đán');
    expect(vn.isWorkingDay('2030-02-08')).toBe(true);
  });

  it('§6 Art 111(3): two holidays on one weekend give two consecutive compensatory days (2/9/2029)', () => {
    const calendar = createCalendar(RULES_ONLY);
    expect(calendar.dayOffReason('2029-09-01')).toBe('Quốc khánh (ngày nghỉ liền kề)');
    expect(calendar.isWorkingDay('2029-09-03')).toBe(false);
    expect(calendar.isWorkingDay('2029-09-04')).toBe(false);
    expect(calendar.isWorkingDay('2029-09-05')).toBe(true);
  });

  it('§6 compensatoryRule off: a holiday on a weekend gives no extra day', () => {
    const calendar = createCalendar({ ...RULES_ONLY, compensatoryRule: false });
    expect(calendar.isWorkingDay('2028-01-03')).toBe(true);
  });

  it('§6 a year with data is taken as announced: no computed compensatory day is added', () => {
    const calendar = createCalendar({
      ...RULES_ONLY,
      years: { '2028': { confirmed: true, source: 'test notice', daysOff: [] } },
    });
    expect(calendar.isWorkingDay('2028-01-03')).toBe(true);
    expect(calendar.coverage(2028)).toEqual({ hasYearData: true, confirmed: true });
  });
});

describe('calendar data validation (DOMAIN.md §0: rules are versioned data)', () => {
  const validYear = { confirmed: false, source: 'test', daysOff: [], workingDays: [] };

  function problems(patch: Record<string, unknown>): string {
    try {
      parseCalendarData({ ...RULES_ONLY, ...patch }, 'test data');
    } catch (error) {
      return (error as Error).message;
    }
    throw new Error('expected the data to be rejected');
  }

  it('§6 names the field and the rule for a bad weekly rest day and office hours', () => {
    expect(problems({ weeklyRestDays: [7] })).toContain(
      'weeklyRestDays.0: must be a whole number from 0 to 6',
    );
    expect(
      problems({
        officeHours: [
          { start: '07:30', end: '11:30' },
          { start: '11:00', end: '17:00' },
        ],
      }),
    ).toContain('officeHours: periods must be in time order and must not overlap');
    expect(problems({ officeHours: [{ start: '13:00', end: '12:00' }] })).toContain(
      'officeHours.0.end: must be later than start',
    );
  });

  it('§6 names the field for an impossible fixed holiday and a bad lunar day', () => {
    expect(problems({ fixedHolidays: [{ month: 2, day: 30, name: 'X' }] })).toContain(
      'fixedHolidays.0.day: this day does not exist in that month',
    );
    expect(problems({ lunarHolidays: [{ lunarMonth: 3, lunarDay: 31, name: 'X' }] })).toContain(
      'lunarHolidays.0.lunarDay: must be a whole number from 1 to 30',
    );
  });

  it('§6 names the field for year entries: bad date, bad kind', () => {
    const message = problems({
      years: {
        '2026': {
          ...validYear,
          daysOff: [
            { date: '2026-02-30', name: 'Tết Nguyên đán', kind: 'tet' },
            { date: '2026-02-16', name: 'Tết Nguyên đán', kind: 'party' },
          ],
        },
      },
    });
    expect(message).toMatch(/^test data is invalid:/);
    expect(message).toContain('years.2026.daysOff.0.date: must be a real date written YYYY-MM-DD');
    expect(message).toContain(
      'years.2026.daysOff.1.kind: must be one of holiday, tet, compensatory, swap-off, extra',
    );
  });

  it('§6 cross-field rules (checked once every field is valid): wrong year, duplicate, swap on a weekday', () => {
    const message = problems({
      years: {
        '2026': {
          ...validYear,
          daysOff: [
            { date: '2025-02-01', name: 'Tết Nguyên đán', kind: 'tet' },
            { date: '2026-02-16', name: 'Tết Nguyên đán', kind: 'tet' },
            { date: '2026-02-16', name: 'Tết Nguyên đán', kind: 'tet' },
          ],
          workingDays: [{ date: '2026-01-09', name: 'Làm bù', kind: 'swap-work' }],
        },
      },
    });
    expect(message).toContain('years.2026.daysOff.0.date: must fall in 2026');
    expect(message).toContain('years.2026.daysOff.2.date: is listed twice in daysOff');
    expect(message).toContain(
      'years.2026.workingDays.0.date: a swap working day must fall on a weekly rest day',
    );
  });

  it('§6 names missing required fields', () => {
    expect(problems({ version: undefined })).toContain('version: must be text');
    expect(problems({ years: { '2026': { daysOff: [] } } })).toContain(
      'years.2026.confirmed: must be true or false',
    );
  });
});

describe('calendar files (rules/calendar-loader.ts)', () => {
  const directory = mkdtempSync(join(tmpdir(), 'tthc-calendars-'));
  const directoryUrl = pathToFileURL(`${directory}/`);
  const national = JSON.parse(readFileSync(new URL('../../data/calendars/VN.json', import.meta.url), 'utf8'));
  afterAll(() => {
    clearCalendarCache();
    rmSync(directory, { recursive: true, force: true });
  });

  function writeCalendar(name: string, content: unknown): void {
    writeFileSync(
      join(directory, `${name}.json`),
      typeof content === 'string' ? content : JSON.stringify(content),
    );
  }

  it('§6 the shipped VN file loads and lists as a jurisdiction', () => {
    expect(listJurisdictions()).toContain('VN');
    expect(vn.jurisdiction).toBe('VN');
    expect(vn.officeHours).toHaveLength(2);
  });

  it('§6 an invalid file gives an error naming the file and the field', () => {
    writeCalendar('VN', { ...national, years: { '2026': { ...national.years['2026'], confirmed: 'yes' } } });
    expect(() => loadCalendarData('VN', directoryUrl)).toThrow(
      /VN\.json is invalid:[\s\S]*years\.2026\.confirmed/,
    );
    writeCalendar('VN', '{ "jurisdiction": ');
    expect(() => loadCalendarData('VN', directoryUrl)).toThrow(/VN\.json is not valid JSON/);
    writeCalendar('VN-XX', national);
    expect(() => loadCalendarData('VN-XX', directoryUrl)).toThrow(/jurisdiction: must be "VN-XX"/);
  });

  it('§6 a province calendar extends the national one and adds a local day with its compensatory day', () => {
    writeCalendar('VN', national);
    writeCalendar('VN-XX', {
      jurisdiction: 'VN-XX',
      name: 'Tỉnh thử nghiệm',
      version: 'test',
      effectiveFrom: '2026-01-01',
      extends: 'VN',
      fixedHolidays: [{ month: 3, day: 8, name: 'Ngày lễ địa phương' }],
    });
    const province = loadCalendar('VN-XX', directoryUrl);
    expect(listJurisdictions(directoryUrl)).toEqual(['VN', 'VN-XX']);
    expect(province.isWorkingDay('2026-02-16')).toBe(false);
    expect(province.dayOffReason('2026-03-08')).toBe('Ngày lễ địa phương');
    expect(province.dayOffReason('2026-03-09')).toBe('Nghỉ bù Ngày lễ địa phương');
    expect(province.weeklyRestDays).toEqual([0, 6]);
    expect(province.coverage(2026)).toEqual(vn.coverage(2026));
    expect(loadCalendar('VN-XX', directoryUrl)).toBe(province);
  });

  it('§6 the chain a workflow receives: national calendar first, read once and cached, cycles refused', () => {
    writeCalendar('VN', national);
    const province = {
      jurisdiction: 'VN-XX',
      name: 'Tỉnh thử nghiệm',
      version: 'chain-1',
      effectiveFrom: '2026-01-01',
      extends: 'VN',
    };
    writeCalendar('VN-XX', province);
    clearCalendarCache();
    const chain = loadCalendarChain('VN-XX', directoryUrl);
    expect(chain.map((c) => [c.jurisdiction, c.version])).toEqual([
      ['VN', national.version],
      ['VN-XX', 'chain-1'],
    ]);
    writeCalendar('VN-XX', { ...province, version: 'chain-2' });
    expect(loadCalendarChain('VN-XX', directoryUrl).at(-1)?.version).toBe('chain-1');
    clearCalendarCache();
    expect(loadCalendarChain('VN-XX', directoryUrl).at(-1)?.version).toBe('chain-2');
    writeCalendar('VN-C1', { ...province, jurisdiction: 'VN-C1', extends: 'VN-C2' });
    writeCalendar('VN-C2', { ...province, jurisdiction: 'VN-C2', extends: 'VN-C1' });
    expect(() => loadCalendarChain('VN-C1', directoryUrl)).toThrow(/cycle: VN-C1 → VN-C2 → VN-C1/);
  });

  it('§6 createCalendar requires the extended calendar as parent', () => {
    expect(() =>
      createCalendar({
        jurisdiction: 'VN-YY',
        name: 'Y',
        version: '1',
        effectiveFrom: '2026-01-01',
        extends: 'VN',
      }),
    ).toThrow(/pass the VN calendar as parent/);
  });
});

function withTimeZone<T>(timeZone: string, run: () => T): T {
  const saved = process.env.TZ;
  process.env.TZ = timeZone;
  try {
    return run();
  } finally {
    if (saved === undefined) Reflect.deleteProperty(process.env, 'TZ');
    else process.env.TZ = saved;
  }
}

describe('calendar data a workflow takes from the rules activity (alreadyParsed, issue #19)', () => {
  const parsed = parseCalendarData(RULES_ONLY);

  it('uses data with every defaulted field as it is, without parsing it again', () => {
    // Not valid for the schema (a lower-case jurisdiction), but shaped as the parser returns data.
    const unchecked = { ...parsed, jurisdiction: 'vn' };
    expect(() => createCalendar(unchecked)).toThrow(/jurisdiction/);
    expect(createCalendar(unchecked, undefined, { alreadyParsed: true }).jurisdiction).toBe('vn');
  });

  it('still parses data without a defaulted field (recorded before the field existed), with the same days', () => {
    const { amendments: _amendments, ...older } = parsed;
    expect(() =>
      createCalendar({ ...older, jurisdiction: 'vn' }, undefined, { alreadyParsed: true }),
    ).toThrow(/jurisdiction/);
    const fromOlder = createCalendar(older, undefined, { alreadyParsed: true });
    const fromRaw = createCalendar(RULES_ONLY);
    for (const date of datesFrom('2026-01-01', '2026-12-31'))
      expect(fromOlder.isWorkingDay(date), date).toBe(fromRaw.isWorkingDay(date));
  });
});
