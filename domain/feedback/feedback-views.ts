/** What officials and the public read of a feedback: limits, timeliness, satisfaction. */
import { type CivilDate, formatInstant, type Instant } from '../time.js';
import { type FeedbackLimit, type LimitName, type LimitOutcome, limitNames } from './feedback-limits.js';
import type { FeedbackState } from './feedback-state.js';
import { isOpen } from './feedback-timers.js';

export function reactionCounts(state: Pick<FeedbackState, 'reactions'>): { likes: number; dislikes: number } {
  const values = Object.values(state.reactions);
  const likes = values.filter(Boolean).length;
  return { likes, dislikes: values.length - likes };
}

/**
 * Indicator 5.2 for the handling unit: no limit missed, and the answer and publication not past
 * due while still open. A limit on an optional step (reject, forward, supplement) passing while
 * the feedback waits is a warning, not lateness: in-progress feedback counts as within time until
 * its 15 working days pass.
 */
export function isOnTime(state: FeedbackState): boolean {
  const limits = Object.values(state.limits).filter((l): l is FeedbackLimit => l !== undefined);
  if (limits.some((l) => l.outcome === 'missed')) return false;
  return state.limits.answer.outcome !== 'overdue' && state.limits.publish?.outcome !== 'overdue';
}

export interface Satisfaction {
  rated: boolean;
  satisfied?: boolean;
  likes: number;
  dislikes: number;
  /** Rated "not satisfied" by the submitter, or more dislikes than likes. */
  notSatisfied: boolean;
  followedUp: boolean;
  /** Any limit missed or overdue, here or at an earlier unit (a late transfer). */
  overdue: boolean;
  /** Indicator 5.3 numerator: none of not satisfied, followed up, overdue. */
  countsAsSatisfied: boolean;
}

export function satisfactionOf(state: FeedbackState): Satisfaction {
  const { likes, dislikes } = reactionCounts(state);
  const notSatisfied = state.rating?.satisfied === false || dislikes > likes;
  const followedUp = state.followUps.length > 0;
  const overdue = !isOnTime(state) || state.transfers.some((t) => !t.met);
  return {
    rated: state.rating !== undefined,
    satisfied: state.rating?.satisfied,
    likes,
    dislikes,
    notSatisfied,
    followedUp,
    overdue,
    countsAsSatisfied: !(notSatisfied || followedUp || overdue),
  };
}

export interface LimitView {
  name: LimitName;
  label: string;
  workingDays: number;
  from: string;
  dueDate: CivilDate;
  dueAt: string;
  outcome: LimitOutcome;
  doneAt?: string;
  overdueSince?: string;
}

export function limitViews(state: FeedbackState): LimitView[] {
  return (Object.keys(limitNames) as LimitName[]).flatMap((name) => {
    const limit = state.limits[name];
    if (!limit) return [];
    return [
      {
        name,
        label: limitNames[name],
        workingDays: limit.workingDays,
        from: formatInstant(limit.from),
        dueDate: limit.dueDate,
        dueAt: formatInstant(limit.dueAt),
        outcome: limit.outcome,
        doneAt: limit.doneAt === undefined ? undefined : formatInstant(limit.doneAt),
        overdueSince: limit.overdueSince === undefined ? undefined : formatInstant(limit.overdueSince),
      },
    ];
  });
}

/** The due instant supervisors should watch now: the open answer or publication limit. */
export function currentDueAt(state: FeedbackState): Instant | undefined {
  if (isOpen(state, 'publish')) return state.limits.publish?.dueAt;
  if (isOpen(state, 'answer')) return state.limits.answer.dueAt;
  return undefined;
}
