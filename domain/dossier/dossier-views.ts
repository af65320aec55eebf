/** What officials read of a dossier's deadline: the decree view and the Decision 766 view. */
import type { WorkingCalendar } from '../calendar.js';
import { decreeAppointment, evaluate766, isSuspended } from '../deadline.js';
import { type CivilDate, formatInstant, type Instant } from '../time.js';
import type { DossierState } from './dossier-state.js';

export interface DeadlineViews {
  decree?: { dueDate: CivilDate; dueAt: string; paused: boolean };
  decision766?: { dueDate: CivilDate; onTimeSoFar: boolean; pausedMs: number; lateReason?: string };
  paused: boolean;
  pauses: Array<{ from: string; to?: string }>;
  rescheduled: boolean;
}

export function deadlineViews(state: DossierState, now: Instant, calendar: WorkingCalendar): DeadlineViews {
  if (!state.deadline) return { paused: false, pauses: [], rescheduled: false };
  const paused = isSuspended(state.deadline);
  const decree = decreeAppointment(state.deadline, calendar);
  const terminalAt = state.decidedAt ?? state.endedAt;
  const e766 = evaluate766(state.deadline, calendar, terminalAt, now);
  return {
    decree: decree ? { dueDate: decree.dueDate, dueAt: formatInstant(decree.dueAt), paused } : undefined,
    decision766: {
      dueDate: e766.dueDate,
      onTimeSoFar: e766.onTime,
      pausedMs: e766.pausedMs,
      lateReason: e766.lateReason,
    },
    paused,
    pauses: state.deadline.suspensions.map((s) => ({
      from: formatInstant(s.requestedAt),
      to: s.resumedAt === undefined ? undefined : formatInstant(s.resumedAt),
    })),
    rescheduled: Boolean(state.deadline.reschedule),
  };
}
