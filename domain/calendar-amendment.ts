/**
 * A calendar amendment: a Government decision or notice, published while dossiers are open, that
 * makes days off or working days in a jurisdiction from an effective date (DOMAIN.md §6: the PM
 * picks the Tết and 2/9 days each year, and has added a day off at short notice).
 *
 * Versioned data with its source (the decision's number and date). An amendment is the top layer of
 * a jurisdiction's calendar (domain/calendar.ts): what it says about a day wins over the rules and
 * the yearly notice. Pure, so the dossier workflow applies it from an update's payload.
 */
import { z } from 'zod';
import { makeCivilDateField, makeJurisdictionIdField, makeTextField } from './calendar-fields.js';
import { formatVietnameseDate } from './time.js';
import { parseOrThrow } from './validation.js';

export const amendmentIdSchema = z
  .string({ error: 'must be an amendment id such as 2025-qd-1234-quoc-khanh' })
  .regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, {
    error: 'must be lower-case letters and digits in hyphen-separated groups, e.g. 2025-qd-1234-quoc-khanh',
  })
  .max(80, { error: 'must be at most 80 characters' });

/** Built on first use: every workflow evaluates its own copy of the module, and few dossiers take an amendment. */
export const calendarAmendmentSchema = z.lazy(buildCalendarAmendmentSchema);

function buildCalendarAmendmentSchema() {
  const civilDateField = makeCivilDateField();
  const textField = makeTextField();
  const amendedDaySchema = z.strictObject({ date: civilDateField, name: textField });
  return z
    .strictObject({
      id: amendmentIdSchema,
      jurisdiction: makeJurisdictionIdField(),
      /** The decision or notice behind it: its number (e.g. 1234/QĐ-TTg) and the date it was signed. */
      source: z.strictObject({ number: textField, date: civilDateField }),
      /** When it was made public. */
      publishedOn: civilDateField,
      /** The first day it governs; every day it changes falls on or after it. */
      effectiveFrom: civilDateField,
      notes: z.string().optional(),
      /** Days it makes days off, each with its name (e.g. "Quốc khánh (nghỉ thêm)"). */
      daysOff: z.array(amendedDaySchema).default([]),
      /** Days it makes working days (e.g. a swapped Saturday), each with its name. */
      workingDays: z.array(amendedDaySchema).default([]),
    })
    .superRefine((amendment, ctx) => {
      for (const issue of amendmentIssues(amendment)) ctx.addIssue({ code: 'custom', ...issue });
    });
}

export type CalendarAmendment = z.output<typeof calendarAmendmentSchema>;
export type CalendarAmendmentInput = z.input<typeof calendarAmendmentSchema>;

interface FieldIssue {
  path: (string | number)[];
  message: string;
}

function amendmentIssues(amendment: CalendarAmendment): FieldIssue[] {
  const issues: FieldIssue[] = [];
  if (amendment.daysOff.length === 0 && amendment.workingDays.length === 0) {
    issues.push({
      path: ['daysOff'],
      message: 'an amendment must change at least one day (daysOff or workingDays)',
    });
  }
  if (amendment.publishedOn < amendment.source.date) {
    issues.push({
      path: ['publishedOn'],
      message: `must not be before the decision's date ${amendment.source.date}`,
    });
  }
  if (amendment.effectiveFrom < amendment.source.date) {
    issues.push({
      path: ['effectiveFrom'],
      message: `must not be before the decision's date ${amendment.source.date}`,
    });
  }
  const seen = new Set<string>();
  for (const list of ['daysOff', 'workingDays'] as const) {
    amendment[list].forEach((day, i) => {
      const path = [list, i, 'date'];
      if (day.date < amendment.effectiveFrom) {
        issues.push({ path, message: `must not be before effectiveFrom ${amendment.effectiveFrom}` });
      }
      if (seen.has(day.date)) issues.push({ path, message: `${day.date} is listed twice in the amendment` });
      seen.add(day.date);
    });
  }
  return issues;
}

/** Validates an amendment; the ValidationError names `what` and every failing field. */
export function parseCalendarAmendment(raw: unknown, what = 'calendar amendment'): CalendarAmendment {
  return parseOrThrow(calendarAmendmentSchema, raw, what);
}

/** What an amendment says about each day it changes: off (with the day's name) or working. */
export function amendedDays(
  amendment: CalendarAmendment,
): Array<{ date: string; off: boolean; name: string }> {
  return [
    ...amendment.daysOff.map((day) => ({ date: day.date, off: true, name: day.name })),
    ...amendment.workingDays.map((day) => ({ date: day.date, off: false, name: day.name })),
  ].sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0));
}

/** Amendments in the order they take effect: published first, then by id (a later one wins a day). */
export function inPublicationOrder<T extends Pick<CalendarAmendment, 'publishedOn' | 'id'>>(
  amendments: readonly T[],
): T[] {
  return [...amendments].sort((a, b) =>
    a.publishedOn !== b.publishedOn ? (a.publishedOn < b.publishedOn ? -1 : 1) : a.id < b.id ? -1 : 1,
  );
}

/** "văn bản số 1234/QĐ-TTg ngày 20/08/2025": the reference timelines and notices print. */
export function describeSource(amendment: Pick<CalendarAmendment, 'source'>): string {
  return `văn bản số ${amendment.source.number} ngày ${formatVietnameseDate(amendment.source.date)}`;
}
