import { describe, expect, it } from 'vitest';
import { lunarToSolar, solarToLunar } from '../../domain/lunar.js';
import { addCalendarDays } from '../../domain/time.js';

describe('lunarToSolar (Vietnamese lunar calendar, UTC+7)', () => {
  it.each([
    [2024, '2024-02-10'],
    [2025, '2025-01-29'],
    [2026, '2026-02-17'],
    [2027, '2027-02-06'],
  ])('Tết (1/1 lunar) %i is %s', (year, expected) => {
    expect(lunarToSolar(year, 1, 1)).toBe(expected);
  });

  it.each([
    [2024, '2024-04-18'],
    [2025, '2025-04-07'],
    [2026, '2026-04-26'],
    [2027, '2027-04-16'],
  ])('Giỗ Tổ Hùng Vương (10/3 lunar) %i is %s', (year, expected) => {
    expect(lunarToSolar(year, 3, 10)).toBe(expected);
  });

  it('uses the UTC+7 meridian: Tết 1985 is 21/01/1985 (20/02/1985 in the UTC+8 Chinese calendar)', () => {
    expect(lunarToSolar(1985, 1, 1)).toBe('1985-01-21');
  });

  it('uses the UTC+7 meridian: Tết 2007 is 17/02/2007 (18/02/2007 in China)', () => {
    expect(lunarToSolar(2007, 1, 1)).toBe('2007-02-17');
  });

  it.each([
    [2020, 4, '2020-05-23'],
    [2023, 2, '2023-03-22'],
    [2025, 6, '2025-07-25'],
  ])('finds leap month %i/%i (tháng nhuận) starting %s', (year, month, expected) => {
    expect(lunarToSolar(year, month, 1, true)).toBe(expected);
    expect(solarToLunar(expected)).toEqual({ year, month, day: 1, leap: true });
  });

  it('rejects a leap month the year does not have', () => {
    expect(() => lunarToSolar(2026, 3, 10, true)).toThrow(/no leap month/);
    expect(() => lunarToSolar(2023, 3, 1, true)).toThrow(/no leap month 3/);
  });

  it('rejects day 30 of a 29-day month', () => {
    expect(lunarToSolar(2025, 12, 29)).toBe('2026-02-16');
    expect(() => lunarToSolar(2025, 12, 30)).toThrow(/only 29 days/);
  });

  it('rejects impossible months, days and unsupported years', () => {
    expect(() => lunarToSolar(2026, 13, 1)).toThrow(RangeError);
    expect(() => lunarToSolar(2026, 1, 0)).toThrow(RangeError);
    expect(() => lunarToSolar(2026, 1, 1.5)).toThrow(RangeError);
    expect(() => lunarToSolar(1800, 1, 1)).toThrow(/supported range/);
  });
});

describe('solarToLunar', () => {
  it('gives the last day of the lunar year before Tết', () => {
    expect(solarToLunar('2024-02-09')).toEqual({ year: 2023, month: 12, day: 30, leap: false });
    expect(solarToLunar('2026-02-16')).toEqual({ year: 2025, month: 12, day: 29, leap: false });
    expect(solarToLunar('1985-01-20')).toEqual({ year: 1984, month: 12, day: 30, leap: false });
  });

  it('round-trips every day from 2019 to 2031', () => {
    for (let date = '2019-01-01'; date <= '2031-12-31'; date = addCalendarDays(date, 1)) {
      const lunar = solarToLunar(date);
      expect(lunarToSolar(lunar.year, lunar.month, lunar.day, lunar.leap)).toBe(date);
    }
  });

  it('does not depend on the host time zone', () => {
    const sample = () => [solarToLunar('2026-02-17'), lunarToSolar(1985, 1, 1), lunarToSolar(2026, 3, 10)];
    expect(withTimeZone('America/New_York', sample)).toEqual(withTimeZone('Asia/Ho_Chi_Minh', sample));
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
