/** Applying an allowed feedback action: the next state and the domain events to publish. */
import type { WorkingCalendar } from '../calendar.js';
import type { Instant } from '../time.js';
import type { FeedbackAction } from './feedback-actions.js';
import { checkAction } from './feedback-checks.js';
import type { FeedbackClassification } from './feedback-classification.js';
import {
  done,
  type FeedbackLimit,
  type FeedbackLimits,
  notApplicable,
  openClock,
  openLimit,
} from './feedback-limits.js';
import type { Transfer } from './feedback-state.js';
import {
  type FeedbackState,
  type FeedbackTransition,
  openSupplement,
  record,
  type SupplementRequest,
} from './feedback-state.js';
import { answeredStatuses } from './feedback-status.js';
import { reactionCounts, satisfactionOf } from './feedback-views.js';

// Applying actions

/**
 * Applies an allowed action. `calendar` is the handling unit's; for `forward` it must be the
 * target unit's, on which the new clock's limits are counted.
 */
export function applyAction(
  state: FeedbackState,
  action: FeedbackAction,
  now: Instant,
  calendar: WorkingCalendar,
): FeedbackTransition {
  checkAction(state, action, now);
  const { actor } = action;
  switch (action.name) {
    case 'accept': {
      const { topic } = action.payload;
      const classification: FeedbackClassification = topic === 'quy-dinh' ? 'thuoc-tham-quyen' : 'hanh-vi';
      const next: FeedbackState = {
        ...state,
        status: 'DANG_XU_LY',
        topic,
        classification,
        classifiedAt: now,
        limits: {
          ...state.limits,
          reject: notApplicable(state.limits.reject),
          forward: notApplicable(state.limits.forward),
        },
      };
      return record(next, now, action.name, actor, [
        { type: 'accepted', at: now, data: { topic, classification, unit: state.handlingUnit } },
      ]);
    }
    case 'reject': {
      const limits: FeedbackLimits = {
        reject: done(state.limits.reject, now),
        supplement: notApplicable(state.limits.supplement),
        forward: notApplicable(state.limits.forward),
        answer: notApplicable(state.limits.answer),
      };
      const next: FeedbackState = {
        ...state,
        status: 'KHONG_TIEP_NHAN',
        classification: 'khong-tiep-nhan',
        classifiedAt: now,
        topic: undefined,
        limits,
        rejection: { reason: action.payload.reason, at: now, by: actor.id },
        endedAt: now,
      };
      return record(next, now, action.name, actor, [
        {
          type: 'rejected',
          at: now,
          data: { reason: action.payload.reason, met: limits.reject.outcome === 'met' },
        },
      ]);
    }
    case 'forward': {
      const { topic, to, reason } = action.payload;
      const classification = topic === 'quy-dinh' ? 'ngoai-tham-quyen' : 'hanh-vi';
      const forwarded = done(state.limits.forward, now);
      const transfer: Transfer = {
        from: state.handlingUnit,
        to,
        at: now,
        topic,
        classification,
        reason,
        by: actor.id,
        dueDate: forwarded.dueDate,
        met: forwarded.outcome === 'met',
      };
      const next: FeedbackState = {
        ...state,
        status: 'CHUYEN_XU_LY',
        topic,
        classification,
        classifiedAt: now,
        handlingUnit: to,
        clockStartedAt: now,
        limits: openClock(now, state.rules, calendar),
        transfers: [...state.transfers, transfer],
        supplements: closeOpenSupplements(state, now),
        assignee: undefined,
      };
      return record(next, now, action.name, actor, [
        {
          type: 'forwarded',
          at: now,
          data: { from: transfer.from, to, topic, classification, reason, met: transfer.met },
        },
      ]);
    }
    case 'assign': {
      const { specialist } = action.payload;
      const next: FeedbackState = {
        ...state,
        assignee: { id: specialist.id, name: specialist.name, at: now, by: actor.id },
      };
      return record(next, now, action.name, actor, [
        { type: 'assigned', at: now, data: { specialist, unit: state.handlingUnit } },
      ]);
    }
    case 'request-supplement': {
      const first = !state.supplements.some((s) => s.requestedAt >= state.clockStartedAt);
      const request: SupplementRequest = {
        requestedAt: now,
        question: action.payload.question,
        items: action.payload.items ?? [],
        by: actor.id,
        unit: state.handlingUnit,
      };
      const supplement = first ? done(state.limits.supplement, now) : state.limits.supplement;
      const next: FeedbackState = {
        ...state,
        supplements: [...state.supplements, request],
        limits: { ...state.limits, supplement },
      };
      return record(next, now, action.name, actor, [
        {
          type: 'supplement-requested',
          at: now,
          data: {
            question: request.question,
            items: request.items,
            first,
            met: first ? supplement.outcome === 'met' : undefined,
          },
        },
      ]);
    }
    case 'provide-supplement': {
      const supplements = state.supplements.map((s, i) =>
        i === state.supplements.length - 1 ? { ...s, providedAt: now, content: action.payload.content } : s,
      );
      return record({ ...state, supplements }, now, action.name, actor, [
        { type: 'supplement-provided', at: now, data: {} },
      ]);
    }
    case 'assess': {
      const assessment = { ...action.payload, at: now, by: actor.id };
      return record({ ...state, assessment }, now, action.name, actor, [
        {
          type: 'assessed',
          at: now,
          data: { basis: assessment.basis, criteria: assessment.criteria },
        },
      ]);
    }
    case 'answer': {
      const answer = { ...action.payload, at: now, by: actor.id, unit: state.handlingUnit };
      const limits: FeedbackLimits = {
        ...state.limits,
        supplement: notApplicable(state.limits.supplement),
        answer: done(state.limits.answer, now),
        publish: openLimit(now, state.rules.publishWorkingDays, calendar),
      };
      const next: FeedbackState = {
        ...state,
        status: 'CHO_CONG_KHAI',
        answer,
        limits,
        supplements: closeOpenSupplements(state, now),
      };
      return record(next, now, action.name, actor, [
        {
          type: 'answered',
          at: now,
          data: { measure: answer.measure, met: limits.answer.outcome === 'met' },
        },
      ]);
    }
    case 'publish': {
      const publish = done(state.limits.publish as FeedbackLimit, now);
      const next: FeedbackState = {
        ...state,
        status: 'DA_CONG_KHAI',
        publication: { at: now, by: actor.id, link: action.payload.link },
        limits: { ...state.limits, publish },
      };
      return record(next, now, action.name, actor, [
        { type: 'published', at: now, data: { link: action.payload.link, met: publish.outcome === 'met' } },
      ]);
    }
    case 'rate': {
      const rating = { satisfied: action.payload.satisfied, comment: action.payload.comment, at: now };
      return record({ ...state, rating }, now, action.name, actor, [
        { type: 'rated', at: now, data: { satisfied: rating.satisfied } },
      ]);
    }
    case 'react': {
      const reactions = { ...state.reactions, [actor.id]: action.payload.like };
      const next = { ...state, reactions };
      const { likes, dislikes } = reactionCounts(next);
      return record(next, now, action.name, actor, [
        { type: 'reacted', at: now, data: { like: action.payload.like, likes, dislikes } },
      ]);
    }
  }
}

/**
 * Later feedback about this feedback's result (indicator 5.3). Only an answered feedback has a
 * result; anything else, or a follow-up already recorded, changes nothing (undefined).
 */
export function recordFollowUp(
  state: FeedbackState,
  followUpId: string,
  at: Instant,
): FeedbackTransition | undefined {
  if (state.endedAt !== undefined || !answeredStatuses.includes(state.status)) return undefined;
  if (followUpId === state.id || state.followUps.some((f) => f.feedbackId === followUpId)) return undefined;
  const next: FeedbackState = { ...state, followUps: [...state.followUps, { feedbackId: followUpId, at }] };
  return record(next, at, 'follow-up', undefined, [
    { type: 'followed-up', at, data: { feedbackId: followUpId } },
  ]);
}

/** The end of the window for ratings, reactions and follow-ups after publication. */
export function close(state: FeedbackState, at: Instant): FeedbackTransition {
  const next: FeedbackState = { ...state, endedAt: at };
  return record(next, at, 'close', undefined, [
    { type: 'closed', at, data: { countsAsSatisfied: satisfactionOf(next).countsAsSatisfied } },
  ]);
}

function closeOpenSupplements(state: FeedbackState, at: Instant): SupplementRequest[] {
  return state.supplements.map((s) => (s === openSupplement(state) ? { ...s, closedAt: at } : s));
}
