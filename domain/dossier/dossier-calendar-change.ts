/**
 * A calendar amendment reaching an open dossier (DOMAIN.md §1.4, §6): the dossier's calendar takes
 * the amendment and its deadlines are counted again on it — the decree's appointment, Decision
 * 766's NgayHenTra and the pending liên thông shares. Nothing else moves: the ledger keeps its
 * facts (receipt, pauses, the one reschedule), so the timers that derive from it (the apology
 * check, the overdue flag, the supplementation limit) follow on their own.
 *
 * A dossier already decided or ended keeps its calendar: its deadline has been judged.
 */

import {
  amendCalendarChain,
  type CalendarData,
  createChainCalendar,
  hasAmendment,
  type WorkingCalendar,
} from '../calendar.js';
import { type CalendarAmendment, describeSource } from '../calendar-amendment.js';
import { appointment766, decreeAppointment } from '../deadline.js';
import { type CivilDate, formatVietnameseDate, type Instant, toCivilDate } from '../time.js';
import { reject } from './dossier-rejection.js';
import { type DossierState, isFinishedProcessing, record, type Transition } from './dossier-state.js';
import { closedStatuses } from './dossier-status.js';

export type AmendmentSkipReason = 'other-jurisdiction' | 'already-applied' | 'decided-or-closed';

/** What an amendment does, or would do, to one dossier. */
export interface AmendmentOutcome {
  code: string;
  amendmentId: string;
  /** The dossier's calendar took the amendment (or would take it, in a preview). */
  applied: boolean;
  skipped?: AmendmentSkipReason;
  /** A deadline moved: an event and a timeline entry record it. */
  changed: boolean;
  /** The decree's appointment (ngày hẹn trả kết quả) before and after; absent while the clock is paused. */
  previousDueDate?: CivilDate;
  dueDate?: CivilDate;
  /** Decision 766's NgayHenTra before and after. */
  previous766DueDate?: CivilDate;
  due766Date?: CivilDate;
  /** Pending liên thông shares whose due date moved. */
  interAgency: Array<{ agency: string; previousDueDate: CivilDate; dueDate: CivilDate }>;
}

export interface AmendmentPlan {
  outcome: AmendmentOutcome;
  /** The amended calendar chain and calendar, when the dossier takes the amendment. */
  chain?: CalendarData[];
  calendar?: WorkingCalendar;
}

/** Whether the dossier's deadlines are still running (received, not yet decided, not ended). */
export function deadlinesStillRun(state: DossierState): boolean {
  if (closedStatuses.has(state.status) || state.status === 'TU_CHOI') return false;
  return !isFinishedProcessing(state);
}

/**
 * What the amendment does to the dossier whose calendar is built from `chain`. Refuses (INVALID_INPUT)
 * an amendment the dossier's calendar cannot take, e.g. working days for a calendar that extends another.
 */
export function planCalendarAmendment(
  state: DossierState,
  chain: readonly CalendarData[],
  calendar: WorkingCalendar,
  amendment: CalendarAmendment,
): AmendmentPlan {
  const unchanged = { code: state.code, amendmentId: amendment.id, changed: false, interAgency: [] };
  const target = chain.find((data) => data.jurisdiction === amendment.jurisdiction);
  if (!target) return { outcome: { ...unchanged, applied: false, skipped: 'other-jurisdiction' } };
  if (hasAmendment(target, amendment.id))
    return { outcome: { ...unchanged, applied: false, skipped: 'already-applied' } };
  if (!deadlinesStillRun(state))
    return { outcome: { ...unchanged, applied: false, skipped: 'decided-or-closed' } };
  let amendedChain: CalendarData[];
  try {
    amendedChain = amendCalendarChain(chain, amendment) ?? [...chain];
  } catch (error) {
    reject('INVALID_INPUT', (error as Error).message);
  }
  const amended = createChainCalendar(amendedChain);
  return {
    outcome: { ...compareDeadlines(state, calendar, amended), amendmentId: amendment.id, applied: true },
    chain: amendedChain,
    calendar: amended,
  };
}

function compareDeadlines(
  state: DossierState,
  before: WorkingCalendar,
  after: WorkingCalendar,
): Omit<AmendmentOutcome, 'amendmentId' | 'applied'> {
  const ledger = state.deadline;
  const previousDueDate = ledger ? decreeAppointment(ledger, before)?.dueDate : undefined;
  const dueDate = ledger ? decreeAppointment(ledger, after)?.dueDate : undefined;
  const previous766DueDate = ledger ? appointment766(ledger, before).dueDate : undefined;
  const due766Date = ledger ? appointment766(ledger, after).dueDate : undefined;
  const interAgency = state.interAgency
    .filter((task) => !task.completedAt)
    .map((task) => ({
      agency: task.agency,
      previousDueDate: task.dueDate,
      dueDate: after.addWorkingDays(toCivilDate(task.startedAt), task.workingDays),
    }))
    .filter((task) => task.dueDate !== task.previousDueDate);
  const changed = previousDueDate !== dueDate || previous766DueDate !== due766Date || interAgency.length > 0;
  return { code: state.code, changed, previousDueDate, dueDate, previous766DueDate, due766Date, interAgency };
}

/** The moved deadlines, recorded: the pending liên thông shares take their new dates; an event and a timeline entry. */
export function recordDeadlineChange(
  state: DossierState,
  outcome: AmendmentOutcome,
  amendment: CalendarAmendment,
  at: Instant,
): Transition {
  const moved = new Map(outcome.interAgency.map((task) => [task.agency, task.dueDate]));
  const next: DossierState = {
    ...state,
    interAgency: state.interAgency.map((task) =>
      !task.completedAt && moved.has(task.agency)
        ? { ...task, dueDate: moved.get(task.agency) as CivilDate }
        : task,
    ),
  };
  const { previousDueDate, dueDate, previous766DueDate, due766Date, interAgency } = outcome;
  return record(
    next,
    at,
    'deadline-recomputed',
    undefined,
    [
      {
        type: 'deadline-recomputed',
        at,
        data: {
          amendmentId: amendment.id,
          jurisdiction: amendment.jurisdiction,
          source: amendment.source,
          previousDueDate,
          dueDate,
          previous766DueDate,
          due766Date,
          interAgency,
        },
      },
    ],
    describeDeadlineChange(outcome, amendment),
  );
}

/** The timeline's note: which decision, and which dates moved from what to what. */
export function describeDeadlineChange(outcome: AmendmentOutcome, amendment: CalendarAmendment): string {
  const moves: string[] = [];
  const move = (what: string, from?: CivilDate, to?: CivilDate) => {
    if (from && to && from !== to)
      moves.push(`${what} từ ${formatVietnameseDate(from)} sang ${formatVietnameseDate(to)}`);
  };
  move('ngày hẹn trả kết quả', outcome.previousDueDate, outcome.dueDate);
  if (outcome.previous766DueDate !== outcome.previousDueDate || outcome.due766Date !== outcome.dueDate)
    move('ngày hẹn trả theo Quyết định 766', outcome.previous766DueDate, outcome.due766Date);
  for (const task of outcome.interAgency)
    move(`hạn liên thông của ${task.agency}`, task.previousDueDate, task.dueDate);
  return `Lịch làm việc thay đổi theo ${describeSource(amendment)}: ${moves.join('; ')}`;
}

/** The applicant's notice when the appointment moved; undefined when it did not. */
export function deadlineChangeNotice(
  outcome: AmendmentOutcome,
  amendment: CalendarAmendment,
): string | undefined {
  const { previousDueDate, dueDate } = outcome;
  if (!previousDueDate || !dueDate || previousDueDate === dueDate) return undefined;
  return `Hồ sơ ${outcome.code}: theo ${describeSource(amendment)} về ngày nghỉ, ngày làm việc, ngày hẹn trả kết quả đổi từ ${formatVietnameseDate(previousDueDate)} sang ${formatVietnameseDate(dueDate)}`;
}
