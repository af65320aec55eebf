/** The indicator 5.1–5.3 facts of a feedback (DOMAIN.md §2.3 group 5), carried by every event. */
import type { FeedbackLimit } from '../domain/feedback/feedback-limits.js';
import type { FeedbackState } from '../domain/feedback/feedback-state.js';
import { isOnTime, satisfactionOf } from '../domain/feedback/feedback-views.js';
import { formatInstant } from '../domain/time.js';
import type { FeedbackFacts, LimitFact } from './feedback-event-schema.js';

const iso = (instant: number | undefined) => (instant === undefined ? undefined : formatInstant(instant));

function limitFact(limit: FeedbackLimit): LimitFact {
  return {
    workingDays: limit.workingDays,
    from: formatInstant(limit.from),
    dueDate: limit.dueDate,
    dueAt: formatInstant(limit.dueAt),
    outcome: limit.outcome,
    doneAt: iso(limit.doneAt),
    overdueSince: iso(limit.overdueSince),
  };
}

/** The facts of a feedback as they stand at `observedAt` (workflow time of the event). */
export function feedbackFacts(state: FeedbackState, observedAt?: number): FeedbackFacts {
  const { feedback, limits } = state;
  return {
    channel: feedback.channel,
    submitterType: feedback.submitter.type,
    receivingUnit: feedback.receivingUnit,
    handlingUnit: state.handlingUnit,
    status: state.status,
    observedAt: iso(observedAt),
    about: feedback.about ? { ...feedback.about } : undefined,
    topic: state.topic,
    classification: state.classification,
    ruleVersion: state.rules.version,
    submittedAt: formatInstant(state.submittedAt),
    clockStartedAt: formatInstant(state.clockStartedAt),
    classifiedAt: iso(state.classifiedAt),
    rejectedAt: iso(state.rejection?.at),
    firstSupplementRequestedAt: iso(
      state.supplements.find((s) => s.requestedAt >= state.clockStartedAt)?.requestedAt,
    ),
    answeredAt: iso(state.answer?.at),
    publishedAt: iso(state.publication?.at),
    endedAt: iso(state.endedAt),
    transfers: state.transfers.map((t) => ({
      from: t.from,
      to: t.to,
      at: formatInstant(t.at),
      classification: t.classification,
      dueDate: t.dueDate,
      met: t.met,
    })),
    limits: {
      reject: limitFact(limits.reject),
      supplement: limitFact(limits.supplement),
      forward: limitFact(limits.forward),
      answer: limitFact(limits.answer),
      publish: limits.publish ? limitFact(limits.publish) : undefined,
    },
    onTime: isOnTime(state),
    measure: state.answer?.measure,
    satisfaction: satisfactionOf(state),
    followUps: state.followUps.map((f) => ({ feedbackId: f.feedbackId, at: formatInstant(f.at) })),
  };
}
