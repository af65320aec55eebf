import { describe, expect, it } from 'vitest';
import { type FeedbackFacts, feedbackFactsSchema } from '../../events/feedback-event-schema.js';
import { affectedFeedbackPeriods, feedbackContribution } from '../../indicators/feedback-counters.js';

const limit = (dueDate: string, outcome: 'pending' | 'met' = 'pending') => ({
  workingDays: 15,
  from: '2026-11-02T09:00:00+07:00',
  dueDate,
  dueAt: `${dueDate}T23:59:59+07:00`,
  outcome,
});

function facts(overrides: Partial<FeedbackFacts> = {}): FeedbackFacts {
  return feedbackFactsSchema.parse({
    channel: 'online',
    submitterType: 'citizen',
    receivingUnit: '000.00.12.H99',
    handlingUnit: '000.00.12.H99',
    status: 'DANG_XU_LY',
    ruleVersion: 'ND20-2008',
    submittedAt: '2026-11-02T09:00:00+07:00',
    clockStartedAt: '2026-11-02T09:00:00+07:00',
    transfers: [],
    limits: {
      reject: limit('2026-11-04'),
      supplement: limit('2026-11-09'),
      forward: limit('2026-11-09'),
      answer: limit('2026-11-23'),
    },
    onTime: true,
    satisfaction: {
      rated: false,
      likes: 0,
      dislikes: 0,
      notSatisfied: false,
      followedUp: false,
      overdue: false,
      countsAsSatisfied: true,
    },
    followUps: [],
    ...overrides,
  });
}

describe('§2.3 5.2 and 5.3 feedback counters', () => {
  it('5.2: an answered feedback counts in the period of its answer, on time or not', () => {
    const answered = facts({ answeredAt: '2026-12-01T10:00:00+07:00', status: 'CHO_CONG_KHAI' });
    expect(feedbackContribution(answered, '2026-11')).toMatchObject({
      firstReceived: 1,
      receivedOrProcessed: 1,
      processedOnTime: 0,
    });
    expect(feedbackContribution(answered, '2026-12')).toMatchObject({
      firstReceived: 0,
      receivedOrProcessed: 1,
      processedOnTime: 1,
    });
    const late = { ...answered, onTime: false };
    expect(feedbackContribution(late, '2026-12').processedOnTime).toBe(0);
  });

  it('5.2: still in progress at the period end counts as within time only up to the 15-working-day answer limit', () => {
    expect(feedbackContribution(facts(), '2026-11-20').inProgressWithinTime).toBe(0); // submitted on another day
    expect(feedbackContribution(facts(), '2026-11').inProgressWithinTime).toBe(0); // 30/11 is past the 23/11 limit
    const early = facts({ limits: { ...facts().limits, answer: limit('2026-12-10') } });
    expect(feedbackContribution(early, '2026-11').inProgressWithinTime).toBe(1);
  });

  it('DOMAIN.md §2.3 5.2 "period end, or today": a feedback still within its limit today is not late while the period runs', () => {
    // November has not ended when the facts are taken on 10/11: judged on that day, within the 23/11 limit.
    const today = facts({ observedAt: '2026-11-10T09:00:00+07:00' });
    expect(feedbackContribution(today, '2026-11').inProgressWithinTime).toBe(1);
    // The workflow publishes new facts when the limit passes: from then on, late.
    const pastLimit = facts({ observedAt: '2026-11-24T00:00:00+07:00' });
    expect(feedbackContribution(pastLimit, '2026-11').inProgressWithinTime).toBe(0);
    // Facts taken after the period ended: judged at the period end, as before.
    const later = facts({ observedAt: '2026-12-05T09:00:00+07:00' });
    expect(feedbackContribution(later, '2026-11').inProgressWithinTime).toBe(0);
  });

  it('5.2: a feedback answered on time while the period runs counts once, not also as in progress', () => {
    // The answer's own event: its facts are taken at the instant of the answer.
    const answeredAt = '2026-11-10T10:00:00+07:00';
    const answered = facts({ answeredAt, observedAt: answeredAt, status: 'CHO_CONG_KHAI' });
    expect(feedbackContribution(answered, '2026-11')).toMatchObject({
      receivedOrProcessed: 1,
      processedOnTime: 1,
      inProgressWithinTime: 0,
    });
    // Answered after November: in progress at its end, and processed in December.
    const inDecember = facts({ answeredAt: '2026-12-01T00:00:00+07:00', status: 'CHO_CONG_KHAI' });
    const early = { ...inDecember, limits: { ...inDecember.limits, answer: limit('2026-12-10') } };
    expect(feedbackContribution(early, '2026-11')).toMatchObject({
      processedOnTime: 0,
      inProgressWithinTime: 1,
    });
  });

  it('5.3: not satisfied, followed up or overdue each count once, in the period first received', () => {
    const unhappy = facts({
      satisfaction: { ...facts().satisfaction, notSatisfied: true, overdue: true, followedUp: true },
    });
    expect(feedbackContribution(unhappy, '2026-11').notSatisfiedFollowedUpOrOverdue).toBe(1);
    expect(feedbackContribution(unhappy, '2026-12').notSatisfiedFollowedUpOrOverdue).toBe(0);
  });

  it('5.1: classified feedback counts when a topic is known', () => {
    expect(feedbackContribution(facts(), '2026-11').classifiedRegulationOrConduct).toBe(0);
    expect(feedbackContribution(facts({ topic: 'quy-dinh' }), '2026-11').classifiedRegulationOrConduct).toBe(
      1,
    );
  });

  it('revisits the periods of submission and of processing', () => {
    const rejected = facts({ rejectedAt: '2027-01-02T08:00:00+07:00', status: 'KHONG_TIEP_NHAN' });
    const periods = affectedFeedbackPeriods(rejected, ['month', 'year']);
    expect(periods).toEqual(['2026', '2026-11', '2027', '2027-01']);
  });
});
