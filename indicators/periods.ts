/**
 * Reporting periods of the Decision 766 index (DOMAIN.md §2.3 "period = the selected range",
 * §2.4), in Vietnam civil time (UTC+7, domain/time.ts):
 * - 'YYYY-MM-DD' a day, 'YYYY-MM' a month, 'YYYY-Qn' a quarter (n = 1–4),
 * - 'YYYY-Hn' six months (n = 1–2), 'YYYY-9M' the first nine months, 'YYYY' a year.
 * A period runs from 00:00 of its first day to 00:00 of the day after its last day (exclusive).
 */
import {
  addCalendarDays,
  type CivilDate,
  civilDate,
  type Instant,
  parseCivilDate,
  startOfCivilDay,
  toCivilDate,
} from '../domain/time.js';

export const periodKinds = ['day', 'month', 'quarter', 'half', 'nine-months', 'year'] as const;
export type PeriodKind = (typeof periodKinds)[number];

/** A period id such as '2026-04-23', '2026-04', '2026-Q2', '2026-H1', '2026-9M' or '2026'. */
export type PeriodId = string;

export interface Period {
  id: PeriodId;
  kind: PeriodKind;
  year: number;
  firstDay: CivilDate;
  lastDay: CivilDate;
}

export interface PeriodBounds {
  /** 00:00 of the first day, Vietnam time. */
  start: Instant;
  /** 00:00 of the day after the last day: exclusive. */
  end: Instant;
  firstDay: CivilDate;
  lastDay: CivilDate;
}

export class PeriodError extends RangeError {
  override name = 'PeriodError';
}

const FORMS = 'YYYY-MM-DD, YYYY-MM, YYYY-Qn (n = 1–4), YYYY-Hn (n = 1–2), YYYY-9M or YYYY';

/** The days from the 1st of `firstMonth` through the end of `months` months later. */
function monthSpan(id: PeriodId, kind: PeriodKind, year: number, firstMonth: number, months: number): Period {
  const next = firstMonth + months;
  const after = next > 12 ? civilDate(year + 1, next - 12, 1) : civilDate(year, next, 1);
  return { id, kind, year, firstDay: civilDate(year, firstMonth, 1), lastDay: addCalendarDays(after, -1) };
}

function dayPeriod(id: PeriodId): Period {
  try {
    const { year } = parseCivilDate(id);
    return { id, kind: 'day', year, firstDay: id, lastDay: id };
  } catch {
    throw new PeriodError(`"${id}" is not a real calendar day`);
  }
}

function monthPeriod(id: PeriodId, year: number, month: number): Period {
  if (month < 1 || month > 12) throw new PeriodError(`"${id}": the month must be 01–12`);
  return monthSpan(id, 'month', year, month, 1);
}

const parsers: ReadonlyArray<{ pattern: RegExp; build: (id: PeriodId, year: number, n: number) => Period }> =
  [
    { pattern: /^(\d{4})-\d{2}-\d{2}$/, build: (id) => dayPeriod(id) },
    { pattern: /^(\d{4})-(\d{2})$/, build: (id, year, month) => monthPeriod(id, year, month) },
    { pattern: /^(\d{4})-Q([1-4])$/, build: (id, year, q) => monthSpan(id, 'quarter', year, 3 * q - 2, 3) },
    { pattern: /^(\d{4})-H([12])$/, build: (id, year, h) => monthSpan(id, 'half', year, 6 * h - 5, 6) },
    { pattern: /^(\d{4})-9M$/, build: (id, year) => monthSpan(id, 'nine-months', year, 1, 9) },
    { pattern: /^(\d{4})$/, build: (id, year) => monthSpan(id, 'year', year, 1, 12) },
  ];

/** Parses a period id; throws a PeriodError naming the accepted forms. */
export function parsePeriod(id: PeriodId): Period {
  for (const { pattern, build } of parsers) {
    const match = pattern.exec(id);
    if (!match) continue;
    const year = Number(match[1]);
    if (year < 1970) throw new PeriodError(`"${id}": the year must be 1970 or later`);
    return build(id, year, Number(match[2]));
  }
  throw new PeriodError(`"${id}" is not a reporting period; use ${FORMS}`);
}

export function isPeriodId(id: string): boolean {
  try {
    parsePeriod(id);
    return true;
  } catch {
    return false;
  }
}

const boundsCache = new Map<PeriodId, PeriodBounds>();

/** Memoised: aggregators ask for the same few periods millions of times. */
export function periodBounds(id: PeriodId): PeriodBounds {
  const cached = boundsCache.get(id);
  if (cached) return cached;
  const { firstDay, lastDay } = parsePeriod(id);
  const bounds = Object.freeze({
    start: startOfCivilDay(firstDay),
    end: startOfCivilDay(addCalendarDays(lastDay, 1)),
    firstDay,
    lastDay,
  });
  if (boundsCache.size > 10_000) boundsCache.clear();
  boundsCache.set(id, bounds);
  return bounds;
}

export function periodContains(id: PeriodId, instant: Instant): boolean {
  const { start, end } = periodBounds(id);
  return instant >= start && instant < end;
}

/** The id of the period of `kind` containing a civil date; undefined for '9M' from October on. */
export function periodOf(kind: PeriodKind, date: CivilDate): PeriodId | undefined {
  const { year, month } = parseCivilDate(date);
  const yyyy = String(year).padStart(4, '0');
  switch (kind) {
    case 'day':
      return date;
    case 'month':
      return date.slice(0, 7);
    case 'quarter':
      return `${yyyy}-Q${Math.ceil(month / 3)}`;
    case 'half':
      return `${yyyy}-H${month <= 6 ? 1 : 2}`;
    case 'nine-months':
      return month <= 9 ? `${yyyy}-9M` : undefined;
    case 'year':
      return yyyy;
  }
}

export const defaultPeriodKinds: readonly PeriodKind[] = ['day', 'month', 'quarter', 'year'];

/** The ids of the periods (by default day, month, quarter, year) containing an instant, Vietnam time. */
export function periodsContaining(
  instant: Instant,
  kinds: readonly PeriodKind[] = defaultPeriodKinds,
): PeriodId[] {
  const date = toCivilDate(instant);
  let byDate = containingCache.get(kinds);
  if (!byDate) {
    byDate = new Map();
    containingCache.set(kinds, byDate);
  }
  let ids = byDate.get(date);
  if (!ids) {
    ids = Object.freeze(kinds.flatMap((kind) => periodOf(kind, date) ?? [])) as PeriodId[];
    if (byDate.size > 20_000) byDate.clear();
    byDate.set(date, ids);
  }
  return [...ids];
}

/** Memoised per list of kinds and civil date: aggregators ask for the same few days over and over. */
const containingCache = new WeakMap<readonly PeriodKind[], Map<CivilDate, readonly PeriodId[]>>();
