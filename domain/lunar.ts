/**
 * Vietnamese lunisolar calendar (âm lịch) in Vietnam time (UTC+7).
 *
 * Astronomical method described by Hồ Ngọc Đức: a lunar month starts on the local day of a new
 * moon; month 11 is the month containing the winter solstice; in a 13-month year the leap month
 * is the first one in which the sun enters no new 30° zodiac sector (no major solar term).
 * New moons and solar longitudes follow Jean Meeus, "Astronomical Algorithms" (1998).
 *
 * The UTC+7 meridian matters: some years differ from the Chinese calendar (UTC+8), e.g. Tết 1985
 * was 21/01/1985 in Vietnam and 20/02/1985 in China.
 *
 * Pure arithmetic on Julian day numbers: no Date objects in local time, so the host time zone
 * cannot change a result.
 */
import { type CivilDate, dayNumber, fromDayNumber, parseCivilDate } from './time.js';

export interface LunarDate {
  year: number;
  month: number;
  day: number;
  /** True in a leap month (tháng nhuận), which repeats the number of the month before it. */
  leap: boolean;
}

const TIME_ZONE_HOURS = 7;
const JULIAN_DAY_OF_1970_01_01 = 2_440_588;
const SYNODIC_MONTH_DAYS = 29.530588853;
/** Julian date of the first new moon of 1900 (k = 0 in newMoonJulianDate). */
const NEW_MOON_EPOCH = 2_415_021.076998695;
const RADIANS_PER_DEGREE = Math.PI / 180;
/** Years for which the approximations (ΔT in particular) are trusted. */
const FIRST_YEAR = 1900;
const LAST_YEAR = 2199;

function julianDay(date: CivilDate): number {
  return dayNumber(date) + JULIAN_DAY_OF_1970_01_01;
}

function civilDateOfJulianDay(jd: number): CivilDate {
  return fromDayNumber(jd - JULIAN_DAY_OF_1970_01_01);
}

function sin(degrees: number): number {
  return Math.sin(degrees * RADIANS_PER_DEGREE);
}

/** Julian date (UT, fractional) of the k-th new moon counted from the first one of 1900. */
function newMoonJulianDate(k: number): number {
  const t = k / 1236.85;
  const t2 = t * t;
  const t3 = t2 * t;
  const mean =
    2_415_020.75933 +
    29.53058868 * k +
    0.0001178 * t2 -
    0.000000155 * t3 +
    0.00033 * sin(166.56 + 132.87 * t - 0.009173 * t2);
  const sunAnomaly = 359.2242 + 29.10535608 * k - 0.0000333 * t2 - 0.00000347 * t3;
  const moonAnomaly = 306.0253 + 385.81691806 * k + 0.0107306 * t2 + 0.00001236 * t3;
  const latitudeArgument = 21.2964 + 390.67050646 * k - 0.0016528 * t2 - 0.00000239 * t3;
  const correction =
    (0.1734 - 0.000393 * t) * sin(sunAnomaly) +
    0.0021 * sin(2 * sunAnomaly) -
    0.4068 * sin(moonAnomaly) +
    0.0161 * sin(2 * moonAnomaly) -
    0.0004 * sin(3 * moonAnomaly) +
    0.0104 * sin(2 * latitudeArgument) -
    0.0051 * sin(sunAnomaly + moonAnomaly) -
    0.0074 * sin(sunAnomaly - moonAnomaly) +
    0.0004 * sin(2 * latitudeArgument + sunAnomaly) -
    0.0004 * sin(2 * latitudeArgument - sunAnomaly) -
    0.0006 * sin(2 * latitudeArgument + moonAnomaly) +
    0.001 * sin(2 * latitudeArgument - moonAnomaly) +
    0.0005 * sin(2 * moonAnomaly + sunAnomaly);
  return mean + correction - deltaT(t);
}

/** ΔT (TT − UT) in days, polynomial fit. */
function deltaT(t: number): number {
  const t2 = t * t;
  const t3 = t2 * t;
  if (t < -11) return 0.001 + 0.000839 * t + 0.0002261 * t2 - 0.00000845 * t3 - 0.000000081 * t * t3;
  return -0.000278 + 0.000265 * t + 0.000262 * t2;
}

/** Apparent longitude of the sun in radians, in [0, 2π), at a Julian date (UT). */
function sunLongitude(julianDate: number): number {
  const t = (julianDate - 2_451_545.0) / 36525;
  const t2 = t * t;
  const meanAnomaly = 357.5291 + 35999.0503 * t - 0.0001559 * t2 - 0.00000048 * t * t2;
  const meanLongitude = 280.46645 + 36000.76983 * t + 0.0003032 * t2;
  const equationOfCentre =
    (1.9146 - 0.004817 * t - 0.000014 * t2) * sin(meanAnomaly) +
    (0.019993 - 0.000101 * t) * sin(2 * meanAnomaly) +
    0.00029 * sin(3 * meanAnomaly);
  const longitude = (meanLongitude + equationOfCentre) * RADIANS_PER_DEGREE;
  return longitude - 2 * Math.PI * Math.floor(longitude / (2 * Math.PI));
}

/** The local civil day (Julian day number) on which the k-th new moon falls. */
function newMoonDay(k: number): number {
  return Math.floor(newMoonJulianDate(k) + 0.5 + TIME_ZONE_HOURS / 24);
}

/** Which 30° sector (0 = spring equinox … 11) the sun is in at the start of a local day. */
function sunSector(jd: number): number {
  return Math.floor((sunLongitude(jd - 0.5 - TIME_ZONE_HOURS / 24) / Math.PI) * 6);
}

/** Index k of the new moon on or just before a Julian day (approximate, as in the method). */
function newMoonIndex(jd: number): number {
  return Math.floor((jd - NEW_MOON_EPOCH) / SYNODIC_MONTH_DAYS);
}

/** Julian day on which lunar month 11 (the month of the winter solstice) begins in a solar year. */
function month11Start(solarYear: number): number {
  const k = Math.floor((julianDay(`${solarYear}-12-31`) - 2_415_021) / SYNODIC_MONTH_DAYS);
  const start = newMoonDay(k);
  // Sector 9 starts at 270°, the winter solstice: a new moon after it begins month 12, not 11.
  return sunSector(start) >= 9 ? newMoonDay(k - 1) : start;
}

/** In a 13-month year starting at month 11 (`month11`), the offset of the leap month. */
function leapMonthOffset(month11: number): number {
  const k = Math.floor((month11 - NEW_MOON_EPOCH) / SYNODIC_MONTH_DAYS + 0.5);
  let offset = 1;
  let sector = sunSector(newMoonDay(k + offset));
  let previous: number;
  do {
    previous = sector;
    offset++;
    sector = sunSector(newMoonDay(k + offset));
  } while (sector !== previous && offset < 14);
  return offset - 1;
}

function checkYear(year: number, what: string): void {
  if (!Number.isInteger(year) || year < FIRST_YEAR || year > LAST_YEAR) {
    throw new RangeError(`${what} ${year} is outside the supported range ${FIRST_YEAR}–${LAST_YEAR}`);
  }
}

function checkIntegerIn(value: number, min: number, max: number, what: string): void {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new RangeError(`${what} must be a whole number from ${min} to ${max}, got ${value}`);
  }
}

/** The Gregorian date of a Vietnamese lunar date. Throws RangeError on a day or leap month that does not exist. */
export function lunarToSolar(
  lunarYear: number,
  lunarMonth: number,
  lunarDay: number,
  leapMonth = false,
): CivilDate {
  checkYear(lunarYear, 'lunar year');
  checkIntegerIn(lunarMonth, 1, 12, 'lunar month');
  checkIntegerIn(lunarDay, 1, 30, 'lunar day');
  const [from, to] =
    lunarMonth < 11
      ? [month11Start(lunarYear - 1), month11Start(lunarYear)]
      : [month11Start(lunarYear), month11Start(lunarYear + 1)];
  const k = Math.floor(0.5 + (from - NEW_MOON_EPOCH) / SYNODIC_MONTH_DAYS);
  let offset = (lunarMonth - 11 + 12) % 12;
  if (to - from > 365) {
    const leapOffset = leapMonthOffset(from);
    const leapMonthNumber = (leapOffset - 2 + 12) % 12;
    if (leapMonth && lunarMonth !== leapMonthNumber) {
      throw new RangeError(`lunar year ${lunarYear} has no leap month ${lunarMonth}`);
    }
    if (leapMonth || offset >= leapOffset) offset++;
  } else if (leapMonth) {
    throw new RangeError(`lunar year ${lunarYear} has no leap month`);
  }
  const monthStart = newMoonDay(k + offset);
  const monthLength = newMoonDay(k + offset + 1) - monthStart;
  if (lunarDay > monthLength) {
    throw new RangeError(`lunar month ${lunarMonth}/${lunarYear} has only ${monthLength} days`);
  }
  return civilDateOfJulianDay(monthStart + lunarDay - 1);
}

/** The Vietnamese lunar date of a Gregorian date. */
export function solarToLunar(date: CivilDate): LunarDate {
  const { year } = parseCivilDate(date);
  checkYear(year, 'year');
  const jd = julianDay(date);
  const k = newMoonIndex(jd);
  let monthStart = newMoonDay(k + 1);
  if (monthStart > jd) monthStart = newMoonDay(k);
  let from = month11Start(year);
  let to = from;
  let lunarYear: number;
  if (from >= monthStart) {
    lunarYear = year;
    from = month11Start(year - 1);
  } else {
    lunarYear = year + 1;
    to = month11Start(year + 1);
  }
  const diff = Math.floor((monthStart - from) / 29);
  let month = diff + 11;
  let leap = false;
  if (to - from > 365) {
    const leapOffset = leapMonthOffset(from);
    if (diff >= leapOffset) {
      month = diff + 10;
      leap = diff === leapOffset;
    }
  }
  if (month > 12) month -= 12;
  if (month >= 11 && diff < 4) lunarYear -= 1;
  return { year: lunarYear, month, day: jd - monthStart + 1, leap };
}
