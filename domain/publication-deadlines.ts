/**
 * The deadlines of publishing a procedure, in working days of the issuer's calendar:
 * - the QĐCB, at the latest N working days before the newest legal document of its basis takes
 *   effect (ND 63/2010 Art 15 as amended: "chậm nhất trước 20 ngày"; Decision 766 indicator 1.1:
 *   20 for ministries, 5 for a province's QĐCB đặc thù; DOMAIN.md §2.3);
 * - making it public on CSDLQG, within N working days of the QĐCB (ND 63/2010 Art 24 as amended
 *   by ND 92/2017; indicator 1.2): 10 for a ministry, 5 for a province, 2 when a legal document
 *   of its basis was adopted by the shortened procedure.
 * And the list of what falls due within a few working days, for the officials' reminders.
 */
import type { WorkingCalendar } from './calendar.js';
import type {
  IssuerLevel,
  LegalDocument,
  PublicationDecision,
  PublicationRecords,
  PublishedProcedure,
  ResponsibleOfficial,
} from './publication-records.js';
import { addCalendarDays, type CivilDate } from './time.js';

export const publicationDeadlineRules = {
  /** Working days between the QĐCB and the effective date, per issuer level (1.1). */
  leadWorkingDays: { ministry: 20, province: 5 } satisfies Record<IssuerLevel, number>,
  /** Working days from the QĐCB to the disclosure on CSDLQG, per issuer level (1.2). */
  disclosureWorkingDays: { ministry: 10, province: 5 } satisfies Record<IssuerLevel, number>,
  /** … when a legal document of the basis was adopted by the shortened procedure. */
  shortenedProcedureDisclosureWorkingDays: 2,
} as const;

/**
 * Whether indicator 1.1 judges a decision's timing: every ministry QĐCB, and a province's QĐCB
 * đặc thù (a province's other decisions list what a ministry published and rest on its timing).
 */
export function judgedForTimelyPublication(level: IssuerLevel, decision: PublicationDecision): boolean {
  return level === 'ministry' || decision.kind === 'dac-thu';
}

/**
 * The n-th working day before `date` (the mirror of `addWorkingDays`: `date` itself is not
 * counted): the latest day a QĐCB may bear to be n working days ahead of an effective date.
 */
export function workingDaysBefore(
  calendar: Pick<WorkingCalendar, 'isWorkingDay'>,
  date: CivilDate,
  n: number,
): CivilDate {
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`n must be a whole number ≥ 0, got ${n}`);
  let day = date;
  for (let counted = 0; counted < n; ) {
    day = addCalendarDays(day, -1);
    if (calendar.isWorkingDay(day)) counted++;
  }
  return day;
}

/** The newest effective date among the legal documents of an entry's basis (known documents only). */
export function newestEffectiveDate(
  entry: PublishedProcedure,
  documents: ReadonlyMap<string, LegalDocument>,
): CivilDate | undefined {
  const dates = entry.legalBasis.flatMap((number) => documents.get(number)?.effectiveFrom ?? []);
  return dates.sort().at(-1);
}

/** The latest day the QĐCB of a procedure may bear (1.1). */
export function publicationDeadline(
  effectiveFrom: CivilDate,
  level: IssuerLevel,
  calendar: Pick<WorkingCalendar, 'isWorkingDay'>,
): CivilDate {
  return workingDaysBefore(calendar, effectiveFrom, publicationDeadlineRules.leadWorkingDays[level]);
}

/** The last day to make a decision's procedure public on CSDLQG (1.2). */
export function disclosureDeadline(
  decision: PublicationDecision,
  entry: PublishedProcedure,
  level: IssuerLevel,
  documents: ReadonlyMap<string, LegalDocument>,
  calendar: Pick<WorkingCalendar, 'addWorkingDays'>,
): CivilDate {
  const shortened = entry.legalBasis.some((number) => documents.get(number)?.shortenedProcedure);
  const days = shortened
    ? publicationDeadlineRules.shortenedProcedureDisclosureWorkingDays
    : publicationDeadlineRules.disclosureWorkingDays[level];
  return calendar.addWorkingDays(decision.issuedOn, days);
}

// ---------------------------------------------------------------------------------------------
// What falls due soon

export type DueKind = 'publication' | 'disclosure';

export interface PublicationDue {
  kind: DueKind;
  /** The issuer that must act, and its officials in charge of procedure control. */
  issuer: string;
  officials: ResponsibleOfficial[];
  procedure: string;
  /** 'publication': the legal document to publish; 'disclosure': the decision to make public. */
  reference: string;
  deadline: CivilDate;
  /** Working days from `today` to the deadline; negative (or 0 on a day off) once it has passed. */
  workingDaysLeft: number;
  overdue: boolean;
}

export interface DueOptions {
  today: CivilDate;
  /** Items whose deadline is at most this many working days away (overdue ones included). */
  withinWorkingDays: number;
  calendarOf: (unit: string) => WorkingCalendar;
}

/**
 * Procedures a legal document names for an issuer that no decision of that issuer publishes on
 * that basis yet (the QĐCB deadline of 1.1), and decided procedures not yet made public on CSDLQG
 * (the disclosure deadline of 1.2), due within `withinWorkingDays` or overdue; soonest first.
 */
export function publicationsDue(records: PublicationRecords, options: DueOptions): PublicationDue[] {
  const items = [...publicationsToIssue(records, options), ...disclosuresToMake(records, options)];
  return items
    .filter((item) => item.workingDaysLeft <= options.withinWorkingDays)
    .sort((a, b) => a.deadline.localeCompare(b.deadline) || a.procedure.localeCompare(b.procedure));
}

function timeLeft(calendar: WorkingCalendar, today: CivilDate, deadline: CivilDate) {
  const workingDaysLeft =
    deadline >= today
      ? calendar.workingDaysBetween(today, deadline)
      : -calendar.workingDaysBetween(deadline, today);
  return { deadline, workingDaysLeft, overdue: deadline < today };
}

function publicationsToIssue(records: PublicationRecords, options: DueOptions): PublicationDue[] {
  const issuers = new Map(records.issuers.map((issuer) => [issuer.unit, issuer]));
  return records.legalDocuments.flatMap((document) => {
    const issuer = document.publishedBy === undefined ? undefined : issuers.get(document.publishedBy);
    if (!issuer) return [];
    const calendar = options.calendarOf(issuer.unit);
    const deadline = publicationDeadline(document.effectiveFrom, issuer.level, calendar);
    const published = new Set(
      records.decisions
        .filter((decision) => decision.issuer === issuer.unit)
        .flatMap((decision) => decision.procedures)
        .filter((entry) => entry.legalBasis.includes(document.number))
        .map((entry) => entry.code),
    );
    return document.procedures
      .filter((code) => !published.has(code))
      .map((procedure) => ({
        kind: 'publication' as const,
        issuer: issuer.unit,
        officials: issuer.officials,
        procedure,
        reference: document.number,
        ...timeLeft(calendar, options.today, deadline),
      }));
  });
}

function disclosuresToMake(records: PublicationRecords, options: DueOptions): PublicationDue[] {
  const issuers = new Map(records.issuers.map((issuer) => [issuer.unit, issuer]));
  const documents = new Map(records.legalDocuments.map((document) => [document.number, document]));
  const disclosed = new Set(records.disclosures.map((d) => `${d.procedure} ${d.decision}`));
  return records.decisions.flatMap((decision) => {
    const issuer = issuers.get(decision.issuer);
    if (!issuer) return [];
    const calendar = options.calendarOf(issuer.unit);
    return decision.procedures
      .filter((entry) => !disclosed.has(`${entry.code} ${decision.number}`))
      .map((entry) => {
        const deadline = disclosureDeadline(decision, entry, issuer.level, documents, calendar);
        return {
          kind: 'disclosure' as const,
          issuer: issuer.unit,
          officials: issuer.officials,
          procedure: entry.code,
          reference: decision.number,
          ...timeLeft(calendar, options.today, deadline),
        };
      });
  });
}
