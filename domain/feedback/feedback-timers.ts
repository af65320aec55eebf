/** Timers of a feedback: each limit whose step is still open is flagged when it passes. */
import type { Instant } from '../time.js';
import type { FeedbackLimit, LimitName } from './feedback-limits.js';
import type { FeedbackDomainEvent } from './feedback-state.js';
import { type FeedbackState, type FeedbackTransition, record } from './feedback-state.js';
import { unclassifiedStatuses } from './feedback-status.js';

/** Whether the step a limit measures can still happen now. */
export function isOpen(state: FeedbackState, name: LimitName): boolean {
  if (state.endedAt !== undefined) return false;
  switch (name) {
    case 'reject':
    case 'forward':
      return unclassifiedStatuses.includes(state.status);
    case 'answer':
      return [...unclassifiedStatuses, 'DANG_XU_LY'].includes(state.status);
    case 'publish':
      return state.status === 'CHO_CONG_KHAI';
    case 'supplement':
      // Optional step: evaluated when a request is made, never flagged by a timer.
      return false;
  }
}

const timedLimits: readonly LimitName[] = ['reject', 'forward', 'answer', 'publish'];

/** The next instant a limit passes while its step is open; undefined if none. */
export function nextLimitCheckAt(state: FeedbackState): Instant | undefined {
  const times = timedLimits
    .filter((name) => isOpen(state, name))
    .map((name) => state.limits[name])
    .filter((limit): limit is FeedbackLimit => limit?.outcome === 'pending')
    .map((limit) => limit.dueAt);
  return times.length > 0 ? Math.min(...times) : undefined;
}

/** Flags every open limit that has passed by `now`; one `limit-overdue` event each. */
export function flagOverdueLimits(state: FeedbackState, now: Instant): FeedbackTransition | undefined {
  let limits = state.limits;
  const events: FeedbackDomainEvent[] = [];
  for (const name of timedLimits) {
    const limit = limits[name];
    if (limit?.outcome !== 'pending' || !isOpen(state, name) || now < limit.dueAt) continue;
    limits = { ...limits, [name]: { ...limit, outcome: 'overdue', overdueSince: now } };
    events.push({
      type: 'limit-overdue',
      at: now,
      data: { limit: name, workingDays: limit.workingDays, dueDate: limit.dueDate, unit: state.handlingUnit },
    });
  }
  if (events.length === 0) return undefined;
  return record({ ...state, limits }, now, 'limit-overdue', undefined, events);
}
