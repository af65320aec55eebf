/** Timers of a dossier: the apology check and the overdue flags (ND 61 Art 19(9)). */
import type { WorkingCalendar } from '../calendar.js';
import { decreeAppointment } from '../deadline.js';
import { addCalendarDays, type CivilDate, type Instant, startOfCivilDay } from '../time.js';
import { type DossierState, isFinishedProcessing, record, type Transition } from './dossier-state.js';

/** When the agency must have issued the apology at the latest: the working day before the due date. */
export function apologyCheckAt(state: DossierState, calendar: WorkingCalendar): Instant | undefined {
  if (!state.deadline || state.apology || state.apologyRequiredSince || isFinishedProcessing(state))
    return undefined;
  const due = decreeAppointment(state.deadline, calendar);
  if (!due) return undefined;
  const checkAt = startOfCivilDay(previousWorkingDay(due.dueDate, calendar));
  // A deadline of a day or less leaves no day before it: only the overdue check applies.
  return checkAt > (state.acceptedAt ?? 0) ? checkAt : undefined;
}

export function overdueCheckAt(state: DossierState, calendar: WorkingCalendar): Instant | undefined {
  if (!state.deadline || state.overdueSince || isFinishedProcessing(state)) return undefined;
  return decreeAppointment(state.deadline, calendar)?.dueAt;
}

export function flagApologyRequired(state: DossierState, at: Instant, calendar: WorkingCalendar): Transition {
  const due = state.deadline ? decreeAppointment(state.deadline, calendar) : undefined;
  const next: DossierState = { ...state, apologyRequiredSince: at };
  return record(next, at, 'apology-required', undefined, [
    {
      type: 'apology-required',
      at,
      data: { dueDate: due?.dueDate, agency: state.application.competentAgency },
    },
  ]);
}

export function flagOverdue(state: DossierState, at: Instant, calendar: WorkingCalendar): Transition {
  const due = state.deadline ? decreeAppointment(state.deadline, calendar) : undefined;
  const withoutApology = !state.apology;
  const next: DossierState = { ...state, overdueSince: at, overdueWithoutApology: withoutApology };
  return record(next, at, withoutApology ? 'overdue-without-apology' : 'overdue', undefined, [
    {
      type: withoutApology ? 'overdue-unapologized' : 'overdue',
      at,
      data: { dueDate: due?.dueDate, agency: state.application.competentAgency, escalate: true },
    },
  ]);
}

function previousWorkingDay(date: CivilDate, calendar: WorkingCalendar): CivilDate {
  let day = date;
  for (let i = 0; i < 60; i++) {
    day = addCalendarDays(day, -1);
    if (calendar.isWorkingDay(day)) return day;
  }
  return day;
}
