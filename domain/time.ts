/**
 * Vietnam civil time (UTC+7, no daylight saving), independent of the machine's time zone.
 *
 * An *instant* is epoch milliseconds. A *civil date* is a 'YYYY-MM-DD' string naming a day in
 * Vietnam time. A *civil time* is minutes after midnight Vietnam time.
 */

export const VIETNAM_OFFSET_MINUTES = 7 * 60;
const OFFSET_MS = VIETNAM_OFFSET_MINUTES * 60_000;
const DAY_MS = 86_400_000;

export type CivilDate = string;
export type Instant = number;

const CIVIL_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Parses 'YYYY-MM-DD' and rejects impossible dates such as 2026-02-30. */
export function parseCivilDate(text: string): { year: number; month: number; day: number } {
  const match = CIVIL_DATE.exec(text);
  if (!match) throw new RangeError(`"${text}" is not a date in the form YYYY-MM-DD`);
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const probe = new Date(Date.UTC(year, month - 1, day));
  if (probe.getUTCFullYear() !== year || probe.getUTCMonth() !== month - 1 || probe.getUTCDate() !== day) {
    throw new RangeError(`"${text}" is not a real calendar date`);
  }
  return { year, month, day };
}

export function isCivilDate(text: string): boolean {
  try {
    parseCivilDate(text);
    return true;
  } catch {
    return false;
  }
}

export function civilDate(year: number, month: number, day: number): CivilDate {
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

const dayNumbers = new Map<string, number>();

/** Days since 1970-01-01 for a civil date; handy for arithmetic. Memoised (a hot path). */
export function dayNumber(date: CivilDate): number {
  const known = dayNumbers.get(date);
  if (known !== undefined) return known;
  const { year, month, day } = parseCivilDate(date);
  const value = Date.UTC(year, month - 1, day) / DAY_MS;
  if (dayNumbers.size > 50_000) dayNumbers.clear();
  dayNumbers.set(date, value);
  return value;
}

export function fromDayNumber(n: number): CivilDate {
  const d = new Date(n * DAY_MS);
  return civilDate(d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate());
}

export function addCalendarDays(date: CivilDate, days: number): CivilDate {
  return fromDayNumber(dayNumber(date) + days);
}

/** The same day `months` calendar months later; a day the month lacks becomes its last day (31/01 + 1 → 28/02). */
export function addCalendarMonths(date: CivilDate, months: number): CivilDate {
  const { year, month, day } = parseCivilDate(date);
  const index = year * 12 + (month - 1) + months;
  const [toYear, toMonth] = [Math.floor(index / 12), (index % 12) + 1];
  const lastDay = new Date(Date.UTC(toYear, toMonth, 0)).getUTCDate();
  return civilDate(toYear, toMonth, Math.min(day, lastDay));
}

/** 0 = Sunday … 6 = Saturday. */
export function weekday(date: CivilDate): number {
  return (((dayNumber(date) + 4) % 7) + 7) % 7; // 1970-01-01 was a Thursday
}

/** The civil date in Vietnam of an instant. */
export function toCivilDate(instant: Instant): CivilDate {
  return fromDayNumber(Math.floor((instant + OFFSET_MS) / DAY_MS));
}

/** Minutes after midnight, Vietnam time, of an instant. */
export function minutesOfDay(instant: Instant): number {
  const local = instant + OFFSET_MS;
  return Math.floor((((local % DAY_MS) + DAY_MS) % DAY_MS) / 60_000);
}

/** The instant a civil date starts (00:00 Vietnam time). */
export function startOfCivilDay(date: CivilDate): Instant {
  return dayNumber(date) * DAY_MS - OFFSET_MS;
}

/** The instant at 'HH:MM' Vietnam time on a civil date. */
export function atCivilTime(date: CivilDate, hhmm: string): Instant {
  return startOfCivilDay(date) + parseClock(hhmm) * 60_000;
}

/** Parses 'HH:MM' (00:00–24:00) into minutes after midnight. */
export function parseClock(hhmm: string): number {
  const match = /^(\d{2}):(\d{2})$/.exec(hhmm);
  const minutes = match ? Number(match[1]) * 60 + Number(match[2]) : Number.NaN;
  if (!match || Number(match[2]) > 59 || minutes > 24 * 60) {
    throw new RangeError(`"${hhmm}" is not a clock time in the form HH:MM`);
  }
  return minutes;
}

const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

/**
 * Parses an ISO 8601 instant that carries its offset ('2026-04-23T10:00:00+07:00' or '...Z').
 * A timestamp without an offset is refused: its meaning would depend on the machine's zone.
 */
export function parseInstant(text: string): Instant {
  if (!ISO_INSTANT.test(text)) {
    throw new RangeError(
      `"${text}" is not an ISO 8601 instant with an offset, e.g. 2026-04-23T10:00:00+07:00`,
    );
  }
  parseCivilDate(text.slice(0, 10));
  const ms = Date.parse(text);
  if (Number.isNaN(ms)) throw new RangeError(`"${text}" is not a valid instant`);
  return ms;
}

/** Formats an instant as ISO 8601 in Vietnam time, e.g. '2026-04-23T10:00:00+07:00'. */
export function formatInstant(instant: Instant): string {
  const date = toCivilDate(instant);
  const local = new Date(instant + OFFSET_MS);
  const hh = String(local.getUTCHours()).padStart(2, '0');
  const mm = String(local.getUTCMinutes()).padStart(2, '0');
  const ss = String(local.getUTCSeconds()).padStart(2, '0');
  const ms = local.getUTCMilliseconds();
  return `${date}T${hh}:${mm}:${ss}${ms ? `.${String(ms).padStart(3, '0')}` : ''}+07:00`;
}

/** 'dd/MM/yyyy', the way Vietnamese forms print dates. */
export function formatVietnameseDate(date: CivilDate): string {
  const { year, month, day } = parseCivilDate(date);
  return `${String(day).padStart(2, '0')}/${String(month).padStart(2, '0')}/${year}`;
}
