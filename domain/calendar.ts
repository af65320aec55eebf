/**
 * Working-day calendar per jurisdiction: DOMAIN.md §1.4 (counting deadlines) and §6 (holidays).
 *
 * Pure and deterministic (no I/O, no host time zone), so workflow code may import it.
 *
 * How a day is decided, for a calendar year Y:
 * 1. Rule holidays apply every year: the fixed solar holidays and the lunar holidays
 *    (Labour Code Art 112(1)).
 * 2. If the data has an entry for Y (the yearly Government notice), its `daysOff` are added and its
 *    `workingDays` (swapped Saturdays) become working days. The notice is authoritative: no
 *    compensatory day is computed for such a year, so the data must list them.
 * 3. If the data has no entry for Y, provisional defaults stand in for the notice: Tết Nguyên đán
 *    from 30/12 lunar to 4/1 lunar (5 days), the 2/9 second day, and, when `compensatoryRule` is
 *    on, a compensatory day (Art 111(3)) for every holiday that falls on a weekly rest day. Such a
 *    year reports `coverage(Y).confirmed === false`.
 * 4. Otherwise weekly rest days are off and the other days are working days.
 * 5. Over all of it, `amendments` (domain/calendar-amendment.ts: decisions published while dossiers
 *    are open) have the last word on the days they name; a later one wins over an earlier one.
 */
import { z } from 'zod';
import { type CalendarAmendment, calendarAmendmentSchema, inPublicationOrder } from './calendar-amendment.js';
import { makeCivilDateField, makeJurisdictionIdField, makeTextField } from './calendar-fields.js';
import { lunarToSolar } from './lunar.js';
import {
  addCalendarDays,
  type CivilDate,
  civilDate,
  dayNumber,
  fromDayNumber,
  isCivilDate,
  parseCivilDate,
  weekday,
} from './time.js';

export const DAY_NAMES = [
  'Chủ nhật',
  'Thứ Hai',
  'Thứ Ba',
  'Thứ Tư',
  'Thứ Năm',
  'Thứ Sáu',
  'Thứ Bảy',
] as const;

const DEFAULT_WEEKLY_REST_DAYS = [0, 6];
/** UNCONFIRMED default (DOMAIN.md §6: 8 h/day, Mon–Fri); a calendar file can override it. */
const DEFAULT_OFFICE_HOURS = [
  { start: '07:30', end: '11:30' },
  { start: '13:00', end: '17:00' },
];
const TET_NAME = 'Tết Nguyên đán';
const NATIONAL_DAY_SECOND_DAY_NAME = 'Quốc khánh (ngày nghỉ liền kề)';
const COMPENSATORY_PREFIX = 'Nghỉ bù';
/** Longest run of days off tolerated before a search for a working day gives up. */
const MAX_DAYS_OFF_IN_A_ROW = 366;

// ---------------------------------------------------------------------------------------------
// Schema
// ---------------------------------------------------------------------------------------------

/**
 * Built on first use, not when the module loads: every workflow evaluates its own copy of the
 * domain modules, and most dossiers never parse calendar data (the rules activity did).
 */
export const calendarDataSchema = z.lazy(buildCalendarDataSchema);

function buildCalendarDataSchema() {
  const civilDateField = makeCivilDateField();
  const clockField = z
    .string({ error: 'must be a clock time written HH:MM' })
    .regex(/^([01]\d|2[0-3]):[0-5]\d$/, { error: 'must be a clock time written HH:MM (00:00–23:59)' });
  const textField = makeTextField();
  const jurisdictionId = makeJurisdictionIdField();
  const flag = z.boolean({ error: 'must be true or false' });

  function wholeNumber(min: number, max: number, what: string) {
    const rule = `must be a whole number from ${min} to ${max} (${what})`;
    return z.number({ error: rule }).int({ error: rule }).min(min, { error: rule }).max(max, { error: rule });
  }

  const officePeriodSchema = z
    .object({ start: clockField, end: clockField })
    .refine((period) => period.start < period.end, { error: 'must be later than start', path: ['end'] });

  const officeHoursSchema = z
    .array(officePeriodSchema)
    .min(1, { error: 'must list at least one period' })
    .refine((periods) => periods.every((p, i) => i === 0 || (periods[i - 1]?.end ?? '') <= p.start), {
      error: 'periods must be in time order and must not overlap',
    });

  const fixedHolidaySchema = z
    .object({ month: wholeNumber(1, 12, 'month'), day: wholeNumber(1, 31, 'day of month'), name: textField })
    .refine((h) => isCivilDate(civilDate(2000, h.month, h.day)), {
      error: 'this day does not exist in that month',
      path: ['day'],
    });

  const lunarHolidaySchema = z.object({
    lunarMonth: wholeNumber(1, 12, 'lunar month'),
    lunarDay: wholeNumber(1, 30, 'lunar day'),
    name: textField,
  });

  /** `confirmed` on an entry overrides the year's flag for that entry; `note` says where it comes from. */
  const entryMetadata = { confirmed: flag.optional(), note: z.string().optional() };

  const dayOffSchema = z.object({
    date: civilDateField,
    name: textField,
    kind: z.enum(['holiday', 'tet', 'compensatory', 'swap-off', 'extra'], {
      error: 'must be one of holiday, tet, compensatory, swap-off, extra',
    }),
    ...entryMetadata,
  });

  const swapWorkingDaySchema = z.object({
    date: civilDateField,
    name: textField,
    kind: z.literal('swap-work', { error: 'must be swap-work' }),
    ...entryMetadata,
  });

  const yearSchema = z.object({
    confirmed: flag,
    source: textField,
    notes: z.string().optional(),
    daysOff: z.array(dayOffSchema).default([]),
    workingDays: z.array(swapWorkingDaySchema).default([]),
  });

  const weeklyRestDaysSchema = z
    .array(wholeNumber(0, 6, '0 = Sunday … 6 = Saturday'))
    .max(6, { error: 'must leave at least one working day in the week' })
    .refine((days) => new Set(days).size === days.length, { error: 'must not repeat a day' });

  return z
    .object({
      jurisdiction: jurisdictionId,
      name: textField,
      version: textField,
      effectiveFrom: civilDateField,
      /** Another jurisdiction whose days this one inherits (a province adding local days). */
      extends: jurisdictionId.optional(),
      notes: z.string().optional(),
      /** 0 = Sunday … 6 = Saturday. Default [0, 6]; inherited when `extends` is set. */
      weeklyRestDays: weeklyRestDaysSchema.optional(),
      /** Default: DEFAULT_OFFICE_HOURS, or the extended calendar's. */
      officeHours: officeHoursSchema.optional(),
      fixedHolidays: z.array(fixedHolidaySchema).default([]),
      lunarHolidays: z.array(lunarHolidaySchema).default([]),
      /** Labour Code Art 111(3), applied to years without year data. */
      compensatoryRule: flag.default(true),
      /** Stand-ins for the PM's yearly choices (Art 112(3)), used only for years without year data. */
      provisionalDefaults: z
        .object({ tetNguyenDan: flag.default(false), quocKhanhSecondDay: flag.default(false) })
        .default({ tetNguyenDan: false, quocKhanhSecondDay: false }),
      years: z
        .record(
          z.string().regex(/^\d{4}$/, { error: 'year keys must be four digits, e.g. "2026"' }),
          yearSchema,
        )
        .default({}),
      /** Decisions that changed days after the data above was written, known at build time or published since. */
      amendments: z.array(calendarAmendmentSchema).default([]),
    })
    .superRefine((data, ctx) => {
      for (const issue of crossFieldIssues(data)) ctx.addIssue({ code: 'custom', ...issue });
    });
}

export type CalendarData = z.output<typeof calendarDataSchema>;
export type CalendarDataInput = z.input<typeof calendarDataSchema>;
type YearData = CalendarData['years'][string];

interface FieldIssue {
  path: (string | number)[];
  message: string;
}

function crossFieldIssues(data: CalendarData): FieldIssue[] {
  const issues: FieldIssue[] = [];
  if (data.extends === data.jurisdiction) {
    issues.push({ path: ['extends'], message: 'must name another jurisdiction, not the calendar itself' });
  }
  if (data.extends && data.weeklyRestDays) {
    issues.push({
      path: ['weeklyRestDays'],
      message: 'must be left out: a calendar that extends another inherits its weekly rest days',
    });
  }
  const restDays = new Set(data.weeklyRestDays ?? DEFAULT_WEEKLY_REST_DAYS);
  const fixed = new Set(data.fixedHolidays.map((h) => `${h.month}-${h.day}`));
  for (const [year, yearData] of Object.entries(data.years)) {
    issues.push(...yearIssues(data, Number(year), yearData, restDays, fixed));
  }
  issues.push(...amendmentListIssues(data));
  return issues;
}

function amendmentListIssues(data: CalendarData): FieldIssue[] {
  const issues: FieldIssue[] = [];
  const ids = new Set<string>();
  data.amendments.forEach((amendment, i) => {
    if (amendment.jurisdiction !== data.jurisdiction) {
      issues.push({
        path: ['amendments', i, 'jurisdiction'],
        message: `must be ${data.jurisdiction}, the calendar it amends`,
      });
    }
    if (ids.has(amendment.id)) issues.push({ path: ['amendments', i, 'id'], message: 'is listed twice' });
    ids.add(amendment.id);
    if (data.extends && amendment.workingDays.length > 0) {
      issues.push({
        path: ['amendments', i, 'workingDays'],
        message: `working days come from the extended calendar ${data.extends}; amend that one`,
      });
    }
  });
  return issues;
}

function yearIssues(
  data: CalendarData,
  year: number,
  yearData: YearData,
  restDays: Set<number>,
  fixedHolidays: Set<string>,
): FieldIssue[] {
  const issues: FieldIssue[] = [];
  const at = (list: string, i: number, field = 'date') => ['years', String(year), list, i, field];
  const offDates = new Set<string>();
  yearData.daysOff.forEach((entry, i) => {
    if (parseCivilDate(entry.date).year !== year)
      issues.push({ path: at('daysOff', i), message: `must fall in ${year}` });
    if (offDates.has(entry.date))
      issues.push({ path: at('daysOff', i), message: 'is listed twice in daysOff' });
    offDates.add(entry.date);
  });
  yearData.workingDays.forEach((entry, i) => {
    const { year: entryYear, month, day } = parseCivilDate(entry.date);
    const path = at('workingDays', i);
    if (entryYear !== year) issues.push({ path, message: `must fall in ${year}` });
    if (offDates.has(entry.date))
      issues.push({ path, message: 'a swap working day cannot also be in daysOff' });
    if (fixedHolidays.has(`${month}-${day}`))
      issues.push({ path, message: 'a swap working day cannot be a holiday' });
    if (data.extends) {
      issues.push({
        path,
        message: 'swap working days come from the extended calendar; leave them out here',
      });
    } else if (!restDays.has(weekday(entry.date))) {
      issues.push({ path, message: 'a swap working day must fall on a weekly rest day' });
    }
  });
  return issues;
}

/** `years.2026.daysOff.3.date: must fall in 2026` for each problem. */
export function describeIssues(error: z.ZodError): string[] {
  return error.issues.map((issue) => `${issue.path.map(String).join('.') || '(root)'}: ${issue.message}`);
}

/** Validates calendar data; the error names `source` and every failing field. */
/**
 * Whether data carries every field the schema defaults, as `parseCalendarData` returns it. Data
 * passed on by the code that parsed it (the rules activity, through a workflow's history) need not
 * be parsed again; data recorded before a defaulted field existed still is.
 */
function hasParsedShape(input: CalendarDataInput): input is CalendarData {
  const years = input.years;
  return (
    Array.isArray(input.fixedHolidays) &&
    Array.isArray(input.lunarHolidays) &&
    Array.isArray(input.amendments) &&
    typeof input.compensatoryRule === 'boolean' &&
    typeof input.provisionalDefaults?.tetNguyenDan === 'boolean' &&
    typeof input.provisionalDefaults.quocKhanhSecondDay === 'boolean' &&
    years !== undefined &&
    Object.values(years).every((year) => Array.isArray(year.daysOff) && Array.isArray(year.workingDays))
  );
}

export function parseCalendarData(raw: unknown, source = 'calendar data'): CalendarData {
  const result = calendarDataSchema.safeParse(raw);
  if (result.success) return result.data;
  throw new Error(`${source} is invalid:\n  - ${describeIssues(result.error).join('\n  - ')}`);
}

// ---------------------------------------------------------------------------------------------
// Calendar
// ---------------------------------------------------------------------------------------------

/** An amendment a calendar applies, as it names it (its own, and those of the calendar it extends). */
export interface AppliedAmendment {
  id: string;
  jurisdiction: string;
  source: { number: string; date: CivilDate };
}

export interface WorkingCalendar {
  readonly jurisdiction: string;
  readonly version: string;
  readonly effectiveFrom: CivilDate;
  /** The amendments applied, most general calendar first, each in publication order. */
  readonly amendments: ReadonlyArray<AppliedAmendment>;
  readonly weeklyRestDays: ReadonlyArray<number>;
  readonly officeHours: ReadonlyArray<{ start: string; end: string }>;
  isWorkingDay(date: CivilDate): boolean;
  /** Why a date is not a working day: 'Thứ Bảy', 'Chủ nhật', or the holiday name; undefined on working days. */
  dayOffReason(date: CivilDate): string | undefined;
  /** The first working day strictly after `date`. */
  nextWorkingDay(date: CivilDate): CivilDate;
  /** `date` itself if it is a working day, else the next working day. */
  onOrAfterWorkingDay(date: CivilDate): CivilDate;
  /**
   * The n-th working day after `date` (Civil Code Art 147(2)–(3): the first day is not counted).
   * The result is always a working day, so Art 148(5) needs no extra step.
   * n = 0 ("same day") returns onOrAfterWorkingDay(date). n must be a whole number >= 0.
   */
  addWorkingDays(date: CivilDate, n: number): CivilDate;
  /** Number of working days d with from < d <= to (0 if to <= from). */
  workingDaysBetween(from: CivilDate, to: CivilDate): number;
  /** Whether the data covers the year, and whether that data is confirmed. */
  coverage(year: number): { hasYearData: boolean; confirmed: boolean };
}

interface YearTable {
  /** This calendar's own days off (not weekly rest days, not the parent's), with their names. */
  daysOff: Map<CivilDate, string>;
  swapWorkingDays: Set<CivilDate>;
}

/**
 * Builds a calendar from validated (or raw) data. A calendar whose data `extends` another
 * jurisdiction needs that calendar as `parent`; it adds its own days off to the parent's.
 */
export function createCalendar(
  input: CalendarDataInput,
  parent?: WorkingCalendar,
  { alreadyParsed = false }: { alreadyParsed?: boolean } = {},
): WorkingCalendar {
  const data = alreadyParsed && hasParsedShape(input) ? input : parseCalendarData(input);
  checkParent(data, parent);
  const restDays = new Set(parent?.weeklyRestDays ?? data.weeklyRestDays ?? DEFAULT_WEEKLY_REST_DAYS);
  const tables = new Map<number, YearTable>();
  const amended = amendedDayTable(data.amendments);

  /** Off before this calendar's own holidays: the parent's verdict, or a weekly rest day not swapped. */
  function inheritedReason(date: CivilDate, swaps: Set<CivilDate>): string | undefined {
    if (parent) return parent.dayOffReason(date);
    if (swaps.has(date)) return undefined;
    const day = weekday(date);
    return restDays.has(day) ? DAY_NAMES[day] : undefined;
  }

  function tableFor(year: number): YearTable {
    let table = tables.get(year);
    if (!table) {
      table = buildYearTable(data, year, restDays, inheritedReason);
      tables.set(year, table);
    }
    return table;
  }

  function dayOffReason(date: CivilDate): string | undefined {
    const amendment = amended.get(date);
    if (amendment) return amendment.off ? amendment.name : undefined;
    const table = tableFor(parseCivilDate(date).year);
    return table.daysOff.get(date) ?? inheritedReason(date, table.swapWorkingDays);
  }

  const isWorkingDay = (date: CivilDate) => dayOffReason(date) === undefined;

  function nextWorkingDay(date: CivilDate): CivilDate {
    let candidate = addCalendarDays(date, 1);
    for (let i = 0; !isWorkingDay(candidate); i++) {
      if (i > MAX_DAYS_OFF_IN_A_ROW)
        throw new Error(`calendar ${data.jurisdiction} has no working day after ${date}`);
      candidate = addCalendarDays(candidate, 1);
    }
    return candidate;
  }

  const onOrAfterWorkingDay = (date: CivilDate) => (isWorkingDay(date) ? date : nextWorkingDay(date));

  function addWorkingDays(date: CivilDate, n: number): CivilDate {
    if (!Number.isInteger(n) || n < 0)
      throw new RangeError(`working days to add must be a whole number >= 0, got ${n}`);
    if (n === 0) return onOrAfterWorkingDay(date);
    let result = date;
    for (let i = 0; i < n; i++) result = nextWorkingDay(result);
    return result;
  }

  function workingDaysBetween(from: CivilDate, to: CivilDate): number {
    let count = 0;
    for (let day = dayNumber(from) + 1; day <= dayNumber(to); day++) {
      if (isWorkingDay(fromDayNumber(day))) count++;
    }
    return count;
  }

  function coverage(year: number): { hasYearData: boolean; confirmed: boolean } {
    const own = data.years[String(year)];
    if (!parent) return { hasYearData: own !== undefined, confirmed: own?.confirmed ?? false };
    // The extended (national) calendar decides coverage; this calendar can only lower confidence.
    const inherited = parent.coverage(year);
    return { hasYearData: inherited.hasYearData, confirmed: inherited.confirmed && (own?.confirmed ?? true) };
  }

  return {
    jurisdiction: data.jurisdiction,
    version: data.version,
    effectiveFrom: data.effectiveFrom,
    amendments: [
      ...(parent?.amendments ?? []),
      ...inPublicationOrder(data.amendments).map(({ id, jurisdiction, source }) => ({
        id,
        jurisdiction,
        source,
      })),
    ],
    weeklyRestDays: [...restDays].sort((a, b) => a - b),
    officeHours: data.officeHours ?? parent?.officeHours ?? DEFAULT_OFFICE_HOURS,
    isWorkingDay,
    dayOffReason,
    nextWorkingDay,
    onOrAfterWorkingDay,
    addWorkingDays,
    workingDaysBetween,
    coverage,
  };
}

/** What the amendments say about each day they name; a later publication wins. */
function amendedDayTable(
  amendments: readonly CalendarAmendment[],
): Map<CivilDate, { off: boolean; name: string }> {
  const days = new Map<CivilDate, { off: boolean; name: string }>();
  for (const amendment of inPublicationOrder(amendments)) {
    for (const day of amendment.daysOff) days.set(day.date, { off: true, name: day.name });
    for (const day of amendment.workingDays) days.set(day.date, { off: false, name: day.name });
  }
  return days;
}

/** The calendar of a chain of data, most general first (national, then province…). */
export function createChainCalendar(chain: readonly CalendarDataInput[]): WorkingCalendar {
  let calendar: WorkingCalendar | undefined;
  for (const data of chain) calendar = createCalendar(data, calendar);
  if (!calendar) throw new Error('a calendar chain needs at least one calendar');
  return calendar;
}

function checkParent(data: CalendarData, parent: WorkingCalendar | undefined): void {
  if (data.extends && parent?.jurisdiction !== data.extends) {
    throw new Error(
      `calendar ${data.jurisdiction} extends ${data.extends}: pass the ${data.extends} calendar as parent`,
    );
  }
  if (!data.extends && parent) {
    throw new Error(`calendar ${data.jurisdiction} does not extend another calendar, but a parent was given`);
  }
}

function buildYearTable(
  data: CalendarData,
  year: number,
  restDays: Set<number>,
  inheritedReason: (date: CivilDate, swaps: Set<CivilDate>) => string | undefined,
): YearTable {
  const daysOff = ruleHolidays(data, year);
  const yearData = data.years[String(year)];
  if (yearData) {
    for (const entry of yearData.daysOff) daysOff.set(entry.date, entry.name);
    return { daysOff, swapWorkingDays: new Set(yearData.workingDays.map((entry) => entry.date)) };
  }
  const swapWorkingDays = new Set<CivilDate>();
  for (const [date, name] of provisionalDays(data, year)) if (!daysOff.has(date)) daysOff.set(date, name);
  if (data.compensatoryRule) {
    const inheritedOff = (date: CivilDate) => inheritedReason(date, swapWorkingDays) !== undefined;
    addCompensatoryDays(
      daysOff,
      year,
      (date) => restDays.has(weekday(date)) && inheritedOff(date),
      inheritedOff,
    );
  }
  return { daysOff, swapWorkingDays };
}

/** Fixed solar and lunar holidays that fall in a calendar year. */
function ruleHolidays(data: CalendarData, year: number): Map<CivilDate, string> {
  const days = new Map<CivilDate, string>();
  for (const h of data.fixedHolidays) {
    const date = civilDate(year, h.month, h.day);
    if (isCivilDate(date)) days.set(date, h.name); // 29/2 exists only in leap years
  }
  // Lunar months 11–12 of the previous lunar year can fall in January–February.
  for (const lunarYear of [year - 1, year]) {
    for (const h of data.lunarHolidays) {
      const date = lunarDateOrUndefined(lunarYear, h.lunarMonth, h.lunarDay);
      if (date && parseCivilDate(date).year === year) days.set(date, h.name);
    }
  }
  return days;
}

/** A lunar 30th that does not exist in a 29-day month is skipped rather than moved. */
function lunarDateOrUndefined(lunarYear: number, month: number, day: number): CivilDate | undefined {
  try {
    return lunarToSolar(lunarYear, month, day);
  } catch {
    return undefined;
  }
}

/** Stand-ins for the PM's yearly choices (Labour Code Art 112(3)), for years without a notice. */
function provisionalDays(data: CalendarData, year: number): Array<[CivilDate, string]> {
  const days: Array<[CivilDate, string]> = [];
  if (data.provisionalDefaults.tetNguyenDan) {
    // Last day of the old lunar year (29 or 30 tháng Chạp) through 4 tháng Giêng: 5 days.
    const newYear = lunarToSolar(year, 1, 1);
    for (let i = -1; i <= 3; i++) days.push([addCalendarDays(newYear, i), TET_NAME]);
  }
  if (data.provisionalDefaults.quocKhanhSecondDay) {
    // Recent notices chose 1/9, or 3/9 when 2/9 is a Thursday (to join the weekend).
    const nationalDay = civilDate(year, 9, 2);
    days.push([
      addCalendarDays(nationalDay, weekday(nationalDay) === 4 ? 1 : -1),
      NATIONAL_DAY_SECOND_DAY_NAME,
    ]);
  }
  return days;
}

/**
 * Labour Code Art 111(3): a holiday on a weekly rest day gives a day off on the next working day.
 * Holidays are taken in date order so that several give distinct consecutive days. A compensatory
 * day that would fall in the next calendar year is dropped (no Vietnamese holiday is that late).
 */
function addCompensatoryDays(
  daysOff: Map<CivilDate, string>,
  year: number,
  isOnRestDay: (date: CivilDate) => boolean,
  isInheritedOff: (date: CivilDate) => boolean,
): void {
  const holidays = [...daysOff.entries()].sort(([a], [b]) => (a < b ? -1 : 1));
  for (const [date, name] of holidays) {
    if (!isOnRestDay(date)) continue;
    let candidate = addCalendarDays(date, 1);
    while (daysOff.has(candidate) || isInheritedOff(candidate)) candidate = addCalendarDays(candidate, 1);
    if (parseCivilDate(candidate).year === year) daysOff.set(candidate, `${COMPENSATORY_PREFIX} ${name}`);
  }
}

// ---------------------------------------------------------------------------------------------
// Amending calendar data
// ---------------------------------------------------------------------------------------------

/** Whether the data already holds the amendment (by id). */
export function hasAmendment(data: Pick<CalendarData, 'amendments'>, id: string): boolean {
  return data.amendments.some((amendment) => amendment.id === id);
}

/**
 * The calendar chain (most general first) with the amendment added to the calendar of its
 * jurisdiction; `undefined` when no calendar of the chain is that jurisdiction or it already has
 * the amendment. The result is validated: an amendment the calendar cannot take throws, naming the field.
 */
export function amendCalendarChain(
  chain: readonly CalendarData[],
  amendment: CalendarAmendment,
): CalendarData[] | undefined {
  const index = chain.findIndex((data) => data.jurisdiction === amendment.jurisdiction);
  const target = chain[index];
  if (!target || hasAmendment(target, amendment.id)) return undefined;
  const amended = parseCalendarData(
    { ...target, amendments: [...target.amendments, amendment] },
    `calendar ${target.jurisdiction} with amendment ${amendment.id}`,
  );
  return chain.map((data, i) => (i === index ? amended : data));
}

/**
 * The chain with every amendment of the list that concerns it (those already there are skipped);
 * `refused` names those the chain cannot take, with the reason, and leaves them out.
 */
export function amendCalendarChainWithAll(
  chain: readonly CalendarData[],
  amendments: readonly CalendarAmendment[],
): { chain: CalendarData[]; refused: Array<{ id: string; reason: string }> } {
  let current = [...chain];
  const refused: Array<{ id: string; reason: string }> = [];
  for (const amendment of inPublicationOrder(amendments)) {
    try {
      current = amendCalendarChain(current, amendment) ?? current;
    } catch (error) {
      refused.push({ id: amendment.id, reason: (error as Error).message });
    }
  }
  return { chain: current, refused };
}
