/**
 * Feedback and petitions on administrative regulations (phản ánh, kiến nghị — PAKN), ND 20/2008
 * (DOMAIN.md §5), measured by Decision 766 indicators 5.1–5.3 (DOMAIN.md §2.3 group 5), as a pure
 * state machine. The Temporal workflow wraps it as it wraps the dossier machine: `checkAction` is
 * the update validator (synchronous, changes nothing) and `applyAction` returns the next state and
 * the domain events to publish. Time is always passed in (workflow time); working-day limits are
 * computed with the calendar the caller passes (the handling unit's).
 *
 * Lifecycle:
 *   CHO_TIEP_NHAN ─accept→ DANG_XU_LY ─answer→ CHO_CONG_KHAI ─publish→ DA_CONG_KHAI
 *        │  └─reject→ KHONG_TIEP_NHAN (ends)
 *        └─forward→ CHUYEN_XU_LY (held by the target unit, which accepts, rejects or forwards again)
 * Classification (ND 20 Art 9(d)): not accepted → reject; slow, harassing or wrong implementation
 * by agencies or officials (hành vi) → forward to the competent agency, or accept when the unit
 * itself is competent; a regulation within the unit's competence → accept; outside it → forward
 * (≤ 5 working days).
 *
 * Operational limits (DVCQG PAKN system, indicator 5.2), in working days counted like a statutory
 * deadline (first day not counted, off-hours receipt counts from the next working day) from the
 * submission or the latest transfer: reject ≤ 2, first supplementation request ≤ 5, forward ≤ 5,
 * answered ("chờ công khai") ≤ 15; publication ≤ 2 from the answer. The supplementation clock is
 * not paused while the submitter completes the feedback: DOMAIN.md states no pause (UNCONFIRMED).
 */
import { z } from 'zod';
import type { WorkingCalendar } from './calendar.js';
import { computeAppointment } from './deadline.js';
import { type Actor, actorSchema, type Role } from './dossier.js';
import type { Feedback } from './feedback-schema.js';
import { lazyRecord } from './lazy.js';
import { type CivilDate, formatInstant, type Instant } from './time.js';
import { unitCodeSchema } from './unit-code.js';
import { textSchema } from './validation.js';

export { type Actor, actorSchema };

// ---------------------------------------------------------------------------------------------
// Statuses: the names the national PAKN system and Decision 766 use.

export const feedbackStatusNames = {
  CHO_TIEP_NHAN: 'Chờ tiếp nhận',
  KHONG_TIEP_NHAN: 'Không tiếp nhận',
  CHUYEN_XU_LY: 'Chuyển xử lý',
  DANG_XU_LY: 'Đang xử lý',
  CHO_CONG_KHAI: 'Chờ công khai',
  DA_CONG_KHAI: 'Đã công khai',
} as const;

export type FeedbackStatus = keyof typeof feedbackStatusNames;

/** Not yet classified by the unit holding it: received, or transferred to it. */
const unclassifiedStatuses: readonly FeedbackStatus[] = ['CHO_TIEP_NHAN', 'CHUYEN_XU_LY'];
/** Answered: the result exists (indicator 5.2 "processed"). */
const answeredStatuses: readonly FeedbackStatus[] = ['CHO_CONG_KHAI', 'DA_CONG_KHAI'];

// ---------------------------------------------------------------------------------------------
// Classification (ND 20 Art 9(d)) and topic (indicator 5.1)

/** Indicator 5.1 topic: "quy định, chính sách, thủ tục" or "hành vi CBCC". */
export const topicNames = {
  'quy-dinh': 'Quy định, chính sách, thủ tục hành chính',
  'hanh-vi': 'Hành vi của cơ quan, cán bộ, công chức',
} as const;
export type FeedbackTopic = keyof typeof topicNames;
const topics = Object.keys(topicNames) as [FeedbackTopic, ...FeedbackTopic[]];

/** The four classes of ND 20 Art 9(d). */
export const classificationNames = {
  'khong-tiep-nhan': 'Không đủ điều kiện tiếp nhận (ND 20 Art 7)',
  'hanh-vi': 'Phản ánh về hành vi chậm trễ, gây phiền hà, không thực hiện hoặc thực hiện không đúng quy định',
  'thuoc-tham-quyen': 'Phản ánh, kiến nghị về quy định hành chính thuộc thẩm quyền',
  'ngoai-tham-quyen': 'Phản ánh, kiến nghị về quy định hành chính không thuộc thẩm quyền',
} as const;
export type FeedbackClassification = keyof typeof classificationNames;

// ---------------------------------------------------------------------------------------------
// The feedback as submitted (ND 20 Art 6–7)

/** Art 6–7: written (directly, by post, electronically), by the published hotline, or by opinion form. */
export const feedbackChannels = ['direct', 'postal', 'online', 'phone', 'opinion-form'] as const;
export type FeedbackChannel = (typeof feedbackChannels)[number];

/** `PAKN-<receiving unit>-YYMMDD-XXXX`: the workflow id of a feedback. */
export const FEEDBACK_ID = /^PAKN-\d{3}\.\d{2}\.\d{2}\.[A-Z]\d{2}-\d{6}-\d{4}$/;

export function feedbackIdFor(code: string): string {
  return `PAKN-${code}`;
}

export type { Feedback, FeedbackInput } from './feedback-schema.js';

/** The submitter's key: số định danh cá nhân, or the organisation's tax code. */
export function submitterId(feedback: Pick<Feedback, 'submitter'>): string {
  const { submitter } = feedback;
  return submitter.type === 'citizen' ? submitter.idNumber : submitter.taxCode;
}

/**
 * ND 20 Art 7: the feedback must give a name, an address and a phone number. What is missing is a
 * ground for not accepting it (the officer decides; the schema does not refuse such feedback).
 */
export function missingContactDetails(feedback: Pick<Feedback, 'submitter'>): string[] {
  const missing: string[] = [];
  if (!feedback.submitter.address) missing.push('địa chỉ');
  if (!feedback.submitter.phone) missing.push('số điện thoại');
  return missing;
}

// ---------------------------------------------------------------------------------------------
// Limits

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

function openLimit(from: Instant, workingDays: number, calendar: WorkingCalendar): FeedbackLimit {
  const { dueDate, dueAt } = computeAppointment(from, { unit: 'working-days', value: workingDays }, calendar);
  return { workingDays, from, dueDate, dueAt, outcome: 'pending' };
}

function openClock(from: Instant, rules: FeedbackLimitRules, calendar: WorkingCalendar): FeedbackLimits {
  return {
    reject: openLimit(from, rules.rejectWorkingDays, calendar),
    supplement: openLimit(from, rules.supplementWorkingDays, calendar),
    forward: openLimit(from, rules.forwardWorkingDays, calendar),
    answer: openLimit(from, rules.answerWorkingDays, calendar),
  };
}

function done(limit: FeedbackLimit, at: Instant): FeedbackLimit {
  return { ...limit, doneAt: at, outcome: at <= limit.dueAt ? 'met' : 'missed' };
}

function notApplicable(limit: FeedbackLimit): FeedbackLimit {
  return limit.outcome === 'pending' || limit.outcome === 'overdue'
    ? { ...limit, outcome: 'not-applicable', overdueSince: undefined }
    : limit;
}

// ---------------------------------------------------------------------------------------------
// Actions

/** The six criteria of ND 20 Art 14(c). */
export const criterionNames = {
  'can-thiet': 'Sự cần thiết',
  'hop-ly-hop-phap': 'Tính hợp lý, hợp pháp',
  'don-gian': 'Tính đơn giản',
  'kha-thi': 'Tính khả thi',
  'thong-nhat': 'Tính thống nhất với quy định khác',
  'tuong-thich-dieu-uoc': 'Tính tương thích với điều ước quốc tế',
} as const;
export type Criterion = keyof typeof criterionNames;
const criteria = Object.keys(criterionNames) as [Criterion, ...Criterion[]];

/** What the answer decides (ND 20 Art 15), or how a conduct complaint ended. */
export const measureNames = {
  'sua-doi': 'Sửa đổi quy định',
  'bo-sung': 'Bổ sung quy định',
  'bai-bo': 'Bãi bỏ quy định',
  'huy-bo': 'Hủy bỏ quy định',
  'kien-nghi': 'Kiến nghị cơ quan có thẩm quyền sửa đổi, bổ sung, bãi bỏ, hủy bỏ',
  'ban-hanh-moi': 'Ban hành quy định mới',
  'giai-trinh': 'Giải thích, giữ nguyên quy định',
  'tiep-tuc-thu-thap': 'Chưa đủ căn cứ, tiếp tục thu thập thông tin',
  'xu-ly-vi-pham': 'Xử lý cán bộ, công chức vi phạm',
  'khong-vi-pham': 'Không có vi phạm',
} as const;
export type Measure = keyof typeof measureNames;
const measures = Object.keys(measureNames) as [Measure, ...Measure[]];

const assessmentSchema = z
  .strictObject({
    /** Art 14(b): enough basis to assess, or not enough (keep collecting information). */
    basis: z.enum(['du-can-cu', 'chua-du-can-cu'], 'must be "du-can-cu" or "chua-du-can-cu"'),
    criteria: z
      .partialRecord(z.enum(criteria), z.strictObject({ met: z.boolean(), note: textSchema.optional() }))
      .default({}),
    note: textSchema,
  })
  .superRefine((value, ctx) => {
    if (value.basis !== 'du-can-cu') return;
    const missing = criteria.filter((c) => value.criteria[c] === undefined);
    if (missing.length > 0) {
      ctx.addIssue({
        code: 'custom',
        path: ['criteria'],
        message: `an assessment with enough basis covers all six criteria of ND 20 Art 14(c); missing ${missing.join(', ')}`,
      });
    }
  });

export const feedbackActionSchemas = lazyRecord({
  /** Classify as within the unit's competence (quy định) or as conduct the unit itself handles. */
  accept: () =>
    z.strictObject({
      topic: z.enum(topics, 'must be "quy-dinh" or "hanh-vi"'),
      note: textSchema.optional(),
    }),
  /** Not accepted (does not meet ND 20 Art 7, or is a complaint/denunciation). */
  reject: () => z.strictObject({ reason: textSchema }),
  /** Conduct to the competent agency, or a regulation outside the unit's competence. */
  forward: () =>
    z.strictObject({
      topic: z.enum(topics, 'must be "quy-dinh" or "hanh-vi"'),
      to: unitCodeSchema,
      reason: textSchema,
    }),
  'request-supplement': () =>
    z.strictObject({
      question: textSchema,
      items: z.array(textSchema).optional(),
    }),
  'provide-supplement': () => z.strictObject({ content: textSchema }),
  assess: () => assessmentSchema,
  answer: () =>
    z.strictObject({
      content: textSchema,
      measure: z.enum(measures, `must be one of ${measures.join(', ')}`).optional(),
    }),
  publish: () => z.strictObject({ link: textSchema.optional() }),
  /** The submitter's own verdict on the answer. */
  rate: () => z.strictObject({ satisfied: z.boolean(), comment: z.string().max(2000).optional() }),
  /** A like or dislike of the published answer (DVCQG), one per person; a new one replaces the old. */
  react: () => z.strictObject({ like: z.boolean() }),
});

export type FeedbackActionName = keyof typeof feedbackActionSchemas;
export const feedbackActionNames = Object.keys(feedbackActionSchemas) as FeedbackActionName[];
export type FeedbackActionPayload<A extends FeedbackActionName> = z.output<(typeof feedbackActionSchemas)[A]>;
export type FeedbackActionInput<A extends FeedbackActionName> = z.input<(typeof feedbackActionSchemas)[A]>;

export type FeedbackAction = {
  [A in FeedbackActionName]: { name: A; actor: Actor; payload: FeedbackActionPayload<A> };
}[FeedbackActionName];

// ---------------------------------------------------------------------------------------------
// State

export interface FeedbackHistoryEntry {
  at: string;
  action: string;
  status: FeedbackStatus;
  actor?: { id: string; name: string; unit: string; role: Role };
  note?: string;
}

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

// ---------------------------------------------------------------------------------------------
// Errors

export type FeedbackRejectionCode =
  | 'ILLEGAL_STATE'
  | 'WRONG_AGENCY'
  | 'WRONG_ROLE'
  | 'NOT_SUBMITTER'
  | 'OUT_OF_ORDER'
  | 'NOT_APPLICABLE'
  | 'ONCE_ONLY'
  | 'INVALID_INPUT';

/** An action the rules do not allow now; it changes nothing. */
export class FeedbackActionRejected extends Error {
  override name = 'FeedbackActionRejected';
  constructor(
    readonly code: FeedbackRejectionCode,
    message: string,
  ) {
    super(message);
  }
}

function reject(code: FeedbackRejectionCode, message: string): never {
  throw new FeedbackActionRejected(code, message);
}

// ---------------------------------------------------------------------------------------------
// Creation

export interface FeedbackDomainEvent {
  type: string;
  at: Instant;
  data: Record<string, unknown>;
}

export interface FeedbackTransition {
  state: FeedbackState;
  events: FeedbackDomainEvent[];
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

// ---------------------------------------------------------------------------------------------
// Checks shared by the validator and the handler

const intakeRoles: readonly Role[] = ['counter-officer', 'specialist', 'leader'];
const processingRoles: readonly Role[] = ['specialist', 'leader'];
const answerRoles: readonly Role[] = ['leader'];

function requireStatus(state: FeedbackState, allowed: readonly FeedbackStatus[], action: string): void {
  if (state.endedAt !== undefined || !allowed.includes(state.status)) {
    reject(
      'ILLEGAL_STATE',
      `Không thể thực hiện "${action}" khi phản ánh, kiến nghị ở trạng thái "${feedbackStatusNames[state.status]}"${state.endedAt !== undefined ? ' (đã kết thúc)' : ''}`,
    );
  }
}

function requireOfficial(state: FeedbackState, actor: Actor, roles: readonly Role[]): void {
  if (actor.unit !== state.handlingUnit) {
    reject(
      'WRONG_AGENCY',
      `Phản ánh, kiến nghị đang do ${state.handlingUnit} xử lý; cán bộ của ${actor.unit} không thực hiện được thao tác này`,
    );
  }
  if (!roles.includes(actor.role)) {
    reject(
      'WRONG_ROLE',
      `Thao tác này cần vai trò ${roles.join(' hoặc ')}; người thực hiện có vai trò ${actor.role}`,
    );
  }
}

function requireSubmitter(state: FeedbackState, actor: Actor): void {
  if (actor.role !== 'applicant') {
    reject('WRONG_ROLE', `Thao tác này do người gửi phản ánh, kiến nghị thực hiện, không phải ${actor.role}`);
  }
  if (actor.id !== submitterId(state.feedback)) {
    reject('NOT_SUBMITTER', 'Chỉ người gửi phản ánh, kiến nghị mới thực hiện được thao tác này');
  }
}

function openSupplement(state: FeedbackState): SupplementRequest | undefined {
  const last = state.supplements.at(-1);
  return last && last.providedAt === undefined && last.closedAt === undefined ? last : undefined;
}

/** Throws FeedbackActionRejected when the action is not allowed now; changes nothing. */
export function checkAction(state: FeedbackState, action: FeedbackAction, _now: Instant): void {
  const { actor } = action;
  switch (action.name) {
    case 'accept':
    case 'reject':
      requireStatus(
        state,
        unclassifiedStatuses,
        action.name === 'accept' ? 'tiếp nhận' : 'từ chối tiếp nhận',
      );
      requireOfficial(state, actor, intakeRoles);
      return;
    case 'forward':
      requireStatus(state, unclassifiedStatuses, 'chuyển xử lý');
      requireOfficial(state, actor, intakeRoles);
      if (action.payload.to === state.handlingUnit) {
        reject(
          'INVALID_INPUT',
          `Phản ánh, kiến nghị đang ở ${state.handlingUnit}; không chuyển cho chính đơn vị này`,
        );
      }
      return;
    case 'request-supplement':
      requireStatus(state, [...unclassifiedStatuses, 'DANG_XU_LY'], 'yêu cầu bổ sung');
      requireOfficial(state, actor, intakeRoles);
      if (openSupplement(state)) {
        reject('OUT_OF_ORDER', 'Đang chờ người gửi bổ sung theo yêu cầu trước; chưa yêu cầu thêm');
      }
      return;
    case 'provide-supplement':
      requireStatus(state, [...unclassifiedStatuses, 'DANG_XU_LY'], 'bổ sung thông tin');
      requireSubmitter(state, actor);
      if (!openSupplement(state)) reject('OUT_OF_ORDER', 'Không có yêu cầu bổ sung nào đang chờ');
      return;
    case 'assess':
      requireStatus(state, ['DANG_XU_LY'], 'đánh giá quy định');
      requireOfficial(state, actor, processingRoles);
      if (state.topic !== 'quy-dinh') {
        reject(
          'NOT_APPLICABLE',
          'Phản ánh về hành vi được xử lý theo quy định pháp luật; không đánh giá theo 6 tiêu chí (ND 20 Art 14)',
        );
      }
      return;
    case 'answer':
      requireStatus(state, ['DANG_XU_LY'], 'trả lời');
      requireOfficial(state, actor, answerRoles);
      if (state.topic === 'quy-dinh' && !state.assessment) {
        reject('OUT_OF_ORDER', 'Phải đánh giá quy định theo 6 tiêu chí trước khi trả lời (ND 20 Art 14(c))');
      }
      return;
    case 'publish':
      requireStatus(state, ['CHO_CONG_KHAI'], 'công khai kết quả');
      requireOfficial(state, actor, processingRoles);
      return;
    case 'rate':
      requireStatus(state, answeredStatuses, 'đánh giá mức độ hài lòng');
      requireSubmitter(state, actor);
      if (state.rating) reject('ONCE_ONLY', 'Người gửi đã đánh giá kết quả xử lý; chỉ đánh giá một lần');
      return;
    case 'react':
      requireStatus(state, ['DA_CONG_KHAI'], 'bày tỏ thích / không thích');
      if (actor.role !== 'applicant') {
        reject('WRONG_ROLE', 'Chỉ người dân, doanh nghiệp bày tỏ thích / không thích kết quả đã công khai');
      }
      if (state.reactions[actor.id] === action.payload.like) {
        reject('ONCE_ONLY', `Người này đã bày tỏ ${action.payload.like ? 'thích' : 'không thích'}`);
      }
      return;
  }
}

// ---------------------------------------------------------------------------------------------
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
      };
      return record(next, now, action.name, actor, [
        {
          type: 'forwarded',
          at: now,
          data: { from: transfer.from, to, topic, classification, reason, met: transfer.met },
        },
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

function record(
  state: FeedbackState,
  at: Instant,
  action: string,
  actor: Actor | undefined,
  events: FeedbackDomainEvent[],
): FeedbackTransition {
  const entry: FeedbackHistoryEntry = {
    at: formatInstant(at),
    action,
    status: state.status,
    actor: actor ? { id: actor.id, name: actor.name, unit: actor.unit, role: actor.role } : undefined,
  };
  return { state: { ...state, history: [...state.history, entry] }, events };
}

// ---------------------------------------------------------------------------------------------
// Timers: each limit whose step is still open is flagged when it passes.

/** Whether the step a limit measures can still happen now. */
function isOpen(state: FeedbackState, name: LimitName): boolean {
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

// ---------------------------------------------------------------------------------------------
// Views: the facts indicators 5.2 and 5.3 need.

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
