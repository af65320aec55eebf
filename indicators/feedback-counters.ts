/**
 * What one feedback (PAKN) contributes to its handling unit's counters for a period: indicators
 * 5.1–5.3 (DOMAIN.md §2.3 group 5). Pure and deterministic, like the dossier counters.
 */
import type { FeedbackFacts } from '../events/feedback-event-schema.js';
import {
  defaultPeriodKinds,
  type PeriodId,
  type PeriodKind,
  periodBounds,
  periodsContaining,
} from './periods.js';

export const feedbackCounterFields = [
  'receivedOrProcessed',
  'processedOnTime',
  'inProgressWithinTime',
  'firstReceived',
  'notSatisfiedFollowedUpOrOverdue',
  'classifiedRegulationOrConduct',
] as const;

export type FeedbackCounterField = (typeof feedbackCounterFields)[number];
export type FeedbackCounterValues = Record<FeedbackCounterField, number>;

export function emptyFeedbackCounters(): FeedbackCounterValues {
  return Object.fromEntries(feedbackCounterFields.map((field) => [field, 0])) as FeedbackCounterValues;
}

const instant = (text: string | undefined) => (text === undefined ? undefined : Date.parse(text));
const flag = (condition: boolean) => (condition ? 1 : 0);

/** Processing ends with the answer (chờ công khai) or with the refusal to accept it. */
function processedAt(facts: FeedbackFacts): number | undefined {
  return instant(facts.answeredAt ?? facts.rejectedAt);
}

/**
 * DOMAIN.md §2.3 (5.2): an open feedback is judged at "period end, or today": the period end once
 * it has passed, else the time of the newest facts (the workflow publishes new facts when a limit
 * passes, so they are never older than the last change of the judgement). Older events without
 * `observedAt` are judged at the period end.
 */
function judgementDay(facts: FeedbackFacts, periodEnd: number): number {
  const observedAt = instant(facts.observedAt);
  return observedAt === undefined ? periodEnd : Math.min(periodEnd, observedAt);
}

export function feedbackContribution(facts: FeedbackFacts, period: PeriodId): FeedbackCounterValues {
  const { start, end } = periodBounds(period);
  const within = (t: number | undefined) => t !== undefined && t >= start && t < end;
  const submitted = within(instant(facts.submittedAt));
  const processed = processedAt(facts);
  const processedInPeriod = within(processed);
  const judgedAt = judgementDay(facts, end);
  // Processed at the instant the facts were taken (its own answer event) is processed, not open;
  // judged at the period end, a feedback processed after the period was open.
  const openWhenJudged = processed === undefined || processed > judgedAt || processed >= end;
  const answerDueAt = Date.parse(facts.limits.answer.dueAt);
  const satisfaction = facts.satisfaction;
  return {
    receivedOrProcessed: flag(submitted || processedInPeriod),
    processedOnTime: flag(processedInPeriod && facts.onTime),
    // 5.2: still in progress, and within the 15 working days of the answer limit on the day judged.
    inProgressWithinTime: flag(submitted && openWhenJudged && judgedAt <= answerDueAt),
    firstReceived: flag(submitted),
    notSatisfiedFollowedUpOrOverdue: flag(
      submitted && (satisfaction.notSatisfied || satisfaction.followedUp || satisfaction.overdue),
    ),
    classifiedRegulationOrConduct: flag(submitted && facts.topic !== undefined),
  };
}

export function affectedFeedbackPeriods(
  facts: FeedbackFacts,
  kinds: readonly PeriodKind[] = defaultPeriodKinds,
): PeriodId[] {
  const times = [facts.submittedAt, facts.answeredAt, facts.rejectedAt];
  const ids = times.flatMap((text) => {
    const t = instant(text);
    return t === undefined ? [] : periodsContaining(t, kinds);
  });
  return [...new Set(ids)].sort();
}
