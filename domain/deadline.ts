/**
 * Statutory deadlines (DOMAIN.md §1.4, §1.1 step 9, §2.3 indicator 2.1).
 *
 * A dossier's processing time is a budget counted on the working-day calendar from the day after
 * receipt. A ledger of suspensions (supplementation requests during processing) and at most one
 * reschedule (the apology letter) lets both official views be computed from the same facts:
 * - the decree's (ND 61 Art 19(4) as amended by ND 107/2021): the deadline restarts from zero once
 *   the complete dossier arrives;
 * - Decision 766's: the supplementation interval is subtracted from the end time, and more than
 *   one supplementation request counts as late.
 */
import type { WorkingCalendar } from './calendar.js';
import type { StatutoryDuration } from './duration.js';
import {
  addCalendarDays,
  atCivilTime,
  type CivilDate,
  type Instant,
  minutesOfDay,
  parseClock,
  startOfCivilDay,
  toCivilDate,
} from './time.js';

export interface Appointment {
  /** The appointment date (ngày hẹn trả kết quả). */
  dueDate: CivilDate;
  /** The period ends at 24:00 of the due date (Civil Code Art 148(1)), or at the exact hour for hour budgets. */
  dueAt: Instant;
}

/**
 * How a dossier received outside office hours (online at night or at the weekend) counts.
 * 'next-working-day' (default): received on the next working day, the common practice that
 * DOMAIN.md §1.4 marks UNCONFIRMED. 'as-received': the Civil Code rule applied to the raw instant.
 */
export type OffHoursReceipt = 'next-working-day' | 'as-received';

export interface DeadlinePolicy {
  offHoursReceipt: OffHoursReceipt;
}

export const defaultDeadlinePolicy: DeadlinePolicy = { offHoursReceipt: 'next-working-day' };

/** The instant 24:00 of a civil date, i.e. the start of the next day. */
export function endOfCivilDay(date: CivilDate): Instant {
  return startOfCivilDay(addCalendarDays(date, 1));
}

function officeClose(calendar: WorkingCalendar): number {
  return Math.max(...calendar.officeHours.map((span) => parseClock(span.end)));
}

/** The civil date a receipt counts on, under the off-hours policy. */
export function receiptDate(
  receivedAt: Instant,
  calendar: WorkingCalendar,
  policy: DeadlinePolicy = defaultDeadlinePolicy,
): CivilDate {
  const date = toCivilDate(receivedAt);
  if (policy.offHoursReceipt === 'as-received') return date;
  if (!calendar.isWorkingDay(date)) return calendar.nextWorkingDay(date);
  if (minutesOfDay(receivedAt) >= officeClose(calendar)) return calendar.nextWorkingDay(date);
  return date;
}

/** The appointment for a dossier received at `receivedAt` with a statutory duration. */
export function computeAppointment(
  receivedAt: Instant,
  duration: StatutoryDuration,
  calendar: WorkingCalendar,
  policy: DeadlinePolicy = defaultDeadlinePolicy,
): Appointment {
  switch (duration.unit) {
    case 'working-days': {
      const dueDate = calendar.addWorkingDays(receiptDate(receivedAt, calendar, policy), duration.value);
      return { dueDate, dueAt: endOfCivilDay(dueDate) };
    }
    case 'same-day': {
      const dueDate = sameDayDueDate(receivedAt, duration.cutoff, calendar);
      return { dueDate, dueAt: endOfCivilDay(dueDate) };
    }
    case 'working-hours': {
      const dueAt = addWorkingHours(receivedAt, duration.value, calendar);
      return { dueDate: toCivilDate(dueAt), dueAt };
    }
  }
}

/** Same-day procedures: due today if received on a working day before the cut-off, else the next working day. */
function sameDayDueDate(receivedAt: Instant, cutoff: string, calendar: WorkingCalendar): CivilDate {
  const date = toCivilDate(receivedAt);
  if (calendar.isWorkingDay(date) && minutesOfDay(receivedAt) < parseClock(cutoff)) return date;
  return calendar.nextWorkingDay(date);
}

/** Adds a number of office hours, counted only inside the calendar's office hours on working days. */
export function addWorkingHours(from: Instant, hours: number, calendar: WorkingCalendar): Instant {
  let remainingMs = hours * 3_600_000;
  let date = toCivilDate(from);
  for (let guard = 0; guard < 3_660; guard++) {
    if (calendar.isWorkingDay(date)) {
      for (const span of calendar.officeHours) {
        const start = Math.max(atCivilTime(date, span.start), from);
        const end = atCivilTime(date, span.end);
        if (end <= start) continue;
        if (end - start >= remainingMs) return start + remainingMs;
        remainingMs -= end - start;
      }
    }
    date = addCalendarDays(date, 1);
  }
  throw new RangeError(`Cannot add ${hours} working hours: the calendar has no office hours for ten years`);
}

/** Working days d with day(from) < d ≤ day(to), Vietnam time. */
export function workingDaysBetweenInstants(from: Instant, to: Instant, calendar: WorkingCalendar): number {
  return calendar.workingDaysBetween(toCivilDate(from), toCivilDate(to));
}

// ---------------------------------------------------------------------------------------------
// The ledger

export interface Suspension {
  /** When the supplementation request was issued (the clock stops). */
  requestedAt: Instant;
  /** When the complete dossier came back (the clock resumes); absent while the applicant is still away. */
  resumedAt?: Instant;
}

export interface Reschedule {
  at: Instant;
  /** The due date before the apology letter. */
  previousDueDate: CivilDate;
  newDueDate: CivilDate;
  reason: string;
}

export interface DeadlineLedger {
  receivedAt: Instant;
  duration: StatutoryDuration;
  suspensions: Suspension[];
  /** The apology-and-reschedule: at most once (ND 61 Art 19(9) as amended). */
  reschedule?: Reschedule;
}

export function openLedger(receivedAt: Instant, duration: StatutoryDuration): DeadlineLedger {
  return { receivedAt, duration, suspensions: [] };
}

export class DeadlineRuleError extends Error {
  override name = 'DeadlineRuleError';
}

export function isSuspended(ledger: DeadlineLedger): boolean {
  const last = ledger.suspensions.at(-1);
  return last !== undefined && last.resumedAt === undefined;
}

export function suspend(ledger: DeadlineLedger, at: Instant): DeadlineLedger {
  if (isSuspended(ledger)) throw new DeadlineRuleError('The clock is already paused for a supplementation');
  if (at < lastEventAt(ledger))
    throw new DeadlineRuleError('A pause cannot start before the last recorded event');
  return { ...ledger, suspensions: [...ledger.suspensions, { requestedAt: at }] };
}

export function resume(ledger: DeadlineLedger, at: Instant): DeadlineLedger {
  const last = ledger.suspensions.at(-1);
  if (!last || last.resumedAt !== undefined) throw new DeadlineRuleError('The clock is not paused');
  if (at < last.requestedAt) throw new DeadlineRuleError('The clock cannot resume before it was paused');
  return { ...ledger, suspensions: [...ledger.suspensions.slice(0, -1), { ...last, resumedAt: at }] };
}

export function reschedule(
  ledger: DeadlineLedger,
  at: Instant,
  newDueDate: CivilDate,
  reason: string,
  calendar: WorkingCalendar,
): DeadlineLedger {
  if (ledger.reschedule) {
    throw new DeadlineRuleError(
      'The appointment has already been rescheduled once (ND 61 Art 19(9): không quá một lần)',
    );
  }
  const previousDueDate = decreeAppointment(ledger, calendar)?.dueDate;
  if (!previousDueDate)
    throw new DeadlineRuleError('The appointment cannot be rescheduled while the clock is paused');
  if (newDueDate <= previousDueDate) {
    throw new DeadlineRuleError(
      `The new appointment ${newDueDate} must be after the current one ${previousDueDate}`,
    );
  }
  if (!calendar.isWorkingDay(newDueDate)) {
    throw new DeadlineRuleError(`The new appointment ${newDueDate} is not a working day`);
  }
  return { ...ledger, reschedule: { at, previousDueDate, newDueDate, reason } };
}

function lastEventAt(ledger: DeadlineLedger): Instant {
  const last = ledger.suspensions.at(-1);
  return last?.resumedAt ?? last?.requestedAt ?? ledger.receivedAt;
}

function pausedMs(ledger: DeadlineLedger, endAt: Instant): number {
  return ledger.suspensions.reduce(
    (sum, s) => sum + Math.max(0, Math.min(s.resumedAt ?? endAt, endAt) - s.requestedAt),
    0,
  );
}

/**
 * The rescheduled appointment. It was a working day when the apology set it; should a calendar
 * amendment make it a day off, the period ends on the next working day (Civil Code Art 148(5)).
 */
export function rescheduledDueDate(ledger: DeadlineLedger, calendar: WorkingCalendar): CivilDate | undefined {
  return ledger.reschedule ? calendar.onOrAfterWorkingDay(ledger.reschedule.newDueDate) : undefined;
}

/**
 * The decree's view: the deadline restarts in full once the complete dossier arrives. Undefined
 * while the applicant is supplementing (no deadline runs). A reschedule replaces the due date.
 */
export function decreeAppointment(
  ledger: DeadlineLedger,
  calendar: WorkingCalendar,
  policy: DeadlinePolicy = defaultDeadlinePolicy,
): Appointment | undefined {
  const rescheduled = rescheduledDueDate(ledger, calendar);
  if (rescheduled) return { dueDate: rescheduled, dueAt: endOfCivilDay(rescheduled) };
  if (isSuspended(ledger)) return undefined;
  const clockStart = ledger.suspensions.at(-1)?.resumedAt ?? ledger.receivedAt;
  return computeAppointment(clockStart, ledger.duration, calendar, policy);
}

export type LateReason = 'past-due' | 'more-than-one-supplementation';

export interface Evaluation766 {
  /** NgayHenTra: the original appointment, or the rescheduled one. */
  dueDate: CivilDate;
  dueAt: Instant;
  /** The end counted: the terminal instant, the period end for a pending dossier, or the request time while waiting for the applicant. */
  endAt: Instant;
  /** Time spent waiting for the applicant, subtracted from the end. */
  pausedMs: number;
  effectiveEndAt: Instant;
  onTime: boolean;
  lateReason?: LateReason;
}

/** NgayHenTra as Decision 766 reads it: the appointment counted from receipt, or the rescheduled one. */
export function appointment766(
  ledger: DeadlineLedger,
  calendar: WorkingCalendar,
  policy: DeadlinePolicy = defaultDeadlinePolicy,
): Appointment {
  const rescheduled = rescheduledDueDate(ledger, calendar);
  if (rescheduled) return { dueDate: rescheduled, dueAt: endOfCivilDay(rescheduled) };
  return computeAppointment(ledger.receivedAt, ledger.duration, calendar, policy);
}

/**
 * Decision 766 indicator 2.1 for one dossier (DOMAIN.md §2.3): end = terminal instant, or the
 * period end while pending; a dossier still waiting for the applicant ends at the request time;
 * completed supplementation intervals are subtracted; more than one request is late.
 */
export function evaluate766(
  ledger: DeadlineLedger,
  calendar: WorkingCalendar,
  terminalAt: Instant | undefined,
  periodEndAt: Instant,
  policy: DeadlinePolicy = defaultDeadlinePolicy,
): Evaluation766 {
  const { dueDate, dueAt } = appointment766(ledger, calendar, policy);
  const waiting = isSuspended(ledger) && terminalAt === undefined;
  const endAt = waiting
    ? (ledger.suspensions.at(-1)?.requestedAt ?? periodEndAt)
    : (terminalAt ?? periodEndAt);
  const paused = pausedMs(ledger, endAt);
  const effectiveEndAt = endAt - paused;
  const base = { dueDate, dueAt, endAt, pausedMs: paused, effectiveEndAt };
  if (ledger.suspensions.length > 1)
    return { ...base, onTime: false, lateReason: 'more-than-one-supplementation' };
  // On time ⇔ end ≤ due (DOMAIN.md §2.3): an end at exactly 24:00 of the due date is on time.
  if (effectiveEndAt > dueAt) return { ...base, onTime: false, lateReason: 'past-due' };
  return { ...base, onTime: true };
}
