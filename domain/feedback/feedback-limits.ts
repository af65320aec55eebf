/**
 * Operational limits of a feedback (DVCQG PAKN system, indicator 5.2), in working days counted
 * like a statutory deadline from the submission or the latest transfer.
 */
import type { WorkingCalendar } from '../calendar.js';
import { computeAppointment } from '../deadline.js';
import type { CivilDate, Instant } from '../time.js';

export const limitNames = {
  reject: 'Từ chối tiếp nhận',
  supplement: 'Yêu cầu bổ sung lần đầu',
  forward: 'Chuyển cơ quan có thẩm quyền',
  answer: 'Xử lý, trả lời',
  publish: 'Công khai kết quả',
} as const;
export type LimitName = keyof typeof limitNames;

export interface FeedbackLimitRules {
  /** Identifies the rule set, kept with each feedback as received. */
  version: string;
  rejectWorkingDays: number;
  supplementWorkingDays: number;
  forwardWorkingDays: number;
  answerWorkingDays: number;
  publishWorkingDays: number;
}

/** DVCQG PAKN operational limits (DOMAIN.md §5, §2.3 indicator 5.2); forwarding per ND 20 Art 9(d). */
export const defaultFeedbackLimitRules: FeedbackLimitRules = {
  version: 'dvcqg-pakn-766',
  rejectWorkingDays: 2,
  supplementWorkingDays: 5,
  forwardWorkingDays: 5,
  answerWorkingDays: 15,
  publishWorkingDays: 2,
};

/**
 * - pending: the limited step may still come and its limit has not passed;
 * - overdue: still open, and its limit has passed (flagged by the timer);
 * - met / missed: the step happened within / after its limit;
 * - not-applicable: the step can no longer happen under this clock (e.g. the reject limit once the
 *   feedback is accepted).
 */
export type LimitOutcome = 'pending' | 'overdue' | 'met' | 'missed' | 'not-applicable';

export const limitOutcomeNames: Record<LimitOutcome, string> = {
  pending: 'Còn trong hạn',
  overdue: 'Quá hạn',
  met: 'Đúng hạn',
  missed: 'Trễ hạn',
  'not-applicable': 'Không áp dụng',
};

export interface FeedbackLimit {
  workingDays: number;
  /** Counting starts from this instant (submission, latest transfer, or the answer for publication). */
  from: Instant;
  dueDate: CivilDate;
  /** 24:00 of the due date. */
  dueAt: Instant;
  outcome: LimitOutcome;
  doneAt?: Instant;
  overdueSince?: Instant;
}

export interface FeedbackLimits {
  reject: FeedbackLimit;
  supplement: FeedbackLimit;
  forward: FeedbackLimit;
  answer: FeedbackLimit;
  /** Set once the feedback is answered. */
  publish?: FeedbackLimit;
}

export function openLimit(from: Instant, workingDays: number, calendar: WorkingCalendar): FeedbackLimit {
  const { dueDate, dueAt } = computeAppointment(from, { unit: 'working-days', value: workingDays }, calendar);
  return { workingDays, from, dueDate, dueAt, outcome: 'pending' };
}

export function openClock(
  from: Instant,
  rules: FeedbackLimitRules,
  calendar: WorkingCalendar,
): FeedbackLimits {
  return {
    reject: openLimit(from, rules.rejectWorkingDays, calendar),
    supplement: openLimit(from, rules.supplementWorkingDays, calendar),
    forward: openLimit(from, rules.forwardWorkingDays, calendar),
    answer: openLimit(from, rules.answerWorkingDays, calendar),
  };
}

export function done(limit: FeedbackLimit, at: Instant): FeedbackLimit {
  return { ...limit, doneAt: at, outcome: at <= limit.dueAt ? 'met' : 'missed' };
}

export function notApplicable(limit: FeedbackLimit): FeedbackLimit {
  return limit.outcome === 'pending' || limit.outcome === 'overdue'
    ? { ...limit, outcome: 'not-applicable', overdueSince: undefined }
    : limit;
}
