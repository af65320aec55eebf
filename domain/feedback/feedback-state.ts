/** A feedback's state as the machine keeps it, its creation and receipt. */
import type { Actor } from '../actor.js';
import type { WorkingCalendar } from '../calendar.js';
import {
  type DomainEvent,
  type HistoryEntry,
  recordTransition,
  type Transition,
} from '../state-machine-kit.js';
import type { CivilDate, Instant } from '../time.js';
import type { Criterion, Measure } from './feedback-actions.js';
import type { FeedbackClassification, FeedbackTopic } from './feedback-classification.js';
import {
  defaultFeedbackLimitRules,
  type FeedbackLimitRules,
  type FeedbackLimits,
  openClock,
} from './feedback-limits.js';
import type { Feedback } from './feedback-schema.js';
import type { FeedbackStatus } from './feedback-status.js';
import { missingContactDetails } from './feedback-submission.js';

export type FeedbackHistoryEntry = HistoryEntry<FeedbackStatus>;
export type FeedbackDomainEvent = DomainEvent;
export type FeedbackTransition = Transition<FeedbackState>;

export interface Transfer {
  from: string;
  to: string;
  at: Instant;
  topic: FeedbackTopic;
  classification: 'hanh-vi' | 'ngoai-tham-quyen';
  reason: string;
  by: string;
  /** The forwarding unit's limit, and whether it was met. */
  dueDate: CivilDate;
  met: boolean;
}

export interface SupplementRequest {
  requestedAt: Instant;
  question: string;
  items: string[];
  by: string;
  unit: string;
  providedAt?: Instant;
  content?: string;
  /** Closed without a reply: the feedback was forwarded or answered first. */
  closedAt?: Instant;
}

export interface FeedbackState {
  id: string;
  status: FeedbackStatus;
  feedback: Feedback;
  submittedAt: Instant;
  rules: FeedbackLimitRules;
  /** The unit holding the feedback now: the receiving unit, or the latest transfer's target. */
  handlingUnit: string;
  /** Submission, or the latest transfer: the limits count from here. */
  clockStartedAt: Instant;
  limits: FeedbackLimits;
  topic?: FeedbackTopic;
  classification?: FeedbackClassification;
  classifiedAt?: Instant;
  transfers: Transfer[];
  supplements: SupplementRequest[];
  /** The specialist of the unit holding it whom its leader assigned (cleared when it is forwarded). */
  assignee?: { id: string; name: string; at: Instant; by: string };
  assessment?: {
    basis: 'du-can-cu' | 'chua-du-can-cu';
    criteria: Partial<Record<Criterion, { met: boolean; note?: string }>>;
    note: string;
    at: Instant;
    by: string;
  };
  rejection?: { reason: string; at: Instant; by: string };
  answer?: { content: string; measure?: Measure; at: Instant; by: string; unit: string };
  publication?: { at: Instant; by: string; link?: string };
  rating?: { satisfied: boolean; comment?: string; at: Instant };
  /** Likes (true) and dislikes (false) of the published answer, by person id. */
  reactions: Record<string, boolean>;
  /** Later feedback about this one's result (indicator 5.3). */
  followUps: Array<{ feedbackId: string; at: Instant }>;
  endedAt?: Instant;
  history: FeedbackHistoryEntry[];
}

export function newFeedback(
  id: string,
  feedback: Feedback,
  submittedAt: Instant,
  calendar: WorkingCalendar,
  rules: FeedbackLimitRules = defaultFeedbackLimitRules,
): FeedbackState {
  return {
    id,
    status: 'CHO_TIEP_NHAN',
    feedback,
    submittedAt,
    rules,
    handlingUnit: feedback.receivingUnit,
    clockStartedAt: submittedAt,
    limits: openClock(submittedAt, rules, calendar),
    transfers: [],
    supplements: [],
    reactions: {},
    followUps: [],
    history: [],
  };
}

/** The first transition: the feedback is registered (ND 20 Art 9(b)–(c)). */
export function receive(state: FeedbackState, at: Instant): FeedbackTransition {
  return record(state, at, 'receive', undefined, [
    {
      type: 'submitted',
      at,
      data: {
        channel: state.feedback.channel,
        missingContactDetails: missingContactDetails(state.feedback),
      },
    },
  ]);
}

export function openSupplement(state: FeedbackState): SupplementRequest | undefined {
  const last = state.supplements.at(-1);
  return last && last.providedAt === undefined && last.closedAt === undefined ? last : undefined;
}

/** The transition to `state`, recorded in its history. */
export function record(
  state: FeedbackState,
  at: Instant,
  action: string,
  actor: Actor | undefined,
  events: FeedbackDomainEvent[],
): FeedbackTransition {
  return recordTransition(state, at, action, actor, events);
}
